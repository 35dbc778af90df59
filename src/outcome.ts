// Sorts an answer into the operation's documented outcomes (success, pending, error) or an
// `unexpected` one, using the operation's entry in the runtime table generated from the spec.
import type { OperationInfo, ResponseShape } from "../generated/operations.js";
import { P100UnexpectedError } from "./errors.js";
import type { Outcome } from "./result.js";
import { retryAfterMs } from "./retry.js";

export interface ClassifiedResult {
  outcome: Outcome;
  status: number | undefined;
  data?: unknown;
  error?: unknown;
  response: Response | undefined;
}

export function unexpected(error: P100UnexpectedError, response?: Response): ClassifiedResult {
  return { outcome: "unexpected", status: undefined, error, response };
}

export function classify(
  info: OperationInfo,
  response: Response,
  text: string,
  redact: (text: string) => string,
): ClassifiedResult {
  const status = response.status;
  const shape = info.responses[String(status)];
  const fail = (reason: "undocumented-status" | "not-json" | "undocumented-shape" | "rate-limited") =>
    unexpected(
      new P100UnexpectedError(reason, info.operationId, {
        status,
        text: redact(text),
        retryAfterMs: retryAfterMs(response.headers.get("retry-after")),
      }),
      response,
    );

  if (!shape) return fail(status === 429 ? "rate-limited" : "undocumented-status");
  let body: unknown;
  if (shape.type !== "none") {
    try {
      body = JSON.parse(text);
    } catch {
      return fail("not-json");
    }
    if (!hasShape(body, shape)) return fail("undocumented-shape");
  }
  if (status >= 200 && status < 300) {
    return { outcome: shape.errorCodes ? "pending" : "success", status, data: body, response };
  }
  return { outcome: "error", status, error: body, response };
}

function hasShape(body: unknown, shape: ResponseShape): boolean {
  if (shape.type === "array") return Array.isArray(body);
  if (typeof body !== "object" || body === null || Array.isArray(body)) return false;
  const record = body as Record<string, unknown>;
  if (!(shape.required ?? []).every((key) => key in record)) return false;
  return !shape.errorCodes || shape.errorCodes.includes(record.errorCode as string);
}
