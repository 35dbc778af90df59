// The proxy mode (`--proxy`, `startMock({ proxy })`): every call goes to a real upstream (here
// local node:http servers) as it came, its answer comes back as it was sent, Prism checks both
// against the spec, every difference is logged and reported (paths templated, no user data), an
// unreachable upstream is said so, HTTP(S)_PROXY and NO_PROXY are honoured, and the API key
// appears in no log line, report or error.
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import packageJson from "../../../package.json" with { type: "json" };
import { freePort } from "../../../scripts/free-port.js";
import { createP100Client } from "../../../src/index.js";
import { startMock } from "../../../src/mock/index.js";
import { validBody } from "../../support/cases.js";
import { type HostileServer, startHostileServer } from "../../support/hostile-server.js";
import { printed } from "../../support/spawned.js";

const apiKey = "sk_stage_proxy-secret-77";
const id = "f47ac10b-58cc-4372-a567-0e02b2c3d479";
const balances = { userId: id, poaRequired: false, fiatBalances: [], cryptoBalances: [] };
const pretty = `${JSON.stringify(balances, null, 2)}\n`;
const work = fs.mkdtempSync(path.join(os.tmpdir(), "p100-proxy-"));
const tls = path.join(import.meta.dirname, "../../fixtures/tls");
/** Everything the mocks printed, reported or answered with an error: the key must be in none of it. */
const seen: string[] = [];

// This machine's own proxy settings must not reach the mocks below (those tests set their own).
const proxyVariables = ["HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy"];
const savedEnv = Object.fromEntries(proxyVariables.map((name) => [name, process.env[name]]));
for (const name of proxyVariables) delete process.env[name];
afterAll(() => {
  for (const [name, value] of Object.entries(savedEnv)) if (value !== undefined) process.env[name] = value;
  fs.rmSync(work, { recursive: true, force: true });
  expect(seen.join("\n")).not.toContain(apiKey);
});

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}
type Answer = (res: http.ServerResponse, req: Received) => void;

/** A local upstream that records every request it receives (its bytes included) and answers with `answer`. */
async function startUpstream(answer: Answer) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const one = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) };
      received.push(one);
      upstream.answer(res, one);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const upstream = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    answer,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return upstream;
}

