// The rules of the mock's own that come before any handler, for both server adapters
// (node-server.ts, fetch.ts): CORS for loopback origins only (unless the mock's user allows
// others), the Host gate (on a loopback mock, the pages and /_sandbox answer a loopback Host only:
// a page elsewhere whose name is made to resolve to 127.0.0.1, DNS rebinding, would be
// same-origin), the body cap (413: larger than the largest valid upload, uploads.ts) and a path
// that is not valid percent-encoding (the caller's mistake: 400, never a 5xx).
import { isLoopbackHost } from "../loopback.js";
import { maxBodyBytes } from "../uploads.js";
import { type Arrived, type Call, jsonReply, newCall, type Reply, sourceHeader } from "./call.js";
import { failed, type Observer, type Pipeline } from "./pipeline.js";

export interface ServerOptions {
  /** Proxy mode: bodies go on as sent, and the adapter's own replies say they are the mock's. */
  transparent: boolean;
  /** Origins besides loopback ones that may call the mock from a browser (`*`: any). */
  corsOrigins?: string[];
  /** The mock listens on loopback: its pages and control API refuse a Host that is not loopback. */
  loopbackHostOnly?: boolean;
  /** Where a malformed path gets `{ message }` rather than a P403 body (the control API's). */
  ownPrefixes?: string[];
  /** Hears each reply the adapter gives itself (preflight, Host gate, body cap, malformed path). */
  observe: Observer;
}

/** Whether a Host header names this machine (none at all: not a browser's request, so no rebinding). */
function loopbackHost(host: string | undefined): boolean {
  if (host === undefined) return true;
  try {
    return isLoopbackHost(new URL(`http://${host}`).hostname);
  } catch {
    return false;
  }
}

/** Whether a browser page from `origin` may read the mock's answers. */
function allowedOrigin(origin: string, extra: string[]): boolean {
  if (extra.includes("*") || extra.includes(origin)) return true;
  try {
    const { protocol, hostname } = new URL(origin);
    return (protocol === "http:" || protocol === "https:") && isLoopbackHost(hostname);
  } catch {
    return false;
  }
}

/** CORS for the allowed origins only: a web page from elsewhere cannot drive the local mock. */
export function corsHeaders(call: Call, extra: string[]): { allowed: boolean; headers: Record<string, string> } {
  const origin = call.headers.origin;
  if (typeof origin !== "string" || !allowedOrigin(origin, extra))
    return { allowed: false, headers: { vary: "Origin" } };
  const requested = call.headers["access-control-request-headers"];
  return {
    allowed: true,
    headers: {
      vary: "Origin",
      "access-control-allow-origin": origin,
      "access-control-allow-headers": typeof requested === "string" ? requested : "*",
      "access-control-allow-credentials": "true",
      "access-control-expose-headers": "*",
    },
  };
}

const ownPath = (path: string) =>
  path === "/" || path === "/docs" || path.startsWith("/docs/") || path.startsWith("/_sandbox/");

/** A reply of the socket's rules, with what the log and the report say of it. */
function ownReply(call: Call, status: number, body: unknown, note?: string, summary?: string): Reply {
  call.answeredBy = "adapter";
  if (note) call.facts.note = note;
  if (summary) call.facts.summary = summary;
  return jsonReply(status, body);
}

/** The replies the socket's rules give before the body is read: a CORS preflight, a Host that is not loopback. */
export function beforeBody(call: Call, options: Omit<ServerOptions, "observe">, allowed: boolean): Reply | undefined {
  if (call.method === "options" && call.headers.origin && call.headers["access-control-request-method"]) {
    call.answeredBy = "adapter";
    if (!allowed) call.facts.note = "origin not allowed";
    const headers: Record<string, string> = allowed
      ? { "access-control-allow-methods": "GET,DELETE,HEAD,PATCH,POST,PUT,OPTIONS" }
      : {};
    return { status: allowed ? 204 : 403, headers };
  }
  const host = call.headers.host;
  if (options.loopbackHostOnly && ownPath(call.path) && !loopbackHost(typeof host === "string" ? host : undefined)) {
    const message = `p100-mock answers its pages and /_sandbox only to a loopback Host (localhost, 127.0.0.1 or [::1]), not ${JSON.stringify(host)}; start it with --host to serve other names`;
    return ownReply(call, 403, { message }, "Host not loopback");
  }
  return undefined;
}

/** The replies the socket's rules give once the body is read: over the cap (`tooLarge`), a malformed path. */
export function afterBody(call: Call, options: Omit<ServerOptions, "observe">, tooLarge: boolean): Reply | undefined {
  if (tooLarge) {
    const message = `the request body is larger than ${maxBodyBytes} bytes, the most a valid request can have (the largest documented upload and its form)`;
    return ownReply(call, 413, { message }, "body too large", "the body is larger than 16 MiB");
  }
  try {
    decodeURIComponent(call.path);
  } catch {
    const message = `the path ${call.path} is not valid percent-encoding`;
    const summary = "the path is not valid percent-encoding";
    const body = options.ownPrefixes?.some((prefix) => call.path.startsWith(prefix))
      ? { message }
      : { errorCode: "P403", errorMessage: `${message}.` };
    return ownReply(call, 400, body, undefined, summary);
  }
  return undefined;
}

/**
 * Every header of a reply in lower case, after the CORS headers (a reply's own win); in proxy mode
 * (`transparent`), a reply that is not the upstream's says it is the mock's, whichever step gave it.
 */
export function withCors(
  reply: Reply,
  cors: Record<string, string>,
  transparent: boolean,
): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = { ...cors };
  for (const [name, value] of Object.entries(reply.headers)) headers[name.toLowerCase()] = value;
  if (transparent && headers[sourceHeader] === undefined) headers[sourceHeader] = "mock";
  return headers;
}

/**
 * A request through the socket's rules and the pipeline, for both adapters (node-server.ts,
 * fetch.ts): the preflight and the Host gate before the body (`read`: the adapter's reader, its
 * bytes or `undefined` over the cap), then the cap and a malformed path, then the pipeline. The
 * reply, and its headers with CORS and, in proxy mode, the mock's mark.
 */
export async function answerArrived(
  arrived: Omit<Arrived, "bytes">,
  read: () => Promise<Buffer | undefined>,
  pipeline: Pipeline,
  options: ServerOptions,
): Promise<{ reply: Reply; headers: Record<string, string | string[]> }> {
  let call = newCall({ ...arrived, bytes: Buffer.alloc(0) }, options.transparent);
  const { allowed, headers: cors } = corsHeaders(call, options.corsOrigins ?? []);
  let reply = beforeBody(call, options, allowed);
  if (!reply) {
    try {
      const bytes = await read();
      if (bytes?.length) call = newCall({ ...arrived, bytes }, options.transparent);
      reply = afterBody(call, options, bytes === undefined);
    } catch (error) {
      reply = failed(call, error); // the body broke off: logged like any failure of the mock's own
    }
  }
  if (reply) options.observe(call, reply);
  else reply = await pipeline(call);
  return { reply, headers: withCors(reply, cors, options.transparent) };
}
