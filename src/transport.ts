// The fetch that openapi-fetch calls: a timeout per attempt, retries with backoff for 429, 503
// and network failures, and the whole body read (with a size cap) inside the timeout. A failure
// is thrown as a TransportFailure, which the client turns into an `unexpected` result.
import type { UnexpectedReason } from "./errors.js";
import { backoff, isRetryableStatus, mayRetry, type RetryOptions, retryAfterMs } from "./retry.js";

export interface TransportOptions {
  /** Sent as `x-api-key` on every attempt; set here, after any middleware, so none of it sees the key. */
  apiKey: string;
  /** The caller's own fetch, if any; the global one otherwise. */
  fetch: ((request: Request) => Promise<Response>) | undefined;
  timeoutMs: number;
  maxResponseBytes: number;
  retry: RetryOptions | false;
  /** Whether openapi-fetch's middleware may read the answer's body (else it gets none: no copy). */
  keepBody: boolean;
  /** The caller's AbortSignal, when the call has one. */
  signal?: AbortSignal;
}

export class TransportFailure extends Error {
  constructor(
    readonly reason: Extract<UnexpectedReason, "network" | "timeout" | "aborted" | "too-large">,
    options?: { cause?: unknown; status?: number },
  ) {
    super(reason, options);
    this.status = options?.status ?? 0;
  }
  readonly status: number;
}

/**
 * The exact text of each response the transport returned: the body is read once, here, and the
 * client classifies the answer from this text (openapi-fetch gets the body only when middleware
 * may read it).
 */
export const bodyText = new WeakMap<Response, string>();

export function createTransport(options: TransportOptions) {
  return async function transport(request: Request): Promise<Response> {
    request.headers.set("x-api-key", options.apiKey);
    const retry = mayRetry(options.retry, request.method) ? options.retry : undefined;
    let waited = 0;
    for (let attempt = 1; ; attempt++) {
      const last = !retry || attempt >= retry.attempts;
      let response: Response;
      try {
        // A retry needs the request again: only a body cannot be sent twice.
        response = await attemptOnce(last || request.body === null ? request : request.clone(), options);
      } catch (error) {
        const failure = toFailure(error, options.signal);
        if (failure.reason !== "network" || last) throw failure;
        const delay = backoff(retry, attempt);
        if (waited + delay > retry.maxTotalDelayMs) throw failure;
        waited += await pause(delay, options.signal);
        continue;
      }
      if (last || !isRetryableStatus(response.status)) return response;
      const delay = retryAfterMs(response.headers.get("retry-after")) ?? backoff(retry, attempt);
      if (waited + delay > retry.maxTotalDelayMs) return response;
      waited += await pause(delay, options.signal);
    }
  };
}

async function attemptOnce(request: Request, options: TransportOptions): Promise<Response> {
  // One controller for the whole attempt (fetch and body read): the timeout and the caller's
  // signal both abort it, and reject \`stopped\`, which the body read races (undici does not
  // always fail a pending read when the request is aborted after the headers arrived: seen on
  // Node 20 with a stalled body). The timer is cleared as soon as the attempt ends.
  const controller = new AbortController();
  let stop!: (reason: unknown) => void;
  const stopped = new Promise<never>((_, reject) => (stop = reject));
  stopped.catch(() => undefined);
  const abort = (reason: unknown) => {
    controller.abort(reason);
    stop(reason);
  };
  const timer = setTimeout(() => abort(new DOMException("timeout", "TimeoutError")), options.timeoutMs);
  const caller = options.signal;
  const onCallerAbort = () => abort(caller?.reason);
  if (caller?.aborted) onCallerAbort();
  caller?.addEventListener("abort", onCallerAbort, { once: true });
  try {
    const response = options.fetch
      ? await options.fetch(new Request(request, { signal: controller.signal }))
      : await fetch(request, { signal: controller.signal });
    const text = await readText(response, options.maxResponseBytes, stopped);
    // openapi-fetch (asked for a stream) leaves a 2xx body alone, so the answer itself goes back;
    // it reads any other body, so that gets an empty copy. The body was read once, here, and is
    // handed over as text (bodyText); a copy with it is made only for middleware that may read
    // it. 204/205/304 answers cannot carry a body.
    const answer =
      response.ok && !options.keepBody
        ? response
        : new Response(options.keepBody && ![204, 205, 304].includes(response.status) ? text : null, {
            status: response.status,
            statusText: response.statusText,
            headers: response.headers,
          });
    bodyText.set(answer, text);
    return answer;
  } finally {
    clearTimeout(timer);
    caller?.removeEventListener("abort", onCallerAbort);
  }
}

async function readText(response: Response, maxBytes: number, stopped: Promise<never>): Promise<string> {
  if (!response.body) return "";
  // A body of known length within the cap is read in one go; any other is streamed and counted.
  const length = Number(response.headers.get("content-length") ?? Number.NaN);
  if (Number.isInteger(length) && length <= maxBytes) return await Promise.race([response.text(), stopped]);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), stopped]);
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) throw new TransportFailure("too-large", { status: response.status });
      chunks.push(value);
    }
  } catch (error) {
    void reader.cancel().catch(() => undefined); // release the connection
    throw error;
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

function toFailure(error: unknown, callerSignal: AbortSignal | undefined): TransportFailure {
  if (error instanceof TransportFailure) return error;
  if (callerSignal?.aborted) return new TransportFailure("aborted", { cause: callerSignal.reason });
  if (error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return new TransportFailure("timeout", { cause: error });
  }
  return new TransportFailure("network", { cause: error });
}

async function pause(ms: number, signal: AbortSignal | undefined): Promise<number> {
  if (signal?.aborted) throw new TransportFailure("aborted", { cause: signal.reason });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(timer);
      reject(new TransportFailure("aborted", { cause: signal?.reason }));
    }
    signal?.addEventListener("abort", onAbort, { once: true });
  });
  return ms;
}
