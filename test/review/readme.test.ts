// The README's operations table is for humans; this keeps it from drifting away from the spec
// (it is written by scripts/generate-readme.js, which check-generated.js runs). docs/sandbox.md's
// lifecycle tables are written from the rules by npm run generate, and check:generated fails when
// they are stale.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { operationsTable, operationsTableIsCurrent, unknownInferredParts } from "../../scripts/generate-readme.js";
import { operations } from "../support/cases.js";
import { spec } from "../support/spec.js";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

const rowOf = (table: string, operationId: string) =>
  table.split("\n").find((line) => line.includes(`| \`${operationId}\`: `));

it.for(operations)("the README lists $operationId with its method and path", ({ operationId, method, path }) => {
  expect(rowOf(readme, operationId)?.replace("`*", "`")).toMatch(`| ${method.toUpperCase()} | \`${path}\` `);
});

it("the README's operations table is the one the spec gives, and every inferredParts token names a part", () => {
  expect(operationsTableIsCurrent(readme, spec)).toBe(true);
  expect(unknownInferredParts(spec)).toEqual([]);
});

it("a documented answer removed from the spec leaves the table (Add POA File's 404 P460)", () => {
  const doc = structuredClone(spec);
  delete doc.paths["/v1/user/poa-files/{externalUserId}"].post.responses["404"];
  expect(rowOf(operationsTable(spec), "addPoaFile")).toMatch(/; 401; 404 P460 \|$/);
  expect(rowOf(operationsTable(doc), "addPoaFile")).toMatch(/; 401 \|$/);
  expect(operationsTableIsCurrent(readme, doc)).toBe(false);
});

it("stars each inferred part, and a token naming nothing is reported", () => {
  const row = rowOf(operationsTable(spec), "getUserTransactionHistory");
  expect(row).toContain("| `/v1/user/transactions/{externalUserId}`* (query: `limit`*, `page`*) |");
  expect(row).toContain("| 200*; 400 P403, P412*; 401 |");
  const doc = structuredClone(spec);
  doc.paths["/v1/user/balances/{externalUserId}"].get["x-p100-source"].inferredParts.push("404 P460", "query size");
  expect(unknownInferredParts(doc)).toEqual([
    "getUserBalances: inferredParts names `404 P460`, which it lacks",
    "getUserBalances: inferredParts names `query size`, which it lacks",
  ]);
});
