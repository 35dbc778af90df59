// npm run review -- --base <git-ref> [--labels a,b] [--exceptions <file>] [--allow-breaking] [--format json]
// Bundles the spec at <git-ref> (read with `git archive`, the working tree untouched) and in the
// working tree, grades every change (review-compare.js), and prints the Markdown review
// (review-report.js), or the same result as JSON for other bots (`--format json`). Exits 1 when the check fails (review-report.js's `missing` says why: a
// breaking change neither accepted in the exceptions file nor approved with the
// `breaking-change-approved` label and the version bump it needs, a warning without its bump, an
// exception that matches no change), 2 when the review cannot run (one line, no stack). The
// pull-request workflow runs exactly this.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { parse as parseYaml } from "yaml";
import { bundleAtRef, bundleWorkingTree, compareSpecs } from "./review-compare.js";
import { approvalLabel, formatJson, formatReport, verdict } from "./review-report.js";
import { isMain } from "./toolchain.js";

export const usage = `Usage: npm run review -- --base <git-ref> [options]

Compares the spec at <git-ref> with the working tree and prints the Markdown review.

  --base <git-ref>      the base to compare with, e.g. origin/main (required)
  --labels <a,b>        the pull request's labels; \`${approvalLabel}\` approves breaking changes
                        that carry the version bump they need
  --exceptions <file>   the accepted breaking changes (default: openapi/review-exceptions.yaml)
  --allow-breaking      report, but do not fail for a missing approval or bump (local runs)
  --format <f>          markdown (the default) or json: the same result, for other bots
  -h, --help            print this and exit

Exit status: 0 passes, 1 fails (the report says what is missing), 2 the review cannot run.
`;

function fail(message) {
  console.error(`review: ${message} (npm run review -- --help for the usage)`);
  process.exit(2);
}

const semver = /^\d+\.\d+\.\d+(?:-[\w.-]+)?$/;
const sha = /^[0-9a-f]{7,40}$/;

/**
 * The accepted breaking changes: a YAML list of `{ where, reason, version }` (or `commit`
 * instead of `version`): the change's location as the report prints it (or its shared
 * component's), why it is accepted, and the version (or a commit of the change) it is accepted
 * for. Throws one line naming the first bad entry.
 */
export function readExceptions(file) {
  if (!fs.existsSync(file)) return [];
  const text = fs.readFileSync(file, "utf8");
  let list;
  try {
    // Every value here is text: YAML's failsafe schema keeps `commit: 0396203` the string it is
    // (the core schema reads a commit id of digits as a number, and drops its leading zero).
    list = parseYaml(text, { schema: "failsafe" }) ?? [];
  } catch (error) {
    // The usual slip: entries appended below a `[]` (an empty list written inline), or indented.
    const hint = /^\s*\[\s*\]\s*$/m.test(text)
      ? "; its `[]` line is a whole (empty) list, so entries cannot follow it: delete the `[]` line"
      : /^[ \t]+- /m.test(text) && !/^- /m.test(text)
        ? "; each entry's `- ` starts at the first column"
        : "";
    throw new Error(`${file} is not valid YAML (${error.message.split("\n")[0].replace(/:$/, "")})${hint}`);
  }
  if (!Array.isArray(list)) throw new Error(`${file} must be a list of { where, reason, version } entries`);
  list.forEach((e, index) => {
    const entry = `${file}, entry ${index + 1}`;
    if (typeof e !== "object" || e === null) throw new Error(`${entry} must be a mapping { where, reason, version }`);
    const unknown = Object.keys(e).filter((key) => !["where", "reason", "version", "commit"].includes(key));
    if (unknown.length) throw new Error(`${entry} has unknown key(s): ${unknown.join(", ")}`);
    if (typeof e.where !== "string" || !e.where.trim())
      throw new Error(`${entry} needs \`where\` (as the report prints it)`);
    if (typeof e.reason !== "string" || !e.reason.trim()) throw new Error(`${entry} needs a \`reason\``);
    if ((e.version === undefined) === (e.commit === undefined)) {
      throw new Error(`${entry} needs exactly one of \`version\` (the version it is accepted for) or \`commit\``);
    }
    if (e.version !== undefined && !semver.test(String(e.version))) {
      throw new Error(`${entry}: version must be semver (e.g. "0.3.0"), not ${JSON.stringify(e.version)}`);
    }
    if (e.commit !== undefined && !sha.test(String(e.commit))) {
      throw new Error(`${entry}: commit must be a commit id (7 to 40 hex digits), not ${JSON.stringify(e.commit)}`);
    }
  });
  return list.map((e) => ({
    ...e,
    ...(e.version === undefined ? { commit: String(e.commit) } : { version: String(e.version) }),
  }));
}

