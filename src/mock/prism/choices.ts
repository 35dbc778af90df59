// `Prefer` against one operation's documented answers: a code or example it does not document, or
// a header with anything the mock does not read, is refused with one 400 that lists what can be
// picked (Prism would fall back to another answer, or drop what it does not read).
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

/** The preferences Prism reads: the answer (`code`, `example`) and generated data (`dynamic`, `seed`). */
const readable = new Set(["code", "example", "dynamic", "seed"]);

/**
 * Why a `Prefer` header, as Prism's own parser read it (`parsed`: its names camel-cased, a
 * preference's parameters joined to its name), holds something the mock would not act on;
 * undefined when it holds nothing else. E.g. `code=202; example=P211` is `code` with a parameter
 * `example` (`codeExample`), which Prism would drop, answering the default example of 202.
 */
export function unreadPreference(header: string, parsed: Record<string, unknown>): string | undefined {
  if (Object.keys(parsed).every((name) => readable.has(name))) return undefined;
  const semicolon = header.includes(";") ? ' (a ";" makes what follows a parameter of the preference before it)' : "";
  return `cannot read "${header}": the mock reads code, example, dynamic and seed, each a preference of its own, separated by commas${semicolon}`;
}

/** What `Prefer` can pick on this operation, one header value per documented answer, as /docs lists them. */
export function preferValues(resource: IHttpOperation): string[] {
  return choicesOf(resource).flatMap(({ code, examples }) =>
    examples.length ? examples.map((example) => `code=${code}, example=${example}`) : [`code=${code}`],
  );
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
export function wrongPrefer(resource: IHttpOperation | undefined, reason: string, unreadable = false): Problem {
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
      title: unreadable
        ? "The mock cannot read this Prefer header"
        : "Prefer picks an answer this operation does not document",
      status: 400,
      detail,
      choices,
    },
    note: unreadable ? "Prefer cannot be read" : "Prefer names no documented answer",
  };
}
