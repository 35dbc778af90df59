// The consumer mock: the programmatic helper, the typed response picker, and a validation
// contract derived from the spec — whatever breaks the spec gets a documented answer (sent to the
// mock in this process, createMockFetch: no socket).
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as entry from "../../src/index.js";
import { createP100Client } from "../../src/index.js";
import { createMockFetch, type InProcessMock, MockStartError, prefer, startMock } from "../../src/mock/index.js";
import { documentedRequest, operations, parametersOf, requestBodyOf } from "../support/cases.js";
import { invalidRequests, sendRaw } from "../support/invalid-requests.js";
import { prismUrl } from "../support/prism.js";
import { schemaErrors } from "../support/spec.js";

const require = createRequire(import.meta.url);

describe("startMock", () => {
  it("resolves with a URL that answers, and close() stops it", async () => {
    const mock = await startMock();
    const client = createP100Client({ apiKey: "k", baseUrl: mock.url });
    const result = await client.POST("/v1/user/balances/extended", { body: { externalUserId: "u" } });
    expect(result.status).toBe(201);
    await mock.close();
    await expect(fetch(mock.url)).rejects.toThrow();
    await mock.close(); // a second close is harmless
  });

  it.each([99999, -1, 1.5, Number.NaN])("rejects port %s with a one-line reason", async (port) => {
    await expect(startMock({ port })).rejects.toThrow(
      new MockStartError(`port must be a whole number from 0 to 65535 (got ${port})`),
    );
  });

  it("rejects, with the reason, when the port is taken", async () => {
    const port = Number(new URL(prismUrl()).port);
    await expect(startMock({ port })).rejects.toThrow(
      new MockStartError(
        `port ${port} on 127.0.0.1 is already in use; choose another with --port (or the port option)`,
      ),
    );
  });

  it("refuses an option it does not know (a typo would otherwise start another mode)", async () => {
    await expect(startMock({ statefull: true } as never)).rejects.toThrow(
      new MockStartError(
        "unknown option statefull; the options are allowRemoteWebhooks, corsOrigins, dynamic, errors, host, latency, maxDeliveriesPerWorld, maxDiffEntries, maxIdleMinutes, maxJournalPerWorld, maxUpstreamBytes, maxUsersPerWorld, maxWorlds, onOutput, port, proxy, record, signal, spec, stateFile, stateful",
      ),
    );
  });

  it("rejects with a one-line reason when the spec cannot be read", async () => {
    await expect(startMock({ spec: "/nonexistent/openapi.yaml" })).rejects.toThrow(
      'cannot read the spec /nonexistent/openapi.yaml: Error opening file "/nonexistent/openapi.yaml"',
    );
  });

  it("with errors, answers 500 naming the finding when an answer breaks the spec; without, serves it", async () => {
    const spec = "test/fixtures/mock/example-breaks-schema.yaml";
    for (const errors of [true, false]) {
      const mock = await startMock({ spec, errors });
      try {
        const response = await fetch(`${mock.url}/thing`);
        if (errors) {
          expect(response.status).toBe(500);
          expect(response.headers.get("content-type")).toBe("application/problem+json");
          expect(JSON.stringify(await response.json())).toContain("must be integer");
        } else {
          expect(response.status).toBe(200);
          expect(await response.json()).toEqual({ count: "many" });
        }
      } finally {
        await mock.close();
      }
    }
  });

  it("keeps the answers that break the spec under their path template: one entry, whatever the ids", async () => {
    const mock = await createMockFetch({ spec: "test/fixtures/mock/example-breaks-schema.yaml" });
    try {
      for (const id of ["a", "b", "c"])
        expect((await mock.fetch(new Request(`http://p100.test/things/${id}`))).status).toBe(200);
      expect(mock.invalidAnswers).toEqual([expect.objectContaining({ path: "/things/{id}", calls: 3 })]);
    } finally {
      await mock.close();
    }
  });
});

describe("faker, which Prism's mocker loads whole", () => {
  it("dynamic mode generates a schema's x-faker values with it", async () => {
    const mock = await startMock({ spec: "test/fixtures/mock/x-faker.yaml", dynamic: true });
    try {
      for (let i = 0; i < 3; i++) expect(await (await fetch(`${mock.url}/lucky`)).json()).toEqual({ lucky: 7 });
    } finally {
      await mock.close();
    }
  });

  it("startMock leaves its host's module cache alone: the real faker, no stand-in", async () => {
    await (await startMock()).close();
    const fromPrism = createRequire(require.resolve("@stoplight/prism-http/dist/mocker/generator/JSONSchema.js"));
    // Loaded by Prism itself, as it is: a stand-in would have no Faker class (or have left the cache).
    expect(fromPrism.cache[fromPrism.resolve("@faker-js/faker")]?.exports).toHaveProperty("Faker");
  });
});

describe("prefer", () => {
  it("builds Prism's Prefer header and the mock answers with that example", async () => {
    expect(prefer("extendUser", 202, "P211")).toEqual({ Prefer: "code=202, example=P211" });
    expect(prefer("addPoaFile", 201)).toEqual({ Prefer: "code=201" });
    const client = createP100Client({ apiKey: "k", baseUrl: prismUrl() });
    const result = await client.POST("/v1/user/balances/extended", {
      body: { externalUserId: "u" },
      headers: prefer("extendUser", 400, "P458"),
    });
    expect(result).toMatchObject({ status: 400, error: { errorCode: "P458" } });
  });

  it("is exported from the mock's entry only (no longer from the client's)", () => {
    expect(Object.keys(entry)).not.toContain("prefer");
  });

  it("refuses an undocumented choice from plain JavaScript too", () => {
    expect(() => prefer("extendUser" as "extendUser", 404 as 201)).toThrow("prefer: extendUser documents no 404.");
    expect(() => prefer("extendUser", 202, "P458" as "P211")).toThrow(
      'prefer: extendUser documents no 202 example "P458".',
    );
  });
});

describe("validation contract: a request that breaks the spec gets the answer the docs promise", () => {
  let mock: InProcessMock;
  beforeAll(async () => {
    mock = await createMockFetch();
  });
  afterAll(() => mock?.close());
  const cases = operations.flatMap((op) =>
    invalidRequests(op)
      .filter((breakage) => breakage.answer)
      .map((breakage) => ({ op, breakage, id: op.operationId, kind: breakage.kind, answer: breakage.answer })),
  );
  it.for(cases)("$id $kind → $answer", async ({ op, breakage }) => {
    const documented = documentedRequest(op);
    const { request, init } = breakage.apply({ ...documented.params, body: documented.body });
    const { status, body } = await sendRaw("http://p100.test", op, request, init, (request) => mock.fetch(request));
    if (breakage.answer === "xo1") {
      expect(status).toBe(401);
      expect(body).toEqual({ message: "Access Denied. xo1" });
    } else {
      expect(status).toBe(400);
      expect(body).toMatchObject({ errorCode: "P403" });
      expect(body).not.toHaveProperty("errorName"); // errors.md: only validation errors have none
    }
    expect(schemaErrors(op.path, op.method, String(status), body)).toEqual([]);
  });

  it("covers every operation, and a P403 for every one that takes input", () => {
    const withInput = operations.filter((op) => requestBodyOf(op) || parametersOf(op).some((p) => p.in === "query"));
    const ids = (answer: string) => new Set(cases.filter((c) => c.answer === answer).map((c) => c.id));
    expect(ids("xo1")).toEqual(new Set(operations.map((op) => op.operationId)));
    expect(ids("P403")).toEqual(new Set(withInput.map((op) => op.operationId)));
  });
});
