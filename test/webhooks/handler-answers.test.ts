// createWebhookHandler and toNodeHandler: each answer a public endpoint gives, the order of the
// checks (token and path before a byte of the body), the body cap, and what a callback sees.
// Over real loopback HTTP for the Node adapter; the runtimes and frameworks are in
// test/acceptance/webhook-receivers.test.ts and test/webhooks/runtimes.test.ts.
import http from "node:http";
import type { AddressInfo } from "node:net";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createWebhookHandler,
  toNodeHandler,
  type WebhookFailure,
  type WebhookName,
  type WebhookPayload,
} from "../../src/webhooks/index.js";

const token = "whsec_handler-test";
const id = "bca65c48-df49-4831-a7b2-de7903321581";
type Heard = { name: WebhookName; payload: unknown; recognised: boolean };

function receiver(options: { maxBytes?: number; fail?: boolean } = {}) {
  const heard: Heard[] = [];
  const refused: WebhookFailure[] = [];
  const errors: unknown[] = [];
  const note = (recognised: boolean) => (payload: unknown, info: { name: WebhookName }) => {
    if (options.fail) throw new Error("database down");
    heard.push({ name: info.name, payload, recognised });
  };
  const handler = createWebhookHandler({
    tokens: ["whsec_old", token],
    on: { kycFileAdded: note(true), poaVerificationStatus: note(true), userBalanceGeneration: note(true) },
    onUnrecognised: note(false),
    onRefused: (failure) => refused.push(failure),
    onError: (error) => errors.push(error),
    paths: { "/p100/balance-ready": "userBalanceGeneration" },
    ...(options.maxBytes ? { maxBytes: options.maxBytes } : {}),
  });
  return { handler, heard, refused, errors };
}

