// npm run review -- --base <git-ref> [--allow-breaking]
// Bundles the spec at <git-ref> (read with `git archive`, the working tree untouched) and in the
// working tree, compares them with `redocly diff` (diff-recommended rules, in redocly.yaml) plus
// a comparison of example values (which redocly diff does not look into), and prints a Markdown
// report grouped by operations, parameters, request fields, responses, examples and webhooks.
// Exits 1 when a change is breaking for clients, unless --allow-breaking.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { escapeKey, refResolver, unescapeKey } from "../src/spec-walk.js";
import { redocly, root } from "./toolchain.js";

const quiet = { stdio: "pipe", encoding: "utf8" };

/** Bundles a spec tree (its own redocly.yaml, if any, applies) into one JSON file. */
function bundle(dir, outFile) {
  redocly(["bundle", "openapi/openapi.yaml", "--output", outFile], { cwd: dir });
}

/** Bundles the spec of the git repository `project` as it is at `ref`, without touching the working tree. */
export function bundleAtRef(project, ref, outFile) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "p100-review-base-"));
  try {
    const tar = path.join(dir, "spec.tar");
    execFileSync("git", ["archive", "--output", tar, ref, "openapi", "redocly.yaml"], { ...quiet, cwd: project });
    execFileSync("tar", ["-xf", tar, "-C", dir], quiet);
    bundle(dir, outFile);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function bundleWorkingTree(project, outFile) {
  bundle(project, outFile);
}

/** `#/paths/~1v1~1user/post/responses/400` → `POST /v1/user › responses/400`. */
export function describeLocation(pointer) {
  const [group, name, ...rest] = pointer.replace(/^#\//, "").split("/").map(unescapeKey);
  if (group !== "paths" && group !== "webhooks") return [group, name, ...rest].filter(Boolean).join("/");
  const [method, ...inner] = rest;
  const head = group === "webhooks" ? `webhook ${name}` : name;
  if (!method) return head;
  return `${method.toUpperCase()} ${head}${inner.length ? ` › ${inner.join("/")}` : ""}`;
}

const sections = [
  "Operations",
  "Parameters",
  "Request fields",
  "Responses",
  "Examples",
  "Webhooks",
  "Components",
  "Other",
];

function sectionOf(pointer, typeName) {
  if (pointer.startsWith("#/webhooks")) return "Webhooks";
  if (pointer.startsWith("#/components/")) return "Components";
  if (typeName === "Example" || pointer.includes("/examples/")) return "Examples";
  if (typeName === "Operation" || typeName === "PathItem") return "Operations";
  if (pointer.includes("/parameters/")) return "Parameters";
  if (pointer.includes("/requestBody")) return "Request fields";
  if (pointer.includes("/responses/")) return "Responses";
  return "Other";
}

/** Every named example under paths and webhooks, by pointer, with its value ($refs followed). */
function exampleValues(spec) {
  const deref = refResolver(spec);
  const found = new Map();
  for (const group of ["paths", "webhooks"]) {
    for (const [name, item] of Object.entries(spec[group] ?? {})) {
      for (const [method, operation] of Object.entries(item)) {
        if (typeof operation !== "object" || !operation.responses) continue;
        const base = `#/${group}/${escapeKey(name)}/${method}`;
        const bodies = [
          [`${base}/requestBody`, operation.requestBody],
          ...Object.entries(operation.responses).map(([s, r]) => [`${base}/responses/${s}`, r]),
        ];
        for (const [at, body] of bodies) {
          for (const [mediaType, media] of Object.entries(deref(body)?.content ?? {})) {
            for (const [example, ref] of Object.entries(media.examples ?? {})) {
              found.set(
                `${at}/content/${escapeKey(mediaType)}/examples/${escapeKey(example)}`,
                JSON.stringify(deref(ref)?.value),
              );
            }
          }
        }
      }
    }
  }
  return found;
}

/** Compares two bundled JSON specs; returns the changes, each `breaking` or not. */
export function compareSpecs(baseFile, revisionFile) {
  const diff = ["diff", baseFile, revisionFile, "--format", "json", "--fail-on", "none"];
  const output = redocly([...diff, "--config", path.join(root, "redocly.yaml")]);
  const report = JSON.parse(output);
  const changes = report.changes.map((change) => {
    // redocly diff rates a removed optional request field, or a renamed one, a patch; for a
    // client of this package both are breaking (its code stops compiling or loses the field).
    const field = /\/properties\/[^/]+$/.test(change.path);
    const renamed = field && change.property === "key";
    const removed = field && change.kind === "removed";
    const name = (location) => unescapeKey(location?.pointer.split("/").pop() ?? "");
    const verdicts = change.verdicts.map((v) => v.message).join(" ");
    return {
      section: sectionOf(change.path, change.typeName),
      breaking: change.impact === "major" || renamed || removed,
      kind: renamed ? "renamed" : change.kind,
      where: `${describeLocation(change.path)}${change.property && !renamed ? ` · ${change.property}` : ""}`,
      details: renamed
        ? `Field \`${name(change.base)}\` was renamed to \`${name(change.revision)}\`.`
        : verdicts || (removed ? `Field \`${name(change.base)}\` was removed.` : `${change.typeName} ${change.kind}`),
    };
  });
  // Example values are opaque to redocly diff; a changed value is worth a reviewer's look.
  const [before, after] = [baseFile, revisionFile].map((file) =>
    exampleValues(JSON.parse(fs.readFileSync(file, "utf8"))),
  );
  for (const [pointer, value] of after) {
    if (before.has(pointer) && before.get(pointer) !== value) {
      changes.push({
        section: "Examples",
        breaking: false,
        kind: "modified",
        where: describeLocation(pointer),
        details: "Example value changed.",
      });
    }
  }
  const versions = [baseFile, revisionFile].map((file) => JSON.parse(fs.readFileSync(file, "utf8")).info.version);
  return { changes, breaking: changes.filter((c) => c.breaking).length, versions };
}

export function formatReport({ changes, breaking, versions }, baseLabel) {
  const cell = (text) => String(text).replaceAll("|", "\\|").replaceAll("\n", " ");
  const lines = [
    `# Spec review: ${baseLabel} → working tree`,
    "",
    `Spec version ${versions[0]} → ${versions[1]}. **${breaking} breaking**, ${changes.length - breaking} non-breaking change(s) for clients of this package.`,
  ];
  if (changes.length === 0) lines.push("", "No changes to the contract.");
  for (const section of sections) {
    const rows = changes.filter((c) => c.section === section).sort((a, b) => Number(b.breaking) - Number(a.breaking));
    if (rows.length === 0) continue;
    lines.push("", `## ${section}`, "", "| impact | change | where | details |", "|---|---|---|---|");
    for (const c of rows)
      lines.push(
        `| ${c.breaking ? "**breaking**" : "non-breaking"} | ${c.kind} | \`${cell(c.where)}\` | ${cell(c.details)} |`,
      );
  }
  return `${lines.join("\n")}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { base: { type: "string" }, "allow-breaking": { type: "boolean", default: false } },
  });
  if (!values.base) {
    console.error("review: --base <git-ref> is required, e.g. npm run review -- --base origin/main");
    process.exit(2);
  }
  const project = execFileSync("git", ["rev-parse", "--show-toplevel"], quiet).trim();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "p100-review-"));
  try {
    const [base, revision] = [path.join(dir, "base.json"), path.join(dir, "revision.json")];
    try {
      bundleAtRef(project, values.base, base);
    } catch (error) {
      console.error(
        `review: cannot read the spec at ${values.base}: ${(error.stderr || error.message).trim().split("\n")[0]}`,
      );
      process.exit(2);
    }
    bundleWorkingTree(project, revision);
    const result = compareSpecs(base, revision);
    process.stdout.write(formatReport(result, values.base));
    if (result.breaking && !values["allow-breaking"]) {
      console.error(
        `review: ${result.breaking} breaking change(s); pass --allow-breaking to accept them (and bump the major version).`,
      );
      process.exitCode = 1;
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
