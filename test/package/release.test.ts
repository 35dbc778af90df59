// The release gate (scripts/release-version-check.js): the tag, package.json, the spec's
// info.version and the newest CHANGELOG entry name one version, the notes are that entry, and
// the step runs as .github/workflows/release.yml runs it.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { parse } from "yaml";
import {
  changelogSection,
  githubRepository,
  releaseProblems,
  tarballName,
} from "../../scripts/release-version-check.js";

const repo = path.resolve(import.meta.dirname, "../..");
const pkg = JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8"));
const changelog = fs.readFileSync(path.join(repo, "CHANGELOG.md"), "utf8");

const agreeing = {
  tag: "v1.2.3",
  pkg: { version: "1.2.3", repository: { url: "git+https://github.com/acme/p100-user-accounts.git" } },
  specVersion: "1.2.3",
  changelog: "# Changelog\n\nIntro.\n\n## 1.2.3\n\n- New.\n\n## 1.2.2\n\n- Old.\n",
  githubRepo: "acme/p100-user-accounts",
};

describe("releaseProblems", () => {
  it("passes when the tag, package.json, the spec and the CHANGELOG agree", () => {
    expect(releaseProblems(agreeing)).toEqual([]);
    expect(releaseProblems({ ...agreeing, githubRepo: undefined })).toEqual([]);
  });

  it("names each disagreement on its own line", () => {
    expect(releaseProblems({ ...agreeing, tag: "v1.2.4" })).toEqual([
      "the tag v1.2.4 does not match package.json's version 1.2.3 (expected v1.2.3)",
    ]);
    expect(releaseProblems({ ...agreeing, tag: "1.2.3" })).toEqual([
      'the tag "1.2.3" is not v<major>.<minor>.<patch>[-<prerelease>]',
    ]);
    expect(releaseProblems({ ...agreeing, specVersion: "1.2.2" })).toEqual([
      "openapi/openapi.yaml info.version is 1.2.2, package.json's version is 1.2.3",
    ]);
    expect(releaseProblems({ ...agreeing, changelog: "## 1.2.2\n\n- Old.\n\n## 1.2.3\n\n- New.\n" })).toEqual([
      "CHANGELOG.md's newest entry is 1.2.2, not ## 1.2.3",
    ]);
    expect(releaseProblems({ ...agreeing, changelog: "## 1.2.3\n\n## 1.2.2\n- Old.\n" })).toEqual([
      "CHANGELOG.md's entry ## 1.2.3 is empty",
    ]);
    expect(releaseProblems({ ...agreeing, githubRepo: "someone-else/fork" })).toEqual([
      "package.json's repository.url (git+https://github.com/acme/p100-user-accounts.git) is not https://github.com/someone-else/fork: npm's provenance check would refuse the publish",
    ]);
    expect(releaseProblems({ ...agreeing, tag: "v2.0.0", specVersion: "0.0.1" })).toHaveLength(2);
  });

  it("takes prereleases, and reads GitHub URLs in npm's spellings", () => {
    const pre = { ...agreeing, tag: "v1.3.0-rc.1", pkg: { ...agreeing.pkg, version: "1.3.0-rc.1" } };
    expect(releaseProblems({ ...pre, specVersion: "1.3.0-rc.1", changelog: "## 1.3.0-rc.1\n\n- Soon.\n" })).toEqual([]);
    for (const url of ["git+https://github.com/a/b.git", "https://github.com/a/b", "https://github.com/a/b.git"])
      expect(githubRepository(url)).toBe("a/b");
    expect(githubRepository("https://gitlab.com/a/b")).toBeUndefined();
    expect(tarballName({ name: "@scope/name", version: "1.0.0" })).toBe("scope-name-1.0.0.tgz");
  });
});

it("the release notes are the version's CHANGELOG section, heading excluded", () => {
  expect(changelogSection(agreeing.changelog, "1.2.3")).toBe("- New.");
  expect(changelogSection(agreeing.changelog, "1.2.2")).toBe("- Old.");
  expect(changelogSection(agreeing.changelog, "9.9.9")).toBeUndefined();
  const notes = changelogSection(changelog, pkg.version)!;
  expect(notes.length).toBeGreaterThan(100);
  expect(notes).not.toMatch(/^## /m);
});

describe("the version step, run as the release workflow runs it", () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "p100-release-"));
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
  const workflow = parse(fs.readFileSync(path.join(repo, ".github/workflows/release.yml"), "utf8"));
  const step = workflow.jobs.release.steps.find((s: any) => s.id === "version");
  const declared = githubRepository(pkg.repository.url);

  function runStep(tag: string) {
    const output = path.join(work, `output-${tag}`);
    fs.writeFileSync(output, "");
    const result = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run], {
      cwd: repo,
      encoding: "utf8",
      env: {
        ...process.env,
        GITHUB_REF_NAME: tag,
        RUNNER_TEMP: work,
        GITHUB_OUTPUT: output,
        GITHUB_REPOSITORY: declared,
      },
    });
    return { ...result, outputs: fs.readFileSync(output, "utf8") };
  }

  it("passes for this version's tag: writes the notes and names the tarball npm pack writes", () => {
    const { status, stderr, outputs } = runStep(`v${pkg.version}`);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    expect(fs.readFileSync(path.join(work, "release-notes.md"), "utf8")).toBe(
      `${changelogSection(changelog, pkg.version)}\n`,
    );
    const prerelease = pkg.version.includes("-");
    expect(outputs).toBe(
      `version=${pkg.version}\ntarball=${path.basename(inject("packedTarball"))}\n` +
        `dist-tag=${prerelease ? "next" : "latest"}\nprerelease=${prerelease}\n`,
    );
  });

  it("fails for another tag, saying why, and writes no outputs", () => {
    const { status, stderr, outputs } = runStep("v99.0.0");
    expect(status).toBe(1);
    expect(stderr).toBe(
      `release: the tag v99.0.0 does not match package.json's version ${pkg.version} (expected v${pkg.version})\n`,
    );
    expect(outputs).toBe("");
  });

  it("says how to call it when the tag is missing", () => {
    const result = spawnSync(process.execPath, ["scripts/release-version-check.js"], { cwd: repo, encoding: "utf8" });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe("usage: node scripts/release-version-check.js <tag> [--notes <file>]\n");
  });
});
