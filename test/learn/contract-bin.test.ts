// p100-contract from the packed tarball, run with plain node: learn writes the overlay, --apply
// changes a copy of openapi/ in a git repository like a pull request's, and the build, lint and
// review grade that change; verify exits 1 on a violation in each output format.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parse } from "yaml";
import { generate } from "../../scripts/generate.js";
import { cleanOnboarding, seededOnboarding, writeHarOf, writePact } from "../support/consumer-traffic.js";
import { apiKey, differing, fitting, garbage, personal, removeTempFolder, writeHar } from "../support/fake-upstream.js";

afterAll(removeTempFolder);

import { specProblems } from "../support/spec-problems.js";

const repo = path.resolve(import.meta.dirname, "../..");
const bin = path.join(inject("packedApp"), "node_modules/p100-user-accounts/bin/p100-contract.js");
const contract = (args: string[], cwd = repo) => spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8" });
const secrets = [apiKey, personal.email, personal.phone];
const har = writeHar([...fitting, ...Object.values(differing), ...garbage]);

describe("p100-contract learn", () => {
  it("writes the overlay (YAML, or JSON for a .json file) and its summary, with neither the key nor personal data", {
    timeout: 60_000,
  }, () => {
    const result = contract(["learn", har]);
    expect(result.status, result.stderr).toBe(0);
    const overlay = parse(result.stdout);
    expect(overlay.overlay).toBe("1.0.0");
    expect(overlay.actions).toHaveLength(12);
    expect(overlay["x-p100-not-p100"]).toHaveLength(5);
    expect(result.stderr).toMatch(/^# p100-contract learn: 21 exchange\(s\)\n/);
    const out = path.join(path.dirname(har), "overlay.json");
    expect(contract(["learn", har, "--out", out]).status).toBe(0);
    expect(JSON.parse(fs.readFileSync(out, "utf8")).actions).toEqual(overlay.actions);
    for (const secret of secrets) expect(result.stdout + result.stderr).not.toContain(secret);
  });

  // A hang guard: six processes, on a busy machine.
  it("refuses bad arguments in one line, exit 2", { timeout: 60_000 }, () => {
    for (const [args, message] of [
      [["learn"], "learn needs at least one HAR file"],
      [["teach", har], "unknown command teach"],
      [["learn", har, "--format", "sarif"], "--format is for verify"],
      [["learn", har, "--min-observations", "x"], "--min-observations must be a whole number"],
      [["learn", "/no/such.har"], "cannot read /no/such.har: no such file"],
    ] as const) {
      const result = contract([...args]);
      expect(result.status, args.join(" ")).toBe(2);
      expect(result.stderr).toBe(`p100-contract: ${message}\n`);
    }
    expect(contract(["--help"])).toMatchObject({ status: 0, stderr: "" });
  });
});

describe("p100-contract learn --apply, then the build, lint and review", () => {
  // A repository like a pull request's checkout (as in test/review/review.test.ts).
  const pr = fs.mkdtempSync(path.join(os.tmpdir(), "p100-learn-apply-"));
  const git = (...args: string[]) => execFileSync("git", args, { cwd: pr, encoding: "utf8", stdio: "pipe" });
  const redocly = (...args: string[]) =>
    spawnSync(process.execPath, [path.join(repo, "node_modules/@redocly/cli/bin/cli.js"), ...args], {
      cwd: pr,
      encoding: "utf8",
    });
  let applied: ReturnType<typeof contract>;
  let lint: ReturnType<typeof redocly>;
  let review: ReturnType<typeof spawnSync>;
  let bundle: any;

  beforeAll(async () => {
    for (const entry of ["openapi", "redocly.yaml", "package.json"])
      fs.cpSync(path.join(repo, entry), path.join(pr, entry), { recursive: true });
    for (const entry of ["scripts", "src", "node_modules"])
      fs.symlinkSync(path.join(repo, entry), path.join(pr, entry));
    fs.writeFileSync(path.join(pr, ".gitignore"), "scripts\nsrc\nnode_modules\ngenerated\n");
    git("init", "-q", "-b", "main");
    git("add", ".");
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "base");
    git("checkout", "-q", "-b", "learned");
    applied = contract(["learn", har, "--apply", "--out", "overlay.yaml"], pr);
    // npm run build, into this repository's own generated/ (lint reads the bundle too, as npm test's does).
    const bundles: [string, string][] = [
      ["openapi/openapi.yaml", "openapi.yaml"],
      ["openapi/openapi.yaml", "openapi.json"],
      ["openapi/sandbox.yaml", "sandbox.json"],
    ];
    for (const [source, out] of bundles)
      expect(redocly("bundle", source, "--output", `generated/${out}`).status).toBe(0);
    await generate(path.join(pr, "generated"));
    lint = redocly("lint");
    bundle = JSON.parse(fs.readFileSync(path.join(pr, "generated/openapi.json"), "utf8"));
    review = spawnSync(process.execPath, ["scripts/review.js", "--base", "main"], { cwd: pr, encoding: "utf8" });
  }, 180_000);
  afterAll(() => fs.rmSync(pr, { recursive: true, force: true }));

  it("changes the files that hold each target, records the evidence, and leaves tightening to a person", () => {
    expect(applied.status, applied.stderr).toBe(0);
    expect(applied.stderr).toContain("2 tightening proposal(s) left for a person.");
    expect(git("status", "--short", "openapi").split("\n").filter(Boolean).sort()).toEqual([
      " M openapi/components/schemas/KycStatus.yaml",
      " M openapi/components/schemas/KycVerificationStatus.yaml",
      " M openapi/components/schemas/UserBalances.yaml",
      " M openapi/openapi.yaml",
      " M openapi/paths/v1_kyc_status_{externalUserId}.yaml",
      " M openapi/paths/v1_user_balances_crypto-and-fiat.yaml",
      " M openapi/paths/v1_user_balances_{externalUserId}.yaml",
      "?? openapi/components/examples/P997.yaml",
      "?? openapi/components/examples/P999.yaml",
    ]);
    const op = bundle.paths["/v1/kyc/status/{externalUserId}"].get;
    expect(op["x-p100-source"].observed).toEqual([
      expect.objectContaining({
        change: 'Add "ON_HOLD" to the enum.',
        exchanges: 1,
        hosts: ["partner-api-stage.p100.io"],
      }),
      expect.objectContaining({ change: "`attemptStatus` is no longer required (it was missing from an answer)." }),
    ]);
    expect(bundle.components.schemas.UserBalances.properties.tier["x-p100-observed"]).toBe(true);
    expect(bundle.components.schemas.UserBalances.required).not.toContain("userId");
    // The yaml package keeps what people wrote: comments, the order of keys, the catalogue's order.
    const root = fs.readFileSync(path.join(pr, "openapi/openapi.yaml"), "utf8");
    expect(root).toContain("# The error catalogue: every P-code");
    expect(root).toContain("x-p100-webhook-retries: [8, 16, 32, 64]");
    expect(root.indexOf("P501:")).toBeLessThan(root.indexOf("P997:"));
    const written = fs.readFileSync(path.join(pr, "overlay.yaml"), "utf8") + git("diff");
    for (const secret of secrets) expect(written).not.toContain(secret);
  });

  it("lints clean, and the spec keeps its own promises (examples, the P-code catalogue)", () => {
    expect(lint.status, lint.stdout + lint.stderr).toBe(0);
    expect(specProblems(bundle)).toEqual([]);
  });

  it("is graded by the review as any pull request: a loosened answer breaking, new values warnings, additions info", () => {
    const report = String(review.stdout);
    expect(review.status, String(review.stderr)).toBe(1); // the warnings and the break need their bump
    const rows = report.split("\n").filter((line) => /^\| (\*\*breaking\*\*|warning|info) \|/.test(line));
    const row = (level: string, where: string) => rows.some((r) => r.startsWith(`| ${level} |`) && r.includes(where));
    expect(
      row(
        "**breaking**",
        "GET /v1/kyc/status/{externalUserId} › responses/200/content/application/json/schema · required",
      ),
    ).toBe(true);
    expect(
      row(
        "warning",
        "GET /v1/kyc/status/{externalUserId} › responses/200/content/application/json/schema/properties/verificationStatus · enum",
      ),
    ).toBe(true);
    expect(
      row(
        "warning",
        "POST /v1/user/balances/crypto-and-fiat › responses/400/content/application/json/schema/allOf/1/properties/errorCode · enum",
      ),
    ).toBe(true);
    expect(
      row(
        "info",
        "GET /v1/user/balances/{externalUserId} › responses/200/content/application/json/schema/properties/tier",
      ),
    ).toBe(true);
    expect(row("info", "GET /v1/user/balances/{externalUserId} › responses/409")).toBe(true);
    expect(row("info", "components/examples/P999")).toBe(true);
    expect(report).toContain("needs a minor bump");
  });

  it("learns nothing more from the same traffic once applied, but the tightening and what is for a person", {
    timeout: 60_000,
  }, () => {
    const again = contract(["learn", har, "--spec", "generated/openapi.json"], pr);
    expect(again.status, again.stderr).toBe(0);
    expect(parse(again.stdout).actions.map((a: any) => a["x-p100-proposal"].kind)).toEqual([
      "tighten-enum",
      "tighten-required",
    ]);
    expect(parse(again.stdout)["x-p100-for-review"]).toHaveLength(2);
  });
});

