// One request to the mock, as every handler of the pipeline (pipeline.ts) sees it: what was sent,
// the operation it is for (routed once, by the Prism adapter), the user and world it is about, and
// what answered it. A handler writes what it learns here, so nothing travels beside the call.
import type { components } from "../../../generated/sandbox.js";
import type { Finding } from "../proxy/diff-log.js";

/** A fault of the stateful mode (POST /_sandbox/faults), as applied to a call. */
type Fault = components["schemas"]["Fault"];

export type { Finding };

/** The operation a call is for: routed once, with its path parameters (decoded) by name. */
export interface Operation {
  operationId: string;
  /** The path template, as the spec writes it: `/v1/user/balances/{externalUserId}`. */
  path: string;
  params: Record<string, string>;
}

/**
 * An answer the mock gives itself (the rules', the control API's, a page route's, a refusal): a
 * status and a JSON body (none for `undefined`), or text of `contentType`; the steps turn it into a
 * `Reply`. One word, one meaning: an `Answer` is what the mock decided, a `Reply` what goes out.
 */
export interface Answer {
  status: number;
  body?: unknown;
  /** A body that is not JSON (a page, the loading page's `text/html`): `body` is its text. */
  contentType?: string;
  headers?: Record<string, string>;
}

/** In proxy mode, whose answer a reply is: `upstream` (proxy/forward.ts), else the mock's own (gate.ts). */
export const sourceHeader = "x-p100-mock-source";

/** What the mock sends back for a call; the server adapters (node-server.ts, fetch.ts) write it. */
export interface Reply {
  /** 0 with `reset`: no answer at all. */
  status: number;
  headers: Record<string, string | string[]>;
  body?: string | Uint8Array;
  /** Prism's findings about the request and the answer (paths start with `request` or `response`). */
  findings?: Finding[];
  /** Close the connection without an answer (a `reset` fault). */
  reset?: boolean;
  /** Send the headers and half the body, then close the connection (a `truncate` fault). */
  truncate?: boolean;
}

/** What answered a call. */
export type AnsweredBy =
  | "adapter" // the server adapter itself: CORS preflight, the Host gate, the body cap, a malformed path, a failure
  | "page"
  | "refusal" // the sandbox's caps
  | "control" // the /_sandbox control API, or the hosted KYC page
  | "fault"
  | "rules" // the sandbox's lifecycle rules
  | "prism" // Prism: a documented example, a validation failure, a problem
  | "upstream"; // proxy mode: the upstream's answer, passed on

export interface Call {
  /** Lower case, as Prism takes it (`get`); the log writes it in upper case. */
  method: string;
  /** The path as sent (still percent-encoded), without the query. */
  path: string;
  query: URLSearchParams;
  /** The path and query exactly as sent: the proxy forwards this. */
  target: string;
  /** Header names in lower case; a repeated header as its list (node:http's way). */
  headers: Record<string, string | string[] | undefined>;
  /** The header pairs as sent, names in their case: the proxy forwards these. */
  rawHeaders: string[];
  /** The `x-api-key` header, when sent once. */
  key: string | undefined;
  /** The body as sent. */
  bytes: Buffer;
  /** The body parsed: JSON under a JSON content type, else text, else undefined. */
  body: unknown;
  /** Why the parsed body cannot be used (not JSON, a `__proto__` member): said in a P403's message. */
  bodyProblem?: { kind: "malformed" | "forbidden"; message: string };
  /** When the call arrived (the journal's `time`). */
  time: string;
  /** Set by the Prism adapter's route handler: the operation, when one matches... */
  operation?: Operation;
  /** ...else why none does (Prism's routing problem: no such path, or not this method). */
  unrouted?: Error;
  /** The user the call is about: its JSON body's `externalUserId`, else its path's. */
  externalUserId?: string;
  /** The world it acts on: set by the sandbox's handlers (their type, unknown to the pipeline). */
  world?: unknown;
  answeredBy?: AnsweredBy;
  /** For the journal: the lifecycle rule that answered (its `when`), `Prefer`, or `validation`. */
  rule?: string;
  /** The sandbox's fault that applied to this call. */
  fault?: Fault;
  /** What the log and the proxy's report may say (never a header, never user data). */
  facts: Facts;
  /** Proxy mode: the upstream's answer as sent (status, headers for the client, body bytes). */
  /** Proxy mode: the upstream's answer as sent, and its body decoded (absent when it could not be: proxy/forward.ts). */
  upstream?: { status: number; headers: Record<string, string | string[]>; bytes: Buffer; decoded?: Buffer };
  /** Not worth a log line (the dashboard's refreshes). */
  quiet?: boolean;
}

