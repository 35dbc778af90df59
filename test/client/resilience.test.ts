// What the client does when the network or the server misbehaves: every case ends in a typed
// result within its bounds, never an exception and never a hang.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createP100Client, type P100ClientOptions, P100UnexpectedError } from "../../src/index.js";
import { balances, type HostileServer, startHostileServer } from "../support/hostile-server.js";

let server: HostileServer;
beforeAll(async () => (server = await startHostileServer()));
afterAll(() => server.close());

const secret = "sk_live_resilience-secret-42";
const client = (options: Partial<P100ClientOptions> = {}) =>
  createP100Client({ apiKey: secret, baseUrl: server.url, retry: { baseDelayMs: 10 }, ...options });
const getBalances = (script: string, options?: Partial<P100ClientOptions>, init: object = {}) =>
  client(options).GET("/v1/user/balances/{externalUserId}", { params: { path: { externalUserId: script } }, ...init });

/** Runs a call and returns its result and how long it took. */
async function timed<T>(call: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await call();
  return [result, performance.now() - started];
}

describe("retries", () => {
  it("retries a 429 after the Retry-After it names, then succeeds", async () => {
    const [result, ms] = await timed(() => getBalances("rate-limited-once"));
    expect(result.outcome).toBe("success");
    expect(result.data).toEqual(balances);
    expect(server.attempts.get("rate-limited-once")).toBe(2);
    expect(ms).toBeGreaterThanOrEqual(1000);
  });

  it("gives up after the attempts allowed and returns a typed rate-limited result", async () => {
    const result = await getBalances("rate-limited-always", { retry: { attempts: 3, baseDelayMs: 10 } });
    expect(server.attempts.get("rate-limited-always")).toBe(3);
    expect(result.outcome).toBe("unexpected");
    expect(result.status).toBeUndefined();
    expect(result.error).toBeInstanceOf(P100UnexpectedError);
    expect(result.error).toMatchObject({ reason: "rate-limited", status: 429, retryAfterMs: 0 });
    expect(result.response?.status).toBe(429);
  });

  it("does not wait longer than the total delay allowed: a long Retry-After ends the retries at once", async () => {
    const [result, ms] = await timed(() => getBalances("rate-limited-long", { retry: { maxTotalDelayMs: 5000 } }));
    expect(server.attempts.get("rate-limited-long")).toBe(1);
    expect(result.error).toMatchObject({ reason: "rate-limited", retryAfterMs: 100_000 });
    expect(ms).toBeLessThan(1000);
  });

  it("retries a 503 with backoff, then succeeds", async () => {
    const result = await getBalances("unavailable-once");
    expect(server.attempts.get("unavailable-once")).toBe(2);
    expect(result.outcome).toBe("success");
  });

  it("retries a dropped connection, then succeeds", async () => {
    const result = await getBalances("drop-once");
    expect(server.attempts.get("drop-once")).toBe(2);
    expect(result.outcome).toBe("success");
  });

  it("returns a typed network result when the connection keeps dropping", async () => {
    const result = await getBalances("drop-always");
    expect(server.attempts.get("drop-always")).toBe(3);
    expect(result).toMatchObject({ outcome: "unexpected", response: undefined });
    expect(result.error).toMatchObject({ reason: "network", status: 0 });
  });

  it("does not retry when retries are off", async () => {
    await getBalances("drop-always", { retry: false });
    expect(server.attempts.get("drop-always")).toBe(4); // 3 from the test above, 1 here
  });

  it("does not retry a POST unless the caller opts in", async () => {
    const body = { externalUserId: "unavailable-post" };
    const post = (init: object) => client().POST("/v1/user/balances/extended", { body, ...init });
    server.attempts.clear();
    const once = await post({});
    expect(server.attempts.get("extended")).toBe(1);
    expect(once.error).toMatchObject({ reason: "undocumented-status", status: 503 });
    const withRetry = await client({ retry: { attempts: 2, baseDelayMs: 10, unsafeMethods: true } }).POST(
      "/v1/user/balances/extended",
      { body },
    );
    expect(server.attempts.get("extended")).toBe(3);
    expect(withRetry.outcome).toBe("unexpected");
    await post({ retry: true });
    expect(server.attempts.get("extended")).toBe(6); // per-call opt-in: 3 attempts
  });
});

