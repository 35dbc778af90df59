// The proxy's record of where the real API and the contract part: one entry per call on which
// Prism found a difference, and the Markdown report a partner can send back. It holds methods,
// paths, statuses and Prism's findings only: never a header, so never the API key.
import type { IPrismDiagnostic } from "@stoplight/prism-core";

export interface Violation {
  /** `request` (the partner's call is off the spec) or `response` (P100's answer is). */
  side: "request" | "response";
  /** Where, e.g. `response.body.poaRequiredForExtended`. */
  location: string;
  message: string;
  severity: string;
}

export interface DriftEntry {
  method: string;
  path: string;
  status: number;
  violations: Violation[];
}

export class DriftLog {
  readonly entries: DriftEntry[] = [];
  calls = 0;

  /** Records one call with Prism's findings, each `path` starting with `request` or `response`. */
  record(method: string, path: string, status: number, findings: IPrismDiagnostic[]): DriftEntry | undefined {
    this.calls++;
    const violations = findings.map(toViolation);
    if (violations.length === 0) return undefined;
    const entry = { method, path: path.split("?")[0] ?? path, status, violations };
    this.entries.push(entry);
    return entry;
  }

  /** Markdown: a header line with the totals, then one table row per difference. */
  report(upstream: string, specVersion: string, at = new Date()): string {
    const cell = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ");
    const rows = this.entries.flatMap((entry) =>
      entry.violations.map(
        (v) =>
          `| ${entry.method} | \`${cell(entry.path)}\` | ${entry.status} | ${v.side} | \`${cell(v.location)}\` | ${cell(v.message)} |`,
      ),
    );
    return [
      "# P100 contract drift report",
      "",
      `Upstream ${upstream}, spec ${specVersion}, ${at.toISOString()}: ${this.calls} call(s) checked, ${this.entries.length} with differences.`,
      "",
      ...(rows.length
        ? ["| method | path | status | side | where | what differed |", "|---|---|---|---|---|---|", ...rows]
        : ["No differences: every answer matched the contract."]),
      "",
    ].join("\n");
  }
}

/** One line for the log, e.g. `drift: POST /v1/user 400 response.body.errorCode must be ...`. */
export function describeEntry(entry: DriftEntry): string {
  const found = entry.violations.map((v) => `${v.location} ${v.message}`).join("; ");
  return `drift: ${entry.method} ${entry.path} ${entry.status}: ${found}`;
}

const severities = ["Error", "Warning", "Information", "Hint"];

function toViolation(finding: IPrismDiagnostic): Violation {
  const [side, ...rest] = finding.path ?? ["response"];
  return {
    side: side === "request" ? "request" : "response",
    location: [side, ...rest].join("."),
    message: finding.message,
    severity: severities[finding.severity] ?? String(finding.severity),
  };
}
