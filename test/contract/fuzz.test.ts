// Contract fuzzing: for every operation, requests generated from its schema — valid ones through
// the client, broken ones raw — must each get an answer the spec documents for that operation,
// with a body that validates against the documented schema. FUZZ_RUNS (default 50) sets the runs
// per operation and kind; FUZZ_SEED replays a failure (fast-check prints the seed and path).
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { valid } from "../support/arbitraries.js";
import { type Operation, operations, parametersOf, requestBodyOf } from "../support/cases.js";
import { invalidRequests, type RequestParts, sendRaw } from "../support/invalid-requests.js";
import { methodOf, mockClient, prismUrl } from "../support/prism.js";
import { deref, schemaErrors } from "../support/spec.js";

const runs = Number(process.env.FUZZ_RUNS ?? 50);
const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const table = new Map(operations.map((op) => [op.operationId, { valid: 0, invalid: 0, undocumented: 0 }]));

/** Arbitrary valid requests for an operation: parameters and body from their schemas. */
function validRequest(op: Operation): fc.Arbitrary<RequestParts> {
  const pathParams = parametersOf(op).filter((p) => p.in === "path");
  const query = parametersOf(op).filter((p) => p.in === "query");
  const body = requestBodyOf(op);
  return fc.record({
    path: fc.record(Object.fromEntries(pathParams.map((p) => [p.name, valid(p.schema)]))),
    query: fc.record(Object.fromEntries(query.map((p) => [p.name, valid(p.schema)])), { requiredKeys: [] }),
    ...(body ? { body: valid(body.schema) } : {}),
  }) as fc.Arbitrary<RequestParts>;
}

/** Checks one answer against the operation's documented responses; returns what is wrong. */
function undocumented(op: Operation, status: number, body: unknown): string | undefined {
  const response = op.operation.responses[String(status)];
  if (!response) return `status ${status} is not documented`;
  if (!deref(response).content)
    return body === "" || body === undefined ? undefined : `a body on a response documented without one`;
  const errors = schemaErrors(op.path, op.method, String(status), body);
  return errors.length ? `body does not match the ${status} schema: ${errors.join("; ")}` : undefined;
}

/** Where the docs promise an answer (P403, or xo1 without a key), whether it came. */
function unpromised(answer: "P403" | "xo1" | undefined, status: number, body: unknown): string | undefined {
  if (answer === "P403" && (status !== 400 || (body as { errorCode?: string }).errorCode !== "P403"))
    return `expected 400 P403, got ${status}`;
  if (answer === "xo1" && (status !== 401 || (body as { message?: string }).message !== "Access Denied. xo1"))
    return `expected 401 xo1, got ${status}`;
  return undefined;
}

function record(op: Operation, kind: "valid" | "invalid", problem: string | undefined, what: unknown) {
  const row = table.get(op.operationId)!;
  row[kind]++;
  if (problem) {
    row.undocumented++;
    throw new Error(
      `${op.operationId} ${kind}: ${problem}\nrequest: ${JSON.stringify(what, (_, v) => (v instanceof Blob ? `(file ${v.type}, ${v.size} B)` : v)).slice(0, 600)}`,
    );
  }
}

describe("the fuzz checker", () => {
  it("flags an undocumented status, a body off its schema, and a body where none is documented", () => {
    const extend = operations.find((op) => op.operationId === "extendUser")!;
    const poa = operations.find((op) => op.operationId === "addPoaFile")!;
    expect(undocumented(extend, 418, {})).toBe("status 418 is not documented");
    expect(undocumented(extend, 400, { error: { code: "invalid_json" } })).toMatch(
      /^body does not match the 400 schema/,
    );
    expect(undocumented(poa, 201, { id: 1 })).toBe("a body on a response documented without one");
    expect(undocumented(extend, 400, { errorCode: "P403", errorMessage: "x" })).toBeUndefined();
  });
});

describe(`contract fuzzing (${runs} valid and ${runs} invalid requests per operation)`, () => {
  for (const op of operations) {
    const validArb = validRequest(op);

    it(`${op.operationId}: valid requests get a documented 2xx`, { timeout: 300_000 }, async () => {
      await fc.assert(
        fc.asyncProperty(validArb, async (request) => {
          const result = await methodOf(mockClient(), op.method)(op.path, {
            params: { path: request.path, query: request.query },
            body: request.body,
            retry: false,
          });
          const status = result.response?.status ?? 0;
          const body = status < 300 ? result.data : result.error;
          const problem =
            result.outcome === "success"
              ? undocumented(op, status, body)
              : `a valid request answered ${result.outcome} ${status}: ${JSON.stringify(body ?? (result.error as Error)?.message)}`;
          record(op, "valid", problem, request);
        }),
        { numRuns: runs, seed },
      );
    });

    it(`${op.operationId}: invalid requests get a documented answer`, { timeout: 300_000 }, async () => {
      const breakages = fc.constantFrom(...invalidRequests(op));
      await fc.assert(
        fc.asyncProperty(validArb, breakages, async (valid, { kind, answer, apply }) => {
          const { request, init } = apply(valid);
          const { status, body } = await sendRaw(prismUrl(), op, request, init);
          const problem = undocumented(op, status, body) ?? unpromised(answer, status, body);
          record(op, "invalid", problem && `${kind}: ${problem}`, { kind, request });
        }),
        { numRuns: runs, seed },
      );
    });
  }
});

afterAll(() => {
  const rows = [...table].map(([id, r]) => `| ${id} | ${r.valid} | ${r.invalid} | ${r.undocumented} |`);
  console.log(
    ["", "| operation | valid tried | invalid tried | undocumented answers |", "|---|---|---|---|", ...rows].join("\n"),
  );
  expect([...table.values()].every((r) => r.undocumented === 0)).toBe(true);
});
