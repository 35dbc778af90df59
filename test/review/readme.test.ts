// The README's operations table is for humans; this keeps it from drifting away from the spec.
// (docs/sandbox.md's lifecycle tables are written from the rules by npm run generate, and
// npm run check:generated fails when they are stale.)
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { operations } from "../support/cases.js";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

it.for(operations)("the README lists $operationId with its method and path", ({ operationId, method, path }) => {
  const row = readme
    .split("\n")
    .find((line) => /^\| (GET|POST|PUT|PATCH|DELETE) \|/.test(line) && line.includes(`\`${operationId}\``));
  expect(row).toBeDefined();
  expect(row).toContain(`| ${method.toUpperCase()} | \`${path}\``);
});
