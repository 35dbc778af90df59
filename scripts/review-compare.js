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
// redocly diff reports a change to a shared component once, at the first place it reaches it;
// the review lists it under every operation and webhook that uses it (directly or through
// `$ref`s, however deep), each use graded for its own side, and folds a rename (a property
// removed and one added with the same schema, plus the `required` swap) into one row.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { parse as parseYaml } from "yaml";
import { escapeKey, refResolver, unescapeKey } from "./spec-walk.js";
import { redocly, root } from "./toolchain.js";

const quiet = { stdio: "pipe", encoding: "utf8" };

/** Bundles a spec tree (its own redocly.yaml, if any, applies) into one JSON file. */
function bundle(dir, outFile) {
  redocly(["bundle", "openapi/openapi.yaml", "--output", outFile], { cwd: dir });
}

function gitSucceeds(project, ...args) {
  try {
    execFileSync("git", args, { ...quiet, cwd: project });
    return true;
  } catch {
    return false;
  }
}

/** The local plugin files (`plugins` in redocly.yaml) of the repository at `ref`: its config loads them. */
function pluginsAt(project, ref) {
  let config;
  try {
    config = parseYaml(execFileSync("git", ["show", `${ref}:redocly.yaml`], { ...quiet, cwd: project }));
  } catch {
    return [];
  }
  return (config?.plugins ?? []).filter((p) => typeof p === "string").map((p) => path.posix.normalize(p));
}

