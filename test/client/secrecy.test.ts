// The API key stays secret: every middleware hook sees requests without it, and no outcome hands
// it back (not in data, error, drift, text, headers, messages, stacks or logs), whatever form a
// server echoes it in. Short keys (the mock's "k") are redacted only where they stand alone.

import type { IncomingMessage, ServerResponse } from "node:http";
import type { Middleware } from "openapi-fetch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createP100Client, type P100ClientOptions } from "../../src/index.js";
import { balances, echoedKey, type HostileServer, rawJson, startHostileServer } from "../support/hostile-server.js";
import { leaksOf } from "../support/leaks.js";

let server: HostileServer;
beforeAll(async () => (server = await startHostileServer()));
afterAll(() => server.close());

// Characters that JSON escapes (`"`, `/`) and URLs encode (`/`, `"`, `+`, space).
const secret = 'sk_test/"secret"+key 42';
const path = "/v1/user/balances/{externalUserId}";
const client = (options: Partial<P100ClientOptions> = {}) =>
  createP100Client({ apiKey: secret, baseUrl: server.url, retry: false, timeoutMs: 2000, ...options });
const getBalances = (script: string, options?: Partial<P100ClientOptions>) =>
  client(options).GET(path, { params: { path: { externalUserId: script } } });
const echo = (req: IncomingMessage) => echoedKey(String(req.headers["x-api-key"]));

describe("middleware never sees the API key", () => {
  /** A logging middleware, as users write them: it records every header of everything it is handed. */
  function recorder() {
    const seen: { hook: string; key: string | null; dump: unknown }[] = [];
    const dump = (request: Request) => Object.fromEntries(request.headers);
    const middleware: Middleware = {
      onRequest: ({ request }) =>
        void seen.push({ hook: "onRequest", key: request.headers.get("x-api-key"), dump: dump(request) }),
      onResponse: async ({ request, response }) => {
        const body = await response.clone().text();
        seen.push({ hook: "onResponse", key: request.headers.get("x-api-key"), dump: [dump(request), response, body] });
      },
      onError: ({ request, error }) =>
        void seen.push({ hook: "onError", key: request.headers.get("x-api-key"), dump: [dump(request), error] }),
    };
    return { seen, middleware };
  }

  it.each([
    ["onRequest and onResponse", "echo-key-header", ["onRequest", "onResponse"]],
    ["onRequest and onError", "drop-always", ["onRequest", "onError"]],
  ])("%s: the key reaches the server, not the hooks", async (_, script, hooks) => {
    const received: unknown[] = [];
    server.script("echo-key-header", (res, _n, req) => {
      received.push(req.headers["x-api-key"]);
      rawJson(res, 200, JSON.stringify({ ...balances, note: echo(req) }), {
        "x-seen-key": String(req.headers["x-api-key"]),
      });
    });
    const p100 = client();
    const { seen, middleware } = recorder();
    p100.use(middleware);
    const result = await p100.GET(path, { params: { path: { externalUserId: script } } });
    expect(seen.map((s) => s.hook)).toEqual(hooks);
    expect(seen.map((s) => s.key)).toEqual(hooks.map(() => null));
    expect(leaksOf(seen, secret)).toEqual([]);
    expect(leaksOf(result, secret)).toEqual([]);
    if (script === "echo-key-header") expect(received).toEqual([secret]);
  });

  it("onError sees no key when the request fails before any answer", async () => {
    const p100 = createP100Client({ apiKey: secret, baseUrl: "http://127.0.0.1:1", retry: false });
    const { seen, middleware } = recorder();
    p100.use(middleware);
    const result = await p100.GET(path, { params: { path: { externalUserId: "u" } } });
    expect(result.error).toMatchObject({ reason: "network" });
    expect(seen.map((s) => [s.hook, s.key])).toEqual([
      ["onRequest", null],
      ["onError", null],
    ]);
    expect(leaksOf(seen, secret)).toEqual([]);
  });
});

