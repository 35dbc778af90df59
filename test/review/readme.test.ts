// The README's operations table and docs/sandbox.md's lifecycle table are for humans; this keeps
// them from drifting away from the spec and from src/mock/sandbox/rules.ts.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { rules } from "../../src/mock/sandbox/rules.js";
import { operations } from "../support/cases.js";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const sandboxPage = readFileSync(new URL("../../docs/sandbox.md", import.meta.url), "utf8");

it.for(operations)("the README lists $operationId with its method and path", ({ operationId, method, path }) => {
  const row = readme
    .split("\n")
    .find((line) => /^\| (GET|POST|PUT|PATCH|DELETE) \|/.test(line) && line.includes(`\`${operationId}\``));
  expect(row).toBeDefined();
  expect(row).toContain(`| ${method.toUpperCase()} | \`${path}\``);
});

it.for(rules)("docs/sandbox.md's lifecycle table has the $operation rule for: $when", (rule) => {
  const source = rule.evidence ? `${rule.source}: ${rule.evidence}` : rule.source;
  expect(sandboxPage).toContain(`| \`${rule.operation}\` | ${rule.when} | ${rule.result} | ${source} |`);
});

it("docs/sandbox.md's lifecycle table has no rule the sandbox lacks", () => {
  const rows = sandboxPage
    .split("\n")
    .filter((line) => /^\| `\w+` \| .* \| (documented|inferred)(: [^|]+)? \|$/.test(line));
  expect(rows).toHaveLength(rules.length);
});
