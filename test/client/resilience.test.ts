// What the client does when the network or the server misbehaves: every case ends in a typed
// result within its bounds, never an exception and never a hang. No test reads a clock: waits are
// watched through the transport's `clock.sleep`, and a bound is proved by what the server saw.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { freePort } from "../../scripts/free-port.js";
import { clock } from "../../src/client/transport.js";
import { createP100Client, type P100ClientOptions, P100UnexpectedError } from "../../src/index.js";
import {
  balances,
  bombBytes,
  compressed,
  type Encoding,
  type HostileServer,
  startHostileServer,
} from "../support/hostile-server.js";

let server: HostileServer;
beforeAll(async () => (server = await startHostileServer()));
afterAll(() => server.close());
afterEach(() => vi.restoreAllMocks());

const secret = "sk_live_resilience-secret-42";
const client = (options: Partial<P100ClientOptions> = {}) =>
  createP100Client({ apiKey: secret, baseUrl: server.url, retry: { baseDelayMs: 10 }, ...options });
const getBalances = (script: string, options?: Partial<P100ClientOptions>, init: object = {}) =>
  client(options).GET("/v1/user/balances/{externalUserId}", { params: { path: { externalUserId: script } }, ...init });

/** Records each wait between attempts, and skips it: the retry logic runs, no time passes. */
function watchWaits() {
  return vi.spyOn(clock, "sleep").mockImplementation(async (ms) => ms);
}

