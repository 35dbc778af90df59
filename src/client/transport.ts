// The fetch that openapi-fetch calls: the API key, a timeout per attempt and one for the whole
// call, retries with backoff for 429, 503 and network failures, and the whole body read (decoded
// bytes counted against the cap) inside the timeouts. A failure is thrown as a TransportFailure,
// which the client turns into an `unexpected` result.
import type { UnexpectedReason } from "../errors.js";
import { describeNetworkFailure } from "./network-failure.js";
import type { Redactor } from "./redact.js";
import { backoff, isRetryableStatus, mayRetry, type RetryOptions, retryAfterMs } from "./retry.js";

export interface TransportOptions {
  /** Sent as `x-api-key` on every attempt, on the transport's own copy of the request. */
  apiKey: string;
  /** Keeps the key out of what middleware sees of an answer (its headers, its body copy). */
  redactor: Redactor;
  /** The caller's own fetch, if any; the global one otherwise. */
  fetch: ((request: Request) => Promise<Response>) | undefined;
  timeoutMs: number;
  /** The whole call: every attempt and every wait between them. */
  totalTimeoutMs: number;
  maxResponseBytes: number;
  retry: RetryOptions | false;
  /** Whether openapi-fetch's middleware may read the answer's body (else it gets none: no copy). */
  keepBody: boolean;
  /** The caller's AbortSignal, when the call has one. */
  signal?: AbortSignal;
}

type FailureReason = Extract<UnexpectedReason, "network" | "timeout" | "total-timeout" | "aborted" | "too-large">;

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

/**
 * The exact text of each response the transport returned: the body is read once, here, and the
 * client classifies the answer from this text (openapi-fetch gets the body only when middleware
 * may read it).
 */
export const bodyText = new WeakMap<Response, string>();

/** The transport's clock: one object, so that tests can watch (or skip) the waits between attempts. */
export const clock = {
  now: () => performance.now(),
  sleep: pause,
};

export function createTransport(options: TransportOptions) {
  return async function transport(request: Request): Promise<Response> {
    // The key goes on the transport's own headers: the Request openapi-fetch hands to every
    // middleware hook (onRequest, onResponse, onError) is never changed, so none of them sees it.
    const headers = new Headers(request.headers);
    headers.set("x-api-key", options.apiKey);
    const deadline = clock.now() + options.totalTimeoutMs;
    const retry = mayRetry(options.retry, request.method) ? options.retry : undefined;
    let waited = 0;
    // Whether a wait fits both the retry budget and the time the call has left.
    const mayWait = (delay: number) =>
      retry !== undefined && waited + delay <= retry.maxTotalDelayMs && delay < deadline - clock.now();
    for (let attempt = 1; ; attempt++) {
      const last = !retry || attempt >= retry.attempts;
      let response: Response;
      try {
        // A retry needs the request again: only a body cannot be sent twice.
        const sent = last || request.body === null ? request : request.clone();
        response = await attemptOnce(sent, headers, deadline - clock.now(), options);
      } catch (error) {
        const failure = error as TransportFailure;
        if (failure.reason !== "network" || last) throw failure;
        const delay = backoff(retry, attempt);
        if (!mayWait(delay)) throw failure;
        waited += await clock.sleep(delay, options.signal);
        continue;
      }
      if (last || !isRetryableStatus(response.status)) return response;
      const delay = retryAfterMs(response.headers.get("retry-after")) ?? backoff(retry, attempt);
      if (!mayWait(delay)) return response;
      waited += await clock.sleep(delay, options.signal);
    }
  };
}

/** One attempt, within `timeoutMs` or the time the call has left, whichever is shorter. */
async function attemptOnce(
  request: Request,
  headers: Headers,
  remainingMs: number,
  options: TransportOptions,
): Promise<Response> {
  // One controller for the whole attempt (fetch and body read): the timeout and the caller's
  // signal both abort it, and reject `stopped`, which the body read races (undici does not
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
  const expiry = remainingMs < options.timeoutMs ? "total-timeout" : "timeout";
  let expired = false;
  const timer = setTimeout(
    () => {
      expired = true;
      abort(new DOMException(expiry, "TimeoutError"));
    },
    Math.max(0, Math.min(options.timeoutMs, remainingMs)),
  );
  const caller = options.signal;
  const onCallerAbort = () => abort(caller?.reason);
  if (caller?.aborted) onCallerAbort();
  caller?.addEventListener("abort", onCallerAbort, { once: true });
  try {
    const response = options.fetch
      ? await options.fetch(new Request(request, { signal: controller.signal, headers }))
      : await fetch(request, { signal: controller.signal, headers });
    const text = await readText(response, options.maxResponseBytes, stopped);
    return answerFor(response, text, options);
  } catch (error) {
    if (error instanceof TransportFailure) throw error;
    if (caller?.aborted) throw new TransportFailure("aborted", { cause: caller.reason });
    if (expired) throw new TransportFailure(expiry, { cause: error });
    throw new TransportFailure("network", { cause: error, detail: describeNetworkFailure(request.url, error) });
  } finally {
    clearTimeout(timer);
    caller?.removeEventListener("abort", onCallerAbort);
  }
}

/**
 * What openapi-fetch (and its middleware) gets back. Asked for a stream, openapi-fetch leaves a
 * 2xx body alone, so the answer itself goes back; it reads any other body, so that gets an empty
 * copy. The body was read once, here, and is handed over as text (bodyText); a copy with it is
 * made only for middleware that may read it. 204/205/304 answers cannot carry a body. A header
 * that echoes the key is redacted, and so is the body copy.
 */
function answerFor(response: Response, text: string, options: TransportOptions): Response {
  const { redactor } = options;
  let headers = response.headers;
  for (const [, value] of response.headers) {
    if (redactor.found(value)) {
      headers = new Headers();
      for (const [name, v] of response.headers) headers.append(name, redactor.text(v));
      break;
    }
  }
  const answer =
    response.ok && !options.keepBody && headers === response.headers
      ? response
      : new Response(options.keepBody && ![204, 205, 304].includes(response.status) ? redactor.text(text) : null, {
          status: response.status,
          statusText: response.statusText,
          headers,
        });
  bodyText.set(answer, text);
  return answer;
}

const decoder = new TextDecoder();

/**
 * The body as text, every decoded byte counted against the cap: fetch has already undone any
 * Content-Encoding (gzip, br, deflate), so a small compressed body that inflates past the cap
 * stops there, whether its length was announced or it came chunked.
 */
async function readText(response: Response, maxBytes: number, stopped: Promise<never>): Promise<string> {
  if (!response.body) return "";
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
  if (chunks.length === 1) return decoder.decode(chunks[0]);
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return decoder.decode(bytes);
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
