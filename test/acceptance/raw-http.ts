// Raw HTTP for the acceptance suite: node:http alone, no client of this package and none of fetch's
// conveniences. A request goes out with exactly the bytes given, framed with Content-Length or
// chunked; the answer comes back as its status, headers and bytes, whatever the server does
// (answers early, closes, resets, compresses).
import http, { type IncomingHttpHeaders } from "node:http";
import net from "node:net";
import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";

export type Framing = "length" | "chunked";

export interface RawRequest {
  method: string;
  /** Sent as it stands, percent-encoding and all. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  framing?: Framing;
}

export interface RawAnswer {
  /** 0 when no answer came (`error` says why). */
  status: number;
  headers: IncomingHttpHeaders;
  /** The body's bytes as they arrived. */
  bytes: Buffer;
  /** The body as text, after undoing a Content-Encoding (gzip, br, deflate). */
  text: string;
  /** What went wrong on the connection, if anything did. */
  error?: string;
}

/**
 * No answer within this long is a hang: a guard that ends a stuck request, never an assertion.
 * Measured from the request, sent once the process said it is ready; generous, since a busy
 * 2-core machine can be ten times slower than a quiet one.
 */
const hangMs = 30_000;
const piece = 64 * 1024;

/** The body as text, a Content-Encoding (gzip, br, deflate) undone. */
export function decoded(bytes: Buffer, encoding: string | undefined): string {
  try {
    if (encoding === "gzip") return gunzipSync(bytes).toString("utf8");
    if (encoding === "br") return brotliDecompressSync(bytes).toString("utf8");
    if (encoding === "deflate") return inflateSync(bytes).toString("utf8");
  } catch (error) {
    return `(a ${encoding} body that does not decompress: ${(error as Error).message}) ${bytes.toString("latin1")}`;
  }
  return bytes.toString("utf8");
}

export function send(baseUrl: string, request: RawRequest): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  const headers: Record<string, string> = { ...request.headers, connection: "close" };
  const body = request.body;
  if (body && request.framing === "chunked") headers["transfer-encoding"] = "chunked";
  else if (body) headers["content-length"] = String(body.length);
  return new Promise((resolve) => {
    let answered: http.IncomingMessage | undefined;
    let settled = false;
    const chunks: Buffer[] = [];
    const finish = (error?: string) => {
      if (settled) return;
      settled = true;
      const bytes = Buffer.concat(chunks);
      const encoding = answered?.headers["content-encoding"];
      resolve({
        status: answered?.statusCode ?? 0,
        headers: answered?.headers ?? {},
        bytes,
        text: decoded(bytes, typeof encoding === "string" ? encoding.toLowerCase() : undefined),
        ...(error ? { error } : {}),
      });
      req.destroy(); // an answer that came before the whole body was sent ends the upload
    };
    const req = http.request({ hostname, port, method: request.method, path: request.path, headers, agent: false });
    req.setTimeout(hangMs, () => req.destroy(new Error(`no complete answer within ${hangMs / 1000} s (a hang)`)));
    req.on("response", (res) => {
      answered = res;
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => finish());
      res.on("aborted", () => finish("the answer was cut off (the connection closed before its end)"));
      res.on("error", (error) => finish(`the answer was cut off: ${error.message}`));
    });
    // A server may answer (413) and close before the whole body is written: keep what it said.
    // Once it has answered, the answer's own end (or the hang guard) settles it.
    req.on("error", (error: NodeJS.ErrnoException) => {
      if (!answered) setTimeout(() => answered || finish(`no answer: ${error.code ?? error.message}`), 50);
    });
    void (async () => {
      if (body) {
        for (let at = 0; at < body.length && !answered && !req.destroyed; at += piece) {
          if (!req.write(body.subarray(at, at + piece)))
            await new Promise<void>((done) => {
              const go = () => {
                req.off("drain", go).off("close", go);
                done();
              };
              req.once("drain", go).once("close", go);
            });
        }
      }
      if (!answered && !req.destroyed) req.end();
    })();
  });
}

/**
 * Resolves once something accepts TCP connections on the URL's port, for a program that says
 * nothing when it is ready (a user's receiver); fails as soon as the process has exited. No
 * deadline: the caller's own limit is the hang guard.
 */
export async function waitForPort(baseUrl: string, stillRunning: () => boolean): Promise<void> {
  const { hostname, port } = new URL(baseUrl);
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(Number(port), hostname);
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    if (!stillRunning()) throw new Error(`the process exited before ${baseUrl} took connections`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
