// Every error class this package has, for each room: the client's (thrown for options and
// requests that cannot work, or returned for answers the spec does not describe) and the mock's.
// Each entry point re-exports its own. None of them ever carries the API key: messages are built
// from operation names and limits only, and response text is redacted before it is kept.

/** `createP100Client` was given options that cannot work. Thrown at construction. */
export class P100ConfigError extends Error {
  override name = "P100ConfigError";
}

/** A request that cannot be sent as given (e.g. a path id URLs cannot carry). Thrown before sending. */
export class P100RequestError extends Error {
  override name = "P100RequestError";
}

/** An upload breaks the documented limits (count, size, type). Thrown before any request is sent. */
export class P100UploadError extends P100RequestError {
  override name = "P100UploadError";
}

/** Why an answer could not be matched to the spec, or no answer came. */
export type UnexpectedReason =
  | "undocumented-status" // an HTTP status the spec does not list for the operation
  | "not-json" // a documented status whose body is not JSON
  | "rate-limited" // 429 after the retries allowed (see `retryAfterMs`)
  | "too-large" // the body exceeded `maxResponseBytes`
  | "network" // the connection failed (after the retries allowed)
  | "timeout" // no complete answer within `timeoutMs`
  | "total-timeout" // the call, retries and waits included, ran out of `totalTimeoutMs`
  | "aborted"; // the caller's AbortSignal fired

/**
 * The `error` of an `unexpected` result: an answer (or a missing one) that the spec does not
 * describe. Returned, never thrown, so a caller handles it like any other outcome. For `network`,
 * the message names the host, the port and the error code; `cause` is the original failure
 * (fetch's `TypeError`, whose own `cause` is the socket's error).
 */
export class P100UnexpectedError extends Error {
  override name = "P100UnexpectedError";
  /** HTTP status, or 0 when no answer arrived. */
  readonly status: number;
  /** The raw body (at most 64 KiB of it), empty when none arrived. */
  readonly text: string;
  /** For `rate-limited`: how long the server asked to wait, when it said. */
  readonly retryAfterMs: number | undefined;

  constructor(
    readonly reason: UnexpectedReason,
    readonly operation: string,
    details: { status?: number; text?: string; retryAfterMs?: number; detail?: string; cause?: unknown } = {},
  ) {
    const detail = details.detail ? `: ${details.detail}` : "";
    super(`${operation}: ${describe[reason]}${detail}${details.status ? ` (HTTP ${details.status})` : ""}`, {
      cause: details.cause,
    });
    this.status = details.status ?? 0;
    this.text = (details.text ?? "").slice(0, 65_536);
    this.retryAfterMs = details.retryAfterMs;
  }
}

const describe: Record<UnexpectedReason, string> = {
  "undocumented-status": "the API answered with a status the spec does not document",
  "not-json": "the API answered with a body that is not JSON",
  "rate-limited": "rate limited by the API (429), retries exhausted",
  "too-large": "the answer was larger than maxResponseBytes",
  network: "the request failed on the network",
  timeout: "no answer within the timeout",
  "total-timeout": "the call ran out of its total time, retries included",
  aborted: "the request was aborted by the caller",
};

/** Thrown when the mock cannot start; the message is one line and says why. */
export class MockStartError extends Error {
  override name = "MockStartError";
}

/** A failure inside the stateful sandbox; answered as a 500 that names it. */
export class SandboxError extends Error {
  override name = "SandboxError";
}
