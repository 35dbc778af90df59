// docs/sandbox.md's lifecycle tables, written from the sandbox's rules (src/mock/sandbox/rules.ts):
// one table for the P100 API's operations, one for the control API's, between the page's
// `<!-- rules:… -->` markers. The rules are TypeScript in src/: esbuild (a devDependency) bundles
// them in memory and Node imports the bundle, so the tables come from the code itself, with no
// build of dist/ first. `npm run generate` writes the page; `npm run check:generated` compares.
import fs from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import { root } from "./toolchain.js";

export const sandboxPage = path.join(root, "docs", "sandbox.md");
const start = "<!-- rules:start: written by npm run generate from the sandbox's rules; do not edit -->";
const end = "<!-- rules:end -->";

/** The rules table, as src/mock/sandbox/rules.ts exports it. */
async function loadRules() {
  const bundled = await build({
    entryPoints: [path.join(root, "src", "mock", "sandbox", "rules.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    write: false,
    logLevel: "silent",
  });
  const code = bundled.outputFiles[0].text;
  const { rules } = await import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`);
  const operations = (await import("../generated/operations.js")).default;
  const p100 = new Set(Object.values(operations).map((o) => o.operationId));
  return { rules, p100 };
}

const cell = (text) => text.replaceAll("|", "\\|");

function table(rules) {
  const rows = rules.map((rule) => {
    const source = rule.evidence ? `${rule.source}: ${rule.evidence}` : rule.source;
    return `| \`${rule.operation}\` | ${cell(rule.when)} | ${rule.outcome} | ${cell(rule.result)} | ${cell(source)} |`;
  });
  return ["| operation | when | outcome | answer | source |", "|---|---|---|---|---|", ...rows].join("\n");
}

/** The page's text between its markers. */
export async function rulesSection() {
  const { rules, p100 } = await loadRules();
  return [
    start,
    "",
    "The P100 API's operations:",
    "",
    table(rules.filter((r) => p100.has(r.operation))),
    "",
    "The control API's operations that change a user (below), which the hosted KYC page and the dashboard run too:",
    "",
    table(rules.filter((r) => !p100.has(r.operation))),
    "",
    end,
  ].join("\n");
}

/** The page with its tables written from the rules; fails when the markers are missing. */
export async function pageWithRules(page = fs.readFileSync(sandboxPage, "utf8")) {
  const from = page.indexOf(start);
  const to = page.indexOf(end);
  if (from < 0 || to < from)
    throw new Error(`generate-rules-table: docs/sandbox.md lacks the markers ${start} … ${end}`);
  return `${page.slice(0, from)}${await rulesSection()}${page.slice(to + end.length)}`;
}

/** Writes docs/sandbox.md's tables from the rules. */
export async function writeRulesTable() {
  fs.writeFileSync(sandboxPage, await pageWithRules());
}
