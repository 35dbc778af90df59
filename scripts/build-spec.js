// npm run build:spec — bundles openapi/ into generated/openapi.yaml and generated/openapi.json,
// and the stateful mock's control API (openapi/sandbox.yaml) into generated/sandbox.json.
import path from "node:path";
import { isMain, redocly, root } from "./toolchain.js";

export function buildSpec(outDir) {
  for (const file of ["openapi.yaml", "openapi.json"]) {
    redocly(["bundle", "openapi/openapi.yaml", "--output", path.join(outDir, file)]);
  }
  redocly(["bundle", "openapi/sandbox.yaml", "--output", path.join(outDir, "sandbox.json")]);
}

if (isMain(import.meta.url)) buildSpec(path.join(root, "generated"));
