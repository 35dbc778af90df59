// The proxy's record of where the real API and the contract part: one entry per call on which
// Prism found a difference (from the `sl-violations` header it adds to each checked answer), and
// the Markdown report a partner can send back. It holds methods, paths, statuses and Prism's
// findings only: never a header, so never the API key.

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

  /** Records one call; `header` is Prism's `sl-violations` value, when it sent one. */
  record(method: string, path: string, status: number, header: string | undefined): DriftEntry | undefined {
    this.calls++;
    const violations = parseViolations(header);
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

function parseViolations(header: string | undefined): Violation[] {
  if (!header) return [];
  try {
    const list = JSON.parse(header) as { location?: string[]; message?: string; severity?: string }[];
    return list.map((v) => ({
      side: v.location?.[0] === "request" ? "request" : "response",
      location: (v.location ?? []).join("."),
      message: v.message ?? "",
      severity: v.severity ?? "",
    }));
  } catch {
    // Prism cuts a very long list short ("Too many violations! ..."): keep what it says.
    return [{ side: "response", location: "response", message: header.slice(0, 500), severity: "Error" }];
  }
}
