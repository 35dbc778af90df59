// The README's operations table, written from the bundled spec between its markers so that it
// cannot go stale: statuses, P-codes and query parameters come from each operation, and a `*`
// from its `x-p100-source.inferredParts`. `npm run generate` rewrites it; check-generated.js
// fails when the README's copy differs.
import fs from "node:fs";
import path from "node:path";
import { operationsOf, refResolver } from "./spec-walk.js";
import { root } from "./toolchain.js";

export const readmePath = path.join(root, "README.md");
const start = "<!-- operations table: npm run generate writes it from the spec; edit the spec, not this table -->";
const end = "<!-- end of the operations table -->";

/**
 * Each operation's `inferredParts` token that names nothing in the operation: a status it does
 * not answer, a P-code its response has no example for, a parameter it does not take.
 * @param {any} spec
 * @returns {string[]}
 */
export function unknownInferredParts(spec) {
  const deref = refResolver(spec);
  return operationsOf(spec).flatMap(({ operation, pathItem }) => {
    const known = new Set(["path"]);
    for (const parameter of [...(pathItem.parameters ?? []), ...(operation.parameters ?? [])].map(deref))
      known.add(`${parameter.in} ${parameter.name}`);
    for (const [status, response] of Object.entries(operation.responses ?? {})) {
      known.add(status);
      known.add(`${status} body`);
      for (const code of codesOf(deref(response))) known.add(`${status} ${code}`);
    }
    const parts = operation["x-p100-source"]?.inferredParts ?? [];
    return parts
      .filter((/** @type {string} */ part) => !known.has(part))
      .map((/** @type {string} */ part) => `${operation.operationId}: inferredParts names \`${part}\`, which it lacks`);
  });
}

/** The P-codes a response has examples for, sorted. @param {any} response @returns {string[]} */
function codesOf(response) {
  const names = Object.values(response.content ?? {}).flatMap((media) => Object.keys(media.examples ?? {}));
  return [...new Set(names.filter((name) => /^P\d{3}$/.test(name)))].sort();
}

/**
 * The table, one row per operation in the spec's order.
 * @param {any} spec
 * @returns {string}
 */
export function operationsTable(spec) {
  const deref = refResolver(spec);
  const rows = operationsOf(spec).map(({ path: route, method, operation, pathItem }) => {
    const inferred = new Set(operation["x-p100-source"]?.inferredParts ?? []);
    const star = (/** @type {string} */ part) => (inferred.has(part) ? "*" : "");
    const query = [...(pathItem.parameters ?? []), ...(operation.parameters ?? [])]
      .map(deref)
      .filter((parameter) => parameter.in === "query")
      .map((parameter) => `\`${parameter.name}\`${star(`query ${parameter.name}`)}`);
    const where = `\`${route}\`${star("path")}${query.length ? ` (query: ${query.join(", ")})` : ""}`;
    const statuses = Object.entries(operation.responses).map(([status, raw]) => {
      const response = deref(raw);
      const media = Object.keys(response.content ?? {}).filter((type) => type !== "application/json");
      const notes = [...media.map((type) => `\`${type}\``), ...(inferred.has(`${status} body`) ? ["(body*)"] : [])];
      const codes = codesOf(response).map((code) => `${code}${star(`${status} ${code}`)}`);
      return [`${status}${star(status)}`, ...notes, codes.join(", ")].filter(Boolean).join(" ");
    });
    const name = `\`${operation.operationId}\`: ${operation.summary}`;
    return `| ${method.toUpperCase()} | ${where} | ${name} | ${statuses.join("; ")} |`;
  });
  return ["| method | path | operation | answers |", "|---|---|---|---|", ...rows].join("\n");
}

/** The text between the README's markers, or an error naming the missing marker. @param {string} readme */
function section(readme) {
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md lacks the operations table's markers (${start} … ${end})`);
  return {
    before: readme.slice(0, from + start.length),
    inside: readme.slice(from + start.length, to),
    after: readme.slice(to),
  };
}

/** The README with its operations table written from the spec. @param {string} readme @param {any} spec */
export function withOperationsTable(readme, spec) {
  const { before, after } = section(readme);
  return `${before}\n${operationsTable(spec)}\n${after}`;
}

/** Whether the README's table is the one the spec gives. @param {string} readme @param {any} spec */
export function operationsTableIsCurrent(readme, spec) {
  return section(readme).inside === `\n${operationsTable(spec)}\n`;
}

/** Rewrites README.md's table from the spec; throws when an inferredParts token names nothing. @param {any} spec */
export function writeReadme(spec) {
  const unknown = unknownInferredParts(spec);
  if (unknown.length) throw new Error(`generate-readme: ${unknown.join("; ")}`);
  fs.writeFileSync(readmePath, withOperationsTable(fs.readFileSync(readmePath, "utf8"), spec));
}
