// createP100Client's options: what it sends, where, and the clear errors for options that cannot work.
import { describe, expect, it } from "vitest";
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
    ["a relative baseUrl", { apiKey: secret, baseUrl: "/v1" }, /absolute http\(s\) URL/],
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