/** What the log line and the proxy's report may say about a call. */
export interface Facts {
  /** The path to report: the operation's template, or the path with each segment no operation has as `{*}`. */
  path?: string;
  /** For the log line: a P-code and its message, or why the mock answered as it did. */
  note?: string;
  /** For the proxy's report, of an answer the mock gave itself: why, with no user data in it. */
  summary?: string;
  /** Proxy mode: the status the upstream answered. */
  upstreamStatus?: number;
  /** Proxy mode, the upstream was not reached (or its answer broke off): why. */
  failure?: string;
  /** Proxy mode, with `failure`: the status the upstream had answered when its answer broke off. */
  brokenAfter?: number;
}

/** A request's parts, as a server adapter hands them over. */
export interface Arrived {
  method: string;
  target: string;
  headers: Record<string, string | string[] | undefined>;
  rawHeaders: string[];
  bytes: Buffer;
}

export const isJson = (contentType: unknown) =>
  typeof contentType === "string" && /^application\/([\w.+-]+\+)?json\b/i.test(contentType);

/** Members a parsed body may not have: on a plain object they would reach its prototype. */
const forbiddenMembers = new Set(["__proto__", "constructor"]);

/**
 * The body parsed as JSON under a JSON content type, else as text. In the mock (not
 * `transparent`), a JSON body that does not parse, or has a `__proto__` or `constructor` member
 * at any depth, is refused as an invalid body: its `bodyProblem` says why.
 */
function parseBody(
  bytes: Buffer,
  contentType: unknown,
  transparent: boolean,
): { body: unknown; bodyProblem?: Call["bodyProblem"] } {
  if (bytes.length === 0) return { body: undefined };
  const text = bytes.toString("utf8");
  if (!isJson(contentType)) return { body: text };
  let forbidden: string | undefined;
  try {
    const body = JSON.parse(text, (name, value) => {
      if (forbiddenMembers.has(name)) forbidden ??= name;
      return value;
    });
    if (forbidden === undefined || transparent) return { body };
  } catch {
    if (transparent) return { body: text };
    return { body: malformedBody, bodyProblem: { kind: "malformed", message: "the request body must be valid JSON" } };
  }
  const message = `the request body must not have a "${forbidden}" member`;
  return { body: malformedBody, bodyProblem: { kind: "forbidden", message } };
}

/** What Prism validates in place of a body that cannot be used: a JSON value that breaks every request schema. */
const malformedBody = "(the request body was not valid JSON)";

/**
 * The target's path and query. A target that starts with `//` is a path, not a host (`GET //`
 * stopped the mock: the URL parser threw; `//v1/...` lost its first segment).
 */
function urlOf(target: string): URL {
  try {
    return target.startsWith("//") ? new URL(`http://mock${target}`) : new URL(target, "http://mock");
  } catch {
    return new URL(`http://mock/${encodeURIComponent(target)}`); // never sent by a parser-checked client
  }
}

/** A call of what arrived: the method, path, query, key and body read once. */
export function newCall(arrived: Arrived, transparent: boolean): Call {
  const url = urlOf(arrived.target);
  const header = arrived.headers["x-api-key"];
  return {
    method: arrived.method.toLowerCase(),
    path: url.pathname,
    query: url.searchParams,
    target: arrived.target,
    headers: arrived.headers,
    rawHeaders: arrived.rawHeaders,
    key: typeof header === "string" ? header : undefined,
    bytes: arrived.bytes,
    ...parseBody(arrived.bytes, arrived.headers["content-type"], transparent),
    time: new Date().toISOString(),
    facts: {},
  };
}

/** A JSON reply. */
export function jsonReply(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) };
}

/** A P-code answer's code and message, for the log line. */
export function noteOf(body: unknown): string | undefined {
  const { errorCode, errorMessage } = (body ?? {}) as { errorCode?: unknown; errorMessage?: unknown };
  return typeof errorCode === "string" ? `${errorCode}: ${errorMessage}` : undefined;
}

/** The externalUserId a call is about: its JSON body's, else its path parameter's. */
export function userOf(body: unknown, params: Record<string, string> | undefined): string | undefined {
  const id = (body as { externalUserId?: unknown } | undefined)?.externalUserId;
  if (typeof id === "string") return id;
  return params?.externalUserId;
}

/** The query as Prism reads it: a repeated parameter as its list. */
export function queryOf(search: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(search.keys())) {
    const values = search.getAll(key);
    query[key] = values.length === 1 ? (values[0] as string) : values;
  }
  return query;
}
