// The mock's HTTP side: a node:http handler that turns each request into Prism's input, and
// Prism's answer back into a response. Rules of this package's own:
// - A request body that is not JSON (under a JSON content type) reaches Prism as a JSON value
//   that breaks every request schema, so Prism answers as the docs say (401 without a key, else
//   the operation's 400 P403) instead of its own undocumented `invalid_json` body. In proxy mode
//   the body goes on untouched: the real API answers it.
// - A body larger than the largest valid upload (mock-uploads.ts) gets 413 and is not kept.
// - A path that is not valid percent-encoding is the caller's mistake: 400, never a 5xx.
// - CORS answers loopback origins only (a local page), unless the mock's user allows others.
// - Requests that arrive while Prism is loading wait for it, so nothing gets an error at startup.
// - Anything that fails inside the mock is a 500 with a plain message and a log line.
// - The mock's own pages (pages/pages.ts) are answered first, in every mode.
// - On a loopback mock, the pages and the control API answer a loopback Host only: a page
//   elsewhere whose name is made to resolve to 127.0.0.1 (DNS rebinding) would be same-origin.
// - `latency` holds every answer of the API back; in the stateful mode a world's faults (POST
//   /_sandbox/faults) hold one back, reset its connection, answer another status or cut its body
//   short, and each call with a key is noted in its world's journal.
import type http from "node:http";
import type { IPrismDiagnostic } from "@stoplight/prism-core";
import type { IHttpRequest } from "@stoplight/prism-http";
import { type AnswerFacts, type Engine, noteOf } from "./engine.js";
import { isLoopbackHost } from "./loopback.js";
import { maxBodyBytes } from "./uploads.js";

const malformed = "(the request body was not valid JSON)";

/** A request under `prefix`, as a route gets it: the body parsed as JSON (else text), the key if sent once. */
export interface RouteRequest {
  method: string;
  path: string;
  key: string | undefined;
  body: unknown;
  query?: URLSearchParams;
}

/** An answer of the mock's own: a status and a JSON body (none for `undefined`), or text of `contentType`. */
export interface OwnAnswer {
  status: number;
  body?: unknown;
  /** A body that is not JSON (a page): `body` is its text. */
  contentType?: string;
  headers?: Record<string, string>;
}

/** A fault to apply to one call (the stateful mode's POST /_sandbox/faults). */
export interface CallFault {
  id: number;
  status?: number;
  retryAfterSeconds?: number;
  delayMs?: number;
  reset?: boolean;
  truncate?: boolean;
}

/** One call of the API with a key, once answered: what a world's journal keeps (never a header or a body). */
export interface CallRecord {
  time: string;
  method: string;
  path: string;
  /** 0 when the connection was reset without an answer. */
  status: number;
  operation?: string;
  externalUserId?: string;
  rule?: string;
  fault?: Omit<CallFault, "times">;
}

/** Paths under `prefix` are answered by `handle`, not by Prism (the stateful mode's control API). */
export interface Route {
  prefix: string;
  handle(request: RouteRequest): Promise<OwnAnswer>;
}

export interface HandlerOptions {
  engine: Promise<Engine>;
  transparent: boolean;
  /** Answered before Prism, the first whose prefix the path starts with. */
  routes?: Route[];
  /** Asked before any answer, routes' and Prism's: a refusal to send instead (the stateful mode's caps). */
  admit?(
    key: string | undefined,
    method: string,
    path: string,
  ): { status: number; body: { message: string } } | undefined;
  /** The mock's own pages (/docs, /_sandbox/ui and their assets): answers a GET or HEAD, and says whether it did. */
  pages?(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): boolean;
  /** Origins besides loopback ones that may call the mock from a browser (`*`: any). */
  corsOrigins?: string[];
  /** The mock listens on loopback: its pages and control API refuse a Host that is not loopback. */
  loopbackHostOnly?: boolean;
  /** Every answer of the API (not the routes') is held back a random time in this range (ms). */
  latency?: { min: number; max: number };
  /** Stateful mode: the fault for this call of `operation` with this key, if any (used up by it). */
  takeFault?(key: string, operation: string): CallFault | undefined;
  /** Stateful mode: each call of the API with a key, once answered. */
  journal?(key: string, call: CallRecord): void;
  /**
   * One call for each answer: its method, path, status, Prism's findings about it, and the
   * engine's facts (the path to report, the proxy's upstream status or failure, a note for the log).
   */
  onAnswer(method: string, path: string, status: number, violations: IPrismDiagnostic[], facts?: AnswerFacts): void;
}

