// The node:http side of the mock: a request becomes a call (call.ts), the socket's own rules
// (gate.ts) or the pipeline answer it, and the reply is written. A reply marked `reset` closes the
// connection unanswered; one marked `truncate` sends its headers and half its body, then closes it
// (the sandbox's faults).
import type http from "node:http";
import { maxBodyBytes } from "../uploads.js";
import type { Reply } from "./call.js";
import { answerArrived, type ServerOptions } from "./gate.js";
import type { Pipeline } from "./pipeline.js";

/** A body over the cap is still read (and dropped) up to this much, so that its sender reads the 413. */
const drainBytes = 4 * maxBodyBytes;

/**
 * The body, or `undefined` when it exceeds the cap. An oversized body is read to its end and
 * dropped (memory stays bounded), so that the client, still sending, gets the 413 rather than a
 * broken pipe; one that declares or sends more than `drainBytes` is answered at once instead.
 */
function readBody(req: http.IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    if (Number(req.headers["content-length"]) > drainBytes) resolve(undefined);
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) chunks.length = 0;
      else chunks.push(chunk);
      if (size > drainBytes) resolve(undefined);
    });
    req.on("end", () => resolve(size > maxBodyBytes ? undefined : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** The node:http request listener of a pipeline. */
export function nodeListener(pipeline: Pipeline, options: ServerOptions) {
  const listener = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const arrived = {
      method: req.method ?? "GET",
      target: req.url ?? "/",
      headers: req.headers,
      rawHeaders: req.rawHeaders,
    };
    let over = false; // the body is over the cap, and its rest is not read
    const { reply, headers } = await answerArrived(
      arrived,
      async () => {
        const bytes = await readBody(req);
        over = bytes === undefined && !req.complete;
        return bytes;
      },
      pipeline,
      options,
    );
    if (over) headers.connection = "close";
    write(req, res, reply, headers);
  };
  // Nothing thrown here may end the process: the connection is closed instead.
  return (req: http.IncomingMessage, res: http.ServerResponse) => listener(req, res).catch(() => res.destroy());
}

function write(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  reply: Reply,
  headers: Record<string, string | string[]>,
) {
  if (reply.reset) {
    req.socket.resetAndDestroy();
    return;
  }
  const body = reply.body ?? "";
  if (!reply.truncate) {
    res.writeHead(reply.status, headers);
    res.end(body); // node:http sends no body to a HEAD request
    return;
  }
  const bytes = Buffer.from(body);
  res.writeHead(reply.status, { ...headers, "content-length": String(Math.max(bytes.length, 1)) });
  res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.destroy());
}
