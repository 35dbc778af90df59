// The one fake P100 server of the client tests: a local node:http server that answers the way a
// real, misbehaving network can, scripted per user id in the path (`/v1/user/balances/<script>`),
// counting the attempts it sees. Named scripts below; a test may add its own with `script()`.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";

export const balances = { userId: "f63064b1-c26b-4c9e-af22-0b483262751f", fiatBalances: [], cryptoBalances: [] };
const json = (res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}) => {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
};

export type Script = (res: http.ServerResponse, attempt: number, req: http.IncomingMessage) => void;

/** 2 MiB of JSON that compresses to a few KB: a decompression bomb for any cap below 2 MiB. */
export const bombBytes = 2 * 1024 * 1024;
const bomb = Buffer.from(`{"pad":"${"x".repeat(bombBytes)}"}`);
const encoders = { gzip: gzipSync, br: brotliCompressSync, deflate: deflateSync };
export type Encoding = keyof typeof encoders;

/** A compressed JSON answer, with its Content-Length announced or sent chunked. */
export const compressed =
  (encoding: Encoding, length: "content-length" | "chunked", body: Buffer = bomb): Script =>
  (res) => {
    const bytes = encoders[encoding](body);
    const headers: http.OutgoingHttpHeaders = { "content-type": "application/json", "content-encoding": encoding };
    if (length === "content-length") headers["content-length"] = bytes.byteLength;
    res.writeHead(200, headers);
    if (length === "content-length") res.end(bytes);
    else {
      // Two writes: node:http sends them as chunks.
      res.write(bytes.subarray(0, 100));
      res.end(bytes.subarray(100));
    }
  };

/**
 * The API key as a server may echo it back: as sent, JSON-escaped (\u for every character),
 * percent-encoded (upper- and lower-case hex) and form-encoded, all in one sentence of JSON text.
 */
export function echoedKey(key: string): string {
  const escaped = Array.from(key, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("");
  const percent = encodeURIComponent(key);
  const lower = percent.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase());
  const form = new URLSearchParams({ k: key }).toString().slice(2);
  return `key ${JSON.stringify(key).slice(1, -1)}, escaped ${escaped}, in a URL ?k=${percent}&l=${lower}&f=${form}`;
}

/** A JSON answer whose text is written as given (so JSON escapes in it stay as they are). */
export const rawJson = (
  res: http.ServerResponse,
  status: number,
  text: string,
  headers: http.OutgoingHttpHeaders = {},
) => {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(text);
};

const scripts: Record<string, Script> = {
  ok: (res) => json(res, 200, balances),
  "rate-limited-once": (res, n) =>
    n === 1 ? json(res, 429, { message: "slow down" }, { "retry-after": "1" }) : json(res, 200, balances),
  "rate-limited-always": (res) => json(res, 429, { message: "slow down" }, { "retry-after": "0" }),
  "rate-limited-long": (res) => json(res, 429, { message: "slow down" }, { "retry-after": "100" }),
  "unavailable-once": (res, n) => (n === 1 ? json(res, 503, { message: "maintenance" }) : json(res, 200, balances)),
  "drop-once": (res, n) => (n === 1 ? res.socket!.destroy() : json(res, 200, balances)),
  "drop-always": (res) => res.socket!.destroy(),
  slow: (res) => setTimeout(() => json(res, 200, balances), 3000).unref(),
  "slow-body": (res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.write('{"userId":'); // ...and never finishes
  },
  html: (res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end("<html><body>502 Bad Gateway</body></html>");
  },
  teapot: (res) => json(res, 418, { message: "I'm a teapot" }),
  huge: (res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(`{"pad":"${"x".repeat(2 * 1024 * 1024)}"}`);
  },
  "echo-key": (res, _, req) => json(res, 500, { seen: req.headers["x-api-key"] }),
  // A documented 400 whose message echoes the key it was sent, in every form.
  "echo-key-P412": (res, _, req) =>
    rawJson(
      res,
      400,
      `{"errorCode":"P412","errorMessage":"User not exist; ${echoedKey(String(req.headers["x-api-key"]))}"}`,
    ),
  "rate-limited-5s": (res) => json(res, 429, { message: "slow down" }, { "retry-after": "5" }),
  "gzip-ok": compressed("gzip", "content-length", Buffer.from(JSON.stringify(balances))),
  "br-ok": compressed("br", "chunked", Buffer.from(JSON.stringify(balances))),
  extended: (res) => json(res, 503, { message: "maintenance" }), // POST /v1/user/balances/extended
  P412: (res) => json(res, 400, { errorCode: "P412", errorMessage: "User not exist" }),
};

export interface HostileServer {
  url: string;
  /** How many requests each script has received. */
  attempts: Map<string, number>;
  /** Adds (or replaces) a script for one id. */
  script(id: string, handler: Script): void;
  close(): Promise<void>;
}

export async function startHostileServer(): Promise<HostileServer> {
  const attempts = new Map<string, number>();
  const own = new Map<string, Script>();
  const server = http.createServer((req, res) => {
    const script = decodeURIComponent(req.url!.split("?")[0]!.split("/").pop()!);
    const n = (attempts.get(script) ?? 0) + 1;
    attempts.set(script, n);
    req.resume().on("end", () => (own.get(script) ?? scripts[script] ?? scripts.teapot!)(res, n, req));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    attempts,
    script: (id, handler) => own.set(id, handler),
    close: () => new Promise((resolve) => server.closeAllConnections() ?? server.close(() => resolve())),
  };
}