const isJson = (contentType: string | undefined) => /^application\/([\w.+-]+\+)?json\b/i.test(contentType ?? "");

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

/** The body as Prism's server gives it to Prism: parsed JSON, else text, else nothing. */
function bodyOf(raw: Buffer, contentType: string | undefined, transparent: boolean): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString("utf8");
  if (!isJson(contentType)) return text;
  try {
    return JSON.parse(text);
  } catch {
    return transparent ? text : malformed;
  }
}

function queryOf(search: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(search.keys())) {
    const values = search.getAll(key);
    query[key] = values.length === 1 ? (values[0] as string) : values;
  }
  return query;
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
function cors(req: http.IncomingMessage, res: http.ServerResponse, extra: string[]): boolean {
  res.setHeader("Vary", "Origin");
  const origin = req.headers.origin;
  if (!origin || !allowedOrigin(origin, extra)) return false;
  res.setHeader("Access-Control-Allow-Origin", origin);
  res.setHeader("Access-Control-Allow-Headers", req.headers["access-control-request-headers"] ?? "*");
  res.setHeader("Access-Control-Allow-Credentials", "true");
  res.setHeader("Access-Control-Expose-Headers", "*");
  return true;
}

const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The externalUserId a call is about: its JSON body's, else its path's `{externalUserId}` (any segment). */
function userOf(body: unknown, pathname: string, template: string | undefined): string | undefined {
  const id = (body as { externalUserId?: unknown } | undefined)?.externalUserId;
  if (typeof id === "string") return id;
  const at = template?.split("/").indexOf("{externalUserId}") ?? -1;
  const segment = at < 0 ? undefined : pathname.split("/")[at];
  return segment === undefined ? undefined : decodeURIComponent(segment);
}

