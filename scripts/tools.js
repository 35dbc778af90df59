// Runs the pinned toolchain (Redocly CLI, openapi-typescript) from this package's node_modules,
// so every build and check uses exactly the locked versions.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";

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
 * Generates TypeScript types from a bundled spec. Flags (why, see README "Generated types"):
 * --root-types --root-types-no-schema-prefix: every component schema is also exported under its
 *   own name (ErrorBody, Message, ...), so src/ never re-declares a generated type by hand.
 */
export function generateTypes(specFile, outFile) {
  run("openapi-typescript", [specFile, "--output", outFile, "--root-types", "--root-types-no-schema-prefix"]);
}
