// Derives the small runtime table the client needs from the bundled spec: per `METHOD path`, the
// operationId, each documented status with the shape of its body (top-level type, required
// keys, allowed errorCodes) and its example names, and the upload limits of multipart operations
// (x-p100-file-limits). `examplesDeclaration` gives the example names as types.
// The client uses it to tell documented answers from unexpected ones without shipping the spec.
import { refResolver } from "./resolve-ref.js";

const methods = ["get", "put", "post", "delete", "patch"];

export function operationsTable(spec) {
  const deref = refResolver(spec);

  // Flattens `allOf` one level deep: enough for the spec's own schemas, checked by its tests.
  const shapeOf = (schema) => {
    const parts = [schema, ...(schema.allOf ?? [])].map(deref);
    const required = [...new Set(parts.flatMap((p) => p.required ?? []))].sort();
    const errorCodes = parts.flatMap((p) => deref(p.properties?.errorCode)?.enum ?? []);
    const type = parts.map((p) => p.type).find((t) => t) ?? "object";
    return { type, required, ...(errorCodes.length ? { errorCodes } : {}) };
  };

  const table = {};
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of methods.filter((m) => item[m])) {
      const operation = item[method];
      const responses = {};
      for (const [status, raw] of Object.entries(operation.responses)) {
        const json = deref(raw).content?.["application/json"];
        const examples = Object.keys(json?.examples ?? {});
        responses[status] = { ...(json ? shapeOf(deref(json.schema)) : { type: "none" }), examples };
      }
      const multipart = deref(operation.requestBody)?.content?.["multipart/form-data"];
      const upload = multipart && deref(multipart.schema)["x-p100-file-limits"];
      const field =
        upload &&
        Object.entries(deref(multipart.schema).properties).find(([, s]) => deref(s).items?.format === "binary")?.[0];
      table[`${method.toUpperCase()} ${path}`] = {
        operationId: operation.operationId,
        responses,
        ...(upload
          ? { upload: { field, minFiles: deref(multipart.schema).properties[field].minItems ?? 1, ...upload } }
          : {}),
      };
    }
  }
  return table;
}

/** `interface ResponseExamples { operationId: { status: "example" | ... } }` as TypeScript source. */
export function examplesDeclaration(table) {
  const operations = Object.values(table)
    .sort((a, b) => a.operationId.localeCompare(b.operationId))
    .map(({ operationId, responses }) => {
      const statuses = Object.entries(responses).map(
        ([status, { examples }]) =>
          `    ${status}: ${examples.length ? examples.map((e) => JSON.stringify(e)).join(" | ") : "never"};`,
      );
      return `  ${operationId}: {\n${statuses.join("\n")}\n  };`;
    });
  return `/** The named examples of each documented response, by operationId and status (never: no body). */\nexport interface ResponseExamples {\n${operations.join("\n")}\n}\n`;
}
