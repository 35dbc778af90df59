// The proxy's record of where the real API and the contract differ (its "contract differences";
// the client's own shape check is `drift`, a different thing): one entry per distinct difference
// Prism found, per distinct reason a call never reached the upstream, each with the calls that met
// it, and the Markdown report a partner can send back. Each kind keeps `maxEntries` distinct
// entries, so a long session's memory is bounded; a call beyond them is counted, and the report
// says so. It holds methods, path templates (`/v1/user/balances/{externalUserId}`, never the ids
// in them), statuses, Prism's findings and failure reasons only: never a header, so never the API
// key, and no user data.
import { defaultMaxDiffEntries } from "../options.js";

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
  /** The calls that met these same differences (method, path template, status and findings). */
  calls: number;
  /** Findings of the call beyond the first `maxViolations`, not kept. */
  moreViolations?: number;
}

/** A call that never reached the upstream, so nothing about it was checked. */
export interface FailedCall {
  method: string;
  path: string;
  /** Why, e.g. `ECONNREFUSED (connect ECONNREFUSED 127.0.0.1:4011)`. */
  reason: string;
  calls: number;
}

/** A call the mock answered itself, without the upstream (a body too large, a malformed path, a bad `Prefer`). */
export interface LocalAnswer {
  method: string;
  /** The operation's path template, or `(before routing)`. */
  path: string;
  status: number;
  why: string;
  calls: number;
}

/** A call the upstream got, whose answer broke off after its status: not checked, and maybe carried out. */
export interface BrokenAnswer {
  method: string;
  path: string;
  status: number;
  reason: string;
  calls: number;
}

/** Findings kept per entry: one broken answer (a long array of bad items) can have thousands. */
export const maxViolations = 20;

/** One kind of record: a call like one kept adds to its count; a new one beyond the cap is only counted. */
class Kept<T extends { calls: number }> {
  readonly items: T[] = [];
  private readonly index = new Map<string, T>();
  /** Every call of this kind, kept or not. */
  calls = 0;
  /** Calls not kept: new distinct ones once `max` were kept. */
  dropped = 0;
  constructor(private readonly max: number) {}

  add(item: Omit<T, "calls">): T {
    this.calls++;
    const key = JSON.stringify(item);
    const found = this.index.get(key);
    if (found) {
      found.calls++;
      return found;
    }
    const kept = { ...item, calls: 1 } as T;
    if (this.items.length < this.max) {
      this.items.push(kept);
      this.index.set(key, kept);
    } else this.dropped++;
    return kept;
  }

  clear() {
    this.items.length = 0;
    this.index.clear();
    this.calls = 0;
    this.dropped = 0;
  }
}

export class DiffLog {
  private readonly differing: Kept<DiffEntry>;
  private readonly unreached: Kept<FailedCall>;
  private readonly here: Kept<LocalAnswer>;
  private readonly cut: Kept<BrokenAnswer>;
  /** Every call recorded, with or without differences. */
  calls = 0;
  /** Distinct entries kept of each kind (differences, failures, local, broken). */
  readonly maxEntries: number;

  /**
   * `upstream` and `specVersion` are what the report names when `report()` is called without them;
   * `maxEntries` bounds each kind of record (1000 distinct entries by default).
   */
  constructor(private readonly defaults: { upstream?: string; specVersion?: string; maxEntries?: number } = {}) {
    this.maxEntries = defaults.maxEntries ?? defaultMaxDiffEntries;
    this.differing = new Kept(this.maxEntries);
    this.unreached = new Kept(this.maxEntries);
    this.here = new Kept(this.maxEntries);
    this.cut = new Kept(this.maxEntries);
  }

  /** The calls with differences, one entry per distinct difference (its `calls` count them). */
  get entries(): DiffEntry[] {
    return this.differing.items;
  }
  get failures(): FailedCall[] {
    return this.unreached.items;
  }
  get local(): LocalAnswer[] {
    return this.here.items;
  }
  get broken(): BrokenAnswer[] {
    return this.cut.items;
  }

  /** How many calls of each kind, kept or not, and how many were not kept (over `maxEntries`). */
  counts() {
    const kinds = [this.differing, this.unreached, this.here, this.cut];
    return {
      calls: this.calls,
      checked: this.calls - this.unreached.calls - this.here.calls - this.cut.calls,
      differing: this.differing.calls,
      unreached: this.unreached.calls,
      local: this.here.calls,
      broken: this.cut.calls,
      dropped: kinds.reduce((sum, kind) => sum + kind.dropped, 0),
    };
  }

  /** Forgets every call (a test's fresh start). */
  clear() {
    for (const kind of [this.differing, this.unreached, this.here, this.cut]) kind.clear();
    this.calls = 0;
  }

