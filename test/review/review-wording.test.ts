// The review's words, as a reviewer and the CHANGELOG's reader meet them: the first line says how
// each break stands, an accepted break is not announced as breaking, the version bump is the
// version line and not a row, each CHANGELOG bullet names its operation, and `--format json`
// gives other bots the same result.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type Change, compareSpecs } from "../../scripts/review-compare.js";
import { changelogEntry, formatReport, verdict } from "../../scripts/review-report.js";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "p100-review-wording-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const removed = (where: string): Change => ({
  section: "Responses",
  level: "breaking",
  kind: "removed",
  where,
  details: "Response `404` was removed.",
  operation: "Add POA File",
});

describe("the report's first line", () => {
  const comparison = { changes: [removed("POST /v1/x › responses/404")], versions: ["1.4.2", "2.0.0"] };

  it("a break approved by the label says so, not 'not accepted'", () => {
    const report = formatReport(verdict(comparison, { labels: ["breaking-change-approved"] }), "main");
    expect(report).toContain(
      "**✅ passes**: 1 breaking (1 approved by the `breaking-change-approved` label), 0 warning",
    );
  });

  it("an open break, and one accepted in the exceptions file", () => {
    expect(formatReport(verdict(comparison), "main")).toContain(
      "**❌ fails**: 1 breaking (1 neither accepted nor approved)",
    );
    const exceptions = [{ where: "POST /v1/x › responses/404", reason: "Never sent.", version: "2.0.0" }];
    expect(formatReport(verdict(comparison, { exceptions }), "main")).toContain(
      "**✅ passes**: 1 breaking (1 accepted in openapi/review-exceptions.yaml), 0 warning",
    );
  });
});

describe("the CHANGELOG entry", () => {
  it("names the operation and says what changed in words; an accepted break is a change with its reason", () => {
    const open = removed("POST /v1/user/poa-files/{externalUserId} › responses/404");
    expect(changelogEntry({ changes: [open], versions: ["0.2.0", "0.2.0"] })).toBe(
      [
        "## 0.3.0",
        "",
        "- **Breaking:** Add POA File (`POST /v1/user/poa-files/{externalUserId} › responses/404`): the `404` answer is no longer documented.",
      ].join("\n"),
    );
    const accepted = { ...open, accepted: "P100 never answers it." };
    const entry = changelogEntry({ changes: [accepted], versions: ["0.2.0", "0.2.1"] });
    expect(entry).toBe(
      [
        "## 0.2.1",
        "",
        "- Add POA File (`POST /v1/user/poa-files/{externalUserId} › responses/404`): the `404` answer is no longer documented. (Accepted, not breaking for clients: P100 never answers it.)",
      ].join("\n"),
    );
  });
});

describe("compared bundles", () => {
  const spec = JSON.parse(fs.readFileSync(new URL("../../generated/openapi.json", import.meta.url), "utf8"));
  const write = (name: string, doc: unknown) => {
    const file = path.join(work, name);
    fs.writeFileSync(file, JSON.stringify(doc));
    return file;
  };

  it("a version bump alone is no change row; a removed answer is one, under its operation", { timeout: 60_000 }, () => {
    const bumped = structuredClone(spec);
    bumped.info.version = "0.2.1";
    const base = write("base.json", spec);
    expect(compareSpecs(base, write("bumped.json", bumped)).changes).toEqual([]);
    delete bumped.paths["/v1/user/poa-files/{externalUserId}"].post.responses["404"];
    expect(compareSpecs(base, write("removed.json", bumped)).changes).toEqual([
      expect.objectContaining({ level: "breaking", operation: "Add POA File", details: "Response `404` was removed." }),
    ]);
  });
});

describe("npm run review -- --format json", () => {
  const review = (...args: string[]) => spawnSync("node", ["scripts/review.js", ...args], { encoding: "utf8" });

  it("prints the verdict, the rows and the CHANGELOG entry as JSON", { timeout: 60_000 }, () => {
    const result = review("--base", "HEAD", "--format", "json", "--allow-breaking");
    expect(result.stderr).toBe("");
    const json = JSON.parse(result.stdout);
    expect(json).toMatchObject({ base: "HEAD", passes: true, missing: [], unusedExceptions: [] });
    expect(Array.isArray(json.changes)).toBe(true);
    expect(json.versions).toHaveLength(2);
  });

  it("refuses another format in one line, exit 2", () => {
    const result = review("--base", "HEAD", "--format", "xml");
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      'review: --format must be markdown or json, not "xml" (npm run review -- --help for the usage)\n',
    );
  });
});
