// DiffLog (src/mock/proxy/diff-log.ts) alone: a call like one kept adds to its count, a new one
// beyond the cap is counted and not kept, one call's findings are capped, and the report states
// every count. No socket, no process.
import { describe, expect, it } from "vitest";
import { DiffLog, type Finding, maxViolations } from "../../../src/mock/proxy/diff-log.js";

const at = new Date("2026-01-02T03:04:05.000Z");
const missing = (field: string): Finding => ({
  path: ["response", "body"],
  message: `Response body must have required property '${field}'`,
  severity: 0,
});

it("never calls a run with unreached calls a match, even when every answer that came matched", () => {
  const diffs = new DiffLog();
  diffs.record("GET", "/v1/user/balances/{externalUserId}", 200, []);
  diffs.fail("POST", "/v1/user/balances/extended", "ENOTFOUND (getaddrinfo ENOTFOUND p100.test)");
  expect(diffs.report("https://p100.test", "0.2.0", at)).toBe(
    [
      "# P100 contract differences report",
      "",
      "Upstream https://p100.test, spec 0.2.0, 2026-01-02T03:04:05.000Z: 2 call(s), 1 answered and checked, 0 with differences, 1 never reached the upstream.",
      "",
      "No differences in the 1 answer(s) that came, but 1 call(s) never reached the upstream (below): they were not checked.",
      "",
      "## Calls that never reached the upstream",
      "",
      "| method | path | why | calls |",
      "|---|---|---|---|",
      "| POST | `/v1/user/balances/extended` | ENOTFOUND (getaddrinfo ENOTFOUND p100.test) | 1 |",
      "",
    ].join("\n"),
  );
});

describe("bounded", () => {
  it("keeps one entry per distinct difference, counting the calls that met it", () => {
    const diffs = new DiffLog();
    for (let i = 0; i < 5000; i++) diffs.record("GET", "/v1/user/balances/{externalUserId}", 200, [missing("userId")]);
    diffs.record("GET", "/v1/user/balances/{externalUserId}", 200, [missing("fiatBalances")]);
    diffs.record("GET", "/v1/user/balances/{externalUserId}", 404, [missing("userId")]);
    expect(diffs.entries.map((e) => [e.status, e.violations[0]?.message, e.calls])).toEqual([
      [200, "Response body must have required property 'userId'", 5000],
      [200, "Response body must have required property 'fiatBalances'", 1],
      [404, "Response body must have required property 'userId'", 1],
    ]);
    expect(diffs.counts()).toEqual({
      calls: 5002,
      checked: 5002,
      differing: 5002,
      unreached: 0,
      local: 0,
      broken: 0,
      dropped: 0,
    });
    expect(diffs.report("https://p100.test", "0.2.0", at).split("\n").slice(2, 8)).toEqual([
      "Upstream https://p100.test, spec 0.2.0, 2026-01-02T03:04:05.000Z: 5002 call(s), 5002 answered and checked, 5002 with differences, 0 never reached the upstream.",
      "",
      "| method | path | status | side | where | what differed | calls |",
      "|---|---|---|---|---|---|---|",
      "| GET | `/v1/user/balances/{externalUserId}` | 200 | response | `response.body` | Response body must have required property 'userId' | 5000 |",
      "| GET | `/v1/user/balances/{externalUserId}` | 200 | response | `response.body` | Response body must have required property 'fiatBalances' | 1 |",
    ]);
  });

  it("beyond maxEntries distinct entries of a kind, counts a new one without keeping it, and the report says so", () => {
    const diffs = new DiffLog({ upstream: "https://p100.test", specVersion: "0.2.0", maxEntries: 2 });
    for (const status of [500, 501, 502, 503, 500]) diffs.record("GET", "/v1/user", status, [missing("userId")]);
    for (const reason of ["ECONNREFUSED", "ENOTFOUND", "ETIMEDOUT"]) diffs.fail("GET", "/v1/user", reason);
    for (const why of ["a", "b", "c", "d"]) diffs.answeredLocally("GET", undefined, 400, why);
    diffs.broke("GET", "/v1/user", 200, "ECONNRESET");
    expect(diffs.entries.map((e) => [e.status, e.calls])).toEqual([
      [500, 2],
      [501, 1],
    ]);
    expect(diffs.failures.map((f) => f.reason)).toEqual(["ECONNREFUSED", "ENOTFOUND"]);
    expect(diffs.local.map((l) => l.why)).toEqual(["a", "b"]);
    expect(diffs.counts()).toEqual({
      calls: 13,
      checked: 5,
      differing: 5,
      unreached: 3,
      local: 4,
      broken: 1,
      dropped: 2 + 1 + 2,
    });
    // Entries kept stay the same objects: a repeat of a dropped one is dropped again, counted.
    diffs.record("GET", "/v1/user", 503, [missing("userId")]);
    expect(diffs.counts().dropped).toBe(6);
    const report = diffs.report(undefined, undefined, at);
    expect(report).toContain(
      "Upstream https://p100.test, spec 0.2.0, 2026-01-02T03:04:05.000Z: 14 call(s), 6 answered and checked, 6 with differences, 3 never reached the upstream, 1 answers broke off, 4 answered by the mock itself.",
    );
    expect(report).toContain(
      "6 call(s) are counted above but not listed below: each table keeps 2 distinct entries (maxDiffEntries, --max-diff-entries).",
    );
  });

  it(`keeps the first ${maxViolations} findings of one call, and says how many more there were`, () => {
    const diffs = new DiffLog();
    const findings = Array.from({ length: 3000 }, (_, i) => missing(`field${i}`));
    const entry = diffs.record("POST", "/v1/user", 200, findings);
    expect(entry?.violations).toHaveLength(maxViolations);
    expect(entry?.moreViolations).toBe(3000 - maxViolations);
    const rows = diffs.report("https://p100.test", "0.2.0", at).split("\n");
    expect(rows).toContain(
      `| POST | \`/v1/user\` | 200 | | | and ${3000 - maxViolations} more finding(s), not kept (the first ${maxViolations} are) | 1 |`,
    );
    expect(rows.filter((row) => row.startsWith("| POST |"))).toHaveLength(maxViolations + 1);
  });

  it("clear() forgets every call", () => {
    const diffs = new DiffLog({ maxEntries: 1 });
    diffs.record("GET", "/v1/user", 500, [missing("userId")]);
    diffs.record("GET", "/v1/user", 501, [missing("userId")]);
    diffs.clear();
    expect(diffs.counts()).toMatchObject({ calls: 0, dropped: 0 });
    diffs.record("GET", "/v1/user", 501, [missing("userId")]);
    expect(diffs.entries.map((e) => [e.status, e.calls])).toEqual([[501, 1]]);
  });
});