  /**
   * Records one call with Prism's findings, each `path` starting with `request` or `response`.
   * `path` is the one to report (the proxy gives the operation's path template). Returns the
   * entry (for the log line) when there are differences, kept or not.
   */
  record(method: string, path: string, status: number, findings: Finding[]): DiffEntry | undefined {
    this.calls++;
    if (findings.length === 0) return undefined;
    const violations = findings.slice(0, maxViolations).map(toViolation);
    const more = findings.length - violations.length;
    return this.differing.add({ method, path, status, violations, ...(more > 0 && { moreViolations: more }) });
  }

  /** Records one call that never reached the upstream: counted apart, never as a match. */
  fail(method: string, path: string, reason: string): FailedCall {
    this.calls++;
    return this.unreached.add({ method, path, reason });
  }

  /** Records one call whose answer broke off after `status`: counted apart, never as a match. */
  broke(method: string, path: string, status: number, reason: string): BrokenAnswer {
    this.calls++;
    return this.cut.add({ method, path, status, reason });
  }

  /** Records one call the mock answered itself: counted apart, neither checked nor a match. */
  answeredLocally(method: string, path: string | undefined, status: number, why: string): LocalAnswer {
    this.calls++;
    return this.here.add({ method, path: path ?? "(before routing)", status, why });
  }

  /** Markdown: a header line with the totals, then one table row per distinct difference. */
  report(
    upstream = this.defaults.upstream ?? "(unknown)",
    specVersion = this.defaults.specVersion ?? "(unknown)",
    at = new Date(),
  ): string {
    const cell = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ");
    const rows = this.entries.flatMap((entry) => [
      ...entry.violations.map(
        (v) =>
          `| ${entry.method} | \`${cell(entry.path)}\` | ${entry.status} | ${v.side} | \`${cell(v.location)}\` | ${cell(v.message)} | ${entry.calls} |`,
      ),
      ...(entry.moreViolations
        ? [
            `| ${entry.method} | \`${cell(entry.path)}\` | ${entry.status} | | | and ${entry.moreViolations} more finding(s), not kept (the first ${maxViolations} are) | ${entry.calls} |`,
          ]
        : []),
    ]);
    const failed = this.failures.map((f) => `| ${f.method} | \`${cell(f.path)}\` | ${cell(f.reason)} | ${f.calls} |`);
    const here = this.local.map(
      (l) => `| ${l.method} | \`${cell(l.path)}\` | ${l.status} | ${cell(l.why)} | ${l.calls} |`,
    );
    const cut = this.broken.map(
      (b) => `| ${b.method} | \`${cell(b.path)}\` | ${b.status} | ${cell(b.reason)} | ${b.calls} |`,
    );
    const { checked, differing, unreached, local, broken, dropped } = this.counts();
    const unchecked = [
      ...(unreached ? [`${unreached} call(s) never reached the upstream`] : []),
      ...(broken ? [`${broken} answer(s) broke off`] : []),
      ...(local ? [`${local} call(s) were answered by the mock itself`] : []),
    ].join(" and ");
    const verdict =
      checked === 0
        ? "Nothing was checked: no answer came from the upstream."
        : unchecked
          ? `No differences in the ${checked} answer(s) that came, but ${unchecked} (below): they were not checked.`
          : "No differences: every answer matched the contract.";
    return [
      "# P100 contract differences report",
      "",
      `Upstream ${upstream}, spec ${specVersion}, ${at.toISOString()}: ${this.calls} call(s), ${checked} answered and checked, ${differing} with differences, ${unreached} never reached the upstream${broken ? `, ${broken} answers broke off` : ""}${local ? `, ${local} answered by the mock itself` : ""}.`,
      ...(dropped
        ? [
            "",
            `${dropped} call(s) are counted above but not listed below: each table keeps ${this.maxEntries} distinct entries (maxDiffEntries, --max-diff-entries).`,
          ]
        : []),
      "",
      ...(rows.length
        ? [
            "| method | path | status | side | where | what differed | calls |",
            "|---|---|---|---|---|---|---|",
            ...rows,
          ]
        : [verdict]),
      ...(failed.length
        ? [
            "",
            "## Calls that never reached the upstream",
            "",
            "| method | path | why | calls |",
            "|---|---|---|---|",
            ...failed,
          ]
        : []),
      ...(cut.length
        ? [
            "",
            "## Answers that broke off (the upstream got these calls)",
            "",
            "| method | path | status | why | calls |",
            "|---|---|---|---|---|",
            ...cut,
          ]
        : []),
      ...(here.length
        ? [
            "",
            "## Calls the mock answered itself (not sent to the upstream)",
            "",
            "| method | path | status | why | calls |",
            "|---|---|---|---|---|",
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
