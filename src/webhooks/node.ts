// toNodeHandler: a `createWebhookHandler` handler for node:http, Express and Fastify (its
// `request.raw` and `reply.raw`). Node's request becomes a Fetch API `Request` whose body is
// pulled from the socket only when the handler reads it, after the token and the path passed, and
// only up to `maxBytes`. Nothing here imports a `node:` module (the types are structural), so
// `./webhooks` stays loadable on every runtime.

import { failureResponse, nodeSide, type WebhookHandler } from "./handler.js";
import { bodyBytes, type WebhookFailure } from "./verify.js";

/** What toNodeHandler uses of Node's `IncomingMessage` (an Express or Fastify raw request is one). */
export interface NodeRequestLike {
  method?: string | undefined;
  url?: string | undefined;
  /** Express: the path before its router trimmed a mount point off `url`. */
  originalUrl?: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  /** Set when a body parser already ran (`express.raw()`'s Buffer is fine; a parsed object is refused). */
  body?: unknown;
  readableEnded?: boolean;
  // biome-ignore lint/suspicious/noExplicitAny: matches Node's overloaded listener signatures
  on(event: string, listener: (...args: any[]) => void): unknown;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  removeListener(event: string, listener: (...args: any[]) => void): unknown;
  pause(): unknown;
  resume(): unknown;
}

/** What toNodeHandler uses of Node's `ServerResponse`. */
export interface NodeResponseLike {
  headersSent?: boolean;
  writeHead(status: number, headers: Record<string, string>): unknown;
  end(body?: Uint8Array): unknown;
}

/** The request's body, pulled from Node's stream chunk by chunk, as the handler reads it. */
function lazyBody(req: NodeRequestLike): ReadableStream<Uint8Array> {
  let listening = false;
  const onData = (chunk: Uint8Array) => {
    controller?.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    if ((controller?.desiredSize ?? 0) <= 0) req.pause();
  };
  const onEnd = () => {
    detach();
    controller?.close();
  };
  const onError = (error: unknown) => {
    detach();
    controller?.error(error);
  };
  const detach = () => {
    req.removeListener("data", onData);
    req.removeListener("end", onEnd);
    req.removeListener("error", onError);
    req.pause();
  };
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  // highWaterMark 0: nothing is pulled before the handler reads (the default, 1, pulls at once).
  const strategy = { highWaterMark: 0 };
  return new ReadableStream<Uint8Array>(
    {
      pull(pulling) {
        if (!listening) {
          listening = true;
          controller = pulling;
          req.on("data", onData);
          req.on("end", onEnd);
          req.on("error", onError);
        }
        req.resume();
      },
      cancel: detach, // over maxBytes: the rest is never read (the answer closes the connection)
    },
    strategy,
  );
}

function headersOf(req: NodeRequestLike) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers ?? {})) {
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
      try {
        headers.append(name, one);
      } catch {} // a value Headers refuses: Node has let it through, the handler never needs it
    }
  }
  return headers;
}

async function send(res: NodeResponseLike, response: Response, close: boolean) {
  const headers = Object.fromEntries(response.headers);
  if (close) headers.connection = "close"; // an unread body is not drained into this process
  const body = new Uint8Array(await response.arrayBuffer());
  if (!res.headersSent) res.writeHead(response.status, headers);
  res.end(body);
}

/**
 * Adapts a `createWebhookHandler` handler to `(req, res) => void`: `http.createServer(...)`,
 * Express `app.post(path, ...)` (without a JSON body parser on that route), Fastify
 * `reply.hijack()` then `(request.raw, reply.raw)`. The token and the path are checked before a
 * byte of the body is read; the body is read up to the handler's `maxBytes`.
 */
export function toNodeHandler(handler: WebhookHandler): (req: NodeRequestLike, res: NodeResponseLike) => void {
  const side = handler?.[nodeSide];
  if (!side) throw new TypeError("toNodeHandler: pass the handler createWebhookHandler returned");
  return (req, res) => {
    void (async () => {
      const headers = headersOf(req);
      const path = req.originalUrl ?? req.url ?? "/";
      const url = `http://localhost${path.startsWith("/") ? path : `/${path}`}`;
      const method = req.method ?? "GET";
      // A body parser ran before (Express, Fastify): raw bytes are used, anything else is refused,
      // after the same checks the handler makes first.
      let given: Uint8Array | WebhookFailure | undefined;
      if (req.body !== undefined) given = bodyBytes(req.body, side.maxBytes);
      else if (req.readableEnded) given = bodyBytes(undefined, side.maxBytes);
      if (given !== undefined && !(given instanceof Uint8Array)) {
        const request = new Request(url, { method, headers });
        const failure = (await side.precheck(method, url, headers)) ?? given;
        side.refused(failure, request);
        return send(res, failureResponse(failure), false);
      }
      const hasBody = method !== "GET" && method !== "HEAD";
      const body = given ?? (hasBody ? lazyBody(req) : null);
      const request = new Request(url, { method, headers, body, duplex: "half" } as RequestInit);
      const response = await handler(request);
      // Whatever the handler left unread stays unread: the connection closes after the answer.
      await send(res, response, response.status !== 200 && given === undefined && hasBody);
    })().catch(() => {
      // Only Node's own stream or socket failing can land here: the connection is gone or going.
      try {
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json", connection: "close" });
        res.end(new TextEncoder().encode('{"message":"the webhook could not be received"}'));
      } catch {}
    });
  };
}
