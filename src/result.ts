// What a call returns: openapi-fetch's { data, error, response } plus `status` and `outcome`,
// typed from the spec: `status` is the union of the operation's documented codes, so checking
// it narrows `data` (2xx) or `error`; `outcome` tells a completed success from an error-shaped
// 2xx (`pending`, e.g. 202 P211) and from anything the spec does not describe (`unexpected`).
import type { P100UnexpectedError } from "./errors.js";
import type { JsonBody } from "./types.js";

/** How a call ended. The result types below take their literals from here. */
export type Outcome = "success" | "pending" | "error" | "unexpected";

type Responses<Op> = Op extends { responses: infer R } ? R : never;
type IsSuccess<Status extends number> = `${Status}` extends `2${string}` ? true : false;

/** A `Response` whose `status` is known. */
export type ResponseWithStatus<Status extends number> = Response & { readonly status: Status };

/** The result of one documented response: 2xx bodies in `data`, all others in `error`. */
export type StatusResult<Op, Status extends number, Body = JsonBody<Responses<Op>[Status & keyof Responses<Op>]>> =
  IsSuccess<Status> extends true
    ? {
        outcome: Extract<Outcome, Body extends { errorCode: string } ? "pending" : "success">;
        status: Status;
        data: Body;
        error?: never;
        response: ResponseWithStatus<Status>;
      }
    : {
        outcome: Extract<Outcome, "error">;
        status: Status;
        data?: never;
        error: Body;
        response: ResponseWithStatus<Status>;
      };

/**
 * An answer the spec does not describe, or none at all: see `error.reason`. It has no `status`
 * (the HTTP status, if any, is `error.status`), so checking `status` narrows to documented answers.
 */
export interface UnexpectedResult {
  outcome: Extract<Outcome, "unexpected">;
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
