// The mock's pipeline in this process: createMockFetch answers Web Requests with the same
// handlers as startMock's server, without a listening socket (no port is taken in this file).
// With its own pages' answers: the front door (GET /), the control API's description and the
// `Prefer` choices /docs offers (its browser checks: test/review/pages.test.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import spec from "../../generated/openapi.json" with { type: "json" };
import sandboxSpec from "../../generated/sandbox.json" with { type: "json" };
import { createMockFetch, createSandboxClient, type InProcessMock } from "../../src/mock/index.js";
import { maxBodyBytes } from "../../src/mock/uploads.js";
import { responseCases, validBody } from "../support/cases.js";

const id = "f47ac10b-58cc-4372-a567-0e02b2c3d479";
const base = "http://mock.test";
const key = "pipeline-test";

function call(
  mock: InProcessMock,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  bytes?: Uint8Array<ArrayBuffer>,
) {
  const json = bytes ?? (body !== undefined && typeof body !== "string" ? JSON.stringify(body) : body);
  return mock.fetch(
    new Request(`${base}${path}`, {
      method,
      ...(json === undefined ? {} : { body: json }),
      headers: { "x-api-key": key, ...(json === undefined ? {} : { "content-type": "application/json" }), ...headers },
    }),
  );
}

describe("the stateless mock in process", () => {
  let mock: InProcessMock;
  const log: string[] = [];
  beforeAll(async () => {
    mock = await createMockFetch({ onOutput: (line) => log.push(line) });
  });
  afterAll(() => mock.close());

  it("answers a documented example, and logs it", async () => {
    const response = await call(mock, "GET", `/v1/user/balances/${id}`);
    expect(response.status).toBe(200);
    const { $ref } =
      spec.paths["/v1/user/balances/{externalUserId}"].get.responses["200"].content["application/json"].examples
        .success;
    const name = $ref.split("/").at(-1) as keyof typeof spec.components.examples;
    expect(await response.json()).toEqual(spec.components.examples[name].value);
    expect(log).toContain(`GET /v1/user/balances/${id} → 200\n`);
  });

  it("reads a path that starts with // as a path, not a host", async () => {
    const response = await call(mock, "GET", `//v1/user/balances/${id}`);
    expect(response.status).toBe(404);
    expect(log).toContain(`GET //v1/user/balances/${id} → 404 Route not resolved, no path matched\n`);
  });

  it("answers 401 without a key", async () => {
    const response = await mock.fetch(new Request(`${base}/v1/user/balances/${id}`));
    expect(response.status).toBe(401);
    expect(await response.json()).toHaveProperty("message");
  });

  it("answers an invalid body with the P403 that names its failure", async () => {
    const body = { ...validBody("createUser", { externalUserId: id }), country: "pl" };
    const response = await call(mock, "POST", "/v1/user/balances/crypto-and-fiat", body);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      errorCode: "P403",
      errorMessage: 'country must match pattern "^[A-Z]{2}$".',
    });
  });

  it("answers the example Prefer picks, and refuses one the operation does not document", async () => {
    const picked = await call(mock, "GET", `/v1/user/balances/${id}`, undefined, { prefer: "code=401, example=xo2" });
    expect(picked.status).toBe(401);
    const wrong = await call(mock, "GET", `/v1/user/balances/${id}`, undefined, { prefer: "code=418" });
    expect(wrong.status).toBe(400);
    expect(wrong.headers.get("content-type")).toBe("application/problem+json");
    expect((await wrong.json()).detail).toContain("code=418 is not a documented status of this operation");
  });

  it.each([
    ["code=202; example=P211", ' (a ";" makes what follows a parameter of the preference before it)'],
    ["code=202, exmaple=P211", ""],
    ["return=minimal", ""],
  ])("refuses Prefer: %s, which it cannot read, with a 400 that says so", async (prefer, hint) => {
    const body = { externalUserId: id };
    const response = await call(mock, "POST", "/v1/user/balances/extended", body, { prefer });
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    const problem = await response.json();
    expect(problem.title).toBe("The mock cannot read this Prefer header");
    expect(problem.detail).toContain(
      `Prefer: cannot read "${prefer}": the mock reads code, example, dynamic and seed, each a preference of its own, separated by commas${hint}. POST /v1/user/balances/extended documents: code=201 (example=success); code=202 (example=P210 | P211);`,
    );
    expect(log).toContain("POST /v1/user/balances/extended → 400 Prefer cannot be read\n");
  });

  it("names the type that arrived and the allowed ones in P426, in the answer and the log line", async () => {
    const form = new FormData();
    form.append("documentType", "UTILITY_BILL");
    // A converter that sent the list of types as the part's type (a Postman user's case).
    form.append("files", new File(["%PDF-1.4"], "bill.pdf", { type: "application/pdf, image/png" }));
    const response = await mock.fetch(
      new Request(`${base}/v1/user/poa-files/${id}`, { method: "POST", body: form, headers: { "x-api-key": key } }),
    );
    expect(response.status).toBe(400);
    const errorMessage =
      'Invalid file type: file 1 (bill.pdf) has type "application/pdf, image/png"; allowed: application/pdf, image/jpeg, image/jpg, image/png.';
    expect(await response.json()).toEqual({ errorCode: "P426", errorMessage });
    expect(log).toContain(`POST /v1/user/poa-files/${id} → 400 P426: ${errorMessage}\n`);
  });

  it("answers GET / with the front door: a link to each page, the pages' headers, no CORS for other origins", async () => {
    const page = await mock.fetch(new Request(`${base}/`, { headers: { origin: "https://evil.example" } }));
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const docs = await mock.fetch(new Request(`${base}/docs`));
    for (const header of ["content-security-policy", "x-content-type-options", "referrer-policy", "cache-control"])
      expect(page.headers.get(header), header).toBe(docs.headers.get(header));
    expect(page.headers.get("access-control-allow-origin")).toBeNull();
    const text = await page.text();
    const links = [...text.matchAll(/<a href="([^"]+)"/g)].map((match) => match[1]);
    expect(links).toEqual(["/docs", "/docs/sandbox.json", "/docs/openapi"]);
    for (const link of links) expect((await mock.fetch(new Request(`${base}${link}`))).status, link).toBe(200);
    expect(text).toContain("<code>p100-mock --stateful</code>"); // the dashboard: how to get it
    expect((await mock.fetch(new Request(`${base}/`, { method: "POST" }))).status).toBe(404); // a page is read, not posted
  });

  it("serves the control API's description, its servers this mock", async () => {
    const served = await (await mock.fetch(new Request(`${base}/docs/sandbox.json`))).json();
    expect(served.servers).toEqual([{ url: "/", description: "This mock (p100-mock)" }]);
    expect(served.paths).toEqual(sandboxSpec.paths);
  });

  it("lists for /docs each operation's documented answers as the Prefer values that pick them", async () => {
    const served = await (await mock.fetch(new Request(`${base}/docs/prefer.json`))).json();
    const documented: Record<string, string[]> = {};
    for (const { method, path, status, example } of responseCases) {
      const route = `${method} ${path}`;
      documented[route] = [...(documented[route] ?? []), `code=${status}${example ? `, example=${example}` : ""}`];
    }
    expect(served).toEqual(documented);
    // Each is an answer the mock gives (every documented answer, through Prefer: test/mock/mock.test.ts).
    const picked = await call(
      mock,
      "POST",
      "/v1/user/balances/extended",
      { externalUserId: id },
      {
        prefer: served["post /v1/user/balances/extended"][2],
      },
    );
    expect(picked.status).toBe(202);
    expect(await picked.json()).toMatchObject({ errorCode: "P211" });
  });

  it("answers a body over the cap with 413, as the server does", async () => {
    const body = new Uint8Array(maxBodyBytes + 1);
    const response = await call(mock, "POST", `/v1/user/poa-files/${id}`, undefined, {}, body);
    expect(response.status).toBe(413);
    expect((await response.json()).message).toContain(`larger than ${maxBodyBytes} bytes`);
  });

  it.each([
    ["__proto__", '{"externalUserId":"u1","__proto__":{"polluted":true}}'],
    ["constructor", '{"externalUserId":"u1","data":{"constructor":{"prototype":{"polluted":true}}}}'],
  ])("refuses a body with a %s member as an invalid body", async (member, text) => {
    const response = await call(mock, "PATCH", "/v1/user", text);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      errorCode: "P403",
      errorMessage: `the request body must not have a "${member}" member.`,
    });
  });
});

