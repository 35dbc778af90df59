// One recorded answer against the spec: what differs, each difference placed at the schema of the
// bundle that would change (the schema object Ajv names, located by Spec), or why the answer
// cannot be P100's at all. The request is checked too: a request the spec refuses is for a person
// to look at, never loosened.
import { bareMediaType, type Exchange, jsonOf } from "./exchange.js";
import { listOf, objectOf } from "./json.js";
import { atPointer, escapePointer, follow, type SchemaError, type Spec, type SpecOperation } from "./spec.js";

export type Observation =
  | { kind: "not-p100"; reason: string }
  | { kind: "p-code"; status: string; code: string; message?: string; enumAt?: string; examplesAt: string }
  | { kind: "status"; status: string; code?: string; message?: string; body?: unknown; mediaType?: string }
  | { kind: "missing-field"; status: string; schemaAt: string; field: string }
  | { kind: "extra-field"; status: string; schemaAt: string; field: string; type: string }
  | { kind: "enum-value"; status: string; schemaAt: string; value: string | number }
  | { kind: "request-refused"; status: string; problems: string[] }
  | { kind: "other"; status: string; problem: string }
  | { kind: "present"; status: string; schemaAt: string; field: string; present: boolean }
  | { kind: "enum-seen"; status: string; schemaAt: string; value: string | number; allowed: (string | number)[] };

export interface Compared {
  exchange: Exchange;
  operation?: SpecOperation;
  observations: Observation[];
}

const pCode = /^P\d{3}$/;

/** A JSON value's JSON Schema type. */
function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (Number.isInteger(value)) return "integer";
  return typeof value === "number" ? "number" : typeof value;
}

/** Personal data out of an error message: addresses, ids and long numbers become placeholders. */
function scrubMessage(message: string): string {
  return message
    .replace(/[^\s@"'<>]+@[^\s@"'<>]+\.[^\s@"'<>]+/g, "<email>")
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "<id>")
    .replace(/\+?\d[\d\s-]{5,}\d/g, "<number>")
    .slice(0, 200);
}

/** A one-line account of an Ajv error, without the value (it may be personal). */
export function describeError(error: SchemaError): string {
  const extra = (error.params as { additionalProperty?: string }).additionalProperty;
  return `${error.instancePath || "(body)"} ${error.message ?? "is invalid"}${extra ? `: ${extra}` : ""}`;
}

/** The top-level optional properties of a response schema, with the pointer of the schema declaring each. */
function optionalProperties(spec: Spec, schemaPointer: string): { schemaAt: string; field: string }[] {
  const found: { schemaAt: string; field: string }[] = [];
  const required = new Set<string>();
  const visit = (start: string, depth: number) => {
    // The schema at a pointer, or the one its `$ref` names, with that schema's own pointer.
    const { node, pointer = start } = follow(spec.bundle, atPointer(spec.bundle, start));
    if (depth > 3) return;
    for (const field of listOf(node.required)) if (typeof field === "string") required.add(field);
    for (const field of Object.keys(objectOf(node.properties))) found.push({ schemaAt: pointer, field });
    for (const i of listOf(node.allOf).keys()) visit(`${pointer}/allOf/${i}`, depth + 1);
  };
  visit(schemaPointer, 0);
  // A field required by any part of an allOf is required.
  return found.filter((p) => !required.has(p.field));
}

/** Why an answer cannot be P100's, or undefined when it may be. */
function notP100(exchange: Exchange, documented: boolean, mediaTypes: string[]): string | undefined {
  if (exchange.status === 0) return "no answer (the connection broke off)";
  const media = bareMediaType(exchange.responseBody?.mediaType ?? exchange.responseHeaders["content-type"]);
  const text = exchange.responseBody?.text?.trimStart() ?? "";
  const isHtml = media === "text/html" || /^<(!doctype|html)/i.test(text);
  if (isHtml && !mediaTypes.includes("text/html")) return `an HTML page answered ${exchange.status}, not P100's JSON`;
  if (exchange.status >= 500 && !documented)
    return `a ${exchange.status} from a gateway or server, which P100 does not document`;
  if (text && media.includes("json") && !jsonOf(exchange.responseBody))
    return `a ${exchange.status} whose JSON body does not parse`;
  if (documented && mediaTypes.some((m) => m.includes("json")) && text && !jsonOf(exchange.responseBody)) {
    return `a ${exchange.status} whose body is not JSON (${media || "no media type"})`;
  }
  return undefined;
}

