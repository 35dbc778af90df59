// npm run generate — from the bundled generated/openapi.yaml, generates generated/schema.d.ts
// (types) and generated/operations.json (the client's runtime table of documented answers).
import fs from "node:fs";
import path from "node:path";
import { operationsTable } from "./operations-table.js";
import { generateTypes, root } from "./tools.js";

export async function generate(outDir) {
  await generateTypes(path.join(outDir, "openapi.yaml"), path.join(outDir, "schema.d.ts"));
  const spec = JSON.parse(fs.readFileSync(path.join(outDir, "openapi.json"), "utf8"));
  fs.writeFileSync(path.join(outDir, "operations.json"), `${JSON.stringify(operationsTable(spec), null, 2)}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) await generate(path.join(root, "generated"));
