// Table-driven contract tests: every operation × documented status × named example in the
// bundled spec, called through the real client against Prism, each answer checked against the
// spec's example and schema. The cases come from the spec (test/support/cases.ts).
import { describe, expect, it } from "vitest";
import type { P100Client } from "../src/index.js";
import { documentedRequest, operations, responseCases } from "./support/cases.js";
import { mockClient, prismUrl } from "./support/prism.js";
import { exampleValue, schemaErrors } from "./support/spec.js";

declare module "vitest" {
  interface TaskMeta {
    /** Which documented response a test proved (read by the coverage reporter). */
    contractCase?: { operationId: string; status: string; example: string | null };
  }
}

type LooseCall = (path: string, init?: object) => Promise<{ status: number; data?: unknown; error?: unknown; response: Response }>;
/** The client's method for a method name known only at run time (the types are tested elsewhere). */
const method = (client: P100Client, name: string) => client[name.toUpperCase() as "GET"] as unknown as LooseCall;

const operationById = new Map(operations.map((op) => [op.operationId, op]));

describe("every documented response, through the client, against the mock", () => {
  it.for(responseCases)("$operationId answers $status $example", async ({ operationId, method: name, path, status, example }, { task }) => {
    const request = documentedRequest(operationById.get(operationId)!);
    const prefer = example ? `code=${status}, example=${example}` : `code=${status}`;
    const result = await method(mockClient(), name)(path, { ...request, headers: { Prefer: prefer } });

    expect(result.status).toBe(Number(status));
    expect(result.response.status).toBe(Number(status));
    const received = Number(status) < 300 ? result.data : result.error;
    if (example) {
      expect(received).toEqual(exampleValue(path, name, status, example));
      expect(schemaErrors(path, name, status, received)).toEqual([]);
    } else {
      expect(received ?? "").toBe(""); // documented without a body
    }
    task.meta.contractCase = { operationId, status, example };
  });
});

describe("authentication", () => {
  it.for(operations)("$operationId without x-api-key answers 401 xo1", async ({ method: name, path, operation }) => {
    const request = documentedRequest(operationById.get(operation.operationId)!);
    const url = new URL(`${prismUrl()}${path.replace("{externalUserId}", "f47ac10b-58cc-4372-a567-0e02b2c3d479")}`);
    const body = request.body instanceof FormData || request.body === undefined ? request.body : JSON.stringify(request.body);
    const headers: Record<string, string> = body && !(body instanceof FormData) ? { "content-type": "application/json" } : {};
    const response = await fetch(url, { method: name.toUpperCase(), headers, body });
    const received = await response.json();
    expect(response.status).toBe(401);
    expect(received).toEqual({ message: "Access Denied. xo1" });
    expect(schemaErrors(path, name, "401", received)).toEqual([]);
  });
});
