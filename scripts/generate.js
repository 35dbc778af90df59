// npm run generate — from the bundled generated/openapi.{yaml,json}: the types
// (generate-types.js), the client's runtime table (generate-operations.js: operations.js) and the
// webhooks' (generate-webhooks.js: webhooks.js), the standalone validators of the webhooks' payloads
// and of the sandbox control API and its state file's records (generate-validators.js:
// webhook-validators.js, sandbox-validators.js, state-validators.js), and the facts and examples the
// sandbox needs (generate-facts.js: facts.js), the properties marked personal, for the proxy's
// recorder (generate-personal-fields.js: personal-fields.js); from generated/sandbox.json, the sandbox control API's
// types and its routes (generate-sandbox-routes.js).
// Run as a script, it also writes README.md's operations table (generate-readme.js) and docs/sandbox.md's
// lifecycle tables (generate-rules-table.js).
import fs from "node:fs";
import path from "node:path";
import { writeFacts } from "./generate-facts.js";
import { writeOperations } from "./generate-operations.js";
import { writePersonalFields } from "./generate-personal-fields.js";
import { writeReadme } from "./generate-readme.js";
import { writeRulesTable } from "./generate-rules-table.js";
import { writeSandboxRoutes } from "./generate-sandbox-routes.js";
import { generateTypes } from "./generate-types.js";
import { writeValidators } from "./generate-validators.js";
import { writeWebhooks } from "./generate-webhooks.js";
import { isMain, root } from "./toolchain.js";

export async function generate(outDir) {
  await generateTypes(path.join(outDir, "openapi.yaml"), path.join(outDir, "schema.d.ts"));
  await generateTypes(path.join(outDir, "sandbox.json"), path.join(outDir, "sandbox.d.ts"));
  const spec = JSON.parse(fs.readFileSync(path.join(outDir, "openapi.json"), "utf8"));
  writeOperations(spec, outDir);
  writeFacts(spec, outDir);
  writePersonalFields(spec, outDir);
  const webhooks = writeWebhooks(spec, outDir);
  const sandboxSpec = JSON.parse(fs.readFileSync(path.join(outDir, "sandbox.json"), "utf8"));
  writeValidators(spec, sandboxSpec, webhooks, outDir);
  writeSandboxRoutes(sandboxSpec, outDir);
}

if (isMain(import.meta.url)) {
  const generated = path.join(root, "generated");
  await generate(generated);
  writeReadme(JSON.parse(fs.readFileSync(path.join(generated, "openapi.json"), "utf8")));
  // After generated/, which the rules import: docs/sandbox.md's tables, from src/ (generate-rules-table.js).
  await writeRulesTable();
}
