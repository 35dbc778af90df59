// What changed between two versions of the spec, for clients of this package: `redocly diff`
// (diff-recommended rules, in redocly.yaml) plus a comparison of example values (which redocly
// diff does not look into), each change graded on three levels:
// - breaking: a client's code stops compiling or working (redocly's major changes, and a removed
//   or renamed field, which redocly rates a patch for an optional request field);
// - warning: a response or webhook enum gains a value (a new status or P-code), which breaks
//   TypeScript code that switches exhaustively;
// - info: everything else (descriptions, examples, new optional fields).
// Webhook payloads are judged from the receiver's side, as redocly diff does: a removed payload
// field is breaking, a new one is not.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
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
function describeLocation(pointer) {
  const [group, name, ...rest] = pointer.replace(/^#\//, "").split("/").map(unescapeKey);
  if (group !== "paths" && group !== "webhooks") return [group, name, ...rest].filter(Boolean).join("/");
  const [method, ...inner] = rest;
  const head = group === "webhooks" ? `webhook ${name}` : name;
  if (!method) return head;
  return `${method.toUpperCase()} ${head}${inner.length ? ` › ${inner.join("/")}` : ""}`;
}

export const sections = [
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

/**
 * @typedef {{ section: string, level: "breaking" | "warning" | "info", kind: string, where: string, details: string, accepted?: string }} Change
 */

/**
 * Compares two bundled JSON specs; returns the changes, each with its level, and both versions.
 * @returns {{ changes: Change[], versions: string[] }}
 */
export function compareSpecs(baseFile, revisionFile) {
  const diff = ["diff", baseFile, revisionFile, "--format", "json", "--fail-on", "none"];
  const report = JSON.parse(redocly([...diff, "--config", path.join(root, "redocly.yaml")]));
  const changes = report.changes.map((change) => {
    // redocly diff rates a removed optional request field, or a renamed one, a patch; for a
    // client of this package both are breaking (its code stops compiling or loses the field).
    const field = /\/properties\/[^/]+$/.test(change.path);
    const renamed = field && change.property === "key";
    const removed = field && change.kind === "removed";
    const name = (location) => unescapeKey(location?.pointer.split("/").pop() ?? "");
    const verdicts = change.verdicts.map((v) => v.message).join(" ");
    // What the client receives: responses, and webhook payloads (a webhook's request body).
    const received = change.path.startsWith("#/webhooks") || !change.path.includes("/requestBody");
    const gained = change.property === "enum" && /gained values/.test(verdicts) && received;
    const breaking = change.impact === "major" || renamed || removed;
    return {
      section: sectionOf(change.path, change.typeName),
      level: gained ? "warning" : breaking ? "breaking" : "info",
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
      const where = describeLocation(pointer);
      changes.push({ section: "Examples", level: "info", kind: "modified", where, details: "Example value changed." });
    }
  }
  const versions = [baseFile, revisionFile].map((file) => JSON.parse(fs.readFileSync(file, "utf8")).info.version);
  return { changes, versions };
}
