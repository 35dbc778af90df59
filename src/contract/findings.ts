// From many compared exchanges to findings, each with its evidence: how many exchanges, first
// and last seen, the hosts, one exchange to look at. Loosening needs one observation; tightening
// (an optional field always present, an enum never wider) needs several and no counterexample.
import type { Compared, Observation } from "./compare.js";

export interface Evidence {
  exchanges: number;
  first?: string;
  last?: string;
  hosts: string[];
  /** One exchange to look at: `traffic.har entry 12: GET /v1/user/balances/{externalUserId} → 200`. */
  example: string;
  operations: string[];
}

export type FindingKind =
  | "p-code"
  | "missing-field"
  | "extra-field"
  | "enum-value"
  | "status"
  | "tighten-required"
  | "tighten-enum"
  | "request-refused"
  | "other";

export interface Finding {
  kind: FindingKind;
  /** What it means, one line. */
  summary: string;
  evidence: Evidence;
  /** The observations behind it (the same kind), for the overlay's actions. */
  observations: Observation[];
  /** Each operation's pointer in the bundle, for `x-p100-source`. */
  operationPointers: string[];
}

export interface Learned {
  exchanges: number;
  /** Changes to propose (loosening and additions, then tightening). */
  proposals: Finding[];
  /** For a person: requests the spec refuses but the upstream accepted, other differences. */
  forReview: Finding[];
  /** Answers that cannot be P100's, grouped by reason: no proposal. */
  notP100: { reason: string; evidence: Evidence }[];
}

export interface LearnOptions {
  /** Observations an optional field needs, all with it, before `required` is proposed (default 5). */
  minObservations?: number;
}

class Tally {
  /** The exchanges seen, each once however many observations it gave. */
  private readonly seen = new Set<Compared>();
  first?: string;
  last?: string;
  hosts = new Set<string>();
  operations = new Set<string>();
  operationPointers = new Set<string>();
  example = "";
  observations: Observation[] = [];

  add(compared: Compared, observation?: Observation) {
    const { exchange, operation } = compared;
    if (observation) this.observations.push(observation);
    if (this.seen.has(compared)) return;
    this.seen.add(compared);
    if (exchange.time) {
      if (!this.first || exchange.time < this.first) this.first = exchange.time;
      if (!this.last || exchange.time > this.last) this.last = exchange.time;
    }
    if (exchange.host) this.hosts.add(exchange.host);
    if (operation) {
      this.operations.add(operation.operationId);
      this.operationPointers.add(operation.pointer);
    }
    if (!this.example) {
      const route = operation ? `${operation.method} ${operation.template}` : exchange.method;
      this.example = `${exchange.where}: ${route} → ${exchange.status}`;
    }
  }

  get count(): number {
    return this.seen.size;
  }

  evidence(): Evidence {
    return {
      exchanges: this.count,
      ...(this.first && { first: this.first }),
      ...(this.last && { last: this.last }),
      hosts: [...this.hosts].sort(),
      example: this.example,
      operations: [...this.operations].sort(),
    };
  }
}

/** The key that groups observations into one finding, and its summary; undefined for presence counts. */
function keyOf(o: Observation, operationId: string): [string, string] | undefined {
  switch (o.kind) {
    case "p-code":
      return [
        `p-code ${operationId} ${o.status} ${o.code}`,
        `${operationId} answered ${o.status} ${o.code}, a P-code it does not document`,
      ];
    case "status":
      return [
        `status ${operationId} ${o.status}`,
        `${operationId} answered ${o.status}, a status it does not document`,
      ];
    case "missing-field":
      return [
        `missing ${o.schemaAt} ${o.field}`,
        `\`${o.field}\` was missing from an answer, but ${o.schemaAt} requires it`,
      ];
    case "extra-field":
      return [
        `extra ${o.schemaAt} ${o.field}`,
        `\`${o.field}\` (${o.type}) came in an answer, but ${o.schemaAt} does not declare it`,
      ];
    case "enum-value":
      return [
        `enum ${o.schemaAt} ${o.value}`,
        `${JSON.stringify(o.value)} came in an answer, a value ${o.schemaAt}'s enum lacks`,
      ];
    case "request-refused":
      return [
        `request ${operationId} ${o.problems.join("; ")}`,
        `the upstream accepted (${o.status}) a request of ${operationId} the spec refuses: ${o.problems.join("; ")}`,
      ];
    case "other":
      return [`other ${operationId} ${o.status} ${o.problem}`, `${operationId} ${o.status}: ${o.problem}`];
    default:
      return undefined;
  }
}

