// The retry policy (src/client/retry.ts) and the transport's loop that applies it
// (src/client/transport.ts), with no server and no real wait: a scripted fetch answers, and the
// transport's `clock.sleep` is replaced, so each wait is recorded instead of slept.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createRedactor } from "../../src/client/redact.js";
import {
  backoff,
  checkedRetry,
  clientRetry,
  defaultRetry,
  isRetryableStatus,
  mayRetry,
  type RetryOptions,
  retryAfterMs,
  retrySettings,
} from "../../src/client/retry.js";
import { clock, createTransport, TransportFailure } from "../../src/client/transport.js";

const fail = (message: string) => new Error(message);

describe("what is retried", () => {
  it("429 and 503 only", () => {
    expect([429, 503].every(isRetryableStatus)).toBe(true);
    expect([200, 202, 400, 401, 404, 408, 500, 502, 504].some(isRetryableStatus)).toBe(false);
  });

  it("idempotent methods, and POST and PATCH only with unsafeMethods; nothing when retries are off", () => {
    const unsafe = { ...defaultRetry, unsafeMethods: true };
    for (const method of ["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]) expect(mayRetry(defaultRetry, method)).toBe(true);
    for (const method of ["POST", "PATCH"]) {
      expect(mayRetry(defaultRetry, method)).toBe(false);
      expect(mayRetry(unsafe, method)).toBe(true);
    }
    expect(mayRetry(false, "GET")).toBe(false);
  });
});

describe("backoff", () => {
  afterEach(() => vi.restoreAllMocks());

  it("doubles at each attempt, half of each step fixed and half random", () => {
    const retry = { ...defaultRetry, baseDelayMs: 200 };
    vi.spyOn(Math, "random").mockReturnValue(0);
    expect([1, 2, 3].map((attempt) => backoff(retry, attempt))).toEqual([100, 200, 400]);
    vi.spyOn(Math, "random").mockReturnValue(0.999_999);
    expect([1, 2, 3].map((attempt) => backoff(retry, attempt))).toEqual([200, 400, 800]);
  });

  it("is 0 with a base delay of 0", () => {
    expect(backoff({ ...defaultRetry, baseDelayMs: 0 }, 5)).toBe(0);
  });
});

describe("Retry-After", () => {
  afterEach(() => vi.useRealTimers());

  it("reads seconds, and nothing from an absent, empty or unreadable header", () => {
    expect(retryAfterMs("0")).toBe(0);
    expect(retryAfterMs("5")).toBe(5000);
    expect(retryAfterMs(" 7 ")).toBe(7000);
    for (const header of [null, "", "  ", "soon", "1.5", "-1", "2026-01-01"])
      expect(retryAfterMs(header), String(header)).toBeUndefined();
  });

  it("reads an HTTP date as the time from now, and a past one as no wait", () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-01-01T00:00:00Z"));
    expect(retryAfterMs("Thu, 01 Jan 2026 00:00:30 GMT")).toBe(30_000);
    expect(retryAfterMs("Wed, 31 Dec 2025 23:59:00 GMT")).toBe(0);
    expect(retryAfterMs("Thursday, 01-Jan-26 00:01:00 GMT")).toBe(60_000); // RFC 850's form
  });
});

describe("how the client's and a call's settings combine", () => {
  const client = (given: unknown) => clientRetry(given, fail);

  it("the client's: off with false, the defaults when absent, each setting over the defaults", () => {
    expect(client(false)).toEqual({ off: true, settings: defaultRetry });
    expect(client(undefined)).toEqual({ off: false, settings: defaultRetry });
    expect(client({ attempts: 5, baseDelayMs: undefined })).toEqual({
      off: false,
      settings: { ...defaultRetry, attempts: 5 },
    });
  });

  it("a call's: false turns them off, true adds POST and PATCH, an object tunes the client's", () => {
    const tuned = client({ attempts: 5 });
    expect(retrySettings(tuned, undefined, fail)).toEqual(tuned.settings);
    expect(retrySettings(tuned, false, fail)).toBe(false);
    expect(retrySettings(tuned, true, fail)).toEqual({ ...tuned.settings, unsafeMethods: true });
    expect(retrySettings(tuned, { baseDelayMs: 1 }, fail)).toEqual({ ...tuned.settings, baseDelayMs: 1 });
  });

  it("a call may turn on what the client turned off, over the defaults", () => {
    const off = client(false);
    expect(retrySettings(off, undefined, fail)).toBe(false);
    expect(retrySettings(off, true, fail)).toEqual({ ...defaultRetry, unsafeMethods: true });
    expect(retrySettings(off, { attempts: 2 }, fail)).toEqual({ ...defaultRetry, attempts: 2 });
  });

  it.each<[unknown, RegExp]>([
    [true, /^`retry` must be false, or an object/],
    [null, /^`retry` must be false, or an object/],
    [[1], /^`retry` must be false, or an object/],
    [{ unsafeMethods: "yes" }, /^`retry.unsafeMethods` must be true or false\.$/],
    [{ attempts: 0 }, /^`retry.attempts` must be a whole number from 1 to 10/],
    [{ maxTotalDelayMs: -1 }, /^`retry.maxTotalDelayMs` must be a number from 0/],
  ])("refuses %j", (given, message) => {
    expect(() => checkedRetry(defaultRetry, given, fail)).toThrow(message);
  });
});

describe("the transport's loop", () => {
  let waits: number[];
  beforeEach(() => {
    waits = [];
    // The per-attempt timers are fake: an attempt's fake fetch answers at once, and a wait is recorded.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    vi.spyOn(clock, "sleep").mockImplementation(async (ms) => {
      waits.push(ms);
      return ms;
    });
    vi.spyOn(Math, "random").mockReturnValue(0);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  type Step = Response | Error;
  /** A transport whose fetch gives the scripted answers in turn, and the requests it was handed. */
  function scripted(steps: Step[], retry: Partial<RetryOptions> | false = {}) {
    const seen: Request[] = [];
    const transport = createTransport({
      apiKey: "sk_test_retry",
      redactor: createRedactor("sk_test_retry"),
      fetch: async (request) => {
        seen.push(request);
        const step = steps[Math.min(seen.length - 1, steps.length - 1)]!;
        if (step instanceof Error) throw step;
        return step.clone();
      },
      timeoutMs: 30_000,
      totalTimeoutMs: 60_000,
      maxResponseBytes: 1024,
      retry: retry && { ...defaultRetry, baseDelayMs: 200, ...retry },
    });
    return { transport, seen };
  }
  const status = (code: number, headers: Record<string, string> = {}) => new Response("{}", { status: code, headers });
  const refused = () =>
    new TypeError("fetch failed", { cause: Object.assign(new Error("refused"), { code: "ECONNREFUSED" }) });
  const get = () => new Request("http://127.0.0.1:4010/v1/user/balances/u");
  const post = () => new Request("http://127.0.0.1:4010/v1/user/balances/extended", { method: "POST", body: "{}" });

  it("retries 503 and 429 with backoff until an answer is not retryable", async () => {
    const { transport, seen } = scripted([status(503), status(429), status(200)]);
    expect((await transport(get())).status).toBe(200);
    expect(seen).toHaveLength(3);
    expect(waits).toEqual([100, 200]);
  });

  it("waits what Retry-After says instead of the backoff", async () => {
    const { transport } = scripted([status(429, { "retry-after": "2" }), status(200)]);
    expect((await transport(get())).status).toBe(200);
    expect(waits).toEqual([2000]);
  });

  it("gives the last answer back once the attempts are spent", async () => {
    const { transport, seen } = scripted([status(503)], { attempts: 2 });
    expect((await transport(get())).status).toBe(503);
    expect(seen).toHaveLength(2);
    expect(waits).toEqual([100]);
  });

  it("does not wait beyond maxTotalDelayMs: a longer Retry-After ends the retries", async () => {
    const { transport, seen } = scripted([status(429, { "retry-after": "11" }), status(200)]);
    expect((await transport(get())).status).toBe(429);
    expect(seen).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it("never retries a 500, a POST without unsafeMethods, or anything with retries off", async () => {
    for (const [steps, request, retry] of [
      [[status(500), status(200)], get(), {}],
      [[status(503), status(200)], post(), {}],
      [[status(503), status(200)], get(), false],
    ] as const) {
      const { transport, seen } = scripted([...steps], retry);
      expect((await transport(request)).status).not.toBe(200);
      expect(seen).toHaveLength(1);
    }
    expect(waits).toEqual([]);
  });

  it("retries a POST with unsafeMethods, sending its body again", async () => {
    const { transport, seen } = scripted([status(503), status(201)], { unsafeMethods: true });
    expect((await transport(post())).status).toBe(201);
    expect(await Promise.all(seen.map((request) => request.text()))).toEqual(["{}", "{}"]);
  });

  it("retries a network failure, and at the end says what failed, where", async () => {
    const { transport, seen } = scripted([refused()]);
    const failure = await transport(get()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TransportFailure);
    expect(failure).toMatchObject({
      reason: "network",
      detail: "connection refused by 127.0.0.1:4010 (ECONNREFUSED)",
    });
    expect(seen).toHaveLength(3);
    expect(waits).toEqual([100, 200]);
  });

  it("puts the key on its own copy of the request, never on the caller's", async () => {
    const { transport, seen } = scripted([status(200)]);
    const request = get();
    await transport(request);
    expect(seen[0]!.headers.get("x-api-key")).toBe("sk_test_retry");
    expect(request.headers.get("x-api-key")).toBeNull();
  });
});
