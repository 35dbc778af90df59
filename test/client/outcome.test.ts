// Sorting one answer into its outcome (src/client/outcome.ts), with no server: the tolerance tables
// (test/support/answer-tables.ts) handed to `classify` as Responses, then what each outcome keeps:
// the drift lines, the text beside them, Retry-After on a 429, the API key redacted.
import { describe, expect, it } from "vitest";
import { classify } from "../../src/client/outcome.js";
import { createRedactor } from "../../src/client/redact.js";
import { operationById, operationByRoute } from "../../src/spec/operations.js";
import { type AnswerCase, garbage, plausible } from "../support/answer-tables.js";

const none = createRedactor("sk_test_never-echoed");

/** The table's answer classified for the table's operation, and what differs from its `expect`. */
function problemsOf(c: AnswerCase): string[] {
  const [method, path] = c.route.split(" ") as [string, string];
  const template = c.template ?? path.replace(/\/[0-9a-f-]{36}$/, "/{externalUserId}");
  const info = operationByRoute(method, template);
  if (!info) return [`no operation ${method} ${template}`];
  const headers = { "content-type": c.answer.contentType ?? "application/json" };
  const body = [204, 205, 304].includes(c.answer.status) ? null : c.answer.body;
  const result = classify(info, new Response(body, { status: c.answer.status, headers }), c.answer.body, none);
  const want = c.expect;
  const problems: string[] = [];
  if (result.outcome !== want.outcome) problems.push(`outcome ${result.outcome}, expected ${want.outcome}`);
  if (want.outcome === "unexpected") {
    const reason = (result.error as { reason?: string }).reason;
    if (reason !== want.reason) problems.push(`reason ${reason}, expected ${want.reason}`);
    return problems;
  }
  if (result.status !== want.status) problems.push(`status ${result.status}, expected ${want.status}`);
  const drift = result.drift ?? [];
  for (const line of want.drift ?? []) if (!drift.includes(line)) problems.push(`drift lacks "${line}"`);
  if (!want.drift && drift.length) problems.push(`unexpected drift ${JSON.stringify(drift)}`);
  if ("data" in want && result.data !== want.data) problems.push(`data is ${JSON.stringify(result.data)}`);
  const kept = (result.outcome === "error" ? result.error : result.data) as Record<string, unknown>;
  for (const [key, value] of Object.entries(want.fields ?? {}))
    if (kept?.[key] !== value) problems.push(`${key} is ${JSON.stringify(kept?.[key])}`);
  return problems;
}

describe("classify, on the tolerance tables", () => {
  it.for(plausible)("$name → $expect.outcome", (c) => expect(problemsOf(c)).toEqual([]));
  it.for(garbage)("$name → $expect.reason", (c) => expect(problemsOf(c)).toEqual([]));
});

describe("what an outcome keeps", () => {
  const extend = operationById("extendUser")!;
  const balances = operationById("getUserBalances")!;
  const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    return [new Response(text, { status, headers: { "content-type": "application/json", ...headers } }), text] as const;
  };

  it("the raw text beside a drift, and none without one", () => {
    const drifted = classify(balances, ...json(200, { userId: "u" }), none);
    expect(drifted.drift).toEqual(["`cryptoBalances` is missing", "`fiatBalances` is missing"]);
    expect(drifted.text).toBe('{"userId":"u"}');
    const clean = classify(balances, ...json(200, { userId: "u", fiatBalances: [], cryptoBalances: [] }), none);
    expect(clean).toMatchObject({ outcome: "success", status: 200, drift: [] });
    expect(clean.text).toBeUndefined();
  });

  it("a pending 202's body as data, its documented P-code without drift", () => {
    const result = classify(extend, ...json(202, { errorCode: "P211", errorMessage: "POA pending" }), none);
    expect(result).toMatchObject({ outcome: "pending", status: 202, data: { errorCode: "P211" }, drift: [] });
  });

  it("a body that is not what JSON's type says: an array for an object", () => {
    expect(classify(balances, ...json(200, []), none).drift).toEqual(["the body is an array, not an object"]);
    expect(classify(balances, ...json(200, "text"), none).drift).toEqual(["the body is string, not an object"]);
  });

  it("a 429's Retry-After on the unexpected error", () => {
    const result = classify(balances, ...json(429, {}, { "retry-after": "3" }), none);
    expect(result.error).toMatchObject({ reason: "rate-limited", status: 429, retryAfterMs: 3000 });
  });

  it("the API key redacted from data, error, drift and text, parsed from the raw text first", () => {
    const key = "sk_live_0123456789";
    const redactor = createRedactor(key);
    // JSON-escaped in the body: the redacted text would no longer be the same JSON.
    const [response, text] = json(400, { errorCode: key, errorMessage: `bad key ${key}`, [key]: 1 });
    const result = classify(extend, response, text, redactor);
    expect(JSON.stringify(result.error)).not.toContain(key);
    expect(result.error).toEqual({
      errorCode: "[redacted]",
      errorMessage: "bad key [redacted]",
      "[redacted]": 1,
    });
    expect(result.drift).toEqual(["errorCode [redacted] is not documented for HTTP 400"]);
    expect(result.text).not.toContain(key);
    const garbled = classify(balances, new Response(`<p>${key}</p>`, { status: 200 }), `<p>${key}</p>`, redactor);
    expect(garbled.error).toMatchObject({ reason: "not-json", text: "<p>[redacted]</p>" });
  });
});
