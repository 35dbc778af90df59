// Extend user beyond the table-driven contract: the answer without a choice, the validator's own
// guard, and the outcomes that tell a 202 from a 201 (hasErrorCode; its old alias is gone).
import { describe, expect, it } from "vitest";
import * as entry from "../../src/index.js";
import { hasErrorCode } from "../../src/index.js";
import { mockClient } from "../support/prism.js";
import { schemaErrors } from "../support/spec.js";

const path = "/v1/user/balances/extended";
const body = { externalUserId: "f47ac10b-58cc-4372-a567-0e02b2c3d479" };

describe("Extend user (POST /v1/user/balances/extended)", () => {
  it("answers 201 with the documented message when no response is chosen", async () => {
    const { data, response } = await mockClient().POST(path, { body });
    expect(response?.status).toBe(201);
    expect(data).toEqual({ message: "User in the process of expanding, wait for webhook" });
  });

  it("the schema check rejects a body that breaks the documented shape", () => {
    // Guards the validator itself: without it every schemaErrors assertion could pass vacuously.
    expect(schemaErrors(path, "post", "202", { errorCode: "P458", errorMessage: "x" })).not.toEqual([]);
    expect(schemaErrors(path, "post", "201", { msg: "x" })).not.toEqual([]);
    expect(schemaErrors(path, "post", "401", { message: 1 })).not.toEqual([]);
  });
});

describe("Extend user outcomes", () => {
  it("a 202 is `pending`, never a `success`", async () => {
    const result = await mockClient().POST(path, { body, headers: { Prefer: "code=202, example=P211" } });
    expect(result.outcome).toBe("pending");
    expect(result.status).toBe(202);
    expect(hasErrorCode(result.data, "P211")).toBe(true);
  });

  it("hasErrorCode tells one documented code from another", async () => {
    const { error } = await mockClient().POST(path, { body, headers: { Prefer: "code=400, example=P458" } });
    expect(hasErrorCode(error, "P458")).toBe(true);
    expect(hasErrorCode(error, "P459")).toBe(false);
    expect(hasErrorCode(undefined, "P459" as never)).toBe(false);
  });

  it("has no isP100Error, the old name removed in 0.3", () => {
    expect(Object.keys(entry)).not.toContain("isP100Error");
  });
});
