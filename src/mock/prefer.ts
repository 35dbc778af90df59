// Prism's `Prefer` header for one call, typed from the spec: only an operation's documented
// status codes, and only that response's named examples, compile.
import type { ResponseExamples } from "../../generated/operations.js";
import { operationById } from "../spec/operations.js";

export type { ResponseExamples };

/**
 * `prefer("extendUser", 202, "P211")` → `{ Prefer: "code=202, example=P211" }`, to pass as
 * `headers` to a call against the mock. Leave out the example to get the response's first one.
 */
export function prefer<Op extends keyof ResponseExamples, Status extends keyof ResponseExamples[Op] & number>(
  operationId: Op,
  status: Status,
  example?: ResponseExamples[Op][Status],
): { Prefer: string } {
  // The types already stop undocumented choices; this stops them from plain JavaScript too.
  const response = operationById(operationId)?.responses[String(status)];
  const examples = response?.examples ?? response?.errorCodes ?? [];
  if (!response || (example !== undefined && !examples.includes(String(example)))) {
    throw new Error(
      `prefer: ${operationId} documents no ${status}${example === undefined ? "" : ` example "${String(example)}"`}.`,
    );
  }
  return { Prefer: example === undefined ? `code=${status}` : `code=${status}, example=${String(example)}` };
}
