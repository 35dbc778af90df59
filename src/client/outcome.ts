// Sorts an answer into the operation's outcomes, by the principle of tolerance: what P100 sends is
// accepted wherever the docs do not rule it out. A documented status gets its outcome (success,
// pending, error) even when the body differs from the spec's guessed shape; the differences are
// listed in `drift`, with the raw text. A 4xx carrying a P-code is an `error` whatever its status,
// and a 401 is an `error` whatever its body. `unexpected` is left for what cannot be a P100
// answer: an undocumented status, a body that is not JSON where JSON is documented, no answer.
import type { OperationInfo, ResponseShape } from "../../generated/operations.js";
import { P100UnexpectedError } from "../errors.js";
import type { Redactor } from "./redact.js";
import type { Outcome } from "./result.js";
import { retryAfterMs } from "./retry.js";

export interface ClassifiedResult {
  outcome: Outcome;
  status: number | undefined;
  data?: unknown;
  error?: unknown;
  response: Response | undefined;
  drift?: string[];
  text?: string;
}

export function unexpected(error: P100UnexpectedError, response?: Response): ClassifiedResult {
  return { outcome: "unexpected", status: undefined, error, response };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** A body P100's error handling describes: an object whose `errorCode` is `P` and three digits. */
const carriesPCode = (body: unknown) => isObject(body) && /^P\d{3}$/.test(String(body.errorCode));

function parseJson(text: string): { json: unknown } | undefined {
  try {
    return { json: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

/** How a JSON body differs from the documented response's shape (top-level type, required keys, P-codes). */
function driftFrom(body: unknown, shape: ResponseShape, status: number): string[] {
  if (shape.type === "array") return Array.isArray(body) ? [] : ["the body is not an array"];
  if (!isObject(body)) return [`the body is ${Array.isArray(body) ? "an array" : typeof body}, not an object`];
  const drift = (shape.required ?? []).filter((key) => !(key in body)).map((key) => `\`${key}\` is missing`);
  const code = body.errorCode;
  if (shape.errorCodes && typeof code === "string" && !shape.errorCodes.includes(code)) {
    drift.push(`errorCode ${code} is not documented for HTTP ${status}`);
  }
  return drift;
}

/**
 * A 404 on a path the spec has: the route was not found where it was sent, which is most often a
 * base URL that is not the API's origin. The URL called says which.
 */
const notFound = (url: string) =>
  `nothing at ${url}; is the base URL the P100 API's origin (like https://partner-api-stage.p100.io, no path)?`;

/**
 * The outcome of one answer. The API key is redacted from everything kept (the text, every
 * string of the parsed body, and so `data`, `error` and `drift`), checked once on the raw text.
 */
export function classify(info: OperationInfo, response: Response, raw: string, redactor: Redactor): ClassifiedResult {
  const status = response.status;
  const shape = info.responses[String(status)];
  const leaked = redactor.found(raw);
  const text = leaked ? redactor.text(raw) : raw;
  const fail = (reason: "undocumented-status" | "not-json" | "rate-limited") =>
    unexpected(
      new P100UnexpectedError(reason, info.operationId, {
        status,
        text,
        retryAfterMs: retryAfterMs(response.headers.get("retry-after")),
        detail: status === 404 && response.url ? notFound(redactor.text(response.url)) : undefined,
      }),
      response,
    );
  // Parsed from the raw text (a redacted text might no longer be JSON), then redacted.
  const parsed = parseJson(raw);
  if (parsed && leaked) parsed.json = redactor.value(parsed.json);
  const withDrift = (result: ClassifiedResult, drift: string[]): ClassifiedResult => {
    result.drift = drift;
    if (drift.length) result.text = text;
    return result;
  };

  if (!shape) {
    // A P100 error under a status this operation does not list: still an error, status unknown.
    if (status >= 400 && status < 500 && status !== 429 && carriesPCode(parsed?.json)) {
      const drift = [`HTTP ${status} is not documented for ${info.operationId}`];
      return withDrift({ outcome: "error", status: undefined, error: parsed?.json, response }, drift);
    }
    return fail(status === 429 ? "rate-limited" : "undocumented-status");
  }
  if (shape.type === "none") {
    const drift = text === "" ? [] : ["a body where none is documented"];
    return withDrift({ outcome: status < 300 ? "success" : "error", status, data: undefined, response }, drift);
  }
  if (shape.type === "text") {
    // A documented text answer (an HTML page): its text is the body, whatever it holds.
    return withDrift({ outcome: status < 300 ? "success" : "error", status, data: text, response }, []);
  }
  if (!parsed) {
    // Only the 401's message texts are documented, not a JSON wrapper: keep the text as its message.
    if (status === 401) {
      const error = { message: text.trim() };
      return withDrift({ outcome: "error", status, error, response }, ["the body is not JSON"]);
    }
    return fail("not-json");
  }
  const drift = driftFrom(parsed.json, shape, status);
  if (status < 300) {
    return withDrift({ outcome: shape.errorCodes ? "pending" : "success", status, data: parsed.json, response }, drift);
  }
  return withDrift({ outcome: "error", status, error: parsed.json, response }, drift);
}
