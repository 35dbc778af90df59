// What the mock says of each reply: one log line (`POST /v1/user/balances/extended → 201`), and
// in proxy mode the report of differences from the contract (proxy/diff-log.ts); in the other
// modes, an answer of the mock's own that breaks the spec is said at once (a bug).
import type { Observer } from "./pipeline/pipeline.js";
import { type DiffLog, describeEntry, describeFailure } from "./proxy/diff-log.js";

export interface LogLineOptions {
  onOutput?: ((text: string) => void) | undefined;
  /** Proxy mode: the upstream, and the report its calls go to. */
  proxy?: string | undefined;
  diffs: DiffLog;
  /** The mock's own answers that break the spec, in every mode but proxy. */
  ownAnswers: DiffLog;
}

export function logLines({ onOutput, proxy, diffs, ownAnswers }: LogLineOptions): Observer {
  return (call, reply) => {
    const method = call.method.toUpperCase();
    const { status } = reply;
    const findings = reply.findings ?? [];
    const facts = call.facts;
    // An upstream that was not reached gets a line of its own below, with the reason.
    const note = facts.failure === undefined ? facts.note : undefined;
    onOutput?.(`${method} ${call.path} → ${status}${note ? ` ${note}` : ""}\n`);
    if (proxy !== undefined) {
      // The log and the report name the operation's path template, never the ids in a path.
      const where = facts.path ?? "(before routing)";
      if (facts.failure !== undefined && facts.brokenAfter !== undefined) {
        diffs.broke(method, where, facts.brokenAfter, facts.failure);
        onOutput?.(
          `p100-mock: the upstream's answer broke off: ${method} ${where}: HTTP ${facts.brokenAfter}, then ${facts.failure} (the call reached it); answered 502\n`,
        );
        return;
      }
      if (facts.failure !== undefined) {
        const failure = diffs.fail(method, where, facts.failure);
        onOutput?.(`p100-mock: ${describeFailure(failure, proxy)}\n`);
        return;
      }
      // Answered here (a mistake of the caller's): the upstream saw nothing, so nothing was checked.
      if (facts.upstreamStatus === undefined) {
        diffs.answeredLocally(method, facts.path, status, facts.summary ?? `answered ${status} by the mock`);
        return;
      }
      // Prism would replace an upstream 501 by a mocked example; this mock passes the real one on.
      if (facts.upstreamStatus === 501)
        onOutput?.(
          `p100-mock: the upstream answered ${method} ${where} with 501; passed on as it came (not remocked)\n`,
        );
      const entry = diffs.record(method, where, status, findings);
      if (entry) onOutput?.(`p100-mock: ${describeEntry(entry)}\n`);
      return;
    }
    // The mock's own answers must keep the contract: one that does not is a bug, said at once.
    const broken = findings.filter((f) => f.path?.[0] === "response" && f.severity === 0);
    // Under the path template, as the proxy's report: one entry per broken answer, whatever the ids.
    const entry = ownAnswers.record(method, call.facts.path ?? call.path, status, broken);
    if (entry) onOutput?.(`p100-mock: this answer breaks the spec: ${describeEntry(entry)}\n`);
  };
}
