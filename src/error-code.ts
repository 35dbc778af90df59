// Checking which P-code a P100 body carries: a documented error's `error`, or the error-shaped
// `data` of a 202 (P210/P211). Typed so that only the codes the operation documents compile.

type CodeOf<Body> = Body extends { errorCode: infer Code extends string } ? Code : never;
/** The literal codes only: an operation's documented P-codes, without the open `string` part. */
type Documented<Code> = Code extends string ? (string extends Code ? never : Code) : never;

/**
 * Whether `body` carries the P-code `code`, narrowing it to that code:
 * `hasErrorCode(result.error, "P458")`, `hasErrorCode(result.data, "P211")`.
 */
export function hasErrorCode<Body, Code extends Documented<CodeOf<Body>>>(
  body: Body,
  code: Code,
): body is Extract<Body, { errorCode: string }> & { errorCode: Code } {
  return typeof body === "object" && body !== null && (body as { errorCode?: unknown }).errorCode === code;
}

/** @deprecated Renamed `hasErrorCode`: it checks a body's `errorCode`, not an `Error`. */
export const isP100Error = hasErrorCode;
