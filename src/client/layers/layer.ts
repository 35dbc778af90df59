// The transport's parts, as undici's interceptors and stripe-node's RequestSender have them: each
// layer wraps the next (`(next) => send`), so each concern lives in one small file and the
// transport (../transport.ts) is their composition. What travels down is one attempt's request,
// the headers it goes with and the signal that ends it; what comes back up is the answer with its
// body already read, or a TransportFailure.
import type { UnexpectedReason } from "../../errors.js";

/** One request on its way down: the Request openapi-fetch built (never changed), and what goes with it. */
export interface Outgoing {
  request: Request;
  /** The headers actually sent: the transport's own copy (the key is set on it, not on `request`). */
  headers: Headers;
  /** Ends this attempt (the deadline's controller); undefined above the deadline layer. */
  signal: AbortSignal | undefined;
  /**
   * Rejects when `signal` fires, for a read to race (undici does not always fail a pending body
   * read when the request is aborted after the headers came); undefined above the deadline layer.
   */
  stopped: Promise<never> | undefined;
  /** When the whole call must be over, on `clock.now()`'s scale. */
  deadline: number;
}

/** An answer on its way up: the response, and its whole body, decoded, as text. */
export interface Buffered {
  response: Response;
  text: string;
}

export type Send = (outgoing: Outgoing) => Promise<Buffered>;
export type Layer = (next: Send) => Send;

type FailureReason = Extract<UnexpectedReason, "network" | "timeout" | "total-timeout" | "aborted" | "too-large">;

/** Why the transport has no answer to give: the client turns it into an `unexpected` result. */
export class TransportFailure extends Error {
  constructor(
    readonly reason: FailureReason,
    options?: { cause?: unknown; status?: number; detail?: string },
  ) {
    super(reason, options);
    this.status = options?.status ?? 0;
    this.detail = options?.detail;
  }
  readonly status: number;
  /** What the message adds to the reason (for `network`: the host, the port, the error code). */
  readonly detail: string | undefined;
}
