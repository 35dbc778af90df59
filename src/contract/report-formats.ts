// verify's report as text (people), JUnit XML (CI test tabs: one test case per rule and call) or
// SARIF 2.1.0 (code scanning: one result per violation or warning, located in the traffic file).
import path from "node:path";
import type { VerifyReport, Violation } from "./verify.js";

export const reportFormats = ["text", "junit", "sarif"] as const;
export type ReportFormat = (typeof reportFormats)[number];

const xml = (text: string) =>
  text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");

function text(report: VerifyReport): string {
  const line = (v: Violation) =>
    `  ${v.level === "error" ? "✗" : "!"} [${v.rule}] ${v.where}${v.operation ? ` (${v.operation})` : ""}: ${v.message}`;
  const lines = [`p100-contract verify: ${report.file} (${report.kind}), ${report.calls} call(s)`];
  lines.push(report.violations.length ? `${report.violations.length} violation(s):` : "No violation.");
  lines.push(...report.violations.map(line));
  if (report.warnings.length)
    lines.push(`${report.warnings.length} warning(s), tolerated:`, ...report.warnings.map(line));
  return `${lines.join("\n")}\n`;
}

function junit(report: VerifyReport): string {
  const cases = [...report.violations, ...report.warnings].map((v) => {
    const name = xml(`${v.rule}: ${v.where}`);
    const body =
      v.level === "error"
        ? `<failure type="${xml(v.rule)}" message="${xml(v.message)}"/>`
        : `<system-out>${xml(`warning: ${v.message}`)}</system-out>`;
    return `    <testcase classname="p100-contract.${xml(v.rule.replace(/\/.*$/, ""))}" name="${name}">${body}</testcase>`;
  });
  if (!cases.length)
    cases.push(
      `    <testcase classname="p100-contract" name="${xml(`${report.calls} call(s) of ${path.basename(report.file)}`)}"/>`,
    );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="p100-contract verify" tests="${cases.length}" failures="${report.violations.length}">`,
    `  <testsuite name="${xml(path.basename(report.file))}" tests="${cases.length}" failures="${report.violations.length}" errors="0">`,
    ...cases,
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}

function sarif(report: VerifyReport): string {
  const all = [...report.violations, ...report.warnings];
  const rules = [...new Set(all.map((v) => v.rule))].sort();
  const doc = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "p100-contract",
            informationUri: "https://partner-api-docs.p100.io",
            rules: rules.map((id) => ({ id })),
          },
        },
        results: all.map((v) => ({
          ruleId: v.rule,
          level: v.level,
          message: { text: `${v.where}${v.operation ? ` (${v.operation})` : ""}: ${v.message}` },
          locations: [{ physicalLocation: { artifactLocation: { uri: path.basename(report.file) } } }],
        })),
      },
    ],
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export function formatReport(report: VerifyReport, format: ReportFormat): string {
  return format === "junit" ? junit(report) : format === "sarif" ? sarif(report) : text(report);
}
