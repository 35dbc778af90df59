// npm run generate — generates generated/schema.d.ts from the bundled generated/openapi.yaml.
import path from "node:path";
import { generateTypes, root } from "./tools.js";

export function generate(outDir) {
  generateTypes(path.join(outDir, "openapi.yaml"), path.join(outDir, "schema.d.ts"));
}

if (import.meta.url === `file://${process.argv[1]}`) generate(path.join(root, "generated"));
