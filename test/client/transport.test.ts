// The transport's timeouts (src/client/transport.ts) on fake timers, with a fetch that never
// answers until it is aborted: no server, no real wait. A timeout per attempt, one for the whole
// call (retries and waits included), the caller's signal, and the decoded-body cap.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createRedactor } from "../../src/client/redact.js";
import { defaultRetry } from "../../src/client/retry.js";
import { clock, createTransport, TransportFailure, type TransportOptions } from "../../src/client/transport.js";

beforeEach(() => {
  // Fake timers and a fake performance.now (the transport's clock.now): time moves only when the test says.
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** An attempt that never answers: it rejects only when its request is aborted. */
const hang = (request: Request) =>
  new Promise<Response>((_, reject) => request.signal.addEventListener("abort", () => reject(request.signal.reason)));

function transport(fetch: TransportOptions["fetch"], options: Partial<TransportOptions> = {}) {
  return createTransport({
    apiKey: "sk_test_transport",
    redactor: createRedactor("sk_test_transport"),
    fetch,
    timeoutMs: 30_000,
    totalTimeoutMs: 60_000,
    maxResponseBytes: 1024,
    retry: false,
    ...options,
  });
}
const get = () => new Request("http://127.0.0.1:4010/v1/user/balances/u");
/** The call's failure once `ms` of virtual time have passed. */
async function failureAfter(call: Promise<Response>, ms: number) {
  const failure = call.catch((error: unknown) => error);
  await vi.advanceTimersByTimeAsync(ms);
  return failure;
}

describe("timeouts", () => {
  it("ends an attempt that never answers at timeoutMs, and does not retry it", async () => {
    const attempts: Request[] = [];
    const call = transport(
      (request) => {
        attempts.push(request);
        return hang(request);
      },
      { timeoutMs: 300, retry: defaultRetry },
    )(get());
    const failure = await failureAfter(call, 300);
    expect(failure).toBeInstanceOf(TransportFailure);
    expect(failure).toMatchObject({ reason: "timeout", status: 0 });
    expect(attempts).toHaveLength(1); // the server may still act on it
  });

  it("ends a retry storm at totalTimeoutMs: two quick 503s, then an attempt that hangs", async () => {
    const sleeps = vi.spyOn(clock, "sleep").mockImplementation(async (ms) => ms);
    let attempt = 0;
    const call = transport(
      (request) => (++attempt <= 2 ? Promise.resolve(new Response("{}", { status: 503 })) : hang(request)),
      {
        timeoutMs: 60_000,
        totalTimeoutMs: 1000,
        retry: { ...defaultRetry, attempts: 10, baseDelayMs: 0 },
      },
    )(get());
    const failure = await failureAfter(call, 1000);
    expect(failure).toMatchObject({ reason: "total-timeout" });
    expect(attempt).toBe(3);
    expect(sleeps).toHaveBeenCalledTimes(2);
  });

  it("keeps the per-attempt reason when the attempt's timeout is the shorter", async () => {
    const call = transport(hang, { timeoutMs: 200, totalTimeoutMs: 60_000 })(get());
    expect(await failureAfter(call, 200)).toMatchObject({ reason: "timeout" });
  });

  it("ends a body that stalls after the headers at the timeout", async () => {
    const stalled = (request: Request) => {
      const body = new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"userId":'));
          request.signal.addEventListener("abort", () => controller.error(request.signal.reason));
        },
      });
      return Promise.resolve(new Response(body, { status: 200 }));
    };
    const call = transport(stalled, { timeoutMs: 300 })(get());
    expect(await failureAfter(call, 300)).toMatchObject({ reason: "timeout" });
  });
});

describe("the caller's signal and the body cap", () => {
  it("an abort by the caller ends the attempt as aborted", async () => {
    const controller = new AbortController();
    const call = transport(hang, { signal: controller.signal })(get()).catch((error: unknown) => error);
    controller.abort(new Error("user navigated away"));
    expect(await call).toMatchObject({ reason: "aborted" });
  });

  it("counts the decoded bytes against maxResponseBytes: one byte over ends the call, the cap itself does not", async () => {
    const sized = (bytes: number) => async () => new Response("x".repeat(bytes), { status: 200 });
    expect((await transport(sized(1024))(get())).status).toBe(200);
    expect(await transport(sized(1025))(get()).catch((error: unknown) => error)).toMatchObject({
      reason: "too-large",
      status: 200,
    });
  });
});
