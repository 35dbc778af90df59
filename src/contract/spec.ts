// The bundled spec as learn and verify read it: its operations by route, and Ajv's validators
// compiled from the bundle's own schemas (addressed by JSON pointer, so a finding names where in
// the bundle a schema sits). The "closed" validators add `unevaluatedProperties: false` to each
// object schema, so that Ajv itself reports the fields the spec does not declare; the "probe"
// validators make each response enum fail too, so that Ajv reports every value an enum saw.
import fs from "node:fs";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { fullFormats } from "ajv-formats/dist/formats.js";
import { isObject, type JsonObject, listOf, objectOf } from "./json.js";

/** The bundle shipped with the package (generated/openapi.json). */
export const packagedBundle = new URL("../../generated/openapi.json", import.meta.url);

const methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/**
 * How a value is checked: as the spec says (`open`), with every field the spec does not declare
 * reported (`closed`), as a query or path parameter's text (`coerce`: "20" is an integer), or with
 * every value a response enum saw reported (`probe`: a `not` error where the enum holds the value).
 */
export type ValidationMode = "open" | "closed" | "coerce" | "probe";

/** One of Ajv's errors, as far as learn and verify read it (Ajv's ErrorObject, without its types in ours). */
export interface SchemaError {
  keyword: string;
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
  /** The schema object holding the failed keyword (Ajv's `verbose`). */
  parentSchema?: unknown;
  /** The value that failed it (Ajv's `verbose`). */
  data?: unknown;
}

/** One documented media type of a response or request body, and its schema's JSON pointer. */
export interface Media {
  mediaType: string;
  schemaPointer?: string;
}

export interface SpecOperation {
  operationId: string;
  method: string;
  template: string;
  /** The bundle's JSON pointer of the operation object. */
  pointer: string;
  /** Documented statuses, each with its response's pointer and media types. */
  responses: Map<string, { pointer: string; media: Media[]; errorCodes: string[] }>;
  requestBody?: { required: boolean; media: Media[] };
  parameters: { name: string; in: string; required: boolean; schemaPointer: string }[];
}

