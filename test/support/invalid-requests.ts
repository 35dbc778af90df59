// The one builder of invalid requests: every way this suite breaks a request, derived from an
// operation's schemas. The mock's validation contract applies each to the documented request;
// the fuzzer applies them to generated valid requests. Each says what the docs promise for it:
// `P403` (any malformed body or parameter), `xo1` (no key), or nothing beyond "a documented answer".
import { flatten } from "./arbitraries.js";
import { type Operation, parametersOf, requestBodyOf } from "./cases.js";
import { deref } from "./spec.js";

export interface RequestParts {
  path: Record<string, unknown>;
  query: Record<string, unknown>;
  body?: unknown;
}

/** What goes on the wire, beside the URL: raw, so that the types cannot stop it. */
export interface RawInit {
  body?: BodyInit;
  contentType?: string;
  apiKey?: boolean;
}

export interface Breakage {
  kind: string;
  answer?: "P403" | "xo1";
  apply(request: RequestParts): { request: RequestParts; init: RawInit };
}

type Schema = Record<string, any>;

/** The URL path (with query) of an operation for given parameter values. */
export function urlFor(op: Operation, path: Record<string, unknown>, query: Record<string, unknown>): string {
  let url = op.path;
  for (const [name, value] of Object.entries(path)) url = url.replace(`{${name}}`, encodeURIComponent(String(value)));
  const search = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
  return `${url}${search.size ? `?${search}` : ""}`;
}

/** A multipart body with one part per value (arrays give repeated parts), files as files. */
export function toFormData(value: Record<string, unknown>): FormData {
  const form = new FormData();
  for (const [key, entry] of Object.entries(value)) {
    for (const item of Array.isArray(entry) ? entry : [entry])
      form.append(key, item instanceof Blob ? item : String(item));
  }
  return form;
}

/** The request's body as the operation's media type sends it (a non-object goes as JSON). */
function encode(op: Operation, body: unknown): RawInit {
  if (body === undefined) return {};
  const multipart = requestBodyOf(op)?.mediaType === "multipart/form-data";
  return multipart && typeof body === "object" && body !== null && !Array.isArray(body)
    ? { body: toFormData(body as Record<string, unknown>) }
    : { body: JSON.stringify(body), contentType: "application/json" };
}

/** Ways to break a body: the values that break one field each, and whole-body breaks. */
function bodyBreaks(
  schema: Schema,
  json: boolean,
): { kind: string; answer?: "P403"; change: (body: any) => unknown }[] {
  const s = flatten(schema);
  // Multipart sends every value as text, so only a missing part or an unknown value surely breaks it.
  const strict = json ? "P403" : undefined;
  const set = (field: string, value: unknown) => (body: any) => ({ ...body, [field]: value });
  const out: ReturnType<typeof bodyBreaks> = [
    { kind: "not an object", answer: strict, change: () => ["not", "an", "object"] },
  ];
  for (const field of s.required ?? []) {
    out.push({ kind: `missing ${field}`, answer: "P403", change: ({ [field]: _, ...rest }) => rest });
  }
  for (const [field, raw] of Object.entries<Schema>(s.properties ?? {})) {
    const p = flatten(raw);
    const type = Array.isArray(p.type) ? p.type[0] : p.type;
    const wrong = type === "string" ? 12345 : type === "array" ? "not-an-array" : `not-a-${type}`;
    out.push({ kind: `wrong type for ${field}`, answer: strict, change: set(field, wrong) });
    if (p.enum || p.const !== undefined)
      out.push({ kind: `unknown value for ${field}`, answer: "P403", change: set(field, "NOT_A_DOCUMENTED_VALUE") });
    if (["email", "date", "date-time", "uuid"].includes(p.format))
      out.push({ kind: `bad ${p.format} in ${field}`, answer: strict, change: set(field, "not-a-valid-value") });
    if (p.pattern)
      out.push({ kind: `${field} breaking its pattern`, answer: strict, change: set(field, breaking(p.pattern)) });
    if (p.minLength) out.push({ kind: `empty ${field}`, answer: strict, change: set(field, "") });
    // Not invalid (no maxLength is documented), but a load the answer must survive.
    if (json && type === "string" && !p.enum && !p.format && !p.pattern)
      out.push({ kind: `oversize ${field}`, change: set(field, "x".repeat(200_000)) });
  }
  // A field required for some value of another (`if`/`then`): that value, without the field.
  for (const { if: condition, then } of s.conditions ?? []) {
    const values = Object.fromEntries(
      Object.entries<Schema>(condition.properties).map(([key, c]) => [key, c.const ?? c.enum[0]]),
    );
    for (const field of then.required ?? []) {
      const when = Object.entries(values)
        .map(([key, value]) => `${key} ${value}`)
        .join(", ");
      out.push({
        kind: `missing ${field} when ${when}`,
        answer: "P403",
        change: ({ [field]: _, ...rest }) => ({ ...rest, ...values }),
      });
    }
  }
  return out;
}

