// The loop over the acceptance table (cases.ts): one `it` per row of a mode, sent to a mock, the
// answer checked against the row's documented expectation and against what holds for every
// answer in every mode (never a 503, never "is not a function" or a stack trace, framing that
// matches the bytes, one log line). A mock process is sent raw HTTP and its stdout read; a mock
// in this process (test/mock/answer-table.test.ts) is given `send` and its output. Each `it`
// reports every problem it found at once.
import { isDeepStrictEqual } from "node:util";
import { expect, it } from "vitest";
import { apiKey, type Body, type Mode, type Row, rows } from "./cases.js";
import { multipart } from "./multipart.js";
import type { LocalServer, MockProcess } from "./processes.js";
import { type RawAnswer, type RawRequest, send } from "./raw-http.js";

export interface Target {
  /** Where its log lines are read (a process's stdout, or what a mock in this process said). */
  mock: Pick<MockProcess, "url" | "stdout" | "shows">;
  /** How a request reaches it: raw HTTP to `mock.url` unless given. */
  send?: (request: RawRequest) => Promise<RawAnswer>;
  /** Stateful: the webhook receiver `{RECEIVER}` names. */
  receiver?: LocalServer;
  /** Proxy: the upstream. */
  upstream?: LocalServer;
}

function encode(body: Body, receiver: LocalServer | undefined): { contentType: string; bytes: Buffer } {
  if ("json" in body) {
    const text = JSON.stringify(body.json).replaceAll("{RECEIVER}", receiver?.url ?? "{RECEIVER}");
    return { contentType: "application/json", bytes: Buffer.from(text) };
  }
  if ("raw" in body) return { contentType: body.contentType, bytes: Buffer.from(body.raw) };
  const built = multipart(body.multipart, body.padTo);
  return { contentType: built.contentType, bytes: built.body };
}

const stackTrace = /^\s+at .+:\d+:\d+\)?$/m;
const short = (text: string) => (text.length > 400 ? `${text.slice(0, 400)}…` : text);

/** The problems with one answer; empty when it is the documented one. */
async function problemsOf(
  row: Row,
  target: Target,
  answer: RawAnswer,
  sent: { contentType: string; bytes: Buffer } | undefined,
  logFrom: number,
) {
  const problems: string[] = [];
  const { expect: want } = row;
  if (answer.error) problems.push(answer.error);
  if (answer.status === 0) return problems;
  const statuses = Array.isArray(want.status) ? want.status : [want.status];
  if (!statuses.includes(answer.status)) problems.push(`status ${answer.status}, expected ${statuses.join(" or ")}`);
  if (answer.status === 503) problems.push("a 503");
  if (answer.text.includes("is not a function")) problems.push('the body says "is not a function"');
  if (stackTrace.test(answer.text)) problems.push("the body holds a stack trace");
  const length = answer.headers["content-length"];
  if (length !== undefined && Number(length) !== answer.bytes.length)
    problems.push(`Content-Length ${length} for a body of ${answer.bytes.length} bytes`);
  const contentType = answer.headers["content-type"] ?? "";
  if (want.contentType && !want.contentType.test(contentType))
    problems.push(`content-type "${contentType}", expected ${want.contentType}`);

  const needsJson = ["errorCode", "errorMessage", "message", "absentKeys", "keys", "json"].some((k) => k in want);
  let body: any;
  try {
    body = answer.text ? JSON.parse(answer.text) : undefined;
  } catch {
    if (needsJson) problems.push("the body is not JSON");
  }
  if (needsJson && body !== undefined) {
    if (want.errorCode && body?.errorCode !== want.errorCode)
      problems.push(`errorCode ${JSON.stringify(body?.errorCode)}, expected ${want.errorCode}`);
    const message = typeof body?.errorMessage === "string" ? body.errorMessage : undefined;
    for (const part of want.errorMessage?.includes ?? [])
      if (!message?.includes(part)) problems.push(`errorMessage does not name "${part}"`);
    for (const part of want.errorMessage?.excludes ?? [])
      if (message?.includes(part)) problems.push(`errorMessage says "${part}"`);
    for (const pattern of want.errorMessage?.matches ?? [])
      if (!message || !pattern.test(message)) problems.push(`errorMessage does not match ${pattern}`);
    if (want.message !== undefined && body?.message !== want.message)
      problems.push(`message ${JSON.stringify(body?.message)}, expected ${JSON.stringify(want.message)}`);
    for (const key of want.absentKeys ?? []) if (body && key in body) problems.push(`the body has "${key}"`);
    for (const key of want.keys ?? []) if (!body || !(key in body)) problems.push(`the body has no "${key}"`);
    if (want.json !== undefined && !isDeepStrictEqual(body, want.json))
      problems.push(`the body is not ${short(JSON.stringify(want.json))}`);
  }
  for (const part of want.bodyIncludes ?? [])
    if (!answer.text.includes(part)) problems.push(`the body lacks "${part}"`);
  if (want.explained && !/[a-z]{3}/i.test(answer.text)) problems.push("the body explains nothing");
  for (const [name, value] of Object.entries(want.headers ?? {})) {
    const got = answer.headers[name];
    if (value === null && got !== undefined) problems.push(`${name}: ${String(got)} (expected none)`);
    if (value !== null && got !== value) problems.push(`${name}: ${String(got)}, expected ${value}`);
  }

  // One log line per request, on stdout: `METHOD /path → status`. The mock writes it before it
  // answers, so by now it is in the pipe: the wait ends as soon as it is read (a generous guard,
  // measured from the answer; a short one for an answer already wrong: the row fails anyway).
  const line = `${row.method} ${row.path.split("?")[0]} → ${answer.status}`;
  if (!(await target.mock.shows(line, logFrom, problems.length ? 1000 : 10_000)))
    problems.push(`no log line "${line}" on stdout`);

  if (want.webhook) {
    const { name, authorization, payload } = want.webhook;
    // Delivered once the call is answered: the guard is measured from the answer.
    const delivery = await target.receiver?.hears((h) => {
      if (h.path !== `/${name}`) return false;
      try {
        return isDeepStrictEqual(JSON.parse(h.body.toString("utf8")), payload);
      } catch {
        return false;
      }
    }, 30_000);
    if (!delivery) problems.push(`no ${name} webhook ${JSON.stringify(payload)} reached the receiver`);
    else {
      if (delivery.method !== "POST") problems.push(`the webhook came as ${delivery.method}`);
      if (delivery.headers.authorization !== authorization)
        problems.push("the webhook's Authorization is not the token set with PUT /_sandbox/webhook-endpoint");
      if (!/^application\/json/.test(delivery.headers["content-type"] ?? ""))
        problems.push(`the webhook's content-type is "${delivery.headers["content-type"]}"`);
    }
  }
  if (want.upstreamGotTheBytes) {
    const got = target.upstream?.heard.findLast((h) => h.method === row.method && h.path === row.path);
    if (!got) problems.push("the request never reached the upstream");
    else {
      if (!sent || !got.body.equals(sent.bytes))
        problems.push(`the upstream got ${got.body.length} bytes that differ from the ${sent?.bytes.length} sent`);
      if (got.headers["content-type"] !== sent?.contentType)
        problems.push(`the upstream got content-type "${got.headers["content-type"]}"`);
    }
  }
  return problems;
}

