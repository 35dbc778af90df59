// Findings as an OpenAPI Overlay 1.0 document: one action per change to the bundle, each with its
// finding and evidence (`x-p100-proposal`); what is for a person and what cannot be P100's are
// listed apart at the root. Targets are RFC 9535 JSONPaths (overlay-apply.ts evaluates them).
import type { Observation } from "./compare.js";
import type { Evidence, Finding, Learned } from "./findings.js";
import { isObject, type JsonObject, objectOf } from "./json.js";
import { atPointer, unescapePointer } from "./spec.js";

export interface OverlayAction {
  target: string;
  description: string;
  update?: unknown;
  remove?: boolean;
  "x-p100-proposal": {
    kind: Finding["kind"] | "catalogue-entry";
    evidence: Evidence;
    /** The operations' pointers in the bundle, whose `x-p100-source` records the evidence on --apply. */
    operations: string[];
  };
}

export interface Overlay {
  overlay: "1.0.0";
  info: { title: string; version: string };
  actions: OverlayAction[];
  "x-p100-for-review": { summary: string; evidence: Evidence }[];
  "x-p100-not-p100": { reason: string; evidence: Evidence }[];
}

/** A JSON pointer of a document as a normalized JSONPath: `/paths/~1v1~1user` → `$['paths']['/v1/user']` (an array's index as a number). */
export function pathOf(pointer: string, doc: unknown): string {
  let node = doc;
  let path = "$";
  for (const segment of pointer.split("/").slice(1).map(unescapePointer)) {
    path += Array.isArray(node) ? `[${Number(segment)}]` : `[${quote(segment)}]`;
    node = (node as Record<string, unknown> | undefined)?.[segment];
  }
  return path;
}

