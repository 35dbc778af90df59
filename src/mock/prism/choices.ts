// `Prefer` against one operation's documented answers: a code or example it does not document is
// refused with one 400 that lists what can be picked (Prism would fall back to another answer).
import type { IHttpOperation } from "@stoplight/types";

/** A problem+json answer of the mock's own. */
export interface Problem {
  status: number;
  problem: { type: string; title: string; status: number; detail: string; [more: string]: unknown };
  note: string;
}

/** A named example of one of the operation's answers, as the spec has it. */
export function exampleOf(resource: IHttpOperation, code: string, key: string): unknown {
  const response = resource.responses.find((r) => r.code === code);
  const examples = (response?.contents ?? []).flatMap((c) => c.examples ?? []);
  return (examples.find((e) => e.key === key) as { value?: unknown } | undefined)?.value;
}

/** The documented answers of one operation: each status with its named examples. */
export function choicesOf(resource: IHttpOperation) {
  return resource.responses.map((response) => ({
    code: response.code,
    examples: [...new Set((response.contents ?? []).flatMap((c) => (c.examples ?? []).map((e) => e.key)))],
  }));
}

/** Why a `Prefer` choice names no documented answer of the operation, or undefined if it does. */
export function refusedChoice(resource: IHttpOperation, code: number | undefined, exampleKey: string | undefined) {
  const choices = choicesOf(resource);
  const forCode = code === undefined ? choices : choices.filter((c) => c.code === String(code));
  if (!forCode.length) return `code=${code} is not a documented status of this operation`;
  if (exampleKey !== undefined && !forCode.some((c) => c.examples.includes(exampleKey)))
    return `example=${exampleKey} is not a documented example${code === undefined ? "" : ` of its ${code} answer`}`;
  return undefined;
}

/** A `Prefer` the operation cannot honour: one 400 that lists what can be picked. */
export function wrongPrefer(resource: IHttpOperation | undefined, reason: string): Problem {
  const choices = resource ? choicesOf(resource) : [];
  const listed = choices
    .map((c) => `code=${c.code}${c.examples.length ? ` (example=${c.examples.join(" | ")})` : ""}`)
    .join("; ");
  const detail = resource
    ? `Prefer: ${reason}. ${resource.method.toUpperCase()} ${resource.path} documents: ${listed}.`
    : `Prefer: ${reason}. Write it as Prefer: code=<status>, example=<example name>.`;
  return {
    status: 400,
    problem: {
      type: "urn:p100-mock:prefer",
      title: "Prefer picks an answer this operation does not document",
      status: 400,
      detail,
      choices,
    },
    note: "Prefer names no documented answer",
  };
}
