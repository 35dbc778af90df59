// npm run check:generated — rebuilds every generated file into a temp folder and fails, naming
// each stale or missing file, when the committed generated/ differs from what openapi/ produces,
// when docs/sandbox.md's lifecycle tables differ from the sandbox's rules (generate-rules-table.js),
// or when README.md's operations table is not the one the spec gives (generate-readme.js).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildSpec } from "./build-spec.js";
import { generate } from "./generate.js";
import { operationsTableIsCurrent, readmePath, unknownInferredParts } from "./generate-readme.js";
import { pageWithRules, sandboxPage } from "./generate-rules-table.js";
import { root } from "./toolchain.js";

const committedDir = path.join(root, "generated");
const freshDir = fs.mkdtempSync(path.join(os.tmpdir(), "p100-generated-"));
try {
  buildSpec(freshDir);
  await generate(freshDir);
  const fresh = fs.readdirSync(freshDir);
  const stale = fresh.filter((name) => {
    const committed = path.join(committedDir, name);
    return !fs.existsSync(committed) || !fs.readFileSync(committed).equals(fs.readFileSync(path.join(freshDir, name)));
  });
  const extra = fs.existsSync(committedDir) ? fs.readdirSync(committedDir).filter((name) => !fresh.includes(name)) : [];
  const page = fs.readFileSync(sandboxPage, "utf8");
  const staleRules = page !== (await pageWithRules(page));
  const spec = JSON.parse(fs.readFileSync(path.join(freshDir, "openapi.json"), "utf8"));
  const readme = [
    ...unknownInferredParts(spec),
    ...(operationsTableIsCurrent(fs.readFileSync(readmePath, "utf8"), spec) ? [] : ["README.md"]),
  ];
  if (stale.length || extra.length || staleRules || readme.length) {
    for (const name of stale) console.error(`stale: generated/${name} differs from what openapi/ produces`);
    for (const name of extra) console.error(`unexpected: generated/${name} is not produced by the build`);
    if (staleRules) console.error("stale: docs/sandbox.md's lifecycle tables differ from src/mock/sandbox/rules.ts");
    for (const problem of readme)
      console.error(
        problem === "README.md" ? "stale: README.md's operations table differs from what openapi/ produces" : problem,
      );
    console.error("Run `npm run build` and commit generated/, docs/sandbox.md and README.md.");
    process.exitCode = 1;
  } else {
    console.log(
      `generated/ is up to date (${fresh.join(", ")}), docs/sandbox.md's lifecycle tables and README.md's operations table.`,
    );
  }
} finally {
  fs.rmSync(freshDir, { recursive: true, force: true });
}
