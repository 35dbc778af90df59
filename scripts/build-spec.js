// npm run build:spec — bundles openapi/ into generated/openapi.yaml and generated/openapi.json.
import path from "node:path";
import { isMain, redocly, root } from "./toolchain.js";

export function buildSpec(outDir) {
  for (const file of ["openapi.yaml", "openapi.json"]) {
    redocly(["bundle", "openapi/openapi.yaml", "--output", path.join(outDir, file)]);
  }
}

if (isMain(import.meta.url)) buildSpec(path.join(root, "generated"));
