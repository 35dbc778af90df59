// npm run build:spec — bundles openapi/ into generated/openapi.yaml and generated/openapi.json.
import path from "node:path";
import { bundleSpec, root } from "./tools.js";

export function buildSpec(outDir) {
  bundleSpec(path.join(outDir, "openapi.yaml"));
  bundleSpec(path.join(outDir, "openapi.json"));
}

if (import.meta.url === `file://${process.argv[1]}`) buildSpec(path.join(root, "generated"));
