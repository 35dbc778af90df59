// The retry layer: 429, 503 and network failures are tried again with backoff or the server's
// Retry-After, while the waits fit both the retry budget and the time the call has left. What is
// retried, and how long to wait, is the policy in ../retry.ts; this file only runs it.
import { backoff, isRetryableStatus, mayRetry, type RetryOptions, retryAfterMs } from "../retry.js";
import { clock } from "./clock.js";
import type { Layer, TransportFailure } from "./layer.js";

export const retryLayer =
  (settings: RetryOptions | false, signal: AbortSignal | undefined): Layer =>
  (next) =>
  async (outgoing) => {
    const { request } = outgoing;
    if (!mayRetry(settings, request.method)) return next(outgoing);
    const retry = settings;
    let waited = 0;
    const mayWait = (delay: number) =>
      waited + delay <= retry.maxTotalDelayMs && delay < outgoing.deadline - clock.now();
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= retry.attempts;
      // A retry needs the request again: only a body cannot be sent twice.
      const sent = last || request.body === null ? outgoing : { ...outgoing, request: request.clone() };
      let delay: number;
      try {
        const answer = await next(sent);
        if (last || !isRetryableStatus(answer.response.status)) return answer;
        delay = retryAfterMs(answer.response.headers.get("retry-after")) ?? backoff(retry, attempt);
        if (!mayWait(delay)) return answer;
      } catch (error) {
        const failure = error as TransportFailure;
        if (failure.reason !== "network" || last) throw failure;
        delay = backoff(retry, attempt);
        if (!mayWait(delay)) throw failure;
      }
      waited += await clock.sleep(delay, signal);
    }
  };