/** A mock in this process proxying to `upstream`, with its log collected. */
async function startProxy(upstream: string) {
  const log: string[] = [];
  const mock = await startMock({ proxy: upstream, onOutput: (text) => log.push(text) });
  return { mock, log };
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** One raw HTTP call (no client library, no decoding); rejects if the answer does not end within 5 s. */
function call(
  base: string,
  target: string,
  options: { method?: string; headers?: http.OutgoingHttpHeaders; body?: Buffer | string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${target}`, {
      method: options.method ?? "GET",
      headers: { "x-api-key": apiKey, ...options.headers },
      agent: false,
    });
    req.setTimeout(5000, () => req.destroy(new Error("the answer did not end within 5 s")));
    req.on("error", reject);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.end(options.body);
  });
}

const json =
  (status: number, text: string, headers: http.OutgoingHttpHeaders = {}) =>
  (res: http.ServerResponse) => {
    res.writeHead(status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  };

describe("a proxy to a reachable upstream", () => {
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  beforeAll(async () => {
    upstream = await startUpstream(json(200, pretty));
    proxy = await startProxy(upstream.url);
  });
  beforeEach(() => {
    upstream.answer = json(200, pretty);
    upstream.received.length = 0;
    proxy.log.length = 0;
    proxy.mock.diffs.clear();
  });

  it("counts the calls it answers itself apart: not sent, not checked, never a match", async () => {
    upstream.answer = json(200, pretty);
    expect((await call(proxy.mock.url, `/v1/user/balances/${id}`)).status).toBe(200);
    const malformed = await call(proxy.mock.url, "/v1/user/balances/%E0%A4%A");
    expect(malformed.status).toBe(400);
    expect(malformed.headers["x-p100-mock-source"]).toBe("mock");
    const tooLarge = await call(proxy.mock.url, "/v1/user/balances/crypto-and-fiat", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: Buffer.alloc(16 * 1024 * 1024 + 1024 * 1024 + 1, 0x20),
    });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers["x-p100-mock-source"]).toBe("mock");
    expect(upstream.received.map((r) => r.url)).toEqual([`/v1/user/balances/${id}`]);
    expect(proxy.mock.diffs.local).toEqual([
      {
        method: "GET",
        path: "(before routing)",
        status: 400,
        why: "the path is not valid percent-encoding",
        calls: 1,
      },
      { method: "POST", path: "(before routing)", status: 413, why: "the body is larger than 16 MiB", calls: 1 },
    ]);
    // Without arguments, the report names the upstream and the bundled spec's version.
    const report = proxy.mock.diffs.report(undefined, undefined, new Date("2026-01-02T03:04:05.000Z"));
    expect(report).toBe(
      [
        "# P100 contract differences report",
        "",
        `Upstream ${upstream.url}, spec ${packageJson.version}, 2026-01-02T03:04:05.000Z: 3 call(s), 1 answered and checked, 0 with differences, 0 never reached the upstream, 2 answered by the mock itself.`,
        "",
        "No differences in the 1 answer(s) that came, but 2 call(s) were answered by the mock itself (below): they were not checked.",
        "",
        "## Calls the mock answered itself (not sent to the upstream)",
        "",
        "| method | path | status | why | calls |",
        "|---|---|---|---|---|",
        "| GET | `(before routing)` | 400 | the path is not valid percent-encoding | 1 |",
        "| POST | `(before routing)` | 413 | the body is larger than 16 MiB | 1 |",
        "",
      ].join("\n"),
    );
  });
  afterAll(async () => {
    seen.push(...proxy.log, proxy.mock.diffs.report(upstream.url, "0.2.0"));
    await proxy.mock.close();
    await upstream.close();
  });

  it("forwards a binary multipart body byte for byte (all 256 byte values), with its boundary", async () => {
    upstream.answer = (res) => {
      res.writeHead(201);
      res.end();
    };
    const boundary = "----p100-boundary-\u00e9";
    const file = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="documentType"\r\n\r\nID_CARD\r\n`, "latin1"),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="scan.png"\r\n`, "latin1"),
      Buffer.from("Content-Type: image/png\r\n\r\n"),
      file,
      Buffer.from(`\r\n--${boundary}--\r\n`, "latin1"),
    ]);
    const contentType = `multipart/form-data; boundary="${boundary}"`;
    const reply = await call(proxy.mock.url, `/v1/user/kyc-files/${id}`, {
      method: "POST",
      headers: { "content-type": Buffer.from(contentType, "utf8").toString("latin1") },
      body,
    });
    expect(reply.status).toBe(201);
    expect(upstream.received).toHaveLength(1);
    const [received] = upstream.received;
    expect(received?.body.equals(body)).toBe(true);
    expect(received?.headers["content-length"]).toBe(String(body.length));
    expect(received?.headers["content-type"]).toBe(Buffer.from(contentType, "utf8").toString("latin1"));
    expect(received?.headers["x-api-key"]).toBe(apiKey); // the real API needs the key: it goes on, unlogged
  });

  it("forwards a JSON body with odd whitespace and escapes as it came, and the query string as sent", async () => {
    const body = `{ "externalUserId" :\t"${id}" ,\r\n\n  "note":"caf\\u00e9 \u00e9"}\n\n`;
    const reply = await call(proxy.mock.url, "/v1/user/balances/extended", {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8" },
      body,
    });
    expect(reply.status).toBe(200);
    const target = `/v1/user/transactions/${id}?page=1&page=2&q=a%20b+c&empty=`;
    await call(proxy.mock.url, target);
    expect(upstream.received.map((r) => [r.method, r.url])).toEqual([
      ["POST", "/v1/user/balances/extended"],
      ["GET", target],
    ]);
    expect(upstream.received[0]?.body.equals(Buffer.from(body))).toBe(true);
  });

  const gzip = zlib.gzipSync(pretty);
  const br = zlib.brotliCompressSync(pretty);
  it.each([
    { kind: "Content-Length, pretty-printed JSON", sent: Buffer.from(pretty), encoding: undefined, chunked: false },
    { kind: "gzip", sent: gzip, encoding: "gzip", chunked: false },
    { kind: "br", sent: br, encoding: "br", chunked: false },
    { kind: "chunked, no Content-Length", sent: Buffer.from(pretty), encoding: undefined, chunked: true },
    { kind: "chunked gzip", sent: gzip, encoding: "gzip", chunked: true },
  ])(
    "passes an answer sent with $kind on with its bytes and a true Content-Length",
    async ({ sent, encoding, chunked }) => {
      upstream.answer = (res) => {
        res.writeHead(200, {
          "content-type": "application/json",
          ...(encoding ? { "content-encoding": encoding } : {}),
          ...(chunked ? {} : { "content-length": sent.length }),
        });
        if (!chunked) return res.end(sent);
        // In three pieces, with a pause: the proxy must wait for the end, not guess it.
        res.write(sent.subarray(0, 5));
        setTimeout(() => {
          res.write(sent.subarray(5, 20));
          res.end(sent.subarray(20));
        }, 20);
      };
      const reply = await call(proxy.mock.url, `/v1/user/balances/${id}`, {
        headers: { "accept-encoding": "gzip, br" },
      });
      expect(reply.status).toBe(200);
      expect(reply.body.equals(sent)).toBe(true);
      expect(reply.headers["content-length"]).toBe(String(sent.length));
      expect(reply.headers["content-encoding"]).toBe(encoding);
      expect(reply.headers["transfer-encoding"]).toBeUndefined();
      expect(reply.headers["x-p100-mock-source"]).toBe("upstream");
      expect(upstream.received[0]?.headers["accept-encoding"]).toBe("gzip, br");
      // Prism validated the decoded body: the documented answer has no differences.
      expect(proxy.mock.diffs.entries).toEqual([]);
      expect(proxy.mock.diffs.calls).toBe(1);
    },
  );

  it("validates a compressed answer decoded: a drifting gzip body is reported, with the path templated", async () => {
    const drifting = JSON.stringify({ userId: id, poaRequired: false, balances: {} });
    upstream.answer = json(200, "", {});
    upstream.answer = (res) => {
      const sent = zlib.gzipSync(drifting);
      res.writeHead(200, {
        "content-type": "application/json",
        "content-encoding": "gzip",
        "content-length": sent.length,
      });
      res.end(sent);
    };
    const reply = await call(proxy.mock.url, `/v1/user/balances/${id}?from=2024-01-01`);
    expect(zlib.gunzipSync(reply.body).toString()).toBe(drifting);
    const entry = {
      method: "GET",
      path: "/v1/user/balances/{externalUserId}",
      status: 200,
      violations: [
        {
          side: "response",
          location: "response.body",
          message: "Response body must have required property 'cryptoBalances'",
          severity: "Error",
        },
        {
          side: "response",
          location: "response.body",
          message: "Response body must have required property 'fiatBalances'",
          severity: "Error",
        },
      ],
      calls: 1,
    };
    expect(proxy.mock.diffs.entries).toEqual([entry]);
    expect(proxy.log).toEqual([
      `GET /v1/user/balances/${id} → 200\n`,
      "p100-mock: differs from the contract: GET /v1/user/balances/{externalUserId} 200: response.body Response body must have required property 'cryptoBalances'; response.body Response body must have required property 'fiatBalances'\n",
    ]);
    const report = proxy.mock.diffs.report(upstream.url, "0.2.0", new Date("2026-01-02T03:04:05.000Z"));
    expect(report).toBe(
      [
        "# P100 contract differences report",
        "",
        `Upstream ${upstream.url}, spec 0.2.0, 2026-01-02T03:04:05.000Z: 1 call(s), 1 answered and checked, 1 with differences, 0 never reached the upstream.`,
        "",
        "| method | path | status | side | where | what differed | calls |",
        "|---|---|---|---|---|---|---|",
        "| GET | `/v1/user/balances/{externalUserId}` | 200 | response | `response.body` | Response body must have required property 'cryptoBalances' | 1 |",
        "| GET | `/v1/user/balances/{externalUserId}` | 200 | response | `response.body` | Response body must have required property 'fiatBalances' | 1 |",
        "",
      ].join("\n"),
    );
    expect(report).not.toContain(id);
  });

  it("reports a path no operation matches with its unknown segments masked", async () => {
    upstream.answer = json(404, '{"message":"no such route"}');
    const reply = await call(proxy.mock.url, `/v1/user/balances/${id}/jane.doe@example.com`);
    expect(reply.status).toBe(404);
    expect(proxy.mock.diffs.entries).toEqual([
      {
        method: "GET",
        path: "/v1/user/balances/{*}/{*}",
        status: 404,
        violations: [
          { side: "request", location: "request", message: "Selected route not found", severity: "Warning" },
        ],
        calls: 1,
      },
    ]);
  });

  it("passes a real 501 on as it came (Prism would replace it by a mocked example), and says so", async () => {
    const text = '{"message":"Not implemented on stage"}';
    upstream.answer = json(501, text);
    const reply = await call(proxy.mock.url, `/v1/user/balances/${id}`);
    expect(reply.status).toBe(501);
    expect(reply.body.toString()).toBe(text);
    expect(reply.headers["x-p100-mock-source"]).toBe("upstream");
    expect(upstream.received).toHaveLength(1);
    expect(proxy.log).toEqual([
      `GET /v1/user/balances/${id} → 501\n`,
      "p100-mock: the upstream answered GET /v1/user/balances/{externalUserId} with 501; passed on as it came (not remocked)\n",
      "p100-mock: differs from the contract: GET /v1/user/balances/{externalUserId} 501: response Unable to match the returned status code with those defined in the document: 200,400,401\n",
    ]);
    expect(proxy.mock.diffs.entries).toEqual([
      {
        method: "GET",
        path: "/v1/user/balances/{externalUserId}",
        status: 501,
        violations: [
          {
            side: "response",
            location: "response",
            message: "Unable to match the returned status code with those defined in the document: 200,400,401",
            severity: "Warning",
          },
        ],
        calls: 1,
      },
    ]);
  });
});

it("answers a call to an unreachable upstream with a 502 naming the host and the reason, logs it, and reports it apart", async () => {
  const port = await freePort(); // nothing listens there
  const upstream = `http://127.0.0.1:${port}`;
  const { mock, log } = await startProxy(upstream);
  try {
    const reply = await call(mock.url, `/v1/user/balances/${id}`);
    const reason = `ECONNREFUSED (connect ECONNREFUSED 127.0.0.1:${port})`;
    expect(reply.status).toBe(502);
    expect(reply.headers["content-type"]).toBe("application/problem+json");
    expect(reply.headers["x-p100-mock-source"]).toBe("mock");
    expect(JSON.parse(reply.body.toString())).toEqual({
      type: "urn:p100-mock:upstream-unreachable",
      title: "The upstream could not be reached",
      status: 502,
      detail: `p100-mock could not reach the upstream 127.0.0.1:${port}: ${reason}`,
      upstream: `127.0.0.1:${port}`,
      reason,
    });
    expect(log).toEqual([
      `GET /v1/user/balances/${id} → 502\n`,
      `p100-mock: upstream not reached: GET /v1/user/balances/{externalUserId}: ${reason} (upstream ${upstream}); answered 502\n`,
    ]);
    expect(Object.keys(mock)).not.toContain("drift"); // the old name of `diffs`, removed in 0.3
    expect(mock.diffs.entries).toEqual([]);
    expect(mock.diffs.failures).toEqual([
      { method: "GET", path: "/v1/user/balances/{externalUserId}", reason, calls: 1 },
    ]);
    const report = mock.diffs.report(upstream, "0.2.0", new Date("2026-01-02T03:04:05.000Z"));
    expect(report).toBe(
      [
        "# P100 contract differences report",
        "",
        `Upstream ${upstream}, spec 0.2.0, 2026-01-02T03:04:05.000Z: 1 call(s), 0 answered and checked, 0 with differences, 1 never reached the upstream.`,
        "",
        "Nothing was checked: no answer came from the upstream.",
        "",
        "## Calls that never reached the upstream",
        "",
        "| method | path | why | calls |",
        "|---|---|---|---|",
        `| GET | \`/v1/user/balances/{externalUserId}\` | ${reason} | 1 |`,
        "",
      ].join("\n"),
    );
    seen.push(...log, report, reply.body.toString());
  } finally {
    await mock.close();
  }
});

