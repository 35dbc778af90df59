// The consumer mock: the programmatic helper, the typed response picker, and a validation
// contract derived from the spec — whatever breaks the spec gets a documented answer.
import { describe, expect, it } from "vitest";
import { createP100Client, prefer } from "../src/index.js";
import { MockStartError, startMock } from "../src/mock.js";
import {
  documentedRequest,
  type Operation,
  operations,
  parametersOf,
  rawRequest,
  requestBodyOf,
} from "./support/cases.js";
import { prismUrl } from "./support/prism.js";
import { deref, schemaErrors } from "./support/spec.js";

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

  it("rejects at once, with the reason, when the port is taken", async () => {
    const port = Number(new URL(prismUrl()).port);
    const started = performance.now();
    await expect(startMock({ port })).rejects.toThrow(
      new MockStartError(
        `port ${port} on 127.0.0.1 is already in use; choose another with --port (or the port option)`,
      ),
    );
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("rejects with Prism's reason when the spec cannot be served", async () => {
    await expect(startMock({ spec: "/nonexistent/openapi.yaml" })).rejects.toThrow(
      'Prism exited before answering: Error opening file "/nonexistent/openapi.yaml"',
    );
  });

  it("serves generated data in dynamic mode", async () => {
    const mock = await startMock({ dynamic: true });
    try {
      const client = createP100Client({ apiKey: "k", baseUrl: mock.url });
      const result = await client.GET("/v1/user/balances/{externalUserId}", {
        params: { path: { externalUserId: "u" } },
      });
      expect(result.outcome).toBe("success");
      expect(schemaErrors("/v1/user/balances/{externalUserId}", "get", "200", result.data)).toEqual([]);
    } finally {
      await mock.close();
    }
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

  it("refuses an undocumented choice from plain JavaScript too", () => {
    expect(() => prefer("extendUser" as "extendUser", 404 as 201)).toThrow("prefer: extendUser documents no 404.");
    expect(() => prefer("extendUser", 202, "P458" as "P211")).toThrow(
      'prefer: extendUser documents no 202 example "P458".',
    );
  });
});

/** Requests that break the spec, derived from each operation's request schema. */
function violations(op: Operation): [string, ReturnType<typeof rawRequest>][] {
  const documented = documentedRequest(op);
  const out: [string, ReturnType<typeof rawRequest>][] = [];
  const withBody = (body: unknown) => rawRequest(op, { ...documented, body });
  const schema = deref(requestBodyOf(op)?.schema);
  if (documented.mediaType === "application/json") {
    const broken = withBody(documented.body);
    out.push([
      "with a body that is not JSON",
      { ...broken, init: { ...broken.init, body: String(broken.init.body).slice(0, -1) } },
    ]);
  }
  for (const field of schema?.required ?? []) {
    const { [field]: _, ...rest } = documented.body as Record<string, unknown>;
    out.push([`without required ${field}`, withBody(rest)]);
  }
  for (const [field, raw] of Object.entries<any>(schema?.properties ?? {})) {
    const property = deref(raw);
    if (property.format && ["email", "date", "uuid"].includes(property.format))
      out.push([
        `with a bad ${property.format} in ${field}`,
        withBody({ ...(documented.body as object), [field]: "not-a-valid-value" }),
      ]);
    if (property.enum)
      out.push([
        `with an unknown ${field}`,
        withBody({ ...(documented.body as object), [field]: "NOT_A_DOCUMENTED_VALUE" }),
      ]);
    if (property.pattern)
      out.push([
        `with ${field} breaking its pattern`,
        withBody({ ...(documented.body as object), [field]: "not matching 123 !" }),
      ]);
  }
  for (const param of parametersOf(op).filter((p) => p.in === "query")) {
    out.push([
      `with query ${param.name}=0`,
      rawRequest(op, {
        ...documented,
        params: { ...documented.params, query: { ...documented.params.query, [param.name]: 0 } },
      }),
    ]);
  }
  return out;
}

describe("validation contract: a request that breaks the spec gets a documented answer", () => {
  const cases = operations.flatMap((op) =>
    violations(op).map(([what, request]) => ({ op, what, request, id: op.operationId })),
  );
  it.for(cases)("$id $what → 400 P403", async ({ op, request }) => {
    const response = await fetch(`${prismUrl()}${request.url}`, {
      ...request.init,
      headers: { ...(request.init.headers as object), "x-api-key": "k" },
    });
    const body = await response.json();
    expect(Object.keys(op.operation.responses)).toContain(String(response.status));
    expect(response.status).toBe(400);
    expect(body).toMatchObject({ errorCode: "P403" });
    expect(schemaErrors(op.path, op.method, "400", body)).toEqual([]);
  });

  it("covers every operation that takes input", () => {
    const withInput = operations.filter((op) => requestBodyOf(op) || parametersOf(op).some((p) => p.in === "query"));
    expect(new Set(cases.map((c) => c.id))).toEqual(new Set(withInput.map((op) => op.operationId)));
  });
});
