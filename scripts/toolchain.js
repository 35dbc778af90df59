// Runs the pinned toolchain (Redocly CLI, openapi-typescript) from this package's node_modules,
// so every build and check uses exactly the locked versions.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import openapiTS, { astToString, COMMENT_HEADER } from "openapi-typescript";
import ts from "typescript";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);

// Telemetry is also off in redocly.yaml; the env var covers runs with another config.
const env = { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" };

// Quiet on success (Redocly prints a banner on Node 20); on failure the tool's output is shown.
function run(name, args) {
  try {
    execFileSync(bin(name), args, { cwd: root, env, stdio: "pipe", encoding: "utf8" });
  } catch (error) {
    process.stderr.write(`${error.stdout ?? ""}${error.stderr ?? ""}`);
    throw new Error(`${name} ${args.join(" ")} failed`);
  }
}

/** Bundles openapi/ into one file (all refs internal); the extension picks YAML or JSON. */
export function bundleSpec(outFile) {
  run("redocly", ["bundle", "openapi/openapi.yaml", "--output", outFile]);
}

/**
 * Generates TypeScript types from a bundled spec with openapi-typescript's API. Options (why, see
 * README "Generated types"):
 * - rootTypes + rootTypesNoSchemaPrefix: every component schema is also exported under its own
 *   name (ErrorBody, Message, ...), so src/ never re-declares a generated type by hand.
 * - transform: a `format: binary` string (a multipart file part) is a `Blob` in TypeScript, so an
 *   upload's body type says "a file", not "a string".
 */
export async function generateTypes(specFile, outFile) {
  const ast = await openapiTS(pathToFileURL(specFile), {
    rootTypes: true,
    rootTypesNoSchemaPrefix: true,
    transform(schemaObject) {
      if (schemaObject.format === "binary") return ts.factory.createTypeReferenceNode("Blob");
    },
  });
  fs.writeFileSync(outFile, COMMENT_HEADER + astToString(ast));
}
