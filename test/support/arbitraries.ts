// fast-check arbitraries from the spec's JSON schemas: valid values (formats, enums, patterns,
// bounds respected). Ways to break a request are in invalid-requests.ts. Covers the schema features the spec uses;
// an unknown feature throws, so a new one cannot be fuzzed silently wrong.
import fc from "fast-check";
import { tinyFile } from "./files.js";
import { deref } from "./spec.js";

type Schema = Record<string, any>;

const files = fc.constantFrom("front.png", "back.png", "bill.pdf").map((name) => tinyFile(name));

/** Merges `allOf` parts into one object schema (enough for the spec's own compositions). */
export function flatten(schema: Schema): Schema {
  const resolved = deref(schema);
  if (!resolved.allOf) return resolved;
  // `if`/`then` parts are conditions (a field required for some value of another), kept apart.
  const conditions = resolved.allOf.filter((part: Schema) => part.if);
  const parts = [resolved, ...resolved.allOf.filter((part: Schema) => !part.if).map(flatten)];
  return {
    type: parts.map((p) => p.type).find(Boolean),
    required: [...new Set(parts.flatMap((p) => p.required ?? []))],
    properties: Object.assign({}, ...parts.map((p) => p.properties ?? {})),
    additionalProperties: parts.map((p) => p.additionalProperties).find((a) => a !== undefined),
    ...(conditions.length ? { conditions } : {}),
  };
}

/** Whether an object meets an `if` of the spec's kind: each named property equal to its `const` or in its `enum`. */
export function meets(value: Record<string, unknown>, condition: Schema): boolean {
  return Object.entries<Schema>(condition.properties ?? {}).every(([key, s]) =>
    key in value ? (s.const !== undefined ? value[key] === s.const : (s.enum ?? []).includes(value[key])) : false,
  );
}

/** Adds what the conditions an object meets require, from a second object with every property. */
function withConditions(conditions: Schema[], value: Record<string, unknown>, full: Record<string, unknown>) {
  const out = { ...value };
  for (const { if: condition, then } of conditions)
    if (meets(out, condition)) for (const key of then.required ?? []) if (!(key in out)) out[key] = full[key];
  return out;
}

export function valid(schema: Schema): fc.Arbitrary<unknown> {
  const s = flatten(schema);
  if (s.not) {
    const { not, ...rest } = s;
    const excluded: unknown[] = deref(not).enum ?? [];
    return valid(rest).filter((value) => !excluded.includes(value));
  }
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  if (s.anyOf || s.oneOf) return fc.oneof(...(s.anyOf ?? s.oneOf).map(valid));
  const type = Array.isArray(s.type) ? s.type.filter((t: string) => t !== "null")[0] : s.type;
  const nullable = Array.isArray(s.type) && s.type.includes("null");
  const value = ((): fc.Arbitrary<unknown> => {
    switch (type) {
      case "object": {
        const properties = Object.fromEntries(
          Object.entries<Schema>(s.properties ?? {}).map(([k, v]) => [k, valid(v)]),
        );
        const some = fc.record(properties, { requiredKeys: s.required ?? [] });
        const record = s.conditions
          ? fc
              .tuple(some, fc.record(properties))
              .map(([value, full]) => withConditions(s.conditions, value as Record<string, unknown>, full))
          : some;
        return s.minProperties ? record.filter((value) => Object.keys(value).length >= s.minProperties) : record;
      }
      case "array":
        return fc.array(valid(s.items), { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 3, 3) });
      case "integer":
        return fc.integer({ min: s.minimum ?? -1000, max: s.maximum ?? 1000 });
      case "number":
        return fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true });
      case "boolean":
        return fc.boolean();
      case "string":
        return string(s);
      default:
        throw new Error(`arbitraries: no generator for schema ${JSON.stringify(s).slice(0, 200)}`);
    }
  })();
  return nullable ? fc.option(value, { nil: null }) : value;
}

function string(s: Schema): fc.Arbitrary<unknown> {
  switch (s.format) {
    case "binary":
      return files;
    case "email":
      return fc
        .tuple(fc.stringMatching(/^[a-z0-9]{1,12}(\.[a-z0-9]{1,8})?$/), fc.domain())
        .map(([local, domain]) => `${local}@${domain}`);
    case "date":
      return fc
        .date({ min: new Date("1900-01-01"), max: new Date("2099-12-31"), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10));
    case "date-time":
      return fc
        .date({ noInvalidDate: true, min: new Date("1970-01-01"), max: new Date("2099-12-31") })
        .map((d) => d.toISOString());
    case "uuid":
      return fc.uuid();
    case undefined:
      break;
    default:
      throw new Error(`arbitraries: no generator for format ${s.format}`);
  }
  if (s.pattern) return fc.stringMatching(new RegExp(s.pattern));
  return fc.string({ minLength: s.minLength ?? 0, maxLength: s.maxLength ?? 40, unit: "grapheme" });
}