/** Whether `commit` is part of the change under review: in HEAD's history, not in the base's. */
function commitInChange(project, base) {
  const git = (...args) => {
    try {
      execFileSync("git", args, { cwd: project, stdio: "pipe" });
      return true;
    } catch {
      return false;
    }
  };
  return (commit) =>
    git("rev-parse", "--verify", "--quiet", `${commit}^{commit}`) &&
    git("merge-base", "--is-ancestor", commit, "HEAD") &&
    !git("merge-base", "--is-ancestor", commit, base);
}

function options() {
  try {
    return parseArgs({
      options: {
        base: { type: "string" },
        labels: { type: "string", default: "" },
        exceptions: { type: "string", default: "openapi/review-exceptions.yaml" },
        "allow-breaking": { type: "boolean", default: false },
        format: { type: "string", default: "markdown" },
        help: { type: "boolean", short: "h", default: false },
      },
    }).values;
  } catch (error) {
    const option = /'([^']+)'/.exec(error.message)?.[1];
    if (error.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") fail(`unknown option ${option}`);
    if (error.code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") fail(`unexpected argument ${option}`);
    fail(error.message.split("\n")[0].replace(/\.$/, ""));
  }
}

if (isMain(import.meta.url)) {
  const values = options();
  if (values.help) {
    process.stdout.write(usage);
    process.exit(0);
  }
  if (!values.base) fail("--base <git-ref> is required, e.g. npm run review -- --base origin/main");
  if (!["markdown", "json"].includes(values.format))
    fail(`--format must be markdown or json, not ${JSON.stringify(values.format)}`);
  let project;
  try {
    project = execFileSync("git", ["rev-parse", "--show-toplevel"], { encoding: "utf8", stdio: "pipe" }).trim();
  } catch {
    fail("run it inside the git repository (git rev-parse --show-toplevel failed)");
  }
  let exceptions;
  try {
    exceptions = readExceptions(path.resolve(project, values.exceptions));
  } catch (error) {
    fail(error.message);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "p100-review-"));
  try {
    const [base, revision] = [path.join(dir, "base.json"), path.join(dir, "revision.json")];
    try {
      bundleAtRef(project, values.base, base);
    } catch (error) {
      fail(`cannot read the spec at ${values.base}: ${(error.stderr || error.message).trim().split("\n")[0]}`);
    }
    try {
      bundleWorkingTree(project, revision);
    } catch (error) {
      fail(
        `cannot bundle the working tree's spec: ${error.message.split("\n").slice(1).join(" ").trim().slice(0, 300)}`,
      );
    }
    const labels = values.labels
      .split(",")
      .map((label) => label.trim())
      .filter(Boolean);
    const review = verdict(compareSpecs(base, revision), {
      exceptions,
      labels,
      allowBreaking: values["allow-breaking"],
      inChange: commitInChange(project, values.base),
    });
    process.stdout.write(
      values.format === "json" ? formatJson(review, values.base) : formatReport(review, values.base),
    );
    if (!review.passes) {
      if (review.open) console.error(`review: ${review.open} breaking change(s) neither accepted nor approved.`);
      for (const missing of review.missing) console.error(`review: missing ${missing}.`);
      process.exitCode = 1;
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
