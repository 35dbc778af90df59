// What a call returns: openapi-fetch's { data, error, response }, plus `status`, typed as the
// union of the operation's documented responses, so that checking `status` narrows `data`/`error`.
import type { FetchOptions, MaybeOptionalInit } from "openapi-fetch";
import type { paths } from "../generated/schema.js";

export type HttpMethod = "get" | "put" | "post" | "delete" | "patch";

type Responses<Op> = Op extends { responses: infer R } ? R : never;
type JsonBody<R> = R extends { content: { "application/json": infer Body } } ? Body : undefined;
type IsSuccess<Status extends number> = `${Status}` extends `2${string}` ? true : false;

/** A `Response` whose `status` is known. */
export type ResponseWithStatus<Status extends number> = Response & { readonly status: Status };

/** The result of one documented response: 2xx bodies in `data`, all others in `error`. */
export type StatusResult<Op, Status extends number> =
  IsSuccess<Status> extends true
    ? { status: Status; data: JsonBody<Responses<Op>[Status & keyof Responses<Op>]>; error?: never; response: ResponseWithStatus<Status> }
    : { status: Status; data?: never; error: JsonBody<Responses<Op>[Status & keyof Responses<Op>]>; response: ResponseWithStatus<Status> };

/** Every documented outcome of an operation, discriminated by `status`. */
export type P100Result<Op> = { [Status in keyof Responses<Op> & number]: StatusResult<Op, Status> }[keyof Responses<Op> & number];

/** The paths that have a given method. */
export type PathsWith<Method extends HttpMethod> = {
  [Path in keyof paths]: paths[Path] extends { [M in Method]: object } ? Path : never;
}[keyof paths];

type Operation<Path extends keyof paths, Method extends HttpMethod> = paths[Path][Method & keyof paths[Path]];

/** The second argument of a call: required when the operation has a required body or parameter. */
type InitArgs<Path extends keyof paths, Method extends HttpMethod> =
  undefined extends MaybeOptionalInit<paths[Path], Method>
    ? [init?: FetchOptions<Operation<Path, Method>>]
    : [init: FetchOptions<Operation<Path, Method>>];

export type P100Method<Method extends HttpMethod> = <Path extends PathsWith<Method>>(
  path: Path,
  ...init: InitArgs<Path, Method>
) => Promise<P100Result<Operation<Path, Method>>>;