describe("an upstream's answer over the cap (maxUpstreamBytes, decoded)", () => {
  // A bomb: a few KiB of gzip that inflate past the cap. Read whole and decoded, it held the process.
  const bomb = (decoded: number) => zlib.gzipSync(Buffer.alloc(decoded, 0x20));

  it.each<[string, number | undefined, (res: http.ServerResponse) => void, string]>([
    [
      "a gzip body under the default cap of 10 MiB that inflates past it",
      undefined,
      (res) => {
        const sent = bomb(10 * 1024 * 1024 + 1);
        res.writeHead(200, {
          "content-type": "application/json",
          "content-encoding": "gzip",
          "content-length": sent.length,
        });
        res.end(sent);
      },
      "its body, decoded, is over the cap of 10485760 bytes (maxUpstreamBytes, --max-upstream-bytes)",
    ],
    [
      "a chunked plain body past a cap of 4096 bytes",
      4096,
      (res) => {
        res.writeHead(200, { "content-type": "application/json" });
        for (let i = 0; i < 10; i++) res.write(Buffer.alloc(1024, 0x20));
        res.end();
      },
      "its body is over the cap of 4096 bytes (maxUpstreamBytes, --max-upstream-bytes)",
    ],
  ])("%s: 502 naming the cap, in the log and the report", async (_, maxUpstreamBytes, answer, reason) => {
    const upstream = await startUpstream(answer);
    const log: string[] = [];
    const mock = await startMock({ proxy: upstream.url, maxUpstreamBytes, onOutput: (text) => log.push(text) });
    try {
      const reply = await call(mock.url, `/v1/user/balances/${id}`);
      expect(reply.status).toBe(502);
      expect(reply.headers["x-p100-mock-source"]).toBe("mock");
      const problem = JSON.parse(reply.body.toString());
      expect(problem).toMatchObject({
        type: "urn:p100-mock:upstream-answer-too-large",
        title: "The upstream's answer is too large",
        status: 502,
        reason,
        upstreamStatus: 200,
        maxUpstreamBytes: maxUpstreamBytes ?? 10 * 1024 * 1024,
      });
      expect(problem.detail).toContain(reason);
      expect(log).toContain(
        `p100-mock: the upstream's answer broke off: GET /v1/user/balances/{externalUserId}: HTTP 200, then ${reason} (the call reached it); answered 502\n`,
      );
      expect(mock.diffs.broken).toEqual([
        { method: "GET", path: "/v1/user/balances/{externalUserId}", status: 200, reason, calls: 1 },
      ]);
      expect(mock.diffs.report()).toContain(`| GET | \`/v1/user/balances/{externalUserId}\` | 200 | ${reason} | 1 |`);
      // The next call, under the cap, is answered as it came.
      upstream.answer = json(200, pretty);
      expect((await call(mock.url, `/v1/user/balances/${id}`)).body.toString()).toBe(pretty);
    } finally {
      await mock.close();
      await upstream.close();
    }
  });
});

