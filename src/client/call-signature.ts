// The call signature of the client's methods, typed from the spec: which paths each method
// takes, what the second argument holds (openapi-fetch's options, upload files, per-call
// options) and when it is required.
import type { FetchOptions, MaybeOptionalInit } from "openapi-fetch";
import type { paths } from "../../generated/schema.js";
import type { P100Result } from "./result.js";
import type { CallRetry } from "./retry.js";
import type { UploadFile } from "./uploads.js";

/** The methods of the spec's operations (and of the client, upper-cased). */
export type HttpMethod = "get" | "put" | "post" | "delete" | "patch";

/** Per-call options on top of openapi-fetch's. */
export interface CallOptions {
  /** Overrides the client's per-attempt timeout for this call. */
  timeoutMs?: number;
  /** Overrides the client's `totalTimeoutMs` (the whole call, retries and waits included) for this call. */
  totalTimeoutMs?: number;
  /** `false` turns retries off; `true` turns them on even for POST/PATCH; an object tunes them. */
  retry?: CallRetry;
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