describe("timeouts", () => {
  it("ends a slow answer at the timeout with a typed result", async () => {
    const [result, ms] = await timed(() => getBalances("slow", { timeoutMs: 300 }));
    expect(result.error).toMatchObject({ reason: "timeout", status: 0 });
    expect(server.attempts.get("slow")).toBe(1); // a timeout is not retried: the server may still act
    expect(ms).toBeLessThan(1500);
  });

  it("ends an answer whose body stalls at the timeout", async () => {
    const [result, ms] = await timed(() => getBalances("slow-body", { timeoutMs: 300 }));
    expect(result.error).toMatchObject({ reason: "timeout" });
    expect(ms).toBeLessThan(1500);
  });

  it("a per-call timeout overrides the client's", async () => {
    const result = await getBalances("slow", { timeoutMs: 60_000 }, { timeoutMs: 200 });
    expect(result.error).toMatchObject({ reason: "timeout" });
  });

  it("the caller's AbortSignal ends the call as aborted", async () => {
    const result = await getBalances("slow", {}, { signal: AbortSignal.timeout(100) });
    expect(result.error).toMatchObject({ reason: "aborted" });
  });
});

// Answers with a documented status but another shape are in tolerance.test.ts.
describe("answers that cannot be P100's", () => {
  it.each([
    ["html", "not-json", 200],
    ["teapot", "undocumented-status", 418],
  ])("%s becomes an unexpected result with reason %s", async (script, reason, status) => {
    const result = await getBalances(script);
    expect(result.outcome).toBe("unexpected");
    expect(result.error).toMatchObject({ reason, status });
    expect((result.error as P100UnexpectedError).text.length).toBeGreaterThan(0);
    expect(result.response?.status).toBe(status);
  });

  it("keeps the raw text of a non-JSON body", async () => {
    const result = await getBalances("html");
    expect((result.error as P100UnexpectedError).text).toBe("<html><body>502 Bad Gateway</body></html>");
  });

  it("stops reading a body larger than maxResponseBytes", async () => {
    const result = await getBalances("huge", { maxResponseBytes: 1024 * 1024 });
    expect(result.error).toMatchObject({ reason: "too-large", status: 200 });
  });

  it("a documented error stays a documented error", async () => {
    const result = await getBalances("P412");
    expect(result).toMatchObject({ outcome: "error", status: 400, error: { errorCode: "P412" } });
  });
});

describe("the API key never leaks", () => {
  it("is redacted from a body that echoes it, and absent from every error, stack and log line", async () => {
    const logged: unknown[] = [];
    const original = {
      log: console.log,
      warn: console.warn,
      error: console.error,
      info: console.info,
      debug: console.debug,
    };
    for (const name of Object.keys(original) as (keyof typeof original)[])
      console[name] = (...args: unknown[]) => void logged.push(args);
    try {
      const results = await Promise.all(
        ["echo-key", "html", "drop-always", "teapot", "rate-limited-always"].map((s) => getBalances(s)),
      );
      results.push(await getBalances("slow", { timeoutMs: 100 }));
      for (const { error } of results) {
        const seen = [
          String(error),
          (error as Error).message,
          (error as Error).stack,
          JSON.stringify(error),
          JSON.stringify(Object.entries(error as object)),
          (error as P100UnexpectedError).text,
          String((error as Error).cause),
        ].join("\n");
        expect(seen).not.toContain(secret);
      }
      expect((results[0]!.error as P100UnexpectedError).text).toContain("[redacted]");
    } finally {
      Object.assign(console, original);
    }
    expect(JSON.stringify(logged)).not.toContain(secret);
  });
});