const post = (path: string, body: unknown, headers: Record<string, string> = { authorization: token }) =>
  new Request(`http://localhost${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
const added: WebhookPayload<"kycFileAdded"> = { externalUserId: id, status: "ADDED" };

describe("createWebhookHandler answers", () => {
  it.each<[string, string, WebhookName]>([
    ["by the last path segment (the sandbox's {webhook})", "/webhooks/kycFileAdded", "kycFileAdded"],
    ["with a trailing slash", "/kycFileAdded/", "kycFileAdded"],
    ["by V1's documented path", "/webhook/kyc-files/status", "kycFileAdded"],
    ["by V1's documented path under a prefix", "/api/webhook/user/status", "userBalanceGeneration"],
    ["by V1's path written without its leading slash", "/webhook/poa-verification/status", "poaVerificationStatus"],
    ["by the paths option", "/p100/balance-ready", "userBalanceGeneration"],
  ])("200 {} and calls the callback, routed %s", async (_, path, name) => {
    const { handler, heard } = receiver();
    const payload = name === "userBalanceGeneration" ? { externalUserId: id, status: "ACTIVE" } : added;
    const response = await handler(
      post(path, name === "poaVerificationStatus" ? { externalUserId: id, status: "WAITING" } : payload),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
    expect(heard.map((h) => h.name)).toEqual([name]);
  });

  it("200 for an authentic payload the spec did not recognise, given to onUnrecognised", async () => {
    const { handler, heard } = receiver();
    const response = await handler(post("/poaVerificationStatus", { externalUserId: id, status: "EXPIRED" }));
    expect(response.status).toBe(200);
    expect(heard).toEqual([
      { name: "poaVerificationStatus", payload: { externalUserId: id, status: "EXPIRED" }, recognised: false },
    ]);
  });

  it("accepts each of the rotated tokens", async () => {
    const { handler } = receiver();
    for (const given of ["whsec_old", token])
      expect((await handler(post("/kycFileAdded", added, { authorization: given }))).status).toBe(200);
  });

  it.each<[string, Request, number, RegExp]>([
    ["a missing token", post("/kycFileAdded", added, {}), 401, /^the Authorization header is missing$/],
    [
      "a wrong token",
      post("/kycFileAdded", added, { authorization: "whsec_wrong" }),
      401,
      /not the webhook security token/,
    ],
    ["a wrong token on an unknown path", post("/favicon.ico", "", { authorization: "x" }), 401, /not the webhook/],
    ["an unknown path", post("/favicon.ico", added), 404, /^"\/favicon\.ico" is not a P100 webhook/],
    [
      "a path with a newline",
      post("/x%0Aforged%20log%20line", added),
      404,
      /^"\/x\\nforged log line" is not a P100 webhook/,
    ],
    [
      "a webhook with no callback here",
      post("/createWallet", { externalUserId: id }),
      404,
      /no callback for createWallet; it takes kycFileAdded, poaVerificationStatus, userBalanceGeneration/,
    ],
    ["a GET", new Request("http://localhost/kycFileAdded", { headers: { authorization: token } }), 405, /POST/],
    ["a body that is not JSON", post("/kycFileAdded", "status=ADDED"), 400, /^the body is not JSON$/],
    [
      "a payload the docs rule out",
      post("/kycFileAdded", { externalUserId: id, status: "DONE" }),
      400,
      /\/status must be equal to one of the allowed values/,
    ],
    [
      "a body over maxBytes",
      post("/kycFileAdded", { ...added, pad: "x".repeat(70_000) }),
      413,
      /^the body is over 65536 bytes$/,
    ],
  ])("%s: the documented status, a one-line message, onRefused told", async (_, request, status, message) => {
    const { handler, heard, refused } = receiver();
    const response = await handler(request);
    expect(response.status).toBe(status);
    const { message: said } = await response.json();
    expect(said).toMatch(message);
    expect(said).not.toContain("\n");
    expect(said).not.toContain(token);
    expect(heard).toEqual([]);
    expect(refused.map((f) => f.message)).toEqual([said]);
    if (status === 405) expect(response.headers.get("allow")).toBe("POST");
  });

  it("500 when the callback throws, so that P100 retries; onError gets the error, the answer does not", async () => {
    const { handler, errors } = receiver({ fail: true });
    const response = await handler(post("/kycFileAdded", added));
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ message: "the kycFileAdded callback failed" });
    expect(errors).toEqual([new Error("database down")]);
  });

  it("413 from Content-Length alone, and stops reading a streamed body once over the cap", async () => {
    const { handler } = receiver({ maxBytes: 1000 });
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(400));
      },
    });
    const streamed = new Request("http://localhost/kycFileAdded", {
      method: "POST",
      headers: { authorization: token },
      body: endless,
      duplex: "half",
    } as RequestInit);
    expect((await handler(streamed)).status).toBe(413);
    expect(pulled).toBeLessThan(10);
  });

  it("does not read the body of a request with a wrong token", async () => {
    const { handler } = receiver();
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulled++;
          controller.enqueue(new TextEncoder().encode("{}"));
          controller.close();
        },
      },
      { highWaterMark: 0 },
    ); // pulled only when read
    const request = new Request("http://localhost/kycFileAdded", {
      method: "POST",
      headers: { authorization: "whsec_wrong" },
      body,
      duplex: "half",
    } as RequestInit);
    expect((await handler(request)).status).toBe(401);
    expect(pulled).toBe(0);
    expect(request.bodyUsed).toBe(false);
  });

  it.each<[string, () => unknown, RegExp]>([
    ["no tokens", () => createWebhookHandler({ tokens: [], on: {} }), /`tokens`.*is required/],
    [
      "an unset token variable",
      () => createWebhookHandler({ tokens: process.env.P100_NO_SUCH_VAR!, on: {} }),
      /`tokens`/,
    ],
    [
      "an unknown webhook in on",
      () => createWebhookHandler({ tokens: "t", on: { userCreated() {} } as never }),
      /on\.userCreated: "userCreated" is not a P100 webhook/,
    ],
    [
      "a path to an unknown webhook",
      () => createWebhookHandler({ tokens: "t", on: {}, paths: { "/x": "nope" as never } }),
      /paths\["\/x"\]/,
    ],
    ["a bad maxBytes", () => createWebhookHandler({ tokens: "t", on: {}, maxBytes: -1 }), /maxBytes/],
    [
      "toNodeHandler of another function",
      () => toNodeHandler((async () => new Response()) as never),
      /createWebhookHandler returned/,
    ],
  ])("refuses bad options at once (at start-up, not per request): %s", (_, create, message) => {
    expect(create).toThrow(message);
  });
});

describe("toNodeHandler over node:http", () => {
  const state = receiver({ maxBytes: 1000 });
  let server: http.Server;
  let port: number;
  beforeAll(async () => {
    server = http.createServer(toNodeHandler(state.handler));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it("receives a delivery end to end", async () => {
    const response = await fetch(`http://127.0.0.1:${port}/webhooks/kycFileAdded`, {
      method: "POST",
      headers: { authorization: token, "content-type": "application/json" },
      body: JSON.stringify(added),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
    expect(state.heard.at(-1)).toEqual({ name: "kycFileAdded", payload: added, recognised: true });
  });

  /** Sends the head of a request that announces `length` bytes and sends `sent` of them; resolves with the answer's status line. */
  const rawPost = (headers: string, length: number, sent: number) =>
    new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, "127.0.0.1");
      let answer = "";
      socket.on("data", (chunk) => {
        answer += chunk;
        if (answer.includes("\r\n\r\n")) {
          resolve(answer.split("\r\n")[0]!);
          socket.destroy();
        }
      });
      socket.on("error", reject);
      socket.write(
        `POST /webhooks/kycFileAdded HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n${headers}content-length: ${length}\r\n\r\n${"x".repeat(sent)}`,
      );
    });

  it("answers 401 to a wrong token while the body has not even arrived", async () => {
    expect(await rawPost("authorization: whsec_wrong\r\n", 500, 0)).toBe("HTTP/1.1 401 Unauthorized");
  });

  it("answers 413 on the announced length, before the body arrives", async () => {
    expect(await rawPost(`authorization: ${token}\r\n`, 10_000_000, 0)).toBe("HTTP/1.1 413 Payload Too Large");
  });

  it("answers 413 to a chunked body once it passes the cap", async () => {
    const chunk = "x".repeat(600);
    const response = await fetch(`http://127.0.0.1:${port}/webhooks/kycFileAdded`, {
      method: "POST",
      headers: { authorization: token },
      body: new ReadableStream({
        pull(controller) {
          controller.enqueue(new TextEncoder().encode(chunk));
        },
      }),
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
  });

  it("never listens to the body of a request with a wrong token or an unknown path", async () => {
    const nodeHandler = toNodeHandler(state.handler);
    for (const [url, authorization, status] of [
      ["/webhooks/kycFileAdded", "whsec_wrong", 401],
      ["/favicon.ico", token, 404],
    ] as const) {
      const listened: string[] = [];
      const answered = await new Promise<number>((resolve) => {
        const req = {
          method: "POST",
          url,
          headers: { authorization, "content-length": "10" },
          on: (event: string) => listened.push(event),
          removeListener() {},
          pause() {},
          resume: () => listened.push("resume"),
        };
        let code = 0;
        nodeHandler(req, { writeHead: (s: number) => (code = s), end: () => resolve(code) });
      });
      expect(answered).toBe(status);
      expect(listened).toEqual([]);
    }
  });

  it("refuses a body a JSON parser already read (500, naming express.raw), after the token check", async () => {
    const nodeHandler = toNodeHandler(state.handler);
    const answer = (body: unknown, authorization: string) =>
      new Promise<{ status: number; body: string }>((resolve) => {
        const req = {
          method: "POST",
          url: "/webhooks/kycFileAdded",
          headers: { authorization },
          body,
          on() {},
          removeListener() {},
          pause() {},
          resume() {},
        };
        let status = 0;
        nodeHandler(req, {
          writeHead: (s: number) => (status = s),
          end: (bytes?: Uint8Array) => resolve({ status, body: new TextDecoder().decode(bytes) }),
        });
      });
    const parsed = await answer(added, token);
    expect(parsed.status).toBe(500);
    expect(JSON.parse(parsed.body).message).toMatch(/^the body is a object, not the bytes as received .*express\.raw/);
    expect((await answer(added, "whsec_wrong")).status).toBe(401);
    // express.raw()'s Buffer is the raw body: accepted.
    expect((await answer(Buffer.from(JSON.stringify(added)), token)).status).toBe(200);
  });
});
