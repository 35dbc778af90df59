// Types for generic code: a helper over any operation's result (`<Op extends OperationId>`, or
// `AnyP100Result` for all of them) narrows on `outcome` as a concrete result does, and an
// error-shaped body's `errorCode` is optional, as it is at run time (a 400 without a P-code).
import { describe, expectTypeOf, it } from "vitest";
import {
  type AnyP100Result,
  createP100Client,
  hasErrorCode,
  type OperationId,
  type P100Result,
  type P100UnexpectedError,
  type UnexpectedReason,
  type UnlistedCode,
} from "../../src/index.js";

const client = createP100Client({ apiKey: "k" });
const params = { params: { path: { externalUserId: "u" } } };

describe("P100Result<Op> in a generic function", () => {
  it("narrows on outcome", () => {
    function describeResult<Op extends OperationId>(result: P100Result<Op>) {
      if (result.outcome === "unexpected") {
        expectTypeOf(result.error).toEqualTypeOf<P100UnexpectedError>();
        expectTypeOf(result.error.reason).toEqualTypeOf<UnexpectedReason>();
        expectTypeOf(result.status).toEqualTypeOf<undefined>();
        return `${result.error.reason} ${result.error.status}`;
      }
      expectTypeOf(result.drift).toEqualTypeOf<readonly string[]>();
      expectTypeOf(result.response).toExtend<Response>();
      expectTypeOf(result.status).toExtend<number | undefined>();
      if (result.outcome === "pending") expectTypeOf(result.data.errorCode).toExtend<string | undefined>();
      if (result.outcome === "error") {
        // @ts-expect-error an error's body is not a P100UnexpectedError: no `reason`
        result.error.reason;
      }
      return `${result.outcome} ${result.response.status}`;
    }
    expectTypeOf(describeResult<"getUserBalances">)
      .parameter(0)
      .toEqualTypeOf<P100Result<"getUserBalances">>();
  });

  it("takes an operationId or the operation a call returns for: both are the same type", async () => {
    const result = await client.GET("/v1/user/balances/{externalUserId}", params);
    expectTypeOf(result).toEqualTypeOf<P100Result<"getUserBalances">>();
    const extended = await client.POST("/v1/user/balances/extended", { body: { externalUserId: "u" } });
    expectTypeOf(extended).toEqualTypeOf<P100Result<"extendUser">>();
  });
});

describe("AnyP100Result, for helpers that take every operation's result", () => {
  function log(result: AnyP100Result): string {
    switch (result.outcome) {
      case "unexpected":
        expectTypeOf(result.error.reason).toEqualTypeOf<UnexpectedReason>();
        return result.error.message;
      case "pending":
        expectTypeOf(result.status).toEqualTypeOf<202>();
        return `${result.status} ${result.data.errorCode ?? "no P-code"}`;
      default:
        expectTypeOf(result.drift).toEqualTypeOf<readonly string[]>();
        return `${result.outcome} ${result.response.status} ${result.drift.join("; ")}`;
    }
  }

  it("takes the result of any call", async () => {
    log(await client.GET("/v1/user/balances/{externalUserId}", params));
    log(await client.POST("/v1/user/balances/extended", { body: { externalUserId: "u" } }));
    log(await client.PATCH("/v1/user/suspend", { body: { externalUserId: "u" } }));
    expectTypeOf<P100Result<"extendUser">>().toExtend<AnyP100Result>();
    // @ts-expect-error not a result
    log({ outcome: "success" });
  });
});

describe("errorCode is optional: a documented 4xx may come without one", () => {
  it("types it so, and hasErrorCode still narrows to a documented code", async () => {
    const result = await client.POST("/v1/user/balances/extended", { body: { externalUserId: "u" } });
    if (result.status === 400) {
      expectTypeOf(result.error.errorCode).toEqualTypeOf<
        "P403" | "P444" | "P455" | "P458" | "P459" | "P500" | UnlistedCode | undefined
      >();
      // @ts-expect-error possibly undefined: check it first
      result.error.errorCode.startsWith("P4");
      if (hasErrorCode(result.error, "P458")) expectTypeOf(result.error.errorCode).toEqualTypeOf<"P458">();
    }
    if (result.outcome === "error" && result.status === undefined) {
      // An error under an undocumented status is one only because its body carries a P-code.
      expectTypeOf(result.error.errorCode).toEqualTypeOf<UnlistedCode>();
    }
  });
});
