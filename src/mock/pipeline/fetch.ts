// The mock without a socket: a Web `Request` in, a `Response` out, through the same pipeline as
// node-server.ts, with the same rules of its own (CORS, the Host gate, the body cap, a malformed
// path). For tests and in-process mocks (no port). The sandbox's faults that need a connection:
// - `reset`: the returned promise rejects as `fetch` does on a network error (a TypeError
//   "fetch failed" whose cause has the code ECONNRESET);
// - `truncate`: the Response has the headers and a body stream that gives half the bytes, then
//   errors (a TypeError "terminated", as undici's body does when the connection is cut).
// The request's `signal` is honoured as fetch honours it: an abort rejects with its reason at once
// (a client's timeout ends the call); the mock finishes the call on its side, as a server would.
import { maxBodyBytes } from "../uploads.js";
import type { Reply } from "./call.js";
import { answerArrived, type ServerOptions } from "./gate.js";
import type { Pipeline } from "./pipeline.js";

/** Reads a Request's body up to the cap: `undefined` when it is larger. */
async function readBody(request: Request): Promise<Buffer | undefined> {
  if (!request.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > maxBodyBytes) {
      await request.body.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The `fetch` of a pipeline: each request answered in this process, until its signal aborts. */
export function fetchOf(pipeline: Pipeline, options: ServerOptions): (request: Request) => Promise<Response> {
  const answer = answerOf(pipeline, options);
  return (request) => {
    const { signal } = request;
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<Response>((resolve, reject) => {
      const abort = () => reject(signal.reason);
      signal.addEventListener("abort", abort, { once: true });
      answer(request)
        .then(resolve, reject)
        .finally(() => signal.removeEventListener("abort", abort));
    });
  };
}

function answerOf(pipeline: Pipeline, options: ServerOptions): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    const headers: Record<string, string> = {};
    const rawHeaders: string[] = [];
    for (const [name, value] of request.headers) {
      headers[name] = value;
      rawHeaders.push(name, value);
    }
    // A request names its host: the one of its URL, as a client would send it.
    if (headers.host === undefined) {
      headers.host = url.host;
      rawHeaders.push("host", url.host);
    }
    const arrived = { method: request.method, target: `${url.pathname}${url.search}`, headers, rawHeaders };
    const { reply, headers: sent } = await answerArrived(arrived, () => readBody(request), pipeline, options);
    return responseOf(request, reply, sent);
  };
}

function responseOf(request: Request, reply: Reply, headers: Record<string, string | string[]>): Response {
  if (reply.reset)
    throw new TypeError("fetch failed", {
      cause: Object.assign(new Error("p100-mock: the connection was reset (a reset fault)"), { code: "ECONNRESET" }),
    });
  const list = new Headers();
  for (const [name, value] of Object.entries(headers))
    for (const one of Array.isArray(value) ? value : [value]) list.append(name, one);
  const bodiless = request.method === "HEAD" || [101, 204, 205, 304].includes(reply.status);
  const bytes = bodiless || reply.body === undefined ? undefined : Buffer.from(reply.body);
  if (!reply.truncate || !bytes)
    return new Response(bytes?.length ? bytes : bodiless ? null : "", { status: reply.status, headers: list });
  list.set("content-length", String(Math.max(bytes.length, 1)));
  const half = bytes.subarray(0, Math.floor(bytes.length / 2));
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(half);
      controller.error(new TypeError("terminated"));
    },
  });
  return new Response(stream, { status: reply.status, headers: list });
}