describe("p100-contract verify", () => {
  it("exits 1 on a violation and 0 on clean traffic, in text, JUnit XML and SARIF", { timeout: 60_000 }, () => {
    const seeded = writeHarOf(seededOnboarding);
    const text = contract(["verify", seeded]);
    expect(text.status).toBe(1);
    expect(text.stdout).toContain("6 violation(s):");
    const junit = contract(["verify", seeded, "--format", "junit"]);
    expect(junit.stdout).toContain('failures="6"');
    const out = path.join(path.dirname(seeded), "verify.sarif");
    expect(contract(["verify", writePact(seededOnboarding, 4), "--format", "sarif", "--out", out]).status).toBe(1);
    expect(JSON.parse(fs.readFileSync(out, "utf8")).runs[0].results).toHaveLength(6);
    expect(contract(["verify", writeHarOf(cleanOnboarding)])).toMatchObject({ status: 0, stderr: "" });
    for (const secret of secrets)
      expect(text.stdout + junit.stdout + fs.readFileSync(out, "utf8")).not.toContain(secret);
  });

  it("refuses bad arguments in one line, exit 2", { timeout: 60_000 }, () => {
    expect(contract(["verify"]).stderr).toBe("p100-contract: verify takes one file\n");
    const format = contract(["verify", writeHarOf(cleanOnboarding), "--format", "xml"]);
    expect(format).toMatchObject({ status: 2, stderr: "p100-contract: --format must be one of text, junit, sarif\n" });
  });
});
