// The bundled spec, read the way a consumer reads it, and a JSON Schema validator over it.
import { readFileSync } from "node:fs";
import { schemaValidator } from "../../scripts/generate-validators.js";
import { pointer, refResolver } from "../../scripts/spec-walk.js";

export const spec = JSON.parse(readFileSync(new URL("../../generated/openapi.json", import.meta.url), "utf8"));

const validatorAt = schemaValidator(spec);

/** Follows local `$ref`s (responses, examples, parameters) to the object they name. */
export const deref = refResolver(spec);

/** The response object of one operation and status, `$ref`s followed. */
export function response(path: string, method: string, status: string) {
  return deref(spec.paths[path][method].responses[status]);
}

/** The media type of one response's body: JSON, else its one other (an HTML page). */
export function mediaTypeOf(path: string, method: string, status: string): string {
  const content = response(path, method, status).content ?? {};
  return "application/json" in content ? "application/json" : (Object.keys(content)[0] ?? "application/json");
}

/** The value of a named example of one response. */
export function exampleValue(path: string, method: string, status: string, name: string): unknown {
  return deref(response(path, method, status).content[mediaTypeOf(path, method, status)].examples[name]).value;
}

/** Validates a value against the schema at a JSON pointer into the spec; returns readable errors. */
export function schemaErrorsAt(schemaPointer: string, value: unknown): string[] {
  const validate = validatorAt(schemaPointer);
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`);
}

/** Validates a body against the JSON schema the spec gives one response. */
export function schemaErrors(path: string, method: string, status: string, body: unknown): string[] {
  const raw = spec.paths[path][method].responses[status];
  const at = raw.$ref ? raw.$ref.replace(/^#/, "") : pointer("paths", path, method, "responses", status);
  return schemaErrorsAt(`${at}${pointer("content", mediaTypeOf(path, method, status), "schema")}`, body);
}
