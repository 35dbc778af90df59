// Table-driven contract tests: every operation × documented status × named example in the
// bundled spec, called through the real client against Prism, each answer checked against the
// spec's example and schema. The cases come from the spec (test/support/cases.ts).
import { describe, expect, it } from "vitest";
import { documentedRequest, operations, responseCases } from "../support/cases.js";
import { methodOf, mockClient } from "../support/prism.js";
import { exampleValue, schemaErrors } from "../support/spec.js";

declare module "vitest" {
  interface TaskMeta {
    /** Which documented response a test proved (read by the coverage reporter). */
    contractCase?: { operationId: string; status: string; example: string | null };
  }
}

const operationById = new Map(operations.map((op) => [op.operationId, op]));

describe("every documented response, through the client, against the mock", () => {
  it.for(responseCases)(
    "$operationId answers $status $example",
    async ({ operationId, method: name, path, status, example }, { task }) => {
      task.meta.contractCase = { operationId, status, example };
      const request = documentedRequest(operationById.get(operationId)!);
      const prefer = example ? `code=${status}, example=${example}` : `code=${status}`;
      const result = await methodOf(mockClient(), name)(path, {
        params: request.params,
        body: request.body,
        headers: { Prefer: prefer },
      });

      expect(result.status).toBe(Number(status));
      expect(result.response?.status).toBe(Number(status));
      expect(result.drift).toEqual([]); // the spec's own examples have the documented shape
      const received = Number(status) < 300 ? result.data : result.error;
      const errorShaped = typeof received === "object" && received !== null && "errorCode" in received;
      expect(result.outcome).toBe(Number(status) >= 300 ? "error" : errorShaped ? "pending" : "success");
      if (example) {
        expect(received).toEqual(exampleValue(path, name, status, example));
        expect(schemaErrors(path, name, status, received)).toEqual([]);
      } else {
        expect(received ?? "").toBe(""); // documented without a body
      }
    },
  );
});
