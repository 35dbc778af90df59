// Contract tests for Extend user: every documented case, through the real client, against Prism
// serving the bundled spec; every body is checked against the spec's own schema.
import { describe, expect, it } from "vitest";
import { isP100Error } from "../src/index.js";
import { mockClient, prismUrl } from "./support/prism.js";
import { exampleValue, schemaErrors } from "./support/spec.js";

const path = "/v1/user/balances/extended";
const body = { externalUserId: "f47ac10b-58cc-4372-a567-0e02b2c3d479" };

const documentedCases = [
  { status: 201, example: "success", expected: { message: "User in the process of expanding, wait for webhook" } },
  { status: 202, example: "P210", expected: { errorCode: "P210" } },
  { status: 202, example: "P211", expected: { errorCode: "P211" } },
  { status: 400, example: "P500", expected: { errorCode: "P500" } },
  { status: 400, example: "P459", expected: { errorCode: "P459" } },
  { status: 400, example: "P444", expected: { errorCode: "P444" } },
  { status: 400, example: "P458", expected: { errorCode: "P458" } },
  { status: 401, example: "xo2", expected: { message: "Access Denied. xo2" } },
] as const;

describe("Extend user (POST /v1/user/balances/extended)", () => {
  it.each(documentedCases)("answers $status / $example as documented", async ({ status, example, expected }) => {
    const result = await mockClient().POST(path, {
      body,
      headers: { Prefer: `code=${status}, example=${example}` },
    });
    const { data, error, response, status: topStatus } = result;
    const received = data ?? error;
    expect(topStatus).toBe(status);
    expect(response?.status).toBe(status);
    expect(received).toMatchObject(expected);
    expect(received).toEqual(exampleValue(path, "post", String(status), example));
    expect(schemaErrors(path, "post", String(status), received)).toEqual([]);
    // openapi-fetch puts every 2xx in `data` and everything else in `error`.
    expect(status < 300 ? data : error).toBeDefined();
  });

  it("answers 201 with the documented message when no response is chosen", async () => {
    const { data, response } = await mockClient().POST(path, { body });
    expect(response?.status).toBe(201);
    expect(data).toEqual({ message: "User in the process of expanding, wait for webhook" });
  });

  it("answers 401 xo1 when the request has no x-api-key", async () => {
    const response = await fetch(`${prismUrl()}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const received = await response.json();
    expect(response.status).toBe(401);
    expect(received).toEqual({ message: "Access Denied. xo1" });
    expect(schemaErrors(path, "post", "401", received)).toEqual([]);
  });

  it.each([
    ["without externalUserId", {}],
    ["with a number as externalUserId", { externalUserId: 5 }],
  ])("answers the documented 400 P403 validation error to a body %s", async (_, invalid) => {
    // @ts-expect-error -- the types forbid this body; the mock must still answer as documented.
    const { error, response } = await mockClient().POST(path, { body: invalid });
    expect(response?.status).toBe(400);
    expect(error).toMatchObject({ errorCode: "P403" });
    expect(error).not.toHaveProperty("errorName"); // validation errors never carry one
    expect(schemaErrors(path, "post", "400", error)).toEqual([]);
  });

  it("the schema check rejects a body that breaks the documented shape", () => {
    // Guards the validator itself: without it every schemaErrors assertion above could pass vacuously.
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
    expect(isP100Error(result.data, "P211")).toBe(true);
  });

  it("isP100Error narrows to one documented code", async () => {
    const { error } = await mockClient().POST(path, { body, headers: { Prefer: "code=400, example=P458" } });
    expect(isP100Error(error, "P458")).toBe(true);
    expect(isP100Error(error, "P459")).toBe(false);
    expect(isP100Error(undefined, "P459" as never)).toBe(false);
  });
});
