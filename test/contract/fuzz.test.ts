// Contract fuzzing: for every operation, requests generated from its schema — valid ones through
// the client, broken ones raw — must each get an answer the spec documents for that operation,
// with a body that validates against the documented schema. FUZZ_RUNS (default 50) sets the runs
// per operation and kind; FUZZ_SEED replays a failure (fast-check prints the seed and path).
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { breakages, valid } from "./support/arbitraries.js";
import { type Operation, operations, parametersOf, requestBodyOf, toFormData, urlFor } from "./support/cases.js";
import { methodOf, mockClient, prismUrl } from "./support/prism.js";
import { deref, schemaErrors } from "./support/spec.js";

const runs = Number(process.env.FUZZ_RUNS ?? 50);
const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const table = new Map(operations.map((op) => [op.operationId, { valid: 0, invalid: 0, undocumented: 0 }]));

type Request = { path: Record<string, unknown>; query: Record<string, unknown>; body?: unknown };

/** Arbitrary valid requests for an operation: parameters and body from their schemas. */
function validRequest(op: Operation): fc.Arbitrary<Request> {
  const pathParams = parametersOf(op).filter((p) => p.in === "path");
  const query = parametersOf(op).filter((p) => p.in === "query");
  const body = requestBodyOf(op);
  return fc.record({
    path: fc.record(Object.fromEntries(pathParams.map((p) => [p.name, valid(p.schema)]))),
    query: fc.record(Object.fromEntries(query.map((p) => [p.name, valid(p.schema)])), { requiredKeys: [] }),
    ...(body ? { body: valid(body.schema) } : {}),
  }) as fc.Arbitrary<Request>;
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

/** A raw request (the types forbid these) against the mock. */
async function raw(op: Operation, request: Request, init: { body?: BodyInit; contentType?: string; apiKey?: boolean }) {
  const headers: Record<string, string> = {};
  if (init.apiKey !== false) headers["x-api-key"] = "fuzz-key";
  if (init.contentType) headers["content-type"] = init.contentType;
  const response = await fetch(`${prismUrl()}${urlFor(op, request.path, request.query)}`, {
    method: op.method.toUpperCase(),
    headers,
    body: init.body,
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === "" ? "" : JSON.parse(text);
  } catch {
    // keep the text: it will not validate against any JSON schema
  }
  return { status: response.status, body };
}

/** Arbitrary broken requests: each a way the spec's schemas (or plain HTTP) can be broken. */
function invalidRequest(
  op: Operation,
  validArb: fc.Arbitrary<Request>,
): fc.Arbitrary<{ kind: string; request: Request; init: Parameters<typeof raw>[2] }> {
  const body = requestBodyOf(op);
  const json = body?.mediaType === "application/json";
  const send = (_request: Request, value: unknown) =>
    body?.mediaType === "multipart/form-data" && typeof value === "object" && value !== null && !Array.isArray(value)
      ? { body: toFormData(value as Record<string, unknown>) }
      : { body: JSON.stringify(value), contentType: "application/json" };
  const kinds: fc.Arbitrary<{ kind: string; request: Request; init: Parameters<typeof raw>[2] }>[] = [
    validArb.map((request) => ({
      kind: "no x-api-key",
      request,
      init: { ...(body ? send(request, request.body) : {}), apiKey: false },
    })),
  ];
  if (body) {
    kinds.push(
      fc.tuple(validArb, fc.constantFrom(...breakages(body.schema))).map(([request, breakage]) => ({
        kind: breakage.kind,
        request,
        init: send(request, breakage.apply(request.body as Record<string, unknown>)),
      })),
      validArb.map((request) => ({
        kind: "broken JSON",
        request,
        init: { body: JSON.stringify(request.body).slice(0, -1), contentType: "application/json" },
      })),
      validArb.map((request) => ({
        kind: "wrong content type",
        request,
        init: { body: json ? JSON.stringify(request.body) : "files=a.pdf", contentType: "text/plain" },
      })),
      validArb.map((request) => ({ kind: "no body", request, init: {} })),
    );
    const strings = Object.entries<any>(deref(body.schema).properties ?? {}).filter(
      ([, p]) => deref(p).type === "string" && !deref(p).enum && !deref(p).format && !deref(p).pattern,
    );
    if (json && strings.length) {
      kinds.push(
        fc.tuple(validArb, fc.constantFrom(...strings.map(([name]) => name))).map(([request, field]) => ({
          kind: `oversize ${field}`,
          request,
          init: send(request, { ...(request.body as object), [field]: "x".repeat(200_000) }),
        })),
      );
    }
  }
  for (const param of parametersOf(op).filter((p) => p.in === "query")) {
    kinds.push(
      fc.tuple(validArb, fc.constantFrom(0, -1, "abc", 1.5, 10_000)).map(([request, value]) => ({
        kind: `bad query ${param.name}`,
        request: { ...request, query: { ...request.query, [param.name]: value } },
        init: body ? send(request, request.body) : {},
      })),
    );
  }
  return fc.oneof(...kinds);
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
      await fc.assert(
        fc.asyncProperty(invalidRequest(op, validArb), async ({ kind, request, init }) => {
          const { status, body } = await raw(op, request, init);
          record(op, "invalid", undocumented(op, status, body) && `${kind}: ${undocumented(op, status, body)}`, {
            kind,
            request,
          });
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
