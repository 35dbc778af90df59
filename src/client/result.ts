// What a call returns: openapi-fetch's { data, error, response } plus `status`, `outcome` and
// `drift`, typed from the spec: `status` is the union of the operation's documented codes, so
// checking it narrows `data` (2xx) or `error`; `outcome` tells a completed success from an
// error-shaped 2xx (`pending`, e.g. 202 P211), an error, and anything that cannot be a P100
// answer (`unexpected`). Where the spec guesses a shape, a real answer that differs still gets its
// outcome, with the differences in `drift` (see outcome.ts). `hasErrorCode` reads a result's P-code.
import type { ErrorBody, operations } from "../../generated/schema.js";
import type { P100UnexpectedError } from "../errors.js";
import type { JsonBody, OperationId } from "./operation-types.js";

/** How a call ended. The result types below take their literals from here. */
export type Outcome = "success" | "pending" | "error" | "unexpected";

/** Any P-code the operation does not document (the `string & {}` keeps the documented ones listed). */
export type UnlistedCode = string & {};

/**
 * An error-shaped body as it may really arrive: its documented `errorCode`s, any other P-code, or
 * none at all (a 400 without a P-code, such as the mock's refusal of a bad `Prefer`, is still the
 * documented 400, with "`errorCode` is missing" in `drift`), so `errorCode` is optional.
 * Comparing with a documented code narrows; an unknown code falls to the default branch.
 */
export type Tolerant<Body> = Body extends { errorCode: infer Code }
  ? Omit<Body, "errorCode"> & { errorCode?: Code | UnlistedCode }
  : Body;

/** What differs between a real answer and the spec's shape for it; present on every documented answer. */
interface Drift {
  /** Each difference, e.g. "`poaRequiredForExtended` is missing"; empty when the body has the documented shape. */
  drift: readonly string[];
  /** The raw body text, when `drift` is not empty (the API key redacted). */
  text?: string;
}

type Responses<Op> = Op extends { responses: infer R } ? R : never;
type IsSuccess<Status extends number> = `${Status}` extends `2${string}` ? true : false;

/** A `Response` whose `status` is known. */
export type ResponseWithStatus<Status extends number> = Response & { readonly status: Status };

/** The result of one documented response: 2xx bodies in `data`, all others in `error`. */
export type StatusResult<Op, Status extends number, Body = JsonBody<Responses<Op>[Status & keyof Responses<Op>]>> =
  IsSuccess<Status> extends true
    ? Drift & {
        outcome: Extract<Outcome, Body extends { errorCode: string } ? "pending" : "success">;
        status: Status;
        data: Tolerant<Body>;
        error?: never;
        response: ResponseWithStatus<Status>;
      }
    : Drift & {
        outcome: Extract<Outcome, "error">;
        status: Status;
        data?: never;
        error: Tolerant<Body>;
        response: ResponseWithStatus<Status>;
      };

/**
 * A P100 error (a 4xx whose body carries a P-code) under an HTTP status the operation does not
 * document. `status` is undefined so that checking it narrows to documented answers; the HTTP
 * status is `response.status`, and `drift` names it.
 */
export type UnlistedErrorResult = Drift & {
  outcome: Extract<Outcome, "error">;
  status?: undefined;
  data?: never;
  error: Omit<ErrorBody, "errorCode"> & { errorCode: UnlistedCode };
  response: Response;
};

/**
 * An answer that cannot be a P100 answer, or none at all: see `error.reason`. It has no `status`
 * (the HTTP status, if any, is `error.status`), so checking `status` narrows to documented answers.
 */
export interface UnexpectedResult {
  outcome: Extract<Outcome, "unexpected">;
  status?: undefined;
  data?: never;
  error: P100UnexpectedError;
  /** The answer, when one arrived. */
  response: Response | undefined;
  drift?: undefined;
  text?: undefined;
}

/** An operation's documented answers, discriminated by `status`. */
export type DocumentedResult<Op> = {
  [Status in keyof Responses<Op> & number]: StatusResult<Op, Status>;
}[keyof Responses<Op> & number];

/** An operation given by its operationId (`"extendUser"`), or as the spec's operation object. */
type OperationOf<Op> = Op extends OperationId ? operations[Op] : Op;

/**
 * Every outcome of an operation, given by its operationId (`P100Result<"extendUser">`) or as the
 * spec's operation object: its documented responses, discriminated by `status`, or the others.
 * In a generic function (`<Op extends OperationId>(result: P100Result<Op>)`), checking `outcome`
 * narrows: `"unexpected"` to `UnexpectedResult`, the others to what every documented answer has.
 */
export type P100Result<Op> = Op extends unknown
  ? DocumentedResult<OperationOf<Op>> | UnlistedErrorResult | UnexpectedResult
  : never;

/** The result of any call, of any operation: for logging and other helpers that take them all. */
export type AnyP100Result = { [Id in OperationId]: P100Result<Id> }[OperationId];

// Reading a result's P-code: a documented error's `error`, or the error-shaped `data` of a 202
// (P210/P211). Typed so that only the codes the operation documents compile.
type CodeOf<Body> = Body extends { errorCode?: infer Code } ? Code : never;
/** The literal codes only: an operation's documented P-codes, without the open `string` part. */
type Documented<Code> = Code extends string ? (string extends Code ? never : Code) : never;

/**
 * Whether `body` carries the P-code `code`, narrowing it to that code:
 * `hasErrorCode(result.error, "P458")`, `hasErrorCode(result.data, "P211")`.
 */
export function hasErrorCode<Body, Code extends Documented<CodeOf<Body>>>(
  body: Body,
  code: Code,
): body is Extract<Body, { errorCode?: unknown }> & { errorCode: Code } {
  return typeof body === "object" && body !== null && (body as { errorCode?: unknown }).errorCode === code;
}
