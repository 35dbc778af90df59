// npm run generate — generates generated/schema.d.ts from the bundled generated/openapi.yaml.
import path from "node:path";
import { generateTypes, root } from "./tools.js";

export async function generate(outDir) {
  await generateTypes(path.join(outDir, "openapi.yaml"), path.join(outDir, "schema.d.ts"));
}

if (import.meta.url === `file://${process.argv[1]}`) await generate(path.join(root, "generated"));