/** Values that break an integer query parameter's schema. */
function queryBreaks(schema: Schema): unknown[] {
  const s = deref(schema);
  const out: unknown[] = ["abc", 1.5];
  if (s.minimum !== undefined) out.push(s.minimum - 1);
  if (s.maximum !== undefined) out.push(s.maximum + 1);
  return out;
}

/** Every breakage of an operation's requests. */
export function invalidRequests(op: Operation): Breakage[] {
  const body = requestBodyOf(op);
  const json = body?.mediaType === "application/json";
  const same = (request: RequestParts) => encode(op, request.body);
  const out: Breakage[] = [
    {
      kind: "no x-api-key",
      answer: "xo1",
      apply: (request) => ({ request, init: { ...same(request), apiKey: false } }),
    },
  ];
  if (body) {
    for (const { kind, answer, change } of bodyBreaks(body.schema, json)) {
      out.push({ kind, answer, apply: (request) => ({ request, init: encode(op, change(request.body)) }) });
    }
    out.push(
      {
        kind: "wrong content type",
        apply: (request) => ({ request, init: { body: JSON.stringify(request.body), contentType: "text/plain" } }),
      },
      { kind: "no body", apply: (request) => ({ request, init: {} }) },
    );
    if (json) {
      out.push({
        kind: "broken JSON",
        answer: "P403",
        apply: (request) => ({
          request,
          init: { body: JSON.stringify(request.body).slice(0, -1), contentType: "application/json" },
        }),
      });
    }
  }
  for (const param of parametersOf(op).filter((p) => p.in === "query")) {
    for (const value of queryBreaks(param.schema)) {
      out.push({
        kind: `query ${param.name}=${value}`,
        answer: "P403",
        apply: (request) => ({
          request: { ...request, query: { ...request.query, [param.name]: value } },
          init: same(request),
        }),
      });
    }
  }
  return out;
}

/** Sends a raw request to `baseUrl` and returns the status and the body (parsed when JSON). */
export async function sendRaw(
  baseUrl: string,
  op: Operation,
  request: RequestParts,
  init: RawInit,
  /** How it is sent: over the network by default, or to a mock in this process (createMockFetch's `fetch`). */
  via: (request: Request) => Promise<Response> = fetch,
) {
  const headers: Record<string, string> = {};
  if (init.apiKey !== false) headers["x-api-key"] = "test-key";
  if (init.contentType) headers["content-type"] = init.contentType;
  const response = await via(
    new Request(`${baseUrl}${urlFor(op, request.path, request.query)}`, {
      method: op.method.toUpperCase(),
      headers,
      body: init.body,
    }),
  );
  const text = await response.text();
  try {
    return { status: response.status, body: text === "" ? "" : (JSON.parse(text) as unknown) };
  } catch {
    return { status: response.status, body: text as unknown }; // text validates against no JSON schema
  }
}

/** A value that breaks a pattern: `!!` breaks most; `.` the ids' (any string but `.` and `..`). */
function breaking(pattern: string): string {
  const value = ["!!", "."].find((candidate) => !new RegExp(pattern, "u").test(candidate));
  if (value === undefined) throw new Error(`invalid-requests: no value breaks the pattern ${pattern}`);
  return value;
}