/** RFC 6901: a JSON pointer's segment. */
export const escapePointer = (segment: string) => segment.replace(/~/g, "~0").replace(/\//g, "~1");
export const unescapePointer = (segment: string) => segment.replace(/~1/g, "/").replace(/~0/g, "~");

/** The value at a JSON pointer (`/a/b` or `#/a/b`) of a document, or undefined. */
export function atPointer(doc: unknown, pointer: string): unknown {
  const parts = pointer.replace(/^#/, "").split("/").slice(1).map(unescapePointer);
  let node: unknown = doc;
  for (const part of parts) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** An object of the bundle, or the one an internal `$ref` (`#/components/...`) names: the bundle keeps no other kind. */
export function follow(doc: unknown, node: unknown): { node: JsonObject; pointer?: string } {
  const ref = objectOf(node).$ref;
  if (typeof ref === "string" && ref.startsWith("#/"))
    return { node: objectOf(atPointer(doc, ref)), pointer: ref.slice(1) };
  return { node: objectOf(node) };
}

const keywordsWithSchemas = ["items", "additionalProperties", "not", "contains", "if", "then", "else"];
const keywordsWithLists = ["allOf", "anyOf", "oneOf", "prefixItems"];

/**
 * A copy of the bundle whose object schemas are closed (`unevaluatedProperties: false`) unless
 * they say otherwise. Parts of an `allOf`/`anyOf`/`oneOf` stay open (their siblings declare the
 * other fields), and so do components used as such a part; the schema holding the list is closed.
 */
function closedCopy(bundle: JsonObject): JsonObject {
  const copy = structuredClone(bundle);
  const parts = new Set<string>();
  const visit = (value: unknown, asPart: boolean) => {
    if (!isObject(value)) return;
    const schema = value;
    if (typeof schema.$ref === "string") {
      if (asPart) parts.add(schema.$ref);
      return;
    }
    const isObjectSchema = schema.properties || keywordsWithLists.slice(0, 3).some((k) => schema[k]);
    if (isObjectSchema && !asPart && !("additionalProperties" in schema) && !("unevaluatedProperties" in schema)) {
      schema.unevaluatedProperties = false;
    }
    for (const property of Object.values(objectOf(schema.properties))) visit(property, false);
    for (const key of keywordsWithSchemas) visit(schema[key], false);
    for (const key of keywordsWithLists) for (const part of listOf(schema[key])) visit(part, key !== "prefixItems");
  };
  const schemasOf = (content: unknown) => Object.values(objectOf(content)).map((media) => objectOf(media).schema);
  for (const schema of Object.values(objectOf(objectOf(copy.components).schemas))) visit(schema, false);
  for (const item of Object.values(objectOf(copy.paths))) {
    for (const method of methods) {
      const op = objectOf(objectOf(item)[method]);
      for (const schema of schemasOf(objectOf(op.requestBody).content)) visit(schema, false);
      for (const response of Object.values(objectOf(op.responses))) {
        for (const schema of schemasOf(objectOf(response).content)) visit(schema, false);
      }
    }
  }
  // A component used as a part is opened again: its siblings may declare what it does not.
  for (const ref of parts) {
    const schema = atPointer(copy, ref);
    if (isObject(schema) && schema.unevaluatedProperties === false) delete schema.unevaluatedProperties;
  }
  return copy;
}

/**
 * A copy of the bundle whose response enums each fail as well (`not: {}`): Ajv then reports every
 * value an enum saw, which is what tightening an enum needs (a valid value leaves no other trace).
 */
function probedCopy(bundle: JsonObject): JsonObject {
  const copy = structuredClone(bundle);
  const visit = (node: unknown) => {
    if (Array.isArray(node)) for (const item of node) visit(item);
    if (!isObject(node)) return;
    if (Array.isArray(node.enum) && !("not" in node)) node.not = {};
    for (const [key, value] of Object.entries(node)) if (key !== "examples" && key !== "example") visit(value);
  };
  visit(objectOf(copy.components).schemas);
  for (const item of Object.values(objectOf(copy.paths))) {
    for (const method of methods) {
      for (const response of Object.values(objectOf(objectOf(objectOf(item)[method]).responses))) {
        for (const media of Object.values(objectOf(objectOf(response).content))) visit(objectOf(media).schema);
      }
    }
  }
  return copy;
}

function ajvOver(doc: unknown, id: string, coerceTypes = false): Ajv2020 {
  // verbose: each error carries the schema object that holds its keyword (located by `locate`).
  const ajv = new Ajv2020({ strict: false, allErrors: true, formats: fullFormats, coerceTypes, verbose: true });
  ajv.addSchema(doc as object, id);
  return ajv;
}

/** The spec, read once: operations, routing and validators. */
export class Spec {
  readonly operations: SpecOperation[] = [];
  private readonly ajv: Record<ValidationMode, Ajv2020>;
  /** The JSON pointer of each object of the closed and probed copies (Ajv's schemaPath is relative to a `$ref`'s target). */
  private readonly pointers = new WeakMap<object, string>();
  /** The P-code catalogue (components.examples named P and three digits), each code's HTTP status. */
  readonly catalogue: Map<string, number | undefined>;

  readonly bundle: JsonObject;

  constructor(bundle: unknown) {
    if (!isObject(bundle) || !isObject(bundle.paths))
      throw new Error("the spec has no paths: is it an OpenAPI bundle?");
    this.bundle = bundle;
    const closed = closedCopy(bundle);
    const probed = probedCopy(bundle);
    const index = (node: unknown, pointer: string) => {
      if (!node || typeof node !== "object") return;
      this.pointers.set(node, pointer);
      for (const [key, value] of Object.entries(node)) index(value, `${pointer}/${escapePointer(key)}`);
    };
    index(closed, "");
    index(probed, "");
    this.ajv = {
      open: ajvOver(bundle, "spec"),
      closed: ajvOver(closed, "spec"),
      coerce: ajvOver(bundle, "spec", true),
      probe: ajvOver(probed, "spec"),
    };
    this.catalogue = new Map(
      Object.entries(objectOf(objectOf(bundle.components).examples))
        .filter(([name]) => /^P\d{3}$/.test(name))
        .map(([name, entry]) => {
          const status = objectOf(objectOf(entry)["x-p100-error"]).httpStatus;
          return [name, typeof status === "number" ? status : undefined];
        }),
    );
    for (const [template, rawItem] of Object.entries(bundle.paths)) {
      const item = follow(bundle, rawItem).node;
      const itemPointer = `/paths/${escapePointer(template)}`;
      for (const method of methods) {
        if (!isObject(item[method])) continue;
        const op = item[method];
        const pointer = `${itemPointer}/${method}`;
        const parameters = (list: unknown, at: string) =>
          listOf(list).map((raw, i) => {
            const { node, pointer: ref } = follow(bundle, raw);
            const where = ref ?? `${at}/parameters/${i}`;
            return {
              name: String(node.name),
              in: String(node.in),
              required: node.required === true,
              schemaPointer: `${where}/schema`,
            };
          });
        this.operations.push({
          operationId: String(op.operationId),
          method: method.toUpperCase(),
          template,
          pointer,
          responses: this.responsesOf(op, pointer),
          ...(op.requestBody !== undefined && { requestBody: this.requestBodyOf(op, pointer) }),
          parameters: [...parameters(item.parameters, itemPointer), ...parameters(op.parameters, pointer)],
        });
      }
    }
  }

  static fromFile(file: string | URL): Spec {
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      throw new Error(`cannot read the spec ${file}`);
    }
    try {
      return new Spec(JSON.parse(text));
    } catch (error) {
      throw new Error(`the spec ${file} is not a JSON bundle: ${(error as Error).message.split("\n")[0]}`);
    }
  }

  private mediaOf(content: unknown, pointer: string): Media[] {
    return Object.entries(objectOf(content)).map(([mediaType, media]) => ({
      mediaType,
      ...(objectOf(media).schema !== undefined && {
        schemaPointer: `${pointer}/content/${escapePointer(mediaType)}/schema`,
      }),
    }));
  }

  private responsesOf(op: JsonObject, opPointer: string): SpecOperation["responses"] {
    const responses: SpecOperation["responses"] = new Map();
    for (const [status, raw] of Object.entries(objectOf(op.responses))) {
      const { node, pointer } = follow(this.bundle, raw);
      const at = pointer ?? `${opPointer}/responses/${escapePointer(status)}`;
      const codes = new Set<string>();
      for (const media of Object.values(objectOf(node.content))) {
        for (const name of Object.keys(objectOf(objectOf(media).examples))) if (/^P\d{3}$/.test(name)) codes.add(name);
      }
      responses.set(status, { pointer: at, media: this.mediaOf(node.content, at), errorCodes: [...codes] });
    }
    return responses;
  }

  private requestBodyOf(op: JsonObject, opPointer: string): NonNullable<SpecOperation["requestBody"]> {
    const { node, pointer } = follow(this.bundle, op.requestBody);
    return {
      required: node.required === true,
      media: this.mediaOf(node.content, pointer ?? `${opPointer}/requestBody`),
    };
  }

  /** The operation a concrete request is for: literal segments win over `{parameters}`. */
  route(method: string, path: string): { operation: SpecOperation; params: Record<string, string> } | undefined {
    const segments = (path.split("?")[0] ?? "").split("/");
    let best: { operation: SpecOperation; params: Record<string, string>; literals: number } | undefined;
    for (const operation of this.operations) {
      if (operation.method !== method.toUpperCase()) continue;
      const parts = operation.template.split("/");
      if (parts.length !== segments.length) continue;
      const params: Record<string, string> = {};
      let literals = 0;
      const fits = parts.every((part, i) => {
        const segment = segments[i] ?? "";
        const name = /^\{(.+)\}$/.exec(part)?.[1];
        if (name === undefined) return part === segment && ++literals > 0;
        if (!segment) return false;
        try {
          params[name] = decodeURIComponent(segment);
        } catch {
          params[name] = segment;
        }
        return true;
      });
      if (fits && (!best || literals > best.literals)) best = { operation, params, literals };
    }
    return best && { operation: best.operation, params: best.params };
  }

  /** Where in the bundle a schema of a `closed` or `probe` error sits (its `parentSchema`), or undefined. */
  locate(schema: unknown): string | undefined {
    return schema && typeof schema === "object" ? this.pointers.get(schema) : undefined;
  }

  /** Ajv's errors for a value at a schema pointer of the bundle. */
  errors(schemaPointer: string, value: unknown, { mode = "open" }: { mode?: ValidationMode } = {}): SchemaError[] {
    const ajv = this.ajv[mode];
    const validate = ajv.getSchema(`spec#${schemaPointer}`) as ValidateFunction | undefined;
    if (!validate) throw new Error(`the spec has no schema at ${schemaPointer}`);
    return validate(value) ? [] : [...(validate.errors ?? [])];
  }
}