it("tells an answer that broke off from an upstream never reached: 502, its own log line and report section", async () => {
  const upstream = await startUpstream((res) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
    res.write('{"message":"User un');
    setTimeout(() => res.destroy(), 20);
  });
  const log: string[] = [];
  const mock = await startMock({ proxy: upstream.url, onOutput: (text) => log.push(text) });
  try {
    const reply = await call(mock.url, "/v1/user/unsuspend", {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ externalUserId: id }),
    });
    expect(reply.status).toBe(502);
    expect(reply.headers["x-p100-mock-source"]).toBe("mock");
    const problem = JSON.parse(reply.body.toString());
    expect(problem.title).toBe("The upstream's answer broke off");
    expect(problem.detail).toMatch(/HTTP 200, then .+; the call reached it and may have been carried out$/);
    expect(upstream.received).toHaveLength(1);
    expect(mock.diffs.failures).toEqual([]);
    expect(mock.diffs.broken).toEqual([
      { method: "PATCH", path: "/v1/user/unsuspend", status: 200, reason: problem.reason, calls: 1 },
    ]);
    expect(log.join("")).toContain(
      `p100-mock: the upstream's answer broke off: PATCH /v1/user/unsuspend: HTTP 200, then ${problem.reason} (the call reached it); answered 502\n`,
    );
    const report = mock.diffs.report();
    expect(report).toContain("0 never reached the upstream, 1 answers broke off.");
    expect(report).toContain(`| PATCH | \`/v1/user/unsuspend\` | 200 | ${problem.reason} | 1 |`);
    expect(report).not.toContain("No differences");
  } finally {
    await mock.close();
    await upstream.close();
  }
});

