// The P403 tells the truth: P100 answers a validation failure with one `errorMessage` that joins
// each failure in class-validator's style ("country must be ...", errors.md), so the mock writes
// that message from Prism's own findings about the request instead of serving the spec's canned
// example text, which would point a developer at the wrong field.
import type { IPrismDiagnostic } from "@stoplight/prism-core";

/** One finding as class-validator would word it: the field first, then what it must be. */
function sentence(finding: IPrismDiagnostic, bodyProblem: string | undefined): string {
  const { message } = finding;
  const required = /must have required property '([^']+)'/.exec(message);
  if (required) return `${[...(finding.path ?? []).slice(1), required[1]].join(".")} should not be empty`;
  if (bodyProblem) return bodyProblem;
  const named = /^Request (?:body property|(?:path|query|header) parameter) (\S+) (.*)$/.exec(message);
  if (named) return `${named[1]} ${named[2]}`;
  return message.replace(/^Request body /, "the request body ").replace(/^Request /, "the request ");
}

/**
 * The errorMessage of a P403 for these findings: each failure once, joined as P100 joins them.
 * `bodyProblem`: why the body could not be used (not JSON, a `__proto__` member), said in place
 * of what Prism found about the value that stood in for it.
 */
export function p403Message(findings: IPrismDiagnostic[], bodyProblem?: string): string {
  // Ajv adds `must match "then" schema` beside the field a condition requires: the field says it.
  const errors = findings.filter((f) => f.severity === 0 && !/must match "(then|else)" schema$/.test(f.message));
  const sentences = [...new Set(errors.map((f) => sentence(f, bodyProblem)))];
  return sentences.length ? `${sentences.join(". ")}.` : "the request is not valid.";
}