/** A name or value in a JSONPath: a string in single quotes (RFC 9535's normalized form), a number as it is. */
function quote(value: string | number): string {
  return typeof value === "number" ? String(value) : `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** "Observed in 3 recorded exchange(s), 2026-11-02 to 2026-11-30; not documented." */
const observedNote = (evidence: Evidence) =>
  `Observed in ${evidence.exchanges} recorded exchange(s)${evidence.first ? `, ${evidence.first.slice(0, 10)} to ${(evidence.last ?? evidence.first).slice(0, 10)}` : ""}; not documented.`;

function catalogueEntry(code: string, status: string, message: string | undefined, evidence: Evidence) {
  return {
    summary: `Observed: ${code}`,
    description: `HTTP ${status}. ${observedNote(evidence)} Found by p100-contract learn.`,
    "x-p100-error": { httpStatus: Number(status), documentedOn: "not documented: observed in recorded traffic" },
    value: { errorCode: code, errorMessage: message ?? `Observed ${code}` },
  };
}

/** A body's shape with its values replaced: the example of an undocumented answer keeps no personal data. */
function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.slice(0, 1).map(shapeOf);
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shapeOf(v)]));
  if (typeof value === "string") return "string";
  if (typeof value === "number") return 0;
  return value;
}

/** The spec's shared error body, or its shape where the spec has no `ErrorBody` component. */
function errorBodyOf(bundle: JsonObject): JsonObject {
  if (isObject(objectOf(objectOf(bundle.components).schemas).ErrorBody))
    return { $ref: "#/components/schemas/ErrorBody" };
  return {
    type: "object",
    required: ["errorCode", "errorMessage"],
    properties: { errorCode: { type: "string" }, errorMessage: { type: "string" } },
  };
}

function actionsOf(finding: Finding, bundle: JsonObject, catalogued: Set<string>): OverlayAction[] {
  const proposal = { kind: finding.kind, evidence: finding.evidence, operations: finding.operationPointers };
  const action = (
    target: string,
    description: string,
    change: { update: unknown } | { remove: true },
  ): OverlayAction => ({
    target,
    description,
    ...change,
    "x-p100-proposal": proposal,
  });
  const [first] = finding.observations;
  if (!first) return [];
  const actions: OverlayAction[] = [];
  const addCatalogue = (code: string, status: string, message: string | undefined) => {
    if (catalogued.has(code)) return;
    catalogued.add(code);
    actions.push({
      target: "$['components']['examples']",
      description: `Catalogue ${code}, observed with HTTP ${status}.`,
      update: { [code]: catalogueEntry(code, status, message, finding.evidence) },
      "x-p100-proposal": { ...proposal, kind: "catalogue-entry" },
    });
  };
  switch (first.kind) {
    case "p-code": {
      addCatalogue(first.code, first.status, first.message);
      if (first.enumAt)
        actions.push(
          action(`${pathOf(first.enumAt, bundle)}['enum']`, `Allow ${first.code} in this answer's errorCode.`, {
            update: first.code,
          }),
        );
      actions.push(
        action(
          pathOf(first.examplesAt, bundle),
          `Add the ${first.code} example to ${finding.evidence.operations.join(", ")}'s ${first.status}.`,
          {
            update: { [first.code]: { $ref: `#/components/examples/${first.code}` } },
          },
        ),
      );
      break;
    }
    case "status": {
      const statuses = finding.observations.filter(
        (o): o is Extract<Observation, { kind: "status" }> => o.kind === "status",
      );
      const codes = [...new Set(statuses.flatMap((o) => (o.code ? [o.code] : [])))].sort();
      for (const code of codes) addCatalogue(code, first.status, statuses.find((o) => o.code === code)?.message);
      const withBody = statuses.find((o) => o.body !== undefined);
      const description = observedNote(finding.evidence);
      let response: Record<string, unknown> = { description };
      if (codes.length) {
        const schema = {
          allOf: [
            errorBodyOf(bundle),
            { type: "object", required: ["errorCode"], properties: { errorCode: { type: "string", enum: codes } } },
          ],
        };
        const examples = Object.fromEntries(codes.map((c) => [c, { $ref: `#/components/examples/${c}` }]));
        response = { description, content: { "application/json": { schema, examples } } };
      } else if (withBody) {
        const example = shapeOf(withBody.body);
        const schema = { type: Array.isArray(example) ? "array" : typeof example === "object" ? "object" : "string" };
        response = {
          description,
          content: {
            [withBody.mediaType ?? "application/json"]: {
              schema,
              examples: { observed: { summary: "The shape observed (values replaced)", value: example } },
            },
          },
        };
      }
      const opPointer = finding.operationPointers[0] ?? "";
      actions.push(
        action(
          `${pathOf(opPointer, bundle)}['responses']`,
          `Document ${first.status} on ${finding.evidence.operations.join(", ")}.`,
          { update: { [first.status]: response } },
        ),
      );
      break;
    }
    case "missing-field": {
      const target = `${pathOf(first.schemaAt, bundle)}['required'][?@ == ${quote(first.field)}]`;
      actions.push(
        action(target, `\`${first.field}\` is no longer required (it was missing from an answer).`, { remove: true }),
      );
      break;
    }
    case "extra-field": {
      const schema = atPointer(bundle, first.schemaAt) as Record<string, unknown> | undefined;
      const property = { type: first.type, description: observedNote(finding.evidence), "x-p100-observed": true };
      const target = schema?.properties
        ? `${pathOf(first.schemaAt, bundle)}['properties']`
        : pathOf(first.schemaAt, bundle);
      const update = schema?.properties ? { [first.field]: property } : { properties: { [first.field]: property } };
      actions.push(action(target, `Add the optional property \`${first.field}\`, marked as observed.`, { update }));
      break;
    }
    case "enum-value":
      actions.push(
        action(`${pathOf(first.schemaAt, bundle)}['enum']`, `Add ${JSON.stringify(first.value)} to the enum.`, {
          update: first.value,
        }),
      );
      break;
    case "enum-seen": {
      const seen = new Set(finding.observations.map((o) => (o.kind === "enum-seen" ? o.value : undefined)));
      const unseen = first.allowed.filter((v) => !seen.has(v));
      const description = `Proposed only: drop ${unseen.map((v) => JSON.stringify(v)).join(", ")} from the enum (never in ${finding.evidence.exchanges} answers).`;
      const filter = unseen.map((v) => `@ == ${quote(v)}`).join(" || ");
      actions.push(action(`${pathOf(first.schemaAt, bundle)}['enum'][?${filter}]`, description, { remove: true }));
      break;
    }
    case "present": {
      const schema = atPointer(bundle, first.schemaAt) as Record<string, unknown> | undefined;
      const description = `Proposed only: require \`${first.field}\` (present in every one of ${finding.evidence.exchanges} answers, never missing).`;
      actions.push(
        schema?.required
          ? action(`${pathOf(first.schemaAt, bundle)}['required']`, description, { update: first.field })
          : action(pathOf(first.schemaAt, bundle), description, { update: { required: [first.field] } }),
      );
      break;
    }
  }
  return actions;
}

/** The overlay of what `learn` found. */
export function overlayOf(learned: Learned, bundle: JsonObject, today: string): Overlay {
  const catalogued = new Set(Object.keys(objectOf(objectOf(bundle.components).examples)));
  const info = objectOf(bundle.info);
  return {
    overlay: "1.0.0",
    info: {
      title:
        `p100-contract learn: ${learned.exchanges} recorded exchange(s) against ${String(info.title ?? "the spec")} ${String(info.version ?? "")}`.trim(),
      version: today,
    },
    actions: learned.proposals.flatMap((f) => actionsOf(f, bundle, catalogued)),
    "x-p100-for-review": learned.forReview.map((f) => ({ summary: f.summary, evidence: f.evidence })),
    "x-p100-not-p100": learned.notP100,
  };
}

/** Whether an action only tightens (a person decides; --apply leaves it). */
export const tightens = (action: OverlayAction) => action["x-p100-proposal"].kind.startsWith("tighten-");
