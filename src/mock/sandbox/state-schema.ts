// The shape of each record of the sandbox's state file (state-file.ts), checked as the file is
// read: a value the world would not have made itself (a clock that is no time, a user without its
// userId) stops the start with the line that holds it, instead of breaking the answers later. The
// shapes are the control API's own schemas (generated/sandbox.json: SandboxUser, Delivery, ...),
// with what the world keeps besides them, compiled by Ajv once, when a state file is read.
import fs from "node:fs";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import { fullFormats } from "ajv-formats/dist/formats.js";
import operations from "../../../generated/operations.js";
import webhookValidators from "../../../generated/webhook-validators.js";

/** How a field's records look in the file: one entry of a Map a line, one item of an array, or one value. */
export type RecordKind = "entry" | "item" | "value";

/** One record of a field, as read from the file. */
export interface FieldRecord {
  field: string;
  kind: RecordKind;
  key?: unknown;
  value: unknown;
  /** The field's records read before this one (a Map or an array), to check an order. */
  sofar: unknown;
}

/** The first day of the virtual clock (world.ts), and the last time an RFC 3339 date-time can say. */
const epochMs = Date.parse("2026-01-01T00:00:00.000Z");
const lastDateMs = Date.parse("9999-12-31T23:59:59.999Z");

const ref = (name: string) => ({ $ref: `sandbox#/components/schemas/${name}` });
const count = { type: "integer", minimum: 1 };
/** What the world itself writes there: an operation of the P100 spec, a webhook of it, a status. */
const operation = { enum: Object.values(operations).map((o) => o.operationId) };
const webhook = { enum: Object.keys(webhookValidators) };

/** Each persisted field of a world (World.persisted): how it is written, and its value's schema. */
const fields: Record<string, { kind: RecordKind; schema: object }> = {
  users: {
    kind: "entry",
    schema: {
      allOf: [ref("SandboxUser")],
      required: ["data", "balances", "transactions"],
      properties: {
        data: { type: "object" },
        balances: ref("SeededBalances"),
        transactions: {
          type: "array",
          items: { allOf: [ref("SeedTransaction")], required: ["id", "createdAt"] },
        },
      },
    },
  },
  deliveries: { kind: "item", schema: { allOf: [ref("Delivery")], properties: { webhook } } },
  endpoint: { kind: "value", schema: ref("WebhookEndpoint") },
  clock: { kind: "value", schema: { type: "number", minimum: 0, maximum: (lastDateMs - epochMs) / 1000 } },
  nextId: { kind: "value", schema: count },
  faults: {
    kind: "item",
    schema: {
      allOf: [ref("Fault")],
      properties: { id: count, times: count, operation, status: { type: "integer", minimum: 400, maximum: 599 } },
    },
  },
  nextFaultId: { kind: "value", schema: count },
  journal: {
    kind: "item",
    schema: {
      allOf: [ref("JournalEntry")],
      properties: {
        method: { type: "string", pattern: "^[A-Z]+$" },
        status: { anyOf: [{ const: 0 }, { type: "integer", minimum: 100, maximum: 599 }] },
        operation,
      },
    },
  },
  nextJournalId: { kind: "value", schema: count },
  lastUsed: { kind: "value", schema: { type: "number", minimum: 0, maximum: lastDateMs } },
};

const kindWords: Record<RecordKind, string> = {
  entry: 'an entry ("k" and "v")',
  item: 'an item ("i")',
  value: 'a value ("v")',
};

let compiled: Map<string, ValidateFunction> | undefined;

function validators(): Map<string, ValidateFunction> {
  if (compiled) return compiled;
  const spec = JSON.parse(fs.readFileSync(new URL("../../../generated/sandbox.json", import.meta.url), "utf8"));
  // The spec's schemas carry OpenAPI's own keywords (description, example): not strict.
  const ajv = new Ajv2020({ strict: false, formats: fullFormats });
  ajv.addSchema(spec, "sandbox");
  compiled = new Map(Object.entries(fields).map(([name, { schema }]) => [name, ajv.compile(schema)]));
  return compiled;
}

/** Ajv's first error, in words: `/kyc/attemptStatus must be equal to one of the allowed values`. */
function said(error: Pick<ErrorObject, "instancePath" | "keyword" | "message" | "params"> | undefined): string {
  if (!error) return "is not valid";
  const where = error.instancePath ? `${error.instancePath} ` : "";
  const allowed = error.keyword === "enum" ? ` (${(error.params.allowedValues as unknown[]).join(", ")})` : "";
  return `${where}${error.message ?? "is not valid"}${allowed}`;
}

/** What is wrong with one record of the state file, in a few words; undefined when nothing is. */
export function stateRecordProblem({ field, kind, key, value, sofar }: FieldRecord): string | undefined {
  const known = fields[field];
  if (!known) return `"${field}" is not a field of a world (${Object.keys(fields).join(", ")})`;
  if (kind !== known.kind) return `${field} is written as ${kindWords[known.kind]}, not as ${kindWords[kind]}`;
  const validate = validators().get(field) as ValidateFunction;
  const what = kind === "entry" ? `${field} ${JSON.stringify(key)}` : field;
  if (kind === "entry" && typeof key !== "string") return `${field}: the key ${JSON.stringify(key)} is not a string`;
  if (!validate(value)) return `${what}: the value ${said(validate.errors?.[0])}`;
  if (field === "deliveries") {
    const { webhook: name, payload } = value as { webhook: string; payload: unknown };
    const validate = webhookValidators[name]?.payload;
    if (validate && !validate(payload))
      return `${what}: the payload is not a ${name} payload (${said(validate.errors?.[0])})`;
  }
  if (field === "users" && (value as { externalUserId: string }).externalUserId !== key)
    return `${what}: the user's externalUserId is ${JSON.stringify((value as { externalUserId: string }).externalUserId)}, not its key`;
  // Deliveries and the journal are kept sorted by id (a page is found by a binary search).
  if (kind === "item" && Array.isArray(sofar) && typeof (value as { id?: unknown }).id === "number") {
    const last = sofar.at(-1) as { id?: unknown } | undefined;
    if (typeof last?.id === "number" && last.id >= (value as { id: number }).id)
      return `${field}: id ${(value as { id: number }).id} follows id ${last.id} (ids go up, one item a line)`;
  }
  return undefined;
}