describe("the stateful mock in process", () => {
  let mock: InProcessMock;
  beforeAll(async () => {
    mock = await createMockFetch({ stateful: true });
  });
  afterAll(() => mock.close());

  it("links its dashboard from the front door, and refuses a Prefer it cannot read as the stateless mock does", async () => {
    const links = [...(await (await mock.fetch(new Request(`${base}/`))).text()).matchAll(/<a href="([^"]+)"/g)];
    expect(links.map((match) => match[1])).toEqual(["/docs", "/_sandbox/ui", "/docs/sandbox.json", "/docs/openapi"]);
    const prefer = "code=202; example=P211";
    const refused = await call(mock, "POST", "/v1/user/balances/extended", { externalUserId: "c1" }, { prefer });
    expect(refused.status).toBe(400);
    expect((await refused.json()).detail).toContain(`cannot read "${prefer}"`);
  });

  it("creates a user with a key and reads it back", async () => {
    const created = await call(
      mock,
      "POST",
      "/v1/user/balances/crypto-and-fiat",
      validBody("createUser", { externalUserId: "c1" }),
    );
    expect(created.status).toBe(200);
    const balances = await call(mock, "GET", "/v1/user/balances/c1");
    expect(balances.status).toBe(200);
    const unknown = await call(mock, "GET", "/v1/user/balances/nobody");
    expect(unknown.status).toBe(400);
    const other = await mock.fetch(
      new Request(`${base}/v1/user/balances/c1`, { headers: { "x-api-key": "another-key" } }),
    );
    expect(other.status).toBe(400); // another key's world has no such user
  });

  it("applies a fault and notes the call in the world's journal", async () => {
    const fault = await call(mock, "POST", "/_sandbox/faults", { operation: "getUserBalances", status: 503 });
    expect(fault.status).toBe(201);
    const faulted = await call(mock, "GET", "/v1/user/balances/c1");
    expect(faulted.status).toBe(503);
    expect((await faulted.json()).message).toContain("answers 503");
    const journal = (await (await call(mock, "GET", "/_sandbox/requests")).json()) as Record<string, unknown>[];
    expect(journal.at(-1)).toMatchObject({
      method: "GET",
      path: "/v1/user/balances/c1",
      status: 503,
      operation: "getUserBalances",
      externalUserId: "c1",
      fault: { status: 503, operation: "getUserBalances" },
    });
  });

  it("rejects as fetch does on a network error for a reset fault", async () => {
    await call(mock, "POST", "/_sandbox/faults", { operation: "getUserBalances", reset: true });
    const failed = call(mock, "GET", "/v1/user/balances/c1");
    await expect(failed).rejects.toThrow(TypeError);
    await expect(failed).rejects.toHaveProperty("cause.code", "ECONNRESET");
  });

  it("is driven by the typed sandbox client through its fetch, with no port", async () => {
    const sandbox = createSandboxClient({ baseUrl: base, apiKey: key, fetch: mock.fetch });
    const { data, response } = await sandbox.GET("/_sandbox/users");
    expect(response.status).toBe(200);
    expect(Array.isArray(data)).toBe(true);
  });

  it("honours the request's signal as fetch does: an abort rejects the call at once", async () => {
    // A fault that holds the answer back, so that the abort comes while the call is under way.
    await call(mock, "POST", "/_sandbox/faults", { operation: "getUserBalances", delayMs: 3000 });
    const controller = new AbortController();
    const held = mock.fetch(
      new Request(`${base}/v1/user/balances/c1`, { headers: { "x-api-key": key }, signal: controller.signal }),
    );
    controller.abort();
    await expect(held).rejects.toMatchObject({ name: "AbortError" });
    const before = new Request(`${base}/v1/user/balances/c1`, { signal: AbortSignal.abort() });
    await expect(mock.fetch(before)).rejects.toMatchObject({ name: "AbortError" });
  });

  it("gives a body that breaks off half way for a truncate fault", async () => {
    await call(mock, "POST", "/_sandbox/faults", { operation: "getUserBalances", truncate: true });
    const cut = await call(mock, "GET", "/v1/user/balances/c1");
    expect(cut.status).toBe(200);
    await expect(cut.text()).rejects.toThrow("terminated");
  });

  it("refuses a PATCH /v1/user with __proto__, and the stored user keeps its prototype", async () => {
    const text = '{"externalUserId":"c1","__proto__":{"polluted":true,"country":"XX"}}';
    const refused = await call(mock, "PATCH", "/v1/user", text);
    expect(refused.status).toBe(400);
    expect((await refused.json()).errorMessage).toBe('the request body must not have a "__proto__" member.');
    const user = await (await call(mock, "GET", "/_sandbox/users/c1")).json();
    expect(user.polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const journal = (await (await call(mock, "GET", "/_sandbox/requests")).json()) as Record<string, unknown>[];
    expect(journal.at(-1)).toMatchObject({ method: "PATCH", status: 400, rule: "validation" });
  });
});

describe("the proxy in process", () => {
  it("marks every answer of the mock's own as such, whichever step gave it (/_sandbox's 404, the front page)", async () => {
    // No call here reaches the upstream: the address only has to be an http URL.
    const mock = await createMockFetch({ proxy: "http://127.0.0.1:9" });
    try {
      for (const path of ["/_sandbox/users", "/"]) {
        const response = await mock.fetch(new Request(`${base}${path}`, { headers: { "x-api-key": key } }));
        expect(response.headers.get("x-p100-mock-source"), path).toBe("mock");
      }
    } finally {
      await mock.close();
    }
  });
});
