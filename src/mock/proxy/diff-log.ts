// The proxy's record of where the real API and the contract differ (its "contract differences";
// the client's own shape check is `drift`, a different thing): one entry per call on which
// Prism found a difference, one per call that never reached the upstream, and the Markdown report
// a partner can send back. It holds methods, path templates (`/v1/user/balances/{externalUserId}`,
// never the ids in them), statuses, Prism's findings and failure reasons only: never a header, so
// never the API key, and no user data.

/** One of Prism's findings, as this log reads it (its `IPrismDiagnostic`, without Prism's types). */
export interface Finding {
  /** Starts with `request` or `response`. */
  path?: (string | number)[];
  message: string;
  /** 0 error, 1 warning, 2 information, 3 hint. */
  severity: number;
}

export interface Violation {
  /** `request` (the partner's call is off the spec) or `response` (P100's answer is). */
  side: "request" | "response";
  /** Where, e.g. `response.body.poaRequiredForExtended`. */
  location: string;
  message: string;
  severity: string;
}

export interface DiffEntry {
  method: string;
  path: string;
  status: number;
  violations: Violation[];
}

/** A call that never reached the upstream, so nothing about it was checked. */
export interface FailedCall {
  method: string;
  path: string;
  /** Why, e.g. `ECONNREFUSED (connect ECONNREFUSED 127.0.0.1:4011)`. */
  reason: string;
}

/** A call the mock answered itself, without the upstream (a body too large, a malformed path, a bad `Prefer`). */
export interface LocalAnswer {
  method: string;
  /** The operation's path template, or `(before routing)`. */
  path: string;
  status: number;
  why: string;
}

/** A call the upstream got, whose answer broke off after its status: not checked, and maybe carried out. */
export interface BrokenAnswer {
  method: string;
  path: string;
  status: number;
  reason: string;
}

export class DiffLog {
  readonly entries: DiffEntry[] = [];
  readonly failures: FailedCall[] = [];
  readonly local: LocalAnswer[] = [];
  readonly broken: BrokenAnswer[] = [];
  calls = 0;

  /** What the report names when `report()` is called without them. */
  constructor(private readonly defaults: { upstream?: string; specVersion?: string } = {}) {}

  /**
   * Records one call with Prism's findings, each `path` starting with `request` or `response`.
   * `path` is the one to report (the proxy gives the operation's path template).
   */
  record(method: string, path: string, status: number, findings: Finding[]): DiffEntry | undefined {
    this.calls++;
    const violations = findings.map(toViolation);
    if (violations.length === 0) return undefined;
    const entry = { method, path, status, violations };
    this.entries.push(entry);
    return entry;
  }

  /** Records one call that never reached the upstream: counted apart, never as a match. */
  fail(method: string, path: string, reason: string): FailedCall {
    this.calls++;
    const failure = { method, path, reason };
    this.failures.push(failure);
    return failure;
  }

  /** Records one call whose answer broke off after `status`: counted apart, never as a match. */
  broke(method: string, path: string, status: number, reason: string): BrokenAnswer {
    this.calls++;
    const broken = { method, path, status, reason };
    this.broken.push(broken);
    return broken;
  }

  /** Records one call the mock answered itself: counted apart, neither checked nor a match. */
  answeredLocally(method: string, path: string | undefined, status: number, why: string): LocalAnswer {
    this.calls++;
    const local = { method, path: path ?? "(before routing)", status, why };
    this.local.push(local);
    return local;
  }

  /** Markdown: a header line with the totals, then one table row per difference. */
  report(
    upstream = this.defaults.upstream ?? "(unknown)",
    specVersion = this.defaults.specVersion ?? "(unknown)",
    at = new Date(),
  ): string {
    const cell = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ");
    const rows = this.entries.flatMap((entry) =>
      entry.violations.map(
        (v) =>
          `| ${entry.method} | \`${cell(entry.path)}\` | ${entry.status} | ${v.side} | \`${cell(v.location)}\` | ${cell(v.message)} |`,
      ),
    );
    const failed = this.failures.map((f) => `| ${f.method} | \`${cell(f.path)}\` | ${cell(f.reason)} |`);
    const here = this.local.map((l) => `| ${l.method} | \`${cell(l.path)}\` | ${l.status} | ${cell(l.why)} |`);
    const cut = this.broken.map((b) => `| ${b.method} | \`${cell(b.path)}\` | ${b.status} | ${cell(b.reason)} |`);
    const answered = this.calls - this.failures.length - this.local.length - this.broken.length;
    const unchecked = [
      ...(failed.length ? [`${failed.length} call(s) never reached the upstream`] : []),
      ...(cut.length ? [`${cut.length} answer(s) broke off`] : []),
      ...(here.length ? [`${here.length} call(s) were answered by the mock itself`] : []),
    ].join(" and ");
    const verdict =
      answered === 0
        ? "Nothing was checked: no answer came from the upstream."
        : unchecked
          ? `No differences in the ${answered} answer(s) that came, but ${unchecked} (below): they were not checked.`
          : "No differences: every answer matched the contract.";
    return [
      "# P100 contract differences report",
      "",
      `Upstream ${upstream}, spec ${specVersion}, ${at.toISOString()}: ${this.calls} call(s), ${answered} answered and checked, ${this.entries.length} with differences, ${failed.length} never reached the upstream${cut.length ? `, ${cut.length} answers broke off` : ""}${here.length ? `, ${here.length} answered by the mock itself` : ""}.`,
      "",
      ...(rows.length
        ? ["| method | path | status | side | where | what differed |", "|---|---|---|---|---|---|", ...rows]
        : [verdict]),
      ...(failed.length
        ? ["", "## Calls that never reached the upstream", "", "| method | path | why |", "|---|---|---|", ...failed]
        : []),
      ...(cut.length
        ? [
            "",
            "## Answers that broke off (the upstream got these calls)",
            "",
            "| method | path | status | why |",
            "|---|---|---|---|",
            ...cut,
          ]
        : []),
      ...(here.length
        ? [
            "",
            "## Calls the mock answered itself (not sent to the upstream)",
            "",
            "| method | path | status | why |",
            "|---|---|---|---|",
            ...here,
          ]
        : []),
      "",
    ].join("\n");
  }
}

/** One line for the log, e.g. `differs from the contract: POST /v1/user 400 response.body.errorCode must be ...`. */
export function describeEntry(entry: DiffEntry): string {
  const found = entry.violations.map((v) => `${v.location} ${v.message}`).join("; ");
  return `differs from the contract: ${entry.method} ${entry.path} ${entry.status}: ${found}`;
}

/** One line for the log, e.g. `upstream not reached: GET /v1/user/balances/{externalUserId}: ECONNREFUSED (...)`. */
export function describeFailure(failure: FailedCall, upstream: string): string {
  return `upstream not reached: ${failure.method} ${failure.path}: ${failure.reason} (upstream ${upstream}); answered 502`;
}

const severities = ["Error", "Warning", "Information", "Hint"];

function toViolation(finding: Finding): Violation {
  const [side, ...rest] = finding.path ?? ["response"];
  return {
    side: side === "request" ? "request" : "response",
    location: [side, ...rest].join("."),
    message: finding.message,
    severity: severities[finding.severity] ?? String(finding.severity),
  };
}