describe("no outcome hands the key back", () => {
  // Each answer echoes the key it received (in every form echoedKey writes) where that outcome keeps text.
  const key = (req: IncomingMessage) => String(req.headers["x-api-key"]);
  const text = (res: ServerResponse, status: number, type: string, body: string) => {
    res.writeHead(status, { "content-type": type });
    res.end(body);
  };
  const cases: [string, string, (res: ServerResponse, req: IncomingMessage) => void][] = [
    [
      "success, key in data and a header",
      "success",
      (res, req) =>
        rawJson(res, 200, `{"userId":"${echo(req)}","fiatBalances":[],"cryptoBalances":[]}`, { "x-seen": key(req) }),
    ],
    [
      "success with drift, key in text",
      "success",
      (res, req) => rawJson(res, 200, `{"userId":"u","n":"${echo(req)}"}`),
    ],
    [
      "documented error, key in errorMessage",
      "error",
      (res, req) => rawJson(res, 400, `{"errorCode":"P412","errorMessage":"${echo(req)}"}`),
    ],
    [
      "documented error, key as the errorCode (drift names it)",
      "error",
      (res, req) => rawJson(res, 400, JSON.stringify({ errorCode: key(req), errorMessage: "odd" })),
    ],
    [
      "error under an undocumented status",
      "error",
      (res, req) => rawJson(res, 404, `{"errorCode":"P999","errorMessage":"${echo(req)}"}`),
    ],
    ["a plain-text 401", "error", (res, req) => text(res, 401, "text/plain", `Access Denied. xo2 for ${key(req)}`)],
    ["undocumented status", "unexpected", (res, req) => rawJson(res, 500, `{"seen":"${echo(req)}"}`)],
    ["not JSON", "unexpected", (res, req) => text(res, 200, "text/html", `<p>${key(req)} ${echo(req)}</p>`)],
    [
      "rate-limited",
      "unexpected",
      (res, req) => rawJson(res, 429, `{"message":"${echo(req)}"}`, { "retry-after": "0" }),
    ],
    ["network", "unexpected", (res) => res.socket?.destroy()],
  ];

  it.each(cases)("%s (%s)", async (name, outcome, answer) => {
    const id = `leak-${name.replaceAll(" ", "-")}`;
    server.script(id, (res, _attempt, req) => answer(res, req));
    const result = await getBalances(id);
    expect(result.outcome).toBe(outcome);
    expect(leaksOf(result, secret)).toEqual([]);
    // Redacted, not dropped: what the server said around the key is still there.
    const kept = JSON.stringify([result.data, result.error, result.drift, result.text, result.response?.headers]);
    if (name !== "network") expect(kept).toContain("[redacted]");
  });

  it("pending (202), key in errorMessage", async () => {
    server.script("extended", (res, _, req) => rawJson(res, 202, `{"errorCode":"P211","errorMessage":"${echo(req)}"}`));
    const result = await client().POST("/v1/user/balances/extended", { body: { externalUserId: "u" } });
    expect(result).toMatchObject({ outcome: "pending", status: 202, drift: [] });
    expect(leaksOf(result, secret)).toEqual([]);
    expect(result.data).toMatchObject({ errorCode: "P211", errorMessage: expect.stringContaining("[redacted]") });
  });

  it("a text answer (Redirect to Verification's HTML page), key in the page", async () => {
    server.script("v-html", (res, _, req) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(`<script>location.replace("https://ui.idenfy.com/?authToken=${echo(req)}")</script>`);
    });
    const result = await client().GET("/v1/kyc/verification/{externalUserId}/{verificationId}", {
      params: { path: { externalUserId: "u", verificationId: "v-html" } },
    });
    expect(result).toMatchObject({ outcome: "success", status: 200, drift: [] });
    expect(leaksOf(result, secret)).toEqual([]);
    expect(result.data).toContain("[redacted]");
  });

  it("the documented 400 keeps the rest of its message", async () => {
    const result = await getBalances("echo-key-P412");
    expect(result).toMatchObject({ outcome: "error", status: 400, error: { errorCode: "P412" } });
    expect((result.error as { errorMessage: string }).errorMessage).toBe(
      "User not exist; key [redacted], escaped [redacted], in a URL ?k=[redacted]&l=[redacted]&f=[redacted]",
    );
  });

  it("a timeout, and nothing logged on the way", async () => {
    const logged: unknown[] = [];
    const names = ["log", "warn", "error", "info", "debug"] as const;
    const original = names.map((name) => console[name]);
    for (const name of names) console[name] = (...args: unknown[]) => void logged.push(args);
    try {
      server.script("leak-slow", () => undefined); // never answers
      const result = await getBalances("leak-slow", { timeoutMs: 100 });
      expect(result.error).toMatchObject({ reason: "timeout" });
      expect(leaksOf(result, secret)).toEqual([]);
      await getBalances("echo-key-P412");
    } finally {
      names.forEach((name, i) => {
        console[name] = original[i]!;
      });
    }
    expect(leaksOf(logged, secret)).toEqual([]);
  });
});

// The rule itself, in memory, is in test/client/redact.test.ts; here, through a real answer.
describe("the rule for short keys", () => {
  it("through a real answer: the mock's key `k` leaves words like kyc alone", async () => {
    server.script("short-key", (res, _, req) =>
      rawJson(
        res,
        400,
        JSON.stringify({ errorCode: "P412", errorMessage: `kyc for key ${req.headers["x-api-key"]} not ok`, k: 1 }),
      ),
    );
    const result = await createP100Client({ apiKey: "k", baseUrl: server.url }).GET(path, {
      params: { path: { externalUserId: "short-key" } },
    });
    expect(result.error).toEqual({ errorCode: "P412", errorMessage: "kyc for key [redacted] not ok", "[redacted]": 1 });
  });

  it("numbers are never rewritten: only strings and property names are redacted", async () => {
    server.script("short-number-key", (res) =>
      rawJson(res, 200, '{"userId":"1234","fiatBalances":[1234],"cryptoBalances":[]}'),
    );
    const result = await createP100Client({ apiKey: "1234", baseUrl: server.url }).GET(path, {
      params: { path: { externalUserId: "short-number-key" } },
    });
    expect(result).toMatchObject({ outcome: "success", data: { userId: "[redacted]", fiatBalances: [1234] } });
  });
});
