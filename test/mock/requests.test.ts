// The mock's answers to the mistakes of its own users, in every mode that answers by itself:
// P403 messages that name the actual failures, a wrong `Prefer` that lists the choices, a path
// that is not valid percent-encoding, the documented upload limits, the body cap, and CORS for
// loopback origins only. Raw Web Requests (no client) answered by the mock in this process with no
// socket (createMockFetch), but for the two answers of the HTTP server itself (a path of //, a
// failure inside the mock); the acceptance suite (test/acceptance/) sends one of each from outside.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import operations from "../../generated/operations.js";
import { createMockFetch, type InProcessMock, type RunningMock, startMock } from "../../src/mock/index.js";
import type { Call } from "../../src/mock/pipeline/call.js";
import { nodeListener } from "../../src/mock/pipeline/node-server.js";
import { createPipeline, observing } from "../../src/mock/pipeline/pipeline.js";
import { maxBodyBytes } from "../../src/mock/uploads.js";
import { validBody } from "../support/cases.js";

const id = "f47ac10b-58cc-4372-a567-0e02b2c3d479";
const modes = { stateless: {}, stateful: { stateful: true } };
const log: string[] = [];
const mocks: Record<string, InProcessMock> = {};
beforeAll(async () => {
  for (const [mode, options] of Object.entries(modes))
    mocks[mode] = await createMockFetch({ ...options, onOutput: (line) => log.push(line) });
});
afterAll(() => Promise.all(Object.values(mocks).map((mock) => mock.close())));

const base = "http://p100.test";
const send = (mock: InProcessMock, method: string, path: string, init: RequestInit = {}) =>
  mock.fetch(
    new Request(`${base}${path}`, { method, ...init, headers: { "x-api-key": "requests-test", ...init.headers } }),
  );
const postJson = (mock: InProcessMock, path: string, body: unknown, headers: Record<string, string> = {}) =>
  send(mock, "POST", path, {
    body: typeof body === "string" ? body : JSON.stringify(body),
    headers: { "content-type": "application/json", ...headers },
  });

/**
 * Bytes 0..255 over and over: a binary file no text decoding survives. Filled natively: a byte-by-
 * byte loop over 15 MiB blocked this process (and the mock in it) for seconds on a busy machine,
 * long enough for the server's keep-alive timeout to reset the connection fetch was reusing.
 */
const pattern = Uint8Array.from({ length: 256 }, (_, i) => i);
const binary = (size: number) => Buffer.alloc(size, pattern);
const upload = (files: { size: number; type: string; name?: string }[]) => {
  const form = new FormData();
  for (const { size, type, name } of files) form.append("files", new File([binary(size)], name ?? "doc.pdf", { type }));
  return form;
};
const poaLimits = operations["POST /v1/user/poa-files/{externalUserId}"]?.upload;
if (!poaLimits) throw new Error("the spec lost Add POA File's upload limits");