/** Bundles the spec of the git repository `project` as it is at `ref`, without touching the working tree. */
export function bundleAtRef(project, ref, outFile) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "p100-review-base-"));
  try {
    const tar = path.join(dir, "spec.tar");
    const plugins = pluginsAt(project, ref);
    const committed = plugins.filter((file) => gitSucceeds(project, "cat-file", "-e", `${ref}:${file}`));
    execFileSync("git", ["archive", "--output", tar, ref, "openapi", "redocly.yaml", ...committed], {
      ...quiet,
      cwd: project,
    });
    execFileSync("tar", ["-xf", tar, "-C", dir], quiet);
    // A plugin the config names but the commit lacks (an untracked checkout) is the working tree's.
    for (const file of plugins.filter((p) => !committed.includes(p) && fs.existsSync(path.join(project, p))))
      fs.cpSync(path.join(project, file), path.join(dir, file));
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
 * @typedef {{ section: string, level: "breaking" | "warning" | "info", kind: string, where: string, details: string, shared?: string, operation?: string, accepted?: string }} Change
 * `shared`: where the change is, when that is a component used elsewhere (an exception may name it).
 * `operation`: the summary of the operation or webhook the row is under (the docs' name for it).
 */

/** Every local `$ref` of a document: the pointer of the object holding it, and its target. */
function referencesOf(doc) {
  /** @type {[string, string][]} */
  const found = [];
  const walk = (node, at) => {
    if (node === null || typeof node !== "object") return;
    if (typeof node.$ref === "string" && node.$ref.startsWith("#/")) found.push([at, node.$ref]);
    for (const [key, child] of Object.entries(node)) walk(child, `${at}/${escapeKey(key)}`);
  };
  walk(doc, "#");
  return found;
}

/**
 * Where the node at `pointer` is reached from paths and webhooks: itself when it is inside one,
 * and through every `$ref` to it or to an object around it, however deep (a recursive schema is
 * followed once).
 * @param {[string, string][]} references
 * @returns {string[]}
 */
function usesOf(references, pointer, seen = new Set()) {
  const found = /^#\/(paths|webhooks)\//.test(pointer) ? [pointer] : [];
  for (const [at, target] of references) {
    if ((pointer === target || pointer.startsWith(`${target}/`)) && !seen.has(at)) {
      found.push(...usesOf(references, at + pointer.slice(target.length), new Set(seen).add(at)));
    }
  }
  return found;
}

// The diff-recommended rules that judge one side only (redocly's own `getDirections`): for a
// schema used on both sides redocly reports them all at once, so each use keeps its side's.
const sideOfRule = {
  "enum-values-removed": "request",
  "enum-values-added": "response",
  "required-properties-added": "request",
  "required-properties-removed": "response",
};

/** What the client sends (requests, parameters) or receives (responses, webhook payloads). */
const sideOf = (pointer) =>
  pointer.startsWith("#/webhooks") || !/\/(requestBody|parameters)(\/|$)/.test(pointer) ? "response" : "request";

const impactRank = { patch: 0, minor: 1, major: 2 };
const fieldPattern = /^(.*)\/properties\/([^/]+)$/;

/**
 * One redocly change, as a row per use: the same change seen from each operation and webhook
 * that reaches it, graded for that use's side.
 */
function rowsOf(change, docs) {
  const located = change.kind === "removed" ? change.base : change.revision;
  const pointer = located?.pointer ?? change.path;
  // A modified property (`enum`, `required`) belongs to the object around it.
  const node =
    change.property && pointer.endsWith(`/${change.property}`)
      ? pointer.slice(0, -change.property.length - 1)
      : pointer;
  const seenAt = change.path.replace(/\/\$ref$/, "");
  // Fan out only a change inside a shared object: not a reference added, removed or switched.
  const inside =
    change.kind === "modified"
      ? change.base?.pointer === change.revision?.pointer
      : docs[change.kind === "removed" ? "revision" : "base"].deref({ $ref: node }) === undefined;
  const doc = docs[change.kind === "removed" ? "base" : "revision"];
  const component = inside && !/^#\/(paths|webhooks)\//.test(node);
  const uses = component ? usesOf(doc.references, node) : [];
  if (!uses.includes(seenAt)) uses.unshift(seenAt);
  const shared = component ? describeLocation(node) : undefined;
  return uses.map((use) => {
    const side = sideOf(use);
    const verdicts = change.verdicts.filter((v) => (sideOfRule[v.ruleId] ?? side) === side);
    const impact = verdicts.length
      ? verdicts.reduce((top, v) => (impactRank[v.impact] > impactRank[top] ? v.impact : top), "patch")
      : change.verdicts.length
        ? "patch"
        : change.impact;
    return { change, use, side, verdicts, impact, shared };
  });
}

/** A row as the report shows it. */
function graded({ change, use, side, verdicts, impact, shared }) {
  // redocly diff rates a removed optional request field, or a renamed one, a patch; for a
  // client of this package both are breaking (its code stops compiling or loses the field).
  const field = fieldPattern.test(use);
  const renamed = field && change.property === "key";
  const removed = field && change.kind === "removed";
  const name = (location) => unescapeKey(location?.pointer.split("/").pop() ?? "");
  const messages = verdicts.map((v) => v.message).join(" ");
  // A response or payload enum that gains a value is a warning (exhaustive switches break).
  const gained = side === "response" && verdicts.some((v) => v.ruleId === "enum-values-added");
  const broken = verdicts.some((v) => v.ruleId !== "enum-values-added" && v.impact === "major");
  const breaking = broken || (impact === "major" && !gained) || renamed || removed;
  return {
    section: sectionOf(use, change.typeName),
    level: breaking ? "breaking" : gained ? "warning" : "info",
    kind: renamed ? "renamed" : change.kind,
    where: `${describeLocation(use)}${change.property && !renamed ? ` · ${change.property}` : ""}`,
    details: renamed
      ? `Field \`${name(change.base)}\` was renamed to \`${name(change.revision)}\`.`
      : messages || (removed ? `Field \`${name(change.base)}\` was removed.` : `${change.typeName} ${change.kind}`),
    ...(shared ? { shared: `${shared}${change.property && !renamed ? ` · ${change.property}` : ""}` } : {}),
  };
}

/**
 * A rename is a property removed and one added with the same schema in the same object, and
 * usually the `required` list swapping the two names: one row, breaking, instead of three.
 */
function foldRenames(rows) {
  const fields = (kind) =>
    rows.filter((r) => r.change.kind === kind && fieldPattern.test(r.use) && r.change.property === undefined);
  const added = fields("added");
  /** @type {Map<string, Map<string, string>>} per object: old name → new name */
  const renames = new Map();
  const folded = new Set();
  const out = [];
  for (const gone of fields("removed")) {
    const [, owner, oldKey] = fieldPattern.exec(gone.use);
    const twin = added.find(
      (a) =>
        !folded.has(a) &&
        fieldPattern.exec(a.use)[1] === owner &&
        isDeepStrictEqual(a.change.revision?.value, gone.change.base?.value),
    );
    if (!twin) continue;
    folded.add(twin).add(gone);
    const newKey = fieldPattern.exec(twin.use)[2];
    if (!renames.has(owner)) renames.set(owner, new Map());
    renames.get(owner).set(unescapeKey(oldKey), unescapeKey(newKey));
    out.push({ ...gone, change: { ...gone.change, property: "key", revision: twin.change.revision }, rename: true });
  }
  for (const row of rows) {
    if (folded.has(row)) continue;
    const swapped = renames.get(row.use);
    if (swapped && row.change.property === "required" && row.change.kind === "modified") {
      const before = (row.change.base?.value ?? []).map((key) => swapped.get(key) ?? key).sort();
      if (isDeepStrictEqual(before, [...(row.change.revision?.value ?? [])].sort())) continue;
    }
    out.push(row);
  }
  return out;
}

/** The row with the summary of the operation or webhook its pointer is under, from the first doc that has it. */
function withOperation(change, pointer, docs) {
  const [, group, key, method] = /^#\/(paths|webhooks)\/([^/]+)\/([^/]+)/.exec(pointer) ?? [];
  const summary = group && docs.map((doc) => doc[group]?.[unescapeKey(key)]?.[method]?.summary).find(Boolean);
  return summary ? { ...change, operation: summary } : change;
}

/**
 * Compares two bundled JSON specs; returns the changes, each with its level, and both versions.
 * @returns {{ changes: Change[], versions: string[] }}
 */
export function compareSpecs(baseFile, revisionFile) {
  const diff = ["diff", baseFile, revisionFile, "--format", "json", "--fail-on", "none"];
  const report = JSON.parse(redocly([...diff, "--config", path.join(root, "redocly.yaml")]));
  const [baseDoc, revisionDoc] = [baseFile, revisionFile].map((file) => JSON.parse(fs.readFileSync(file, "utf8")));
  const docs = Object.fromEntries(
    [
      ["base", baseDoc],
      ["revision", revisionDoc],
    ].map(([side, doc]) => [side, { deref: refResolver(doc), references: referencesOf(doc) }]),
  );
  const seen = new Set();
  const changes = foldRenames(report.changes.flatMap((change) => rowsOf(change, docs)))
    .map((row) => withOperation(graded(row), row.use, [revisionDoc, baseDoc]))
    .filter((c) => {
      // redocly may reach one change from two sides; each row once. The version's own change is
      // the report's version line, not a row.
      const key = `${c.where}\n${c.kind}\n${c.details}`;
      return c.where !== "info · version" && !seen.has(key) && seen.add(key);
    });
  // Example values are opaque to redocly diff; a changed value is worth a reviewer's look.
  const [before, after] = [baseDoc, revisionDoc].map(exampleValues);
  for (const [pointer, value] of after) {
    if (before.has(pointer) && before.get(pointer) !== value) {
      const where = describeLocation(pointer);
      const change = { section: "Examples", level: "info", kind: "modified", where, details: "Example value changed." };
      changes.push(withOperation(change, pointer, [revisionDoc, baseDoc]));
    }
  }
  return { changes, versions: [baseDoc.info.version, revisionDoc.info.version] };
}
