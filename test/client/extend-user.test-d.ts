// Type-level contract of Extend user: what compiles, and what the generated types say comes back.
import { describe, expectTypeOf, it } from "vitest";
import {
  type AccessDenied,
  createP100Client,
  type ErrorBody,
  hasErrorCode,
  type Message,
  type P100UnexpectedError,
  type RequestBody,
  type ResponseBody,
  type UnexpectedReason,
  type UnlistedCode,
} from "../../src/index.js";
import { prefer } from "../../src/mock/index.js";

const client = createP100Client({ apiKey: "k" });
const path = "/v1/user/balances/extended";
const body = { externalUserId: "u" };
// What P100 may really send: the documented codes, any other P-code, or none (the principle of
// tolerance: a documented status without a P-code keeps its outcome, with drift).
type Pending = Omit<ErrorBody, "errorCode"> & { errorCode?: "P210" | "P211" | UnlistedCode };
type Rejected = Omit<ErrorBody, "errorCode"> & {
  errorCode?: "P403" | "P444" | "P455" | "P458" | "P459" | "P500" | UnlistedCode;
};
type Unlisted = Omit<ErrorBody, "errorCode"> & { errorCode: UnlistedCode };

describe("Extend user types", () => {
  it("data is the union of the documented 2xx bodies", async () => {
    const { data } = await client.POST(path, { body });
    expectTypeOf(data).toEqualTypeOf<Message | Pending | undefined>();
    expectTypeOf<ResponseBody<"extendUser", 201>>().toEqualTypeOf<Message>();
    expectTypeOf<ResponseBody<"extendUser", 202>["errorCode"]>().toEqualTypeOf<"P210" | "P211">();
  });

  it("status is the union of the documented codes, and checking it narrows", async () => {
    const result = await client.POST(path, { body });
    expectTypeOf(result.status).toEqualTypeOf<201 | 202 | 400 | 401 | undefined>(); // undefined: unexpected
    if (result.status === 201) {
      expectTypeOf(result.data).toEqualTypeOf<Message>();
      expectTypeOf(result.response.status).toEqualTypeOf<201>();
    }
    if (result.status === 202)
      expectTypeOf(result.data.errorCode).toEqualTypeOf<"P210" | "P211" | UnlistedCode | undefined>();
    if (result.status === 400) expectTypeOf(result.error).toEqualTypeOf<Rejected>();
    if (result.status === 401) expectTypeOf(result.error).toEqualTypeOf<AccessDenied>();
    // Destructured, the same check narrows too.
    const { status, data } = await client.POST(path, { body });
    if (status === 201) expectTypeOf(data).toEqualTypeOf<Message>();
  });

  it("error is the documented error body", async () => {
    const { error } = await client.POST(path, { body });
    expectTypeOf(error).toEqualTypeOf<Rejected | AccessDenied | Unlisted | P100UnexpectedError | undefined>();
  });

  it("a request without externalUserId does not compile", () => {
    expectTypeOf<RequestBody<"extendUser">>().toEqualTypeOf<{ externalUserId: string }>();
    // @ts-expect-error -- externalUserId is required
    void client.POST(path, { body: {} });
    // @ts-expect-error -- externalUserId is a string
    void client.POST(path, { body: { externalUserId: 5 } });
    // @ts-expect-error -- the body is required
    void client.POST(path, {});
    // @ts-expect-error -- the body is required
    void client.POST(path);
    // @ts-expect-error -- Extend user has no GET
    void client.GET(path);
    // @ts-expect-error -- unknown paths do not compile
    void client.POST("/v1/user/balances/extend", { body });
  });
});

describe("Extend user outcome types", () => {
  it("`success` is only the 201 message; `pending` is the 202 P210/P211 body", async () => {
    const result = await client.POST(path, { body });
    if (result.outcome === "success") expectTypeOf(result.data).toEqualTypeOf<Message>();
    if (result.outcome === "pending") expectTypeOf(result.data).toEqualTypeOf<Pending>();
    if (result.outcome === "error") expectTypeOf(result.error).toEqualTypeOf<Rejected | AccessDenied | Unlisted>();
    if (result.outcome === "unexpected") {
      expectTypeOf(result.error).toEqualTypeOf<P100UnexpectedError>();
      expectTypeOf(result.error.reason).toEqualTypeOf<UnexpectedReason>();
    }
  });

  it("a documented answer carries its drift; an unexpected one has none", async () => {
    const result = await client.POST(path, { body });
    if (result.outcome !== "unexpected") expectTypeOf(result.drift).toEqualTypeOf<readonly string[]>();
    if (result.outcome !== "unexpected") expectTypeOf(result.text).toEqualTypeOf<string | undefined>();
    if (result.outcome === "unexpected") expectTypeOf(result.drift).toEqualTypeOf<undefined>();
  });

  it("an error under an undocumented status has no status and an unlisted code", async () => {
    const result = await client.POST(path, { body });
    if (result.outcome === "error" && result.status === undefined) {
      expectTypeOf(result.error).toEqualTypeOf<Unlisted>();
      expectTypeOf(result.response.status).toBeNumber();
    }
  });

  // A switch lists the documented codes and has a default branch for the others; since an unknown
  // code could equal any text, only hasErrorCode narrows to exactly one code.
  it("a switch on errorCode offers the documented codes and falls to default for the others", async () => {
    const result = await client.POST(path, { body });
    if (result.status !== 400) return;
    switch (result.error.errorCode) {
      case "P458":
        expectTypeOf(result.error.errorCode).toEqualTypeOf<"P458" | UnlistedCode>();
        break;
      case "P459":
        expectTypeOf(result.error.errorCode).toEqualTypeOf<"P459" | UnlistedCode>();
        break;
      default:
        expectTypeOf(result.error.errorCode).toEqualTypeOf<
          "P403" | "P444" | "P455" | "P500" | UnlistedCode | undefined
        >();
        // An unknown code is still a string a caller can log or compare; a missing one is undefined.
        expectTypeOf(result.error.errorCode).toMatchTypeOf<string | undefined>();
    }
  });

  it("hasErrorCode narrows to one code, and only documented codes compile", async () => {
    const { error } = await client.POST(path, { body });
    if (hasErrorCode(error, "P458")) expectTypeOf(error.errorCode).toEqualTypeOf<"P458">();
    // @ts-expect-error -- P411 is not a documented Extend user error
    hasErrorCode(error, "P411");
  });
});

describe("prefer types", () => {
  it("only documented statuses and example names compile", () => {
    prefer("extendUser", 202, "P211");
    prefer("addPoaFile", 404, "P460");
    prefer("addPoaFile", 201);
    // @ts-expect-error -- Extend user documents no 404
    prefer("extendUser", 404);
    // @ts-expect-error -- P458 is a 400 example, not a 202 one
    prefer("extendUser", 202, "P458");
    // @ts-expect-error -- the 201 of Add POA File has no body, so no example
    prefer("addPoaFile", 201, "success");
    // @ts-expect-error -- no such operation
    prefer("extendUsers", 201);
  });
});