/** A request's problem against its operation, with the part it is in (verify.ts names its rule by it). */
export interface RequestProblem {
  part: "parameter" | "body";
  message: string;
}

/**
 * What a request breaks of its operation, strictly: its path and query parameters (a required one
 * missing, with `missing`) and its body (media type, JSON, schema). One home for both `learn`'s
 * comparison and `verify`'s.
 */
export function requestProblems(
  spec: Spec,
  exchange: Exchange,
  operation: SpecOperation,
  params: Record<string, string>,
  { missing = true, body: checkBody = true }: { missing?: boolean; body?: boolean } = {},
): RequestProblem[] {
  const problems: RequestProblem[] = [];
  const add = (part: RequestProblem["part"], message: string) => problems.push({ part, message });
  for (const parameter of operation.parameters) {
    const value =
      parameter.in === "path"
        ? params[parameter.name]
        : parameter.in === "query"
          ? exchange.query[parameter.name]
          : undefined;
    if (value === undefined) {
      if (missing && parameter.required && parameter.in !== "header")
        add("parameter", `${parameter.in} parameter ${parameter.name} is missing`);
      continue;
    }
    for (const error of spec.errors(parameter.schemaPointer, value, { mode: "coerce" })) {
      add("parameter", `${parameter.in} parameter ${parameter.name} ${error.message}`);
    }
  }
  const body = operation.requestBody;
  if (body && checkBody) {
    const sent = exchange.requestBody;
    const mediaType = bareMediaType(sent?.mediaType ?? exchange.headers["content-type"]);
    const media = body.media.find((m) => m.mediaType === mediaType);
    if (!sent || sent.text === "" || (sent.text === undefined && !media)) {
      if (body.required && !(sent && media)) add("body", "the request body is missing");
    } else if (!media) {
      add(
        "body",
        `the request body's media type ${mediaType || "(none)"} is not one of ${body.media.map((m) => m.mediaType).join(", ")}`,
      );
    } else if (media.schemaPointer && mediaType.includes("json")) {
      const parsed = jsonOf(sent);
      if (!parsed) add("body", "the request body is not JSON");
      else
        for (const error of spec.errors(media.schemaPointer, parsed.value))
          add("body", `request body ${describeError(error)}`);
    }
  }
  return problems;
}