/** Findings from compared exchanges. */
export function learnFrom(compared: Compared[], { minObservations = 5 }: LearnOptions = {}): Learned {
  if (!Number.isInteger(minObservations) || minObservations < 2) {
    throw new Error("tightening needs at least 2 observations (--min-observations)");
  }
  const groups = new Map<string, { kind: FindingKind; summary: string; tally: Tally }>();
  const garbage = new Map<string, Tally>();
  const presence = new Map<string, { with: Tally; without: number; observation: Observation }>();
  const enums = new Map<string, { tally: Tally; values: Set<string | number>; allowed: (string | number)[] }>();
  for (const c of compared) {
    for (const o of c.observations) {
      if (o.kind === "not-p100") {
        const tally = garbage.get(o.reason) ?? new Tally();
        tally.add(c);
        garbage.set(o.reason, tally);
        continue;
      }
      if (o.kind === "present") {
        const key = `${o.schemaAt} ${o.field}`;
        const entry = presence.get(key) ?? { with: new Tally(), without: 0, observation: o };
        if (o.present) entry.with.add(c, o);
        else entry.without++;
        presence.set(key, entry);
        continue;
      }
      if (o.kind === "enum-seen") {
        const entry = enums.get(o.schemaAt) ?? { tally: new Tally(), values: new Set(), allowed: o.allowed };
        entry.tally.add(c, o);
        entry.values.add(o.value);
        enums.set(o.schemaAt, entry);
        continue;
      }
      const keyed = keyOf(o, c.operation?.operationId ?? "?");
      if (!keyed) continue;
      const [key, summary] = keyed;
      const group = groups.get(key) ?? { kind: o.kind as FindingKind, summary, tally: new Tally() };
      group.tally.add(c, o);
      groups.set(key, group);
    }
  }
  const finding = ({ kind, summary, tally }: { kind: FindingKind; summary: string; tally: Tally }): Finding => ({
    kind,
    summary,
    evidence: tally.evidence(),
    observations: tally.observations,
    operationPointers: [...tally.operationPointers].sort(),
  });
  const all = [...groups.values()].map(finding);
  const tightening = [...presence.values()]
    .filter((p) => p.without === 0 && p.with.count >= minObservations)
    .map((p) => {
      const o = p.observation as Extract<Observation, { kind: "present" }>;
      const summary = `\`${o.field}\` came in all ${p.with.count} answers and was never missing: ${o.schemaAt} could require it`;
      return finding({ kind: "tighten-required", summary, tally: p.with });
    });
  // An enum narrower than the spec's: several answers, every value one of the enum's, some never.
  const widened = new Set(
    all.flatMap((f) => f.observations.flatMap((o) => (o.kind === "enum-value" ? [o.schemaAt] : []))),
  );
  for (const [schemaAt, { tally, values, allowed }] of enums) {
    const unseen = allowed.filter((v) => !values.has(v));
    if (tally.count < minObservations || widened.has(schemaAt) || !unseen.length) continue;
    const summary = `${schemaAt}'s enum: ${[...values].map((v) => JSON.stringify(v)).join(", ")} in all ${tally.count} answers, never ${unseen.map((v) => JSON.stringify(v)).join(", ")}: it could be narrower`;
    tightening.push(finding({ kind: "tighten-enum", summary, tally }));
  }
  const review: FindingKind[] = ["request-refused", "other"];
  const byKind = (a: Finding, b: Finding) => a.kind.localeCompare(b.kind) || a.summary.localeCompare(b.summary);
  return {
    exchanges: compared.length,
    proposals: [...all.filter((f) => !review.includes(f.kind)).sort(byKind), ...tightening.sort(byKind)],
    forReview: all.filter((f) => review.includes(f.kind)).sort(byKind),
    notP100: [...garbage.entries()]
      .map(([reason, tally]) => ({ reason, evidence: tally.evidence() }))
      .sort((a, b) => a.reason.localeCompare(b.reason)),
  };
}
