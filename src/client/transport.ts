// The fetch that openapi-fetch calls, composed of small layers (each in layers/): the key on the
// transport's own headers, retries with backoff (429, 503, network failures), the deadline of each
// attempt and of the whole call, the fetch with its body read under the decoded-byte cap, and the
// redaction that hands openapi-fetch a real Response holding the buffered body. A failure is
// thrown as a TransportFailure, which the client turns into an `unexpected` result.
import { apiKeyLayer } from "./layers/api-key.js";
import { type Fetch, fetchWithCap } from "./layers/body-cap.js";
import { clock } from "./layers/clock.js";
import { deadlineLayer } from "./layers/deadline.js";
import type { Send } from "./layers/layer.js";
import { redactionLayer } from "./layers/redaction.js";
import { retryLayer } from "./layers/retries.js";
import type { Redactor } from "./redact.js";
import type { RetryOptions } from "./retry.js";

export { clock } from "./layers/clock.js";
export { TransportFailure } from "./layers/layer.js";

export interface TransportOptions {
  /** Sent as `x-api-key` on every attempt, on the transport's own copy of the request's headers. */
  apiKey: string;
  /** Keeps the key out of what openapi-fetch and middleware get of an answer (its headers, its body). */
  redactor: Redactor;
  /** The caller's own fetch, if any; the global one otherwise. */
  fetch: Fetch | undefined;
  timeoutMs: number;
  /** The whole call: every attempt and every wait between them. */
  totalTimeoutMs: number;
  maxResponseBytes: number;
  retry: RetryOptions | false;
  /** The caller's AbortSignal, when the call has one. */
  signal?: AbortSignal;
  /** Told at the start of each attempt (tracing counts them); absent, nothing is counted. */
  onAttempt?: (() => void) | undefined;
}

export function createTransport(options: TransportOptions): (request: Request) => Promise<Response> {
  const attempt = deadlineLayer(
    options.timeoutMs,
    options.signal,
  )(fetchWithCap(options.fetch, options.maxResponseBytes));
  const { onAttempt } = options;
  const counted: Send = onAttempt
    ? (outgoing) => {
        onAttempt();
        return attempt(outgoing);
      }
    : attempt;
  const send = redactionLayer(options.redactor)(
    apiKeyLayer(options.apiKey)(retryLayer(options.retry, options.signal)(counted)),
  );
  return (request) =>
    send({
      request,
      headers: request.headers,
      signal: undefined,
      stopped: undefined,
      deadline: clock.now() + options.totalTimeoutMs,
    });
}
