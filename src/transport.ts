// The fetch that openapi-fetch calls: a timeout per attempt, retries with backoff for 429, 503
// and network failures, and the whole body read (with a size cap) inside the timeout. A failure
// is thrown as a TransportFailure, which the client turns into an `unexpected` result.
import type { UnexpectedReason } from "./errors.js";

export interface RetryOptions {
  /** Tries in all, the first included (default 3). */
  attempts: number;
  /** First backoff delay; each later one doubles, with jitter (default 200 ms). */
  baseDelayMs: number;
  /** Upper bound on the sum of all waits; a longer Retry-After ends the retries (default 10 s). */
  maxTotalDelayMs: number;
  /** Also retry POST and PATCH, which may not be idempotent (default false). */
  unsafeMethods: boolean;
}

export const defaultRetry: RetryOptions = {
  attempts: 3,
  baseDelayMs: 200,
  maxTotalDelayMs: 10_000,
  unsafeMethods: false,
};

export interface TransportOptions {
  fetch: (request: Request) => Promise<Response>;
  timeoutMs: number;
  maxResponseBytes: number;
  retry: RetryOptions | false;
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

/** The text each response returned by the transport carried (openapi-fetch re-reads a copy). */
export const bodyText = new WeakMap<Response, string>();

const safeMethods = new Set(["GET", "HEAD", "OPTIONS", "DELETE", "PUT"]);
const retryableStatus = new Set([429, 503]);

export function createTransport(options: TransportOptions) {
  return async function transport(request: Request): Promise<Response> {
    const retry =
      options.retry && (options.retry.unsafeMethods || safeMethods.has(request.method)) ? options.retry : undefined;
    let waited = 0;
    for (let attempt = 1; ; attempt++) {
      const last = !retry || attempt >= retry.attempts;
      let response: Response;
      try {
        response = await attemptOnce(last ? request : request.clone(), options);
      } catch (error) {
        const failure = toFailure(error, request.signal);
        if (failure.reason !== "network" || last) throw failure;
        const delay = backoff(retry, attempt);
        if (waited + delay > retry.maxTotalDelayMs) throw failure;
        waited += await pause(delay, request.signal);
        continue;
      }
      if (last || !retryableStatus.has(response.status)) return response;
      const delay = retryAfterMs(response.headers.get("retry-after")) ?? backoff(retry, attempt);
      if (waited + delay > retry.maxTotalDelayMs) return response;
      waited += await pause(delay, request.signal);
    }
  };
}

async function attemptOnce(request: Request, options: TransportOptions): Promise<Response> {
  // One controller for the whole attempt (fetch and body read): the timeout and the caller's
  // signal both abort it, and the timer is cleared as soon as the attempt ends.
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException("timeout", "TimeoutError")), options.timeoutMs);
  const onCallerAbort = () => controller.abort(request.signal.reason);
  if (request.signal.aborted) onCallerAbort();
  request.signal.addEventListener("abort", onCallerAbort, { once: true });
  try {
    const response = await options.fetch(new Request(request, { signal: controller.signal }));
    const text = await readText(response, options.maxResponseBytes, controller.signal);
    // 204/205/304 answers cannot be rebuilt with a body.
    const copy = new Response([204, 205, 304].includes(response.status) ? null : text, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
    bodyText.set(copy, text);
    return copy;
  } finally {
    clearTimeout(timer);
    request.signal.removeEventListener("abort", onCallerAbort);
  }
}

async function readText(response: Response, maxBytes: number, signal: AbortSignal): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  // undici does not always fail a pending read when the request is aborted after the headers
  // arrived (seen on Node 20 with a stalled body), so the read races the signal itself.
  const aborted = new Promise<never>((_, reject) => {
    const fail = () => reject(signal.reason);
    if (signal.aborted) fail();
    else signal.addEventListener("abort", fail, { once: true });
  });
  aborted.catch(() => undefined);
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), aborted]);
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

function toFailure(error: unknown, callerSignal: AbortSignal): TransportFailure {
  if (error instanceof TransportFailure) return error;
  if (callerSignal.aborted) return new TransportFailure("aborted", { cause: callerSignal.reason });
  if (error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return new TransportFailure("timeout", { cause: error });
  }
  return new TransportFailure("network", { cause: error });
}

/** Exponential backoff with "equal jitter": half the step fixed, half random. */
function backoff(retry: RetryOptions, attempt: number): number {
  const step = retry.baseDelayMs * 2 ** (attempt - 1);
  return Math.round(step / 2 + Math.random() * (step / 2));
}

/** Retry-After in seconds or as an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

async function pause(ms: number, signal: AbortSignal): Promise<number> {
  if (signal.aborted) throw new TransportFailure("aborted", { cause: signal.reason });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done() {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(timer);
      reject(new TransportFailure("aborted", { cause: signal.reason }));
    }
    signal.addEventListener("abort", onAbort, { once: true });
  });
  return ms;
}
