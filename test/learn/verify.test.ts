// verify without sockets: a consumer's calls from a HAR file, a Pact file (v2–v4) and the
// sandbox's journal; seeded violations are caught in each, clean traffic passes.
import { afterAll, describe, expect, it } from "vitest";
import { formatReport } from "../../src/contract/report-formats.js";
import { packagedBundle, Spec } from "../../src/contract/spec.js";
import { verify } from "../../src/contract/verify.js";
import { cleanOnboarding, seededOnboarding, writeHarOf, writeJournal, writePact } from "../support/consumer-traffic.js";
import { apiKey, personal, removeTempFolder } from "../support/fake-upstream.js";

afterAll(removeTempFolder);

const spec = Spec.fromFile(packagedBundle);
const rules = (file: string) => verify(spec, file).violations.map((v) => v.rule);
const seededRules = [
  "request/body",
  "answer/status",
  "answer/shape",
  "answer/shape",
  "order/balances-after-verification",
  "order/verified-before-extend",
];

describe("verify", () => {
  it("passes a clean onboarding in each format", () => {
    for (const file of [
      writeHarOf(cleanOnboarding),
      writePact(cleanOnboarding, 2),
      writePact(cleanOnboarding, 3),
      writePact(cleanOnboarding, 4),
      writeJournal(cleanOnboarding),
    ]) {
      expect(verify(spec, file), file).toMatchObject({ violations: [], warnings: [] });
    }
  });

  it("catches the seeded violations in a HAR file: requests strictly, answers with tolerance, the order", () => {
    expect(rules(writeHarOf(seededOnboarding))).toEqual(seededRules);
    expect(rules(writeHarOf(cleanOnboarding, ""))).toEqual([
      "request/api-key",
      "request/api-key",
      "request/api-key",
      "request/api-key",
    ]);
  });

  it("catches them in Pact files v2, v3 and v4", () => {
    for (const version of [2, 3, 4] as const)
      expect(rules(writePact(seededOnboarding, version)), `v${version}`).toEqual(seededRules);
  });

  it("catches what the journal shows: statuses and the onboarding order (it keeps no bodies)", () => {
    expect(rules(writeJournal(seededOnboarding))).toEqual([
      "answer/status",
      "order/balances-after-verification",
      "order/verified-before-extend",
    ]);
  });

  it("tolerates what the spec leaves open in an answer: an extra field passes, a new P-code is a warning", () => {
    const file = writeHarOf([
      { ...cleanOnboarding[2]!, answer: { ...(cleanOnboarding[2]!.answer as object), tier: "gold" } },
      { method: "GET", path: "/v1/user/balances/u-2", status: 400, answer: { errorCode: "P999", errorMessage: "x" } },
    ]);
    const report = verify(spec, file);
    expect(report.violations).toEqual([]);
    expect(report.warnings.map((w) => w.rule)).toEqual(["answer/p-code"]);
  });

  it("writes text, JUnit XML and SARIF, with neither the key nor personal data", () => {
    const report = verify(spec, writeHarOf(seededOnboarding));
    const text = formatReport(report, "text");
    expect(text).toContain("6 violation(s):");
    expect(text).toContain(
      "[order/verified-before-extend] consumer.har entry 3 (POST /v1/user/balances/extended): user #1: Extend user before Add User Verification",
    );
    const junit = formatReport(report, "junit");
    expect(junit).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="p100-contract verify" tests="6" failures="6">/,
    );
    expect(junit.match(/<failure /g)).toHaveLength(6);
    const sarif = JSON.parse(formatReport(report, "sarif"));
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0].results.map((r: any) => r.ruleId)).toEqual(seededRules);
    for (const written of [text, junit, JSON.stringify(sarif)]) {
      for (const secret of [apiKey, personal.email, personal.phone, "not-an-address"])
        expect(written).not.toContain(secret);
    }
  });

  it("refuses a file that is none of the three, in one line", () => {
    expect(() => verify(spec, "/nonexistent/file.har")).toThrow("cannot read /nonexistent/file.har: no such file");
  });
});
