// The MSW handlers (src/msw/index.ts) against the mock in process (createMockFetch): the
// acceptance table's rows (test/acceptance/cases.ts) go to both, through MSW's setupServer (no
// listening socket), and each answer must have the same status and body. Stateful, the rows run
// in order against two worlds, so ids and times that differ between them are masked.
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMockFetch, type InProcessMock } from "../../src/mock/index.js";
import { createHandlers, type P100Handlers } from "../../src/msw/index.js";
import { apiKey, type Body, type Mode, rows } from "../acceptance/cases.js";
import { multipart } from "../acceptance/multipart.js";

const stage = "https://partner-api-stage.p100.io";
// Deliveries go nowhere (the discard port on loopback): the parity is of the answers.
const receiver = "http://127.0.0.1:9";

function encode(body: Body): { contentType: string; bytes: Uint8Array<ArrayBuffer> } {
  if ("json" in body)
    return {
      contentType: "application/json",
      bytes: new TextEncoder().encode(JSON.stringify(body.json).replaceAll("{RECEIVER}", receiver)),
    };
  if ("raw" in body) return { contentType: body.contentType, bytes: new TextEncoder().encode(body.raw) };
  const built = multipart(body.multipart, body.padTo);
  return { contentType: built.contentType, bytes: new Uint8Array(built.body) };
}

/** A `{kyc:<user>:<field>}` placeholder filled from that user's state in the world answering `send`. */
async function filled(path: string, send: (request: Request) => Promise<Response>) {
  let result = path;
  for (const [placeholder, id, field] of path.matchAll(/\{kyc:([^:}]+):(\w+)\}/g)) {
    const user = await send(new Request(`${stage}/_sandbox/users/${id}`, { headers: { "x-api-key": apiKey } }));
    const value = ((await user.json()) as { kyc?: Record<string, unknown> }).kyc?.[field!];
    result = result.replace(placeholder, encodeURIComponent(String(value)));
  }
  return result;
}

function requestOf(row: (typeof rows)[number], path: string): Request {
  const headers: Record<string, string> = { "x-api-key": apiKey };
  for (const [name, value] of Object.entries(row.headers ?? {})) {
    if (value === null) delete headers[name];
    else headers[name] = value;
  }
  const body = row.body && encode(row.body);
  if (body) headers["content-type"] = body.contentType;
  return new Request(`${stage}${path}`, { method: row.method, headers, ...(body ? { body: body.bytes } : {}) });
}

/** Status and body text, with what two worlds make up on their own (uuids, times, tokens) masked. */
async function seen(response: Response) {
  const text = (await response.text())
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "<uuid>")
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, "<time>")
    .replace(/([?&]token=)[^"&]+/g, "$1<token>");
  return { status: response.status, type: response.headers.get("content-type"), text };
}

function parity(mode: Exclude<Mode, "proxy" | "proxy-dead" | "script">) {
  describe(`the handlers answer as the ${mode} mock does`, () => {
    let p100: P100Handlers;
    let mock: InProcessMock;
    let server: ReturnType<typeof setupServer>;
    beforeAll(async () => {
      const options = { stateful: mode === "stateful" };
      [p100, mock] = await Promise.all([createHandlers(options), createMockFetch(options)]);
      server = setupServer(...p100.handlers);
      server.listen({ onUnhandledRequest: "bypass" });
    });
    afterAll(async () => {
      server?.close();
      await Promise.all([p100?.close(), mock?.close()]);
    });

    // Rows that frame their bytes by hand only exist on a socket.
    for (const row of rows.filter((r) => r.modes.includes(mode) && !r.framing))
      it(row.name, async () => {
        const viaMsw = await fetch(requestOf(row, await filled(row.path, (r) => fetch(r))));
        const viaMock = await mock.fetch(requestOf(row, await filled(row.path, (r) => mock.fetch(r))));
        expect(await seen(viaMsw)).toEqual(await seen(viaMock));
      });
  });
}

parity("stateless");
parity("stateful");
