// What a call returns: openapi-fetch's { data, error, response } plus `status` and `outcome`,
// typed from the spec: `status` is the union of the operation's documented codes, so checking
// it narrows `data` (2xx) or `error`; `outcome` tells a completed success from an error-shaped
// 2xx (`pending`, e.g. 202 P211) and from anything the spec does not describe (`unexpected`).
import type { FetchOptions, MaybeOptionalInit } from "openapi-fetch";
import type { paths } from "../generated/schema.js";
import type { P100UnexpectedError } from "./errors.js";
import type { RetryOptions } from "./transport.js";
import type { UploadFile } from "./uploads.js";

export type HttpMethod = "get" | "put" | "post" | "delete" | "patch";

type Responses<Op> = Op extends { responses: infer R } ? R : never;
type JsonBody<R> = R extends { content: { "application/json": infer Body } } ? Body : undefined;
type IsSuccess<Status extends number> = `${Status}` extends `2${string}` ? true : false;

/** A `Response` whose `status` is known. */
export type ResponseWithStatus<Status extends number> = Response & { readonly status: Status };

/** The result of one documented response: 2xx bodies in `data`, all others in `error`. */
export type StatusResult<Op, Status extends number, Body = JsonBody<Responses<Op>[Status & keyof Responses<Op>]>> =
  IsSuccess<Status> extends true
    ? {
        outcome: Body extends { errorCode: string } ? "pending" : "success";
        status: Status;
        data: Body;
        error?: never;
        response: ResponseWithStatus<Status>;
      }
    : { outcome: "error"; status: Status; data?: never; error: Body; response: ResponseWithStatus<Status> };

/**
 * An answer the spec does not describe, or none at all: see `error.reason`. It has no `status`
 * (the HTTP status, if any, is `error.status`), so checking `status` narrows to documented answers.
 */
export interface UnexpectedResult {
  outcome: "unexpected";
  status?: undefined;
  data?: never;
  error: P100UnexpectedError;
  /** The answer, when one arrived. */
  response: Response | undefined;
}

/** Every outcome of an operation: its documented responses, discriminated by `status`, or unexpected. */
export type P100Result<Op> =
  | { [Status in keyof Responses<Op> & number]: StatusResult<Op, Status> }[keyof Responses<Op> & number]
  | UnexpectedResult;

/** Per-call options on top of openapi-fetch's. */
export interface CallOptions {
  /** Overrides the client's timeout for this call. */
  timeoutMs?: number;
  /** `false` turns retries off; `true` turns them on even for POST/PATCH; an object tunes them. */
  retry?: boolean | Partial<RetryOptions>;
}

/** The paths that have a given method. */
export type PathsWith<Method extends HttpMethod> = {
  [Path in keyof paths]: paths[Path] extends { [M in Method]: object } ? Path : never;
}[keyof paths];

type Operation<Path extends keyof paths, Method extends HttpMethod> = paths[Path][Method & keyof paths[Path]];

/** Multipart bodies take any `UploadFile` where the spec says binary. */
type UploadBody<Body> = { [K in keyof Body]: Body[K] extends Blob[] ? UploadFile[] : Body[K] };
type MultipartBody<Op> = Op extends { requestBody: { content: { "multipart/form-data": infer Body } } } ? Body : never;
type Init<Op> = [MultipartBody<Op>] extends [never]
  ? Omit<FetchOptions<Op>, "parseAs"> & CallOptions
  : Omit<FetchOptions<Op>, "body" | "parseAs"> & { body: UploadBody<MultipartBody<Op>> } & CallOptions;

/** The second argument of a call: required when the operation has a required body or parameter. */
type InitArgs<Path extends keyof paths, Method extends HttpMethod> =
  undefined extends MaybeOptionalInit<paths[Path], Method>
    ? [init?: Init<Operation<Path, Method>>]
    : [init: Init<Operation<Path, Method>>];

export type P100Method<Method extends HttpMethod> = <Path extends PathsWith<Method>>(
  path: Path,
  ...init: InitArgs<Path, Method>
) => Promise<P100Result<Operation<Path, Method>>>;