export function createHandler({
  engine,
  transparent,
  routes = [],
  admit,
  pages,
  corsOrigins = [],
  loopbackHostOnly = false,
  onAnswer: report,
  latency,
  takeFault,
  journal,
}: HandlerOptions) {
  return async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const method = (req.method ?? "GET").toLowerCase();
    const url = new URL(req.url ?? "/", "http://mock");
    const time = new Date().toISOString();
    // What the journal notes of a call of the API with a key, filled in as it is answered.
    const call: { key?: string; operation?: string; template?: string; externalUserId?: string; fault?: CallFault } =
      {};
    const onAnswer: HandlerOptions["onAnswer"] = (method, path, status, findings, facts) => {
      report(method, path, status, findings, facts);
      if (call.key === undefined || !journal) return;
      const { times: _, ...fault } = (call.fault ?? {}) as CallFault & { times?: number };
      journal(call.key, {
        time,
        method,
        path,
        status,
        ...(call.operation === undefined ? {} : { operation: call.operation }),
        ...(call.externalUserId === undefined ? {} : { externalUserId: call.externalUserId }),
        ...(facts?.rule === undefined ? {} : { rule: facts.rule }),
        ...(call.fault === undefined ? {} : { fault }),
      });
    };
    // With a `truncate` fault, an answer is sent with its headers and half its body, then cut off.
    let truncate = false;
    const finish = (status: number, headers: Record<string, string | string[]>, body: string | Buffer) => {
      if (!truncate) {
        res.writeHead(status, headers);
        res.end(body);
        return;
      }
      const bytes = Buffer.from(body);
      res.writeHead(status, { ...headers, "content-length": String(Math.max(bytes.length, 1)) });
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.destroy());
    };
    // The facts of an answer the HTTP layer gives itself (no findings), with what a report may say of it.
    const own = (note: string | undefined, summary?: string): AnswerFacts => ({
      ...(note ? { note } : {}),
      ...(summary ? { summary } : {}),
    });
    // In proxy mode, an answer the mock gives itself says so, as the engine's do.
    const source: Record<string, string> = transparent ? { "x-p100-mock-source": "mock" } : {};
    const allowed = cors(req, res, corsOrigins);
    if (method === "options" && req.headers.origin && req.headers["access-control-request-method"]) {
      const status = allowed ? 204 : 403;
      if (allowed) res.setHeader("Access-Control-Allow-Methods", "GET,DELETE,HEAD,PATCH,POST,PUT,OPTIONS");
      res.writeHead(status).end();
      onAnswer(req.method ?? "", url.pathname, status, [], own(allowed ? undefined : "origin not allowed"));
      return;
    }
    const answer = (status: number, body: unknown, note?: string, summary?: string) => {
      onAnswer(req.method ?? "", url.pathname, status, [], own(note ?? noteOf(body), summary));
      json(res, status, body, source);
    };
    const ownPath =
      url.pathname === "/docs" || url.pathname.startsWith("/docs/") || url.pathname.startsWith("/_sandbox/");
    if (loopbackHostOnly && ownPath && !loopbackHost(req.headers.host)) {
      const message = `p100-mock answers its pages and /_sandbox only to a loopback Host (localhost, 127.0.0.1 or [::1]), not ${JSON.stringify(req.headers.host)}; start it with --host to serve other names`;
      answer(403, { message }, "Host not loopback");
      return;
    }
    try {
      // A page is no API answer: it is neither logged nor in the proxy's report.
      if ((method === "get" || method === "head") && pages?.(req, res, url.pathname)) return;
      const raw = await readBody(req);
      if (raw === undefined) {
        if (!req.complete) res.setHeader("connection", "close"); // the rest of it is not read
        const message = `the request body is larger than ${maxBodyBytes} bytes, the most a valid request can have (the largest documented upload and its form)`;
        answer(413, { message }, "body too large", "the body is larger than 16 MiB");
        return;
      }
      try {
        decodeURIComponent(url.pathname);
      } catch {
        const message = `the path ${url.pathname} is not valid percent-encoding`;
        const summary = "the path is not valid percent-encoding";
        if (routes.some((r) => url.pathname.startsWith(r.prefix))) answer(400, { message }, undefined, summary);
        else answer(400, { errorCode: "P403", errorMessage: `${message}.` }, undefined, summary);
        return;
      }
      const prism = await engine;
      const header = req.headers["x-api-key"];
      const key = typeof header === "string" ? header : undefined;
      // The stateful mode's caps (worlds, users per world) come before any answer that needs room.
      const refused = admit?.(key, method, url.pathname);
      if (refused) {
        answer(refused.status, refused.body, refused.body.message);
        return;
      }
      const route = routes.find((r) => url.pathname.startsWith(r.prefix));
      if (route) {
        const body = bodyOf(raw, req.headers["content-type"], false);
        const found = await route.handle({ method, path: url.pathname, key, body, query: url.searchParams });
        const { message } = (found.body ?? {}) as { message?: unknown };
        const note = noteOf(found.body) ?? (found.status >= 400 && typeof message === "string" ? message : undefined);
        // The dashboard's refreshes (every 2 s) would bury the log; its actions and failures are logged.
        const refresh = method === "get" && req.headers["x-p100-dashboard"] === "refresh" && found.status < 400;
        if (!refresh) onAnswer(req.method ?? "", url.pathname, found.status, [], own(note));
        const text = found.contentType !== undefined && typeof found.body === "string";
        // no-store: one key's world is never answered from a cache to another key.
        res.writeHead(found.status, {
          "cache-control": "no-store",
          ...(found.body === undefined ? {} : { "content-type": found.contentType ?? "application/json" }),
          ...found.headers,
        });
        res.end(found.body === undefined ? "" : text ? found.body : JSON.stringify(found.body));
        return;
      }
      const contentType = req.headers["content-type"];
      const body = bodyOf(raw, contentType, transparent);
      if (latency) await sleep(latency.min + Math.round(Math.random() * (latency.max - latency.min)));
      // The operation, for the faults and the journal (the stateful mode's).
      const operation =
        key === undefined || !(takeFault || journal) ? undefined : prism.operationOf?.(method, url.pathname);
      if (key !== undefined && journal) {
        call.key = key;
        call.operation = operation?.operationId;
        call.externalUserId = userOf(body, url.pathname, operation?.path);
      }
      const fault = operation && key !== undefined ? takeFault?.(key, operation.operationId) : undefined;
      if (fault) {
        call.fault = fault;
        if (fault.delayMs) await sleep(fault.delayMs);
        if (fault.reset) {
          onAnswer(req.method ?? "", url.pathname, 0, [], own(`connection reset (fault ${fault.id})`));
          req.socket.resetAndDestroy();
          return;
        }
        if (fault.status !== undefined) {
          const retryAfter: Record<string, string> =
            fault.retryAfterSeconds === undefined ? {} : { "retry-after": String(fault.retryAfterSeconds) };
          const message = `p100-mock: fault ${fault.id}, set with POST /_sandbox/faults, answers ${fault.status}`;
          onAnswer(req.method ?? "", url.pathname, fault.status, [], own(message));
          json(res, fault.status, { message }, { ...source, ...retryAfter });
          return;
        }
        truncate = fault.truncate === true;
      }
      const input: IHttpRequest = {
        method: method as IHttpRequest["method"],
        url: { path: url.pathname, query: queryOf(url.searchParams) },
        headers: req.headers as Record<string, string>,
        body,
      };
      // The proxy forwards the request as it came: these bytes, this target, these headers.
      const found = await prism.answer(input, {
        body: raw,
        target: req.url,
        rawHeaders: req.rawHeaders,
        malformedJson: body === malformed,
      });
      // The log names a truncating fault, as it names the others.
      const facts = (given: AnswerFacts): AnswerFacts =>
        truncate && call.fault
          ? { ...given, note: `${given.note ? `${given.note}; ` : ""}body cut off (fault ${call.fault.id})` }
          : given;
      if ("problem" in found) {
        onAnswer(req.method ?? "", url.pathname, found.status, [], facts(found.facts));
        finish(
          found.status,
          { "content-type": "application/problem+json", ...found.headers },
          JSON.stringify(found.problem),
        );
        return;
      }
      const { output, validations } = found;
      const headers = Object.fromEntries(Object.entries(output.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
      onAnswer(
        req.method ?? "",
        url.pathname,
        output.statusCode,
        [
          ...validations.input.map((v) => ({ ...v, path: ["request", ...(v.path ?? [])] })),
          ...validations.output.map((v) => ({ ...v, path: ["response", ...(v.path ?? [])] })),
        ],
        facts(found.facts),
      );
      finish(output.statusCode, headers as Record<string, string | string[]>, found.text);
    } catch (error) {
      // A bug of the mock's own: the log says what failed; the caller gets a plain 500.
      const reason = error instanceof Error ? error.message : String(error);
      onAnswer(req.method ?? "", url.pathname, 500, [], own(`the mock failed: ${reason}`));
      if (res.headersSent) res.destroy();
      else json(res, 500, { message: "p100-mock could not answer this request; its log says why" });
    }
  };
}