describe("retries", () => {
  it("retries a 429 after the Retry-After it names, then succeeds", async () => {
    const waits = watchWaits();
    const result = await getBalances("rate-limited-once");
    expect(result.outcome).toBe("success");
    expect(result.data).toEqual(balances);
    expect(server.attempts.get("rate-limited-once")).toBe(2);
    expect(waits.mock.calls.map(([ms]) => ms)).toEqual([1000]); // Retry-After: 1
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
    const waits = watchWaits();
    const result = await getBalances("rate-limited-long", { retry: { maxTotalDelayMs: 5000 } });
    expect(server.attempts.get("rate-limited-long")).toBe(1);
    expect(result.error).toMatchObject({ reason: "rate-limited", retryAfterMs: 100_000 });
    expect(waits).not.toHaveBeenCalled();
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
    // "slow" answers after 3 s: a timeout is the only way to end it sooner, and it is not retried.
    const result = await getBalances("slow", { timeoutMs: 300 });
    expect(result.error).toMatchObject({ reason: "timeout", status: 0 });
    expect(server.attempts.get("slow")).toBe(1); // a timeout is not retried: the server may still act
  });

  it("ends an answer whose body stalls at the timeout", async () => {
    // The body never ends: without the timeout this call would never resolve.
    const result = await getBalances("slow-body", { timeoutMs: 300 });
    expect(result.error).toMatchObject({ reason: "timeout" });
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

describe("maxResponseBytes counts the decoded bytes", () => {
  const cap = 1024 * 1024; // the bombs inflate to 2 MiB from a few KB
  it.each<[Encoding, "content-length" | "chunked"]>([
    ["gzip", "content-length"],
    ["gzip", "chunked"],
    ["br", "content-length"],
    ["br", "chunked"],
    ["deflate", "content-length"],
    ["deflate", "chunked"],
  ])("a %s body (%s) that inflates past the cap is too-large", async (encoding, length) => {
    const id = `bomb-${encoding}-${length}`;
    server.script(id, compressed(encoding, length));
    const result = await getBalances(id, { maxResponseBytes: cap });
    expect(result.error).toMatchObject({ reason: "too-large", status: 200 });
    expect(bombBytes).toBeGreaterThan(cap);
  });

  it.each(["gzip-ok", "br-ok"])("a compressed answer within the cap (%s) is read as usual", async (script) => {
    const result = await getBalances(script, { maxResponseBytes: 1024 });
    expect(result).toMatchObject({ outcome: "success", data: balances });
  });

  it.each([
    [1024, "success"],
    [1023, "unexpected"],
  ])("with Content-Length, the cap %i holds at the byte (a 1024-byte body: %s)", async (maxResponseBytes, outcome) => {
    const body = JSON.stringify({ ...balances, pad: "" });
    const exact = JSON.stringify({ ...balances, pad: "x".repeat(1024 - body.length) });
    server.script("exact-1024", (res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(exact) });
      res.end(exact);
    });
    const result = await getBalances("exact-1024", { maxResponseBytes });
    expect(result.outcome).toBe(outcome);
  });

  it("a Content-Length that understates the body does not get it past the cap", async () => {
    const fetch = async () =>
      new Response(`{"pad":"${"x".repeat(4096)}"}`, {
        headers: { "content-length": "10", "content-type": "application/json" },
      });
    const result = await createP100Client({ apiKey: secret, fetch, maxResponseBytes: 1024 }).GET(
      "/v1/user/balances/{externalUserId}",
      { params: { path: { externalUserId: "u" } } },
    );
    expect(result.error).toMatchObject({ reason: "too-large" });
  });
});

describe("totalTimeoutMs bounds the whole call", () => {
  // The retry storm (quick 503s, then an attempt that hangs) is on a virtual clock in
  // transport.test.ts; over a socket, the reason and its message once.
  it("a per-call totalTimeoutMs overrides the client's, and the error says the total time ran out", async () => {
    const result = await getBalances("slow", { totalTimeoutMs: 60_000 }, { totalTimeoutMs: 200 });
    expect(result.outcome).toBe("unexpected");
    expect(result.error).toMatchObject({ reason: "total-timeout", status: 0 });
    expect((result.error as P100UnexpectedError).message).toMatch(
      /^getUserBalances: the call ran out of its total time, retries included/,
    );
  });

  it("the per-attempt timeout keeps its own reason when it is the shorter", async () => {
    const result = await getBalances("slow", { timeoutMs: 200, totalTimeoutMs: 60_000 });
    expect(result.error).toMatchObject({ reason: "timeout" });
  });

  it("a Retry-After longer than the time left ends the retries with the answer", async () => {
    const waits = watchWaits();
    const result = await getBalances("rate-limited-5s", { totalTimeoutMs: 2000, retry: { maxTotalDelayMs: 60_000 } });
    expect(server.attempts.get("rate-limited-5s")).toBe(1);
    expect(result.error).toMatchObject({ reason: "rate-limited", retryAfterMs: 5000 });
    expect(waits).not.toHaveBeenCalled();
  });

  it("a backoff longer than the time left ends the retries", async () => {
    // A virtual clock: each wait moves it on, and no real time passes. Jitter fixed at its top.
    let offset = 0;
    const now = clock.now;
    vi.spyOn(clock, "now").mockImplementation(() => now() + offset);
    const waits = vi.spyOn(clock, "sleep").mockImplementation(async (ms) => {
      offset += ms;
      return ms;
    });
    vi.spyOn(Math, "random").mockReturnValue(1);
    server.attempts.delete("unavailable-always");
    server.script("unavailable-always", (res) => {
      res.writeHead(503, { "content-type": "application/json" });
      res.end('{"message":"maintenance"}');
    });
    const result = await getBalances("unavailable-always", {
      totalTimeoutMs: 5000,
      retry: { attempts: 10, baseDelayMs: 1000, maxTotalDelayMs: 60_000 },
    });
    // 1000 + 2000 waited; the next 4000 would not fit in what is left of 5000.
    expect(waits.mock.calls.map(([ms]) => ms)).toEqual([1000, 2000]);
    expect(server.attempts.get("unavailable-always")).toBe(3);
    expect(result.error).toMatchObject({ reason: "undocumented-status", status: 503 });
  });
});

describe("network failures explain themselves", () => {
  const get = (options: Partial<P100ClientOptions>) =>
    createP100Client({ apiKey: secret, retry: false, ...options }).GET("/v1/user/balances/{externalUserId}", {
      params: { path: { externalUserId: "u" } },
    });

  it("nothing listening: the host, the port and ECONNREFUSED", async () => {
    const port = await freePort();
    const result = await get({ baseUrl: `http://127.0.0.1:${port}` });
    expect(result.error).toMatchObject({ reason: "network", status: 0 });
    expect((result.error as P100UnexpectedError).message).toBe(
      `getUserBalances: the request failed on the network: connection refused by 127.0.0.1:${port} (ECONNREFUSED)`,
    );
    expect((result.error as P100UnexpectedError).cause).toBeInstanceOf(TypeError); // fetch's own error, kept
  });

  it("an unknown host: its name, the default port and ENOTFOUND (EAI_AGAIN without DNS)", async () => {
    const result = await get({ baseUrl: "http://p100-no-such-host.invalid" });
    expect((result.error as P100UnexpectedError).message).toMatch(
      /^getUserBalances: the request failed on the network: .* p100-no-such-host\.invalid:80 \((ENOTFOUND|EAI_AGAIN)\)$/,
    );
  });

  it("TLS to a server that does not speak it: a TLS error code", async () => {
    const { port } = new URL(server.url);
    const result = await get({ baseUrl: `https://127.0.0.1:${port}` });
    expect((result.error as P100UnexpectedError).message).toMatch(
      new RegExp(
        `^getUserBalances: the request failed on the network: TLS failed with 127\\.0\\.0\\.1:${port} \\(ERR_\\w+\\)$`,
      ),
    );
  });

  it("a connection that closes before the answer", async () => {
    const result = await getBalances("drop-always", { retry: false });
    const { port } = new URL(server.url);
    expect((result.error as P100UnexpectedError).message).toBe(
      `getUserBalances: the request failed on the network: the connection closed before a complete answer from 127.0.0.1:${port} (UND_ERR_SOCKET)`,
    );
  });

  it("a connect timeout, found two causes deep, at the documented host", async () => {
    const socketError = Object.assign(new Error("connect ETIMEDOUT 203.0.113.1:443"), { code: "ETIMEDOUT" });
    const fetch = async () => {
      throw new TypeError("fetch failed", { cause: new AggregateError([socketError], "connect failed") });
    };
    const result = await get({ fetch, environment: "production" });
    expect((result.error as P100UnexpectedError).message).toBe(
      "getUserBalances: the request failed on the network: connecting timed out to partner-api.p100.io:443 (ETIMEDOUT)",
    );
  });
});