/** Compares one exchange with the spec. */
export function compareExchange(spec: Spec, exchange: Exchange): Compared {
  const routed = spec.route(exchange.method, exchange.path);
  if (!routed) {
    return {
      exchange,
      observations: [
        {
          kind: "not-p100",
          reason: `${exchange.method} ${exchange.path.replace(/[^/]{24,}/g, "…")} is not an operation of the spec`,
        },
      ],
    };
  }
  const { operation, params } = routed;
  const status = String(exchange.status);
  const documented = operation.responses.get(status);
  const garbage = notP100(exchange, Boolean(documented), documented?.media.map((m) => m.mediaType) ?? []);
  if (garbage) return { exchange, operation, observations: [{ kind: "not-p100", reason: garbage }] };

  const observations: Observation[] = [];
  const body = jsonOf(exchange.responseBody);
  const value = body?.value as Record<string, unknown> | undefined;
  const code = typeof value?.errorCode === "string" && pCode.test(value.errorCode) ? value.errorCode : undefined;
  const message = typeof value?.errorMessage === "string" ? scrubMessage(value.errorMessage) : undefined;

  if (exchange.status >= 200 && exchange.status < 300) {
    const problems = requestProblems(spec, exchange, operation, params).map((p) => p.message);
    if (problems.length) observations.push({ kind: "request-refused", status, problems });
  }

  const catalogued = code === undefined ? undefined : spec.catalogue.get(code);
  if (code && catalogued !== undefined && catalogued !== exchange.status) {
    // One code, one status: the catalogue or the upstream is wrong, and a person decides which.
    const problem = `${code} came with HTTP ${status}, but the P-code catalogue gives it HTTP ${catalogued}`;
    return { exchange, operation, observations: [...observations, { kind: "other", status, problem }] };
  }
  if (!documented) {
    observations.push({
      kind: "status",
      status,
      ...(code && { code }),
      ...(message && { message }),
      ...(body && !code && { body: body.value }),
      ...(exchange.responseBody?.mediaType && { mediaType: bareMediaType(exchange.responseBody.mediaType) }),
    });
    return { exchange, operation, observations };
  }

  const mediaType = bareMediaType(exchange.responseBody?.mediaType);
  const media = documented.media.find((m) => m.mediaType === mediaType) ?? documented.media[0];
  if (!media?.schemaPointer || !body) return { exchange, operation, observations };

  const errors = spec.errors(media.schemaPointer, body.value, { mode: "closed" });
  // The pointer of the schema that holds the failed keyword.
  const schemaPointer = media.schemaPointer;
  const holderOf = (error: SchemaError) => spec.locate(error.parentSchema) ?? schemaPointer;
  let enumAt: string | undefined;
  for (const error of errors) {
    if (error.keyword === "enum" && error.instancePath === "/errorCode") {
      enumAt = holderOf(error);
    } else if (error.keyword === "required") {
      const field = (error.params as { missingProperty: string }).missingProperty;
      observations.push({ kind: "missing-field", status, schemaAt: holderOf(error), field });
    } else if (error.keyword === "unevaluatedProperties") {
      const field = (error.params as { unevaluatedProperty: string }).unevaluatedProperty;
      const fieldValue = (atPointer(body.value, error.instancePath) as Record<string, unknown>)?.[field];
      observations.push({ kind: "extra-field", status, schemaAt: holderOf(error), field, type: typeOf(fieldValue) });
    } else if (error.keyword === "enum") {
      const found = atPointer(body.value, error.instancePath);
      if (typeof found === "string" || typeof found === "number") {
        observations.push({ kind: "enum-value", status, schemaAt: holderOf(error), value: found });
      } else observations.push({ kind: "other", status, problem: describeError(error) });
    } else if (error.keyword !== "if" && error.keyword !== "anyOf" && error.keyword !== "oneOf") {
      observations.push({ kind: "other", status, problem: describeError(error) });
    }
  }
  if (code && !documented.errorCodes.includes(code)) {
    const examplesAt = `${documented.pointer}/content/${escapePointer(media.mediaType)}/examples`;
    observations.push({
      kind: "p-code",
      status,
      code,
      ...(message && { message }),
      ...(enumAt && { enumAt }),
      examplesAt,
    });
  }
  if (!code) {
    // Every value a response enum saw: tightening an enum needs them all.
    for (const error of spec.errors(media.schemaPointer, body.value, { mode: "probe" })) {
      const allowed = objectOf(error.parentSchema).enum;
      const seen = error.data;
      if (error.keyword !== "not" || !Array.isArray(allowed) || !allowed.includes(seen)) continue;
      const schemaAt = spec.locate(error.parentSchema);
      if (schemaAt && (typeof seen === "string" || typeof seen === "number")) {
        observations.push({ kind: "enum-seen", status, schemaAt, value: seen, allowed });
      }
    }
  }
  if (value && typeof value === "object" && !Array.isArray(value) && !code) {
    for (const { schemaAt, field } of optionalProperties(spec, media.schemaPointer)) {
      observations.push({ kind: "present", status, schemaAt, field, present: field in value });
    }
  }
  return { exchange, operation, observations };
}
