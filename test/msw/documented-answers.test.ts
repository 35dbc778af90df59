// The ten probe requests of the MSW issue (issue 37) and every documented response picked with
// Prefer, through the MSW handlers (src/msw/index.ts) and setupServer: each gets its documented
// answer, and the same status and body as the mock in process (createMockFetch) gives. Built from the spec's documented requests (test/support/cases.ts).
import { setupServer } from "msw/node";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createMockFetch, type InProcessMock } from "../../src/mock/index.js";
import { createHandlers, type P100Handlers } from "../../src/msw/index.js";
import { documentedRequest, operations, responseCases } from "../support/cases.js";
import { tinyPdf } from "../support/files.js";

const stage = "https://partner-api-stage.p100.io";
const key = { "x-api-key": "msw-probe" };

/** The operation's documented request, as a Request to the stage host. */
function documented(operationId: string, init: { headers?: Record<string, string>; body?: BodyInit } = {}) {
  const op = operations.find((o) => o.operationId === operationId)!;
  const { params, body, mediaType } = documentedRequest(op);
  const path = op.path.replace(/\{(\w+)\}/g, (_, name) => encodeURIComponent(String(params.path[name])));
  const query = new URLSearchParams(Object.entries(params.query).map(([name, value]) => [name, String(value)]));
  const form = mediaType === "multipart/form-data" ? formOf(body as Record<string, unknown>) : undefined;
  const json = init.body === undefined && body !== undefined && !form ? JSON.stringify(body) : undefined;
  return new Request(`${stage}${path}${query.size ? `?${query}` : ""}`, {
    method: op.method.toUpperCase(),
    headers: { ...key, ...(json === undefined ? {} : { "content-type": "application/json" }), ...init.headers },
    ...(init.body !== undefined ? { body: init.body } : { body: json ?? form }),
  });
}

/** A documented multipart body (its files real `File`s) as FormData: one part per array item. */
function formOf(fields: Record<string, unknown>) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields))
    for (const item of Array.isArray(value) ? value : [value])
      form.append(name, item instanceof File ? item : String(item));
  return form;
}

function onePdf() {
  const form = new FormData();
  form.append("country", "PL");
  form.append("files", new File([tinyPdf()], "address.pdf", { type: "application/pdf" }));
  return form;
}

const json = { "content-type": "application/json" };
const probes: [string, () => Request, number][] = [
  ["1. Create User Account with the docs' example body", () => documented("createUser"), 200],
  ["2. Extend user", () => documented("extendUser"), 201],
  ["3. Get User Balances", () => documented("getUserBalances"), 200],
  ["4. Get KYC Status", () => documented("getKycStatus"), 200],
  ["5. Redirect to Verification", () => documented("redirectToVerification"), 200],
  ["6. a call without x-api-key", () => new Request(`${stage}/v1/user/balances/u1`), 401],
  ["7. a malformed JSON body", () => documented("createUser", { headers: json, body: '{"externalUserId": ' }), 400],
  ["8. a body of {} where fields are required", () => documented("createUser", { headers: json, body: "{}" }), 400],
  ["9. Add POA File with one PDF", () => documented("addPoaFile", { body: onePdf() }), 201],
  ["10. Prefer: code=202 on Extend user", () => documented("extendUser", { headers: { prefer: "code=202" } }), 202],
];

let p100: P100Handlers;
let mock: InProcessMock;
let server: ReturnType<typeof setupServer>;
beforeAll(async () => {
  [p100, mock] = await Promise.all([createHandlers(), createMockFetch()]);
  server = setupServer(...p100.handlers);
  server.listen({ onUnhandledRequest: "error" });
});
afterAll(async () => {
  server?.close();
  await Promise.all([p100?.close(), mock?.close()]);
});

it.for(probes)("%s: its documented status, and the mock's answer", async ([, request, status]) => {
  const viaMsw = await fetch(request());
  const viaMock = await mock.fetch(request());
  const [msw, own] = [await viaMsw.text(), await viaMock.text()];
  expect({ status: viaMsw.status, body: msw }).toEqual({ status: viaMock.status, body: own });
  expect(viaMsw.status, msw).toBe(status);
  if (status === 400) expect(JSON.parse(msw)).toMatchObject({ errorCode: "P403" });
});

// The same examples and Prefer choices: every documented response, picked with Prefer.
it.for(responseCases)("$operationId $status $example through Prefer, as the mock answers it", async (c) => {
  const prefer = { prefer: `code=${c.status}${c.example ? `, example=${c.example}` : ""}` };
  const viaMsw = await fetch(documented(c.operationId, { headers: prefer }));
  const viaMock = await mock.fetch(documented(c.operationId, { headers: prefer }));
  const [msw, own] = [await viaMsw.text(), await viaMock.text()];
  expect({ status: viaMsw.status, body: msw }).toEqual({ status: viaMock.status, body: own });
  expect(viaMsw.status, msw).toBe(Number(c.status));
});