/**
 * The path with each `{kyc:<externalUserId>:<field>}` filled in from the control API's view of
 * that user's KYC by P100 verification (its random `verificationId`, `sessionToken`).
 */
async function filledPath(to: (request: RawRequest) => Promise<RawAnswer>, path: string): Promise<string> {
  let filled = path;
  for (const [placeholder, id, field] of path.matchAll(/\{kyc:([^:}]+):(\w+)\}/g)) {
    const user = await to({ method: "GET", path: `/_sandbox/users/${id}`, headers: { "x-api-key": apiKey } });
    const value = (JSON.parse(user.text) as { kyc?: Record<string, unknown> }).kyc?.[field!];
    filled = filled.replace(placeholder, encodeURIComponent(String(value)));
  }
  return filled;
}

/**
 * One `it` per row of the table for this mode, in table order, against `target()`; with
 * `outsideOnly`, the rows marked to run from outside in this mode (one per concern); with
 * `framed: false`, none that asks for a framing of its own (chunked: HTTP's, tested from outside).
 */
export function acceptRows(mode: Mode, target: () => Target, { outsideOnly = false, framed = true } = {}) {
  const chosen = rows.filter(
    (r) =>
      r.modes.includes(mode) &&
      (!outsideOnly || r.outside?.includes(mode)) &&
      (framed || r.framing === undefined || r.framing === "length"),
  );
  for (const table of chosen) {
    // A hang guard: the request's own (raw-http.ts), the log line's and the webhook's, at most.
    it(table.name, { timeout: 120_000 }, async () => {
      const { mock, receiver } = target();
      const to = target().send ?? ((request: RawRequest) => send(mock.url, request));
      const row = { ...table, path: await filledPath(to, table.path) };
      const headers: Record<string, string> = { "x-api-key": apiKey };
      for (const [name, value] of Object.entries(row.headers ?? {})) {
        if (value === null) delete headers[name];
        else headers[name] = value;
      }
      const body = row.body && encode(row.body, receiver);
      if (body) headers["content-type"] = body.contentType;
      const logFrom = mock.stdout().length;
      const answer = await to({
        method: row.method,
        path: row.path,
        headers,
        ...(body ? { body: body.bytes } : {}),
        ...(row.framing ? { framing: row.framing } : {}),
      });
      const problems = await problemsOf(row, target(), answer, body, logFrom);
      const said = `${row.method} ${row.path} answered ${answer.status}: ${short(answer.text)}`;
      expect(problems, said).toEqual([]);
    });
  }
}
