// createP100Client's options: what it sends, where, and the clear errors for options that cannot work.
import { afterEach, describe, expect, it, vi } from "vitest";
import { httpMethods } from "../../scripts/spec-walk.js";
import { clock } from "../../src/client/transport.js";
import {
  createP100Client,
  environments,
  type P100ClientOptions,
  P100ConfigError,
  P100RequestError,
} from "../../src/index.js";

const secret = "sk_live_do-not-leak-1234";
const body = { externalUserId: "user-1" };

/** A fetch that records the request it was given and answers 201. */
function recordingFetch() {
  const seen: Request[] = [];
  const fetch = async (request: Request) => {
    seen.push(request);
    return Response.json({ message: "ok" }, { status: 201 });
  };
  return { seen, fetch };
}

describe("createP100Client", () => {
  it("has one method per HTTP method the spec's operations use (the build's list)", () => {
    const client = createP100Client({ apiKey: secret });
    const methods = Object.keys(client).filter((key) => /^[A-Z]+$/.test(key));
    expect(methods.sort()).toEqual(httpMethods.map((m) => m.toUpperCase()).sort());
  });

  it("sends the API key as x-api-key on every request", async () => {
    const { seen, fetch } = recordingFetch();
    const client = createP100Client({ apiKey: secret, fetch });
    await client.POST("/v1/user/balances/extended", { body });
    await client.POST("/v1/user/balances/extended", { body, headers: { "x-api-key": "overridden?" } });
    expect(seen.map((r) => r.headers.get("x-api-key"))).toEqual([secret, secret]);
  });

  it.each([
    [undefined, environments.stage],
    ["stage", "https://partner-api-stage.p100.io"],
    ["production", "https://partner-api.p100.io"],
  ] as const)("environment %s calls %s", async (environment, host) => {
    const { seen, fetch } = recordingFetch();
    await createP100Client({ apiKey: secret, environment, fetch }).POST("/v1/user/balances/extended", { body });
    expect(seen[0]!.url).toBe(`${host}/v1/user/balances/extended`);
  });

  it.each(["http://127.0.0.1:4010", "http://127.0.0.1:4010/"])(
    "baseUrl %s works with or without a trailing slash",
    async (baseUrl) => {
      const { seen, fetch } = recordingFetch();
      await createP100Client({ apiKey: secret, baseUrl, fetch }).POST("/v1/user/balances/extended", { body });
      expect(seen[0]!.url).toBe("http://127.0.0.1:4010/v1/user/balances/extended");
    },
  );

  const invalid: [string, unknown, RegExp][] = [
    ["no options", undefined, /apiKey.*required/],
    ["a missing apiKey", {}, /apiKey.*required/],
    ["an empty apiKey", { apiKey: "" }, /apiKey.*required/],
    ["a blank apiKey", { apiKey: "   " }, /apiKey.*required/],
    ["a non-string apiKey", { apiKey: 42 }, /apiKey.*required/],
    ["an apiKey with a line break", { apiKey: `${secret}\r\nx-evil: 1` }, /character an HTTP header cannot carry/],
    ["an apiKey with a NUL", { apiKey: `${secret}\u0000` }, /character an HTTP header cannot carry/],
    ["an apiKey beyond Latin-1", { apiKey: `${secret}\u2026` }, /character an HTTP header cannot carry/],
    [
      "both environment and baseUrl",
      { apiKey: secret, environment: "stage", baseUrl: "http://127.0.0.1:1" },
      /either `environment` or `baseUrl`/,
    ],
    [
      "an unknown environment",
      { apiKey: secret, environment: "sandbox" },
      /unknown environment "sandbox".*stage, production/,
    ],
    ["a baseUrl given as undefined", { apiKey: secret, baseUrl: undefined }, /`baseUrl` is given but undefined/],
    ["an empty baseUrl", { apiKey: secret, baseUrl: "" }, /`baseUrl` is given but empty/],
    [
      "a baseUrl given as undefined, beside an environment",
      { apiKey: secret, environment: "production", baseUrl: undefined },
      /`baseUrl` is given but undefined/,
    ],
    ["a relative baseUrl", { apiKey: secret, baseUrl: "/v1" }, /absolute http\(s\) URL/],
    [
      "a baseUrl with credentials",
      { apiKey: secret, baseUrl: "http://user:hunter2@127.0.0.1:4010" },
      /must not carry a user name or password/,
    ],
    ["a non-http baseUrl", { apiKey: secret, baseUrl: "ftp://example.com" }, /absolute http\(s\) URL/],
  ];
  it.each(invalid)("fails at construction with a clear message on %s", (_, options, message) => {
    let thrown: unknown;
    try {
      createP100Client(options as P100ClientOptions);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(P100ConfigError);
    const error = thrown as P100ConfigError;
    expect(error.message).toMatch(message);
    // The key never leaks into what a caller might log.
    expect(`${error.message}\n${error.stack}\n${JSON.stringify(error)}`).not.toContain(secret);
  });

  // Every numeric setting, each value outside its range (or not a number at all).
  const ms = "a number from 1 to 2147483647 \\(ms\\)";
  const rejected: [string, Record<string, unknown>, RegExp][] = [
    ...[0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31, "1000", null].map(
      (v): [string, Record<string, unknown>, RegExp] => [
        "timeoutMs",
        { timeoutMs: v },
        new RegExp(`\`timeoutMs\` must be ${ms}`),
      ],
    ),
    ...[0, Number.POSITIVE_INFINITY, 2 ** 31, Number.NaN].map((v): [string, Record<string, unknown>, RegExp] => [
      "totalTimeoutMs",
      { totalTimeoutMs: v },
      new RegExp(`\`totalTimeoutMs\` must be ${ms}`),
    ]),
    ...[0, 1.5, Number.POSITIVE_INFINITY, 2 ** 30, "10"].map((v): [string, Record<string, unknown>, RegExp] => [
      "maxResponseBytes",
      { maxResponseBytes: v },
      /`maxResponseBytes` must be a whole number from 1 to 268435456 \(bytes\)/,
    ]),
    ...[0, 11, 1.5, Number.NaN, Number.POSITIVE_INFINITY].map((v): [string, Record<string, unknown>, RegExp] => [
      "retry.attempts",
      { retry: { attempts: v } },
      /`retry\.attempts` must be a whole number from 1 to 10/,
    ]),
    ...[-1, Number.NaN, Number.POSITIVE_INFINITY, 60_001].map((v): [string, Record<string, unknown>, RegExp] => [
      "retry.baseDelayMs",
      { retry: { baseDelayMs: v } },
      /`retry\.baseDelayMs` must be a number from 0 to 60000 \(ms\)/,
    ]),
    ...[-1, Number.POSITIVE_INFINITY, 2 ** 31].map((v): [string, Record<string, unknown>, RegExp] => [
      "retry.maxTotalDelayMs",
      { retry: { maxTotalDelayMs: v } },
      /`retry\.maxTotalDelayMs` must be a number from 0 to 2147483647 \(ms\)/,
    ]),
    ["retry.unsafeMethods", { retry: { unsafeMethods: "yes" } }, /`retry\.unsafeMethods` must be true or false/],
    ...[null, 3, true, "off"].map((v): [string, Record<string, unknown>, RegExp] => [
      "retry",
      { retry: v },
      /`retry` must be false, or an object/,
    ]),
    ["fetch", { fetch: "https://example.com" }, /`fetch` must be a function/],
  ];
  it.each(rejected)("rejects %s = %o at construction, naming the setting and its range", (_, setting, message) => {
    const create = () => createP100Client({ apiKey: secret, fetch: recordingFetch().fetch, ...setting });
    expect(create).toThrow(P100ConfigError);
    expect(create).toThrow(message);
  });

  it("quotes back only numbers: a string in a setting (perhaps the key) is not repeated", () => {
    expect(() => createP100Client({ apiKey: secret, timeoutMs: secret as unknown as number })).toThrow(
      /^createP100Client: `timeoutMs` must be a number from 1 to 2147483647 \(ms\); got a string\.$/,
    );
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ["timeoutMs", { timeoutMs: 0 }, /^getUserBalances: `timeoutMs` must be a number from 1 to 2147483647/],
    ["totalTimeoutMs", { totalTimeoutMs: Number.POSITIVE_INFINITY }, /^getUserBalances: `totalTimeoutMs` must be/],
    ["retry.attempts", { retry: { attempts: 0 } }, /^getUserBalances: `retry\.attempts` must be a whole number/],
  ])("rejects a call's own %s before sending", async (_, own, message) => {
    const { seen, fetch } = recordingFetch();
    const call = createP100Client({ apiKey: secret, fetch }).GET("/v1/user/balances/{externalUserId}", {
      params: { path: { externalUserId: "u" } },
      ...own,
    });
    await expect(call).rejects.toThrow(P100RequestError);
    await expect(call).rejects.toThrow(message);
    expect(seen).toHaveLength(0);
  });

  describe("an option given as undefined means its default", () => {
    afterEach(() => vi.restoreAllMocks());

    it("retry: { attempts: undefined, baseDelayMs: undefined } retries 3 times with the default backoff", async () => {
      const waits = vi.spyOn(clock, "sleep").mockImplementation(async (ms) => ms);
      let calls = 0;
      const fetch = async () => {
        calls++;
        throw new TypeError("fetch failed");
      };
      const result = await createP100Client({
        apiKey: secret,
        fetch,
        retry: { attempts: undefined, baseDelayMs: undefined, maxTotalDelayMs: undefined },
      }).GET("/v1/user/balances/{externalUserId}", { params: { path: { externalUserId: "u" } } });
      expect(result.error).toMatchObject({ reason: "network" });
      expect(calls).toBe(3);
      // Backoff from 200 ms with equal jitter: 100–200, then 200–400.
      const [first, second] = waits.mock.calls.map(([ms]) => ms);
      expect(first).toBeGreaterThanOrEqual(100);
      expect(first).toBeLessThanOrEqual(200);
      expect(second).toBeGreaterThanOrEqual(200);
      expect(second).toBeLessThanOrEqual(400);
    });

    it("timeoutMs, totalTimeoutMs, maxResponseBytes, environment and fetch given as undefined", async () => {
      const { seen, fetch } = recordingFetch();
      const client = createP100Client({
        apiKey: secret,
        environment: undefined,
        timeoutMs: undefined,
        totalTimeoutMs: undefined,
        maxResponseBytes: undefined,
        retry: undefined,
        fetch,
      });
      const result = await client.POST("/v1/user/balances/extended", { body, timeoutMs: undefined, retry: undefined });
      expect(result).toMatchObject({ outcome: "success", status: 201 });
      expect(seen[0]!.url).toBe(`${environments.stage}/v1/user/balances/extended`);
      expect(() => createP100Client({ apiKey: secret, fetch: undefined })).not.toThrow();
    });
  });

  it.each([".", ".."])("refuses the path id %j before sending: a URL path cannot carry it", async (id) => {
    const { seen, fetch } = recordingFetch();
    const call = createP100Client({ apiKey: secret, fetch }).GET("/v1/user/balances/{externalUserId}", {
      params: { path: { externalUserId: id } },
    });
    await expect(call).rejects.toThrow(P100RequestError);
    await expect(call).rejects.toThrow(`getUserBalances: the path parameter externalUserId cannot be "${id}"`);
    expect(seen).toHaveLength(0);
  });

  it("keeps the API key off the client object", () => {
    const client = createP100Client({ apiKey: secret, fetch: recordingFetch().fetch });
    expect(JSON.stringify(client)).not.toContain(secret);
    expect(Object.values(client).map(String).join("\n")).not.toContain(secret);
  });

  describe("openapi-fetch middleware", () => {
    const balances = { userId: "f63064b1-c26b-4c9e-af22-0b483262751f", fiatBalances: [], cryptoBalances: [] };
    const get = (client: ReturnType<typeof createP100Client>) =>
      client.GET("/v1/user/balances/{externalUserId}", { params: { path: { externalUserId: "u" } } });

    it("can read the answer's body, and never sees the API key", async () => {
      const client = createP100Client({ apiKey: secret, fetch: async () => Response.json(balances) });
      const seen: { key: string | null; body: unknown }[] = [];
      client.use({
        onRequest: ({ request }) => void seen.push({ key: request.headers.get("x-api-key"), body: undefined }),
        onResponse: async ({ response }) => {
          seen[0]!.body = await response.clone().json();
        },
      });
      expect(await get(client)).toMatchObject({ outcome: "success", data: balances, drift: [] });
      expect(seen).toEqual([{ key: null, body: balances }]);
    });

    it.each([
      [200, "success", "data"],
      [400, "error", "error"],
    ] as const)(
      "may replace a %i answer, and the client classifies the replacement",
      async (status, outcome, field) => {
        const replacement = status === 200 ? balances : { errorCode: "P412", errorMessage: "User not exist" };
        const client = createP100Client({
          apiKey: secret,
          fetch: async () => new Response("ignored", { status: 503 }),
          retry: false,
        });
        client.use({ onResponse: () => Response.json(replacement, { status }) });
        const result = await get(client);
        expect(result).toMatchObject({ outcome, status, drift: [], [field]: replacement });
      },
    );
  });
});