it("with errors on, answers an invalid request itself (Prism's 401), sends nothing upstream, and says so", async () => {
  const upstream = await startUpstream(json(200, pretty));
  const mock = await startMock({ proxy: upstream.url, errors: true });
  try {
    const reply = await call(mock.url, `/v1/user/balances/${id}`, { headers: { "x-api-key": "" } });
    expect(reply.status).toBe(401);
    expect(reply.headers["x-p100-mock-source"]).toBe("mock");
    expect(upstream.received).toEqual([]);
    // A valid request goes upstream, and its off-contract answer comes back as it was, reported.
    const off = JSON.stringify({ userId: id });
    upstream.answer = json(200, off);
    const valid = await call(mock.url, `/v1/user/balances/${id}`);
    expect(valid.status).toBe(200);
    expect(valid.body.toString()).toBe(off);
    expect(valid.headers["x-p100-mock-source"]).toBe("upstream");
    expect(mock.diffs.entries.map((e) => [e.method, e.path, e.status])).toEqual([
      ["GET", "/v1/user/balances/{externalUserId}", 200],
    ]);
    expect(mock.diffs.report()).not.toContain("No differences");
  } finally {
    await mock.close();
    await upstream.close();
  }
});

/** A forward proxy: absolute-form requests are passed on, CONNECT is tunnelled to `tunnelTo` (else refused). */
async function startForwardProxy(tunnelTo?: number) {
  const used: string[] = [];
  const server = http.createServer((req, res) => {
    used.push(`${req.method} ${req.url}`);
    const onward = http.request(req.url ?? "", { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    onward.on("error", () => res.destroy());
    req.pipe(onward);
  });
  server.on("connect", (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    used.push(`CONNECT ${req.url}`);
    if (tunnelTo === undefined) return socket.end("HTTP/1.1 403 Forbidden\r\n\r\n");
    const target = net.connect(tunnelTo, "127.0.0.1", () => {
      socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      target.write(head);
      target.pipe(socket).pipe(target);
    });
    target.on("error", () => socket.destroy());
    socket.on("error", () => target.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    used,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe("HTTP_PROXY, HTTPS_PROXY and NO_PROXY", () => {
  async function withEnv<T>(env: Record<string, string>, run: () => Promise<T>): Promise<T> {
    Object.assign(process.env, env);
    try {
      return await run();
    } finally {
      for (const name of Object.keys(env)) delete process.env[name];
    }
  }

  it("reaches a plain-http upstream through HTTP_PROXY, and around it for a host NO_PROXY names", async () => {
    const upstream = await startUpstream(json(200, pretty));
    const forwardProxy = await startForwardProxy();
    try {
      for (const noProxy of ["", "127.0.0.1"]) {
        upstream.received.length = 0;
        forwardProxy.used.length = 0;
        await withEnv({ HTTP_PROXY: forwardProxy.url, NO_PROXY: noProxy }, async () => {
          const { mock, log } = await startProxy(upstream.url);
          try {
            const reply = await call(mock.url, `/v1/user/balances/${id}`);
            expect(reply.status).toBe(200);
            expect(reply.body.toString()).toBe(pretty);
            seen.push(...log);
          } finally {
            await mock.close();
          }
        });
        expect(forwardProxy.used).toEqual(noProxy ? [] : [`GET ${upstream.url}/v1/user/balances/${id}`]);
        expect(upstream.received.map((r) => r.url)).toEqual([`/v1/user/balances/${id}`]);
      }
    } finally {
      await forwardProxy.close();
      await upstream.close();
    }
  });

  it("tunnels to an https upstream through HTTPS_PROXY (CONNECT), from the p100-mock bin", {
    timeout: 120_000,
  }, async () => {
    const received: string[] = [];
    const tlsUpstream = https.createServer(
      { key: fs.readFileSync(path.join(tls, "p100.test.key")), cert: fs.readFileSync(path.join(tls, "p100.test.crt")) },
      (req, res) => {
        received.push(`${req.method} ${req.headers.host} ${req.url}`);
        json(200, pretty)(res);
      },
    );
    await new Promise<void>((resolve) => tlsUpstream.listen(0, "127.0.0.1", resolve));
    const forwardProxy = await startForwardProxy((tlsUpstream.address() as AddressInfo).port);
    const port = await freePort();
    const env = { ...process.env, HTTPS_PROXY: forwardProxy.url, NODE_EXTRA_CA_CERTS: path.join(tls, "p100.test.crt") };
    const bin = spawn(
      process.execPath,
      [
        "bin/p100-mock.js",
        "--port",
        String(port),
        "--proxy",
        "https://p100.test",
        "--report",
        path.join(work, "tls.md"),
      ],
      {
        stdio: ["ignore", "pipe", "pipe"],
        env,
      },
    );
    let output = "";
    bin.stdout.on("data", (chunk) => (output += chunk));
    bin.stderr.on("data", (chunk) => (output += chunk));
    const ready = printed(bin, "Requests are logged below."); // however long a busy machine takes
    try {
      await ready;
      const reply = await call(`http://127.0.0.1:${port}`, `/v1/user/balances/${id}`);
      expect(reply.status).toBe(200);
      expect(reply.body.toString()).toBe(pretty);
      expect(forwardProxy.used).toEqual(["CONNECT p100.test:443"]);
      expect(received).toEqual([`GET p100.test /v1/user/balances/${id}`]);
      expect(output).not.toContain("warning");
    } finally {
      bin.kill("SIGINT");
      await new Promise((resolve) => bin.once("exit", resolve));
      seen.push(output);
      await forwardProxy.close();
      await new Promise((resolve) => tlsUpstream.close(resolve));
    }
  });
});

it("warns at start when the key would go to a plain-http host that is not this machine", async () => {
  for (const [upstream, warned] of [
    ["http://partner-api-stage.p100.test", true],
    ["http://localhost:9", false],
    ["http://127.0.0.2:9", false],
    ["http://[::1]:9", false],
    ["https://partner-api-stage.p100.test", false],
  ] as const) {
    const { mock, log } = await startProxy(upstream);
    await mock.close();
    seen.push(...log);
    expect(log).toEqual(
      warned
        ? [
            "p100-mock: warning: http://partner-api-stage.p100.test is plain http and not this machine: the x-api-key of every call goes to it unencrypted; use https\n",
          ]
        : [],
    );
  }
});

describe("p100-mock --proxy, end to end", () => {
  let upstream: HostileServer;
  const report = path.join(work, "drift.md");
  beforeAll(async () => {
    upstream = await startHostileServer();
    const answer = (status: number, body: unknown) => (res: http.ServerResponse) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    // A documented answer, and three that drift from the contract the way older docs versions do.
    upstream.script(id, answer(200, balances));
    upstream.script("crypto-and-fiat", answer(200, { userId: id, poaRequired: false, balances: {} }));
    upstream.script("extended", answer(400, { errorCode: "P412", errorMessage: "User not exist" }));
    upstream.script("suspend", answer(418, { message: "teapot" }));
  });
  afterAll(() => upstream.close());

  it("forwards every call, logs each difference from the contract, and writes the report of the differences on exit", {
    timeout: 120_000,
  }, async () => {
    const port = await freePort();
    const bin = spawn(
      process.execPath,
      ["bin/p100-mock.js", "--port", String(port), "--proxy", upstream.url, "--report", report],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    bin.stdout.on("data", (chunk) => (output += chunk));
    bin.stderr.on("data", (chunk) => (output += chunk));
    await printed(bin, "Requests are logged below."); // however long a busy machine takes
    expect(output).toContain(`p100-mock: proxying http://127.0.0.1:${port} to ${upstream.url}`);

    const client = createP100Client({ apiKey, baseUrl: `http://127.0.0.1:${port}`, retry: false });
    const got = await client.GET("/v1/user/balances/{externalUserId}", { params: { path: { externalUserId: id } } });
    expect(got).toMatchObject({ outcome: "success", drift: [] });
    expect(upstream.attempts.get(id)).toBe(1); // the real answer, not a mocked one
    const created = await client.POST("/v1/user/balances/crypto-and-fiat", {
      body: validBody("createUser", { externalUserId: id }),
    });
    expect(created).toMatchObject({ outcome: "success", drift: ["`poaRequiredForExtended` is missing"] });
    const extended = await client.POST("/v1/user/balances/extended", { body: { externalUserId: id } });
    expect(extended).toMatchObject({ outcome: "error", status: 400, error: { errorCode: "P412" } });
    const drifted = printed(bin, "differs from the contract: PATCH /v1/user/suspend 418");
    await client.PATCH("/v1/user/suspend", { body: { externalUserId: id } });
    await drifted;

    bin.kill("SIGINT");
    await new Promise((resolve) => bin.once("exit", resolve));
    seen.push(output);
    const drifts = output.split("\n").filter((line) => line.startsWith("p100-mock: differs from the contract: "));
    expect(drifts).toEqual(DRIFT_LINES);
    expect(output).toContain(`p100-mock: 4 call(s) checked, 3 with differences; report in ${report}`);
    const markdown = fs.readFileSync(report, "utf8");
    seen.push(markdown);
    const lines = markdown.split("\n");
    expect(lines[0]).toBe("# P100 contract differences report");
    expect(lines[2]).toMatch(
      new RegExp(
        `^Upstream ${upstream.url.replaceAll(".", "\\.")}, spec ${packageJson.version.replaceAll(".", "\\.")}, \\S+Z: 4 call\\(s\\), 4 answered and checked, 3 with differences, 0 never reached the upstream\\.$`,
      ),
    );
    expect(lines.slice(4)).toEqual(REPORT_ROWS);
  });

  it("refuses a proxy target that is not an http(s) URL, in one line", async () => {
    const bin = spawn(process.execPath, ["bin/p100-mock.js", "--port", "0", "--proxy", "partner-api-stage.p100.io"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    bin.stderr.on("data", (chunk) => (stderr += chunk));
    const code = await new Promise((resolve) => bin.once("exit", resolve));
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(
      'p100-mock: --proxy needs an absolute http(s) URL, e.g. https://partner-api-stage.p100.io (got "partner-api-stage.p100.io")',
    );
  });
});

const DRIFT_LINES: string[] = [
  "p100-mock: differs from the contract: POST /v1/user/balances/crypto-and-fiat 200: response.body Response body must have required property 'poaRequiredForExtended'",
  "p100-mock: differs from the contract: POST /v1/user/balances/extended 400: response.body.errorCode Response body property errorCode must be equal to one of the allowed values: P403, P444, P455, P458, P459, P500",
  "p100-mock: differs from the contract: PATCH /v1/user/suspend 418: response Unable to match the returned status code with those defined in the document: 200,400,401",
];
const REPORT_ROWS: string[] = [
  "| method | path | status | side | where | what differed | calls |",
  "|---|---|---|---|---|---|---|",
  "| POST | `/v1/user/balances/crypto-and-fiat` | 200 | response | `response.body` | Response body must have required property 'poaRequiredForExtended' | 1 |",
  "| POST | `/v1/user/balances/extended` | 400 | response | `response.body.errorCode` | Response body property errorCode must be equal to one of the allowed values: P403, P444, P455, P458, P459, P500 | 1 |",
  "| PATCH | `/v1/user/suspend` | 418 | response | `response` | Unable to match the returned status code with those defined in the document: 200,400,401 | 1 |",
  "",
];