describe.each(Object.keys(modes))("the %s mock", (mode) => {
  const mock = () => mocks[mode] as InProcessMock;

  it("answers an invalid body with a P403 that names each failing field, and logs it", async () => {
    const body = { ...validBody("createUser", { externalUserId: id }), country: "pl" };
    const response = await postJson(mock(), "/v1/user/balances/crypto-and-fiat", body);
    expect(response.status).toBe(400);
    const answer = await response.json();
    expect(answer).toEqual({ errorCode: "P403", errorMessage: 'country must match pattern "^[A-Z]{2}$".' });
    expect(log).toContain(`POST /v1/user/balances/crypto-and-fiat → 400 P403: ${answer.errorMessage}\n`);

    const empty = await (await postJson(mock(), "/v1/user/balances/crypto-and-fiat", {})).json();
    expect(empty.errorCode).toBe("P403");
    for (const field of ["externalUserId", "email", "country", "hasAcceptedP100Tc"])
      expect(empty.errorMessage).toContain(`${field} should not be empty`);
    expect(empty.errorMessage.split(". ").length).toBe(12); // one sentence per missing field
  });

  it("answers a body that is not JSON with a P403 that says so", async () => {
    const response = await postJson(mock(), "/v1/user/balances/extended", '{"externalUserId":');
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ errorCode: "P403", errorMessage: "the request body must be valid JSON." });
  });

  it.each([
    ["example=P999", "example=P999 is not a documented example"],
    ["code=404", "code=404 is not a documented status of this operation"],
    ["code=201, example=P211", "example=P211 is not a documented example of its 201 answer"],
    ["code=abc", 'cannot read "code=abc"'],
  ])("answers Prefer: %s with one 400 that lists the operation's choices", async (prefer, reason) => {
    const response = await postJson(mock(), "/v1/user/balances/extended", { externalUserId: id }, { prefer });
    expect(response.status).toBe(400);
    const problem = await response.json();
    expect(problem.detail).toContain(reason);
    expect(problem.choices).toEqual([
      { code: "201", examples: ["success"] },
      { code: "202", examples: ["P210", "P211"] },
      { code: "400", examples: ["P403", "P444", "P455", "P458", "P459", "P500"] },
      { code: "401", examples: ["xo1", "xo2", "xo3"] },
    ]);
    expect(problem.detail).toContain("code=202 (example=P210 | P211)");
  });

  it("answers Prefer: example=<name> alone with the answer that documents that example", async () => {
    const pending = await postJson(
      mock(),
      "/v1/user/balances/extended",
      { externalUserId: id },
      { prefer: "example=P211" },
    );
    expect(pending.status).toBe(202);
    expect(await pending.json()).toMatchObject({ errorCode: "P211" });
    const denied = await postJson(
      mock(),
      "/v1/user/balances/extended",
      { externalUserId: id },
      { prefer: "example=xo2" },
    );
    expect(denied.status).toBe(401);
  });

  it("answers a path that is not valid percent-encoding with 400 P403", async () => {
    const response = await send(mock(), "GET", "/v1/user/balances/%E0%A4%A");
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errorCode: "P403" });
  });

  it("accepts the largest valid upload: three binary files of the most bytes allowed", async () => {
    const files = poaLimits.contentTypes.slice(0, 3).map((type) => ({ size: poaLimits.maxFileBytes, type }));
    const response = await send(mock(), "POST", `/v1/user/poa-files/${id}`, { body: upload(files) });
    // Stateless: the documented 201; stateful: the user does not exist, the rules' P412.
    expect(response.status).toBe(mode === "stateless" ? 201 : 400);
    if (mode === "stateful") expect(await response.json()).toMatchObject({ errorCode: "P412" });
  });

  it.each([
    {
      what: "a file one byte over the limit",
      files: [{ size: 5242881, type: "application/pdf" }],
      errorCode: "P440",
      errorMessage: "File too large",
    },
    {
      what: "a GIF",
      files: [{ size: 10, type: "image/gif", name: "a.gif" }],
      errorCode: "P426",
      errorMessage:
        'Invalid file type: file 1 (a.gif) has type "image/gif"; allowed: application/pdf, image/jpeg, image/jpg, image/png.',
    },
    { what: "no file", files: [], errorCode: "P403", errorMessage: "files should not be empty." },
    {
      what: "an empty file",
      files: [{ size: 0, type: "image/png", name: "a.png" }],
      errorCode: "P403",
      errorMessage: "file 1 (a.png) is empty.",
    },
    {
      what: "four files",
      files: Array.from({ length: 4 }, () => ({ size: 1, type: "image/png" })),
      errorCode: "P403",
      errorMessage: "files must contain no more than 3 elements.",
    },
  ])("refuses $what with $errorCode", async ({ files, errorCode, errorMessage }) => {
    const response = await send(mock(), "POST", `/v1/user/poa-files/${id}`, { body: upload(files) });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ errorCode, errorMessage });
  });

  it("answers a body over the cap with 413 and a message, and keeps serving", async () => {
    expect(maxBodyBytes).toBe(poaLimits.maxFiles * poaLimits.maxFileBytes + 1024 * 1024);
    const response = await send(mock(), "POST", `/v1/user/poa-files/${id}`, {
      body: new Uint8Array(maxBodyBytes + 1),
      headers: { "content-type": "multipart/form-data; boundary=x" },
    });
    expect(response.status).toBe(413);
    expect((await response.json()).message).toContain(`larger than ${maxBodyBytes} bytes`);
    expect((await postJson(mock(), "/v1/user/balances/extended", { externalUserId: id })).status).not.toBe(413);
  });

  it("lets loopback pages call it from a browser, and no other origin", async () => {
    for (const origin of ["http://localhost:3000", "http://127.0.0.1:5173", "http://[::1]:8080"]) {
      const preflight = await send(mock(), "OPTIONS", "/v1/user", {
        headers: { origin, "access-control-request-method": "PATCH" },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get("access-control-allow-origin")).toBe(origin);
    }
    for (const origin of ["https://evil.example", "http://localhost.evil.example", "null"]) {
      const preflight = await send(mock(), "OPTIONS", "/v1/user", {
        headers: { origin, "access-control-request-method": "PATCH" },
      });
      expect(preflight.status).toBe(403);
      expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
      const call = await send(mock(), "GET", `/v1/user/balances/${id}`, { headers: { origin } });
      expect(call.headers.get("access-control-allow-origin")).toBeNull();
    }
  });
});

it("widens CORS to the origins its user names", async () => {
  const mock = await createMockFetch({ corsOrigins: ["https://app.partner.example"] });
  try {
    const allowed = await send(mock, "GET", `/v1/user/balances/${id}`, {
      headers: { origin: "https://app.partner.example" },
    });
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.partner.example");
    const other = await send(mock, "GET", `/v1/user/balances/${id}`, { headers: { origin: "https://other.example" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  } finally {
    await mock.close();
  }
});

it("answers a path of // with 404 and keeps serving (it used to stop the process)", async () => {
  const mock: RunningMock = await startMock();
  try {
    const over = (path: string) => fetch(`${mock.url}${path}`, { headers: { "x-api-key": "requests-test" } });
    expect((await over("//")).status).toBe(404);
    expect((await over(`/v1/user/balances/${id}`)).status).toBe(200);
  } finally {
    await mock.close();
  }
});

it("answers a malformed path on the control API with 400", async () => {
  const response = await send(mocks.stateful as InProcessMock, "GET", "/_sandbox/users/%E0%A4%A");
  expect(response.status).toBe(400);
  expect((await response.json()).message).toContain("not valid percent-encoding");
});

it("answers a failure inside the mock with a plain 500 and writes the reason to the log only", async () => {
  const notes: string[] = [];
  const observe = (call: Call, reply: { status: number }) =>
    notes.push(`${call.method.toUpperCase()} ${call.path} → ${reply.status} ${call.facts.note}`);
  const failing = async () => {
    throw new TypeError("prismMock is not a function");
  };
  const handler = nodeListener(createPipeline([observing(observe), failing], observe), { transparent: false, observe });
  const server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/v1/user/balances/${id}`, { headers: { "x-api-key": "k" } });
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ message: "p100-mock could not answer this request; its log says why" });
    expect(text).not.toContain("is not a function");
    expect(notes).toEqual([`GET /v1/user/balances/${id} → 500 the mock failed: prismMock is not a function`]);
  } finally {
    server.close();
  }
});
