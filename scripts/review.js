// npm run review -- --base <git-ref> [--labels a,b] [--exceptions <file>] [--allow-breaking]
// Bundles the spec at <git-ref> (read with `git archive`, the working tree untouched) and in the
// working tree, grades every change (review-compare.js), and prints the Markdown review
// (review-report.js). Exits 1 when a breaking change is neither accepted in the exceptions file
// nor approved (the `breaking-change-approved` label and the version bump it needs), 2 when the
// review cannot run. The pull-request workflow runs exactly this.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { parse as parseYaml } from "yaml";
import { bundleAtRef, bundleWorkingTree, compareSpecs } from "./review-compare.js";
import { formatReport, verdict } from "./review-report.js";
import { isMain } from "./toolchain.js";

function fail(message) {
  console.error(`review: ${message}`);
  process.exit(2);
}

/** The accepted breaking changes: a YAML list of `{ where, reason }`, each reason required. */
function readExceptions(file) {
  if (!fs.existsSync(file)) return [];
  const list = parseYaml(fs.readFileSync(file, "utf8")) ?? [];
  if (
    !Array.isArray(list) ||
    list.some((e) => typeof e?.where !== "string" || typeof e?.reason !== "string" || !e.reason.trim())
  ) {
    throw new Error(`${file} must be a list of { where, reason }, each with a reason`);
  }
  return list;
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      base: { type: "string" },
      labels: { type: "string", default: "" },
      exceptions: { type: "string", default: "openapi/review-exceptions.yaml" },
      "allow-breaking": { type: "boolean", default: false },
    },
  });
  if (!values.base) fail("--base <git-ref> is required, e.g. npm run review -- --base origin/main");
  const project = execFileSync("git", ["rev-parse", "--show-toplevel"], { encoding: "utf8" }).trim();
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
    bundleWorkingTree(project, revision);
    const labels = values.labels
      .split(",")
      .map((label) => label.trim())
      .filter(Boolean);
    const review = verdict(compareSpecs(base, revision), {
      exceptions,
      labels,
      allowBreaking: values["allow-breaking"],
    });
    process.stdout.write(formatReport(review, values.base));
    if (!review.passes) {
      console.error(`review: ${review.open} breaking change(s) neither accepted nor approved (see the report).`);
      process.exitCode = 1;
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
