// npm run generate — from the bundled generated/openapi.{yaml,json}: the types
// (generate-types.js) and the client's runtime operation table (operations-table.js); from
// generated/sandbox.json, the sandbox control API's types.
import fs from "node:fs";
import path from "node:path";
import { generateTypes } from "./generate-types.js";
import { writeOperationsTable } from "./operations-table.js";
import { isMain, root } from "./toolchain.js";

export async function generate(outDir) {
  await generateTypes(path.join(outDir, "openapi.yaml"), path.join(outDir, "schema.d.ts"));
  await generateTypes(path.join(outDir, "sandbox.json"), path.join(outDir, "sandbox.d.ts"));
  writeOperationsTable(JSON.parse(fs.readFileSync(path.join(outDir, "openapi.json"), "utf8")), outDir);
}

if (isMain(import.meta.url)) await generate(path.join(root, "generated"));
