// Type-level contract of every operation: a missing required input does not compile, and `data`
// has the documented fields. (Extend user has its own file.)
import { describe, expectTypeOf, it } from "vitest";
import {
  type CreateUserRequest,
  createP100Client,
  hasErrorCode,
  type ResponseBody,
  type UnlistedCode,
} from "../../src/index.js";

const client = createP100Client({ apiKey: "k" });
const id = "f47ac10b-58cc-4372-a567-0e02b2c3d479";
const user = { path: { externalUserId: id } };
const png = new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], { type: "image/png" });
declare const newUser: CreateUserRequest;

describe("operation types", () => {
  it("createUser", async () => {
    const { data } = await client.POST("/v1/user/balances/crypto-and-fiat", { body: newUser });
    if (data) expectTypeOf(data).toEqualTypeOf<{ userId: string; poaRequiredForExtended: boolean }>();
    const { citizenship: _, ...withoutCitizenship } = newUser;
    // @ts-expect-error -- citizenship is required (V4 FAQ)
    void client.POST("/v1/user/balances/crypto-and-fiat", { body: withoutCitizenship });
    // @ts-expect-error -- the Terms and Conditions must be accepted: only `true` compiles
    void client.POST("/v1/user/balances/crypto-and-fiat", { body: { ...newUser, hasAcceptedP100Tc: false } });
  });

  it("createKycVerification, redirectToVerification, getKycStatus (KYC by P100)", async () => {
    const salary = {
      externalUserId: id,
      documentType: "DRIVER_LICENSE",
      country: "PL",
      incomeSource: "SALARY",
      openAccountReason: "INVESTMENTS_OR_CRYPTOCURRENCIE",
      occupation: "IT",
      additionalInfo: "I am a programmer",
    } as const;
    const opened = await client.POST("/v1/kyc", { body: salary });
    if (opened.outcome === "success") {
      expectTypeOf(opened.status).toEqualTypeOf<200 | 201>(); // the success status is not documented
      expectTypeOf(opened.data.verificationId).toBeString();
    }
    // @ts-expect-error -- the documented spelling only (sic): the full one is not accepted
    void client.POST("/v1/kyc", { body: { ...salary, openAccountReason: "INVESTMENTS_OR_CRYPTOCURRENCIES" } });
    // @ts-expect-error -- occupation is one of the documented values
    void client.POST("/v1/kyc", { body: { ...salary, occupation: "ASTRONAUT" } });

    const page = await client.GET("/v1/kyc/verification/{externalUserId}/{verificationId}", {
      params: { path: { externalUserId: id, verificationId: "v-1" } },
    });
    if (page.status === 200) expectTypeOf(page.data).toEqualTypeOf<string>(); // the HTML page
    if (page.status === 400 && hasErrorCode(page.error, "P412"))
      expectTypeOf(page.error.errorCode).toEqualTypeOf<"P412">();
    // @ts-expect-error -- the verificationId is required
    void client.GET("/v1/kyc/verification/{externalUserId}/{verificationId}", { params: user });

    const status = await client.GET("/v1/kyc/status/{externalUserId}", { params: user });
    if (status.status === 200) {
      expectTypeOf(status.data.verificationStatus).toEqualTypeOf<"EXPIRED" | "NOT_VERIFIED" | "VERIFIED">();
      expectTypeOf(status.data.attemptStatus).toEqualTypeOf<
        "PENDING" | "REJECTED_BY_PROVIDER" | "SUCCESSFUL" | "VERIFICATION"
      >();
      expectTypeOf(status.data.rejectionReason).toEqualTypeOf<string | null | undefined>();
    }
    if (status.status === 404) {
      expectTypeOf(hasErrorCode(status.error, "P445")).toBeBoolean(); // P445 is documented here
      // @ts-expect-error -- P460 is not documented for Get KYC Status
      hasErrorCode(status.error, "P460");
    }
  });

  it("createUserWithoutKyc", async () => {
    const body = {
      externalUserId: id,
      email: "a@b.pl",
      firstName: "A",
      lastName: "B",
      address: "C 1",
      city: "D",
      country: "PL",
      documentType: "PASSPORT",
      documentNumber: "X1",
      birthDate: "1990-05-15",
    } as const;
    const { data } = await client.POST("/v1/user/balances/crypto", { body });
    if (data) {
      expectTypeOf(data.userId).toBeString();
      expectTypeOf(data.balances[0]!.amount).toBeString();
      expectTypeOf(data.balances[0]!.rate).toBeNumber();
    }
    // @ts-expect-error -- documentType is one of PASSPORT, ID_CARD, RESIDENCE_PERMIT
    void client.POST("/v1/user/balances/crypto", { body: { ...body, documentType: "DRIVING_LICENCE" } });
    const { documentNumber: _, ...withoutNumber } = body;
    // @ts-expect-error -- documentNumber is required
    void client.POST("/v1/user/balances/crypto", { body: withoutNumber });
  });

  it("addKycFile", async () => {
    const { data, status } = await client.POST("/v1/user/kyc-files/{externalUserId}", {
      params: user,
      body: { documentType: "PASSPORT", files: [png, png] },
    });
    if (status === 201) expectTypeOf(data).toEqualTypeOf<undefined>(); // documented without a body
    void client.POST("/v1/user/kyc-files/{externalUserId}", {
      params: user,
      // @ts-expect-error -- files are Blobs, not strings
      body: { documentType: "PASSPORT", files: ["a.png"] },
    });
    // @ts-expect-error -- the path parameter is required
    void client.POST("/v1/user/kyc-files/{externalUserId}", { body: { documentType: "PASSPORT", files: [png] } });
  });

  it("addPoaFile", async () => {
    const result = await client.POST("/v1/user/poa-files/{externalUserId}", { params: user, body: { files: [png] } });
    expectTypeOf(result.status).toEqualTypeOf<201 | 202 | 400 | 401 | 404 | undefined>();
    if (result.status === 202) expectTypeOf(result.data.errorCode).toEqualTypeOf<"P211" | UnlistedCode | undefined>();
    if (result.status === 404) expectTypeOf(result.error.errorCode).toEqualTypeOf<"P460" | UnlistedCode | undefined>();
    if (result.status === 400)
      expectTypeOf(result.error.errorCode).toEqualTypeOf<
        "P403" | "P412" | "P426" | "P440" | "P447" | "P455" | "P500" | "P501" | UnlistedCode | undefined
      >();
    // @ts-expect-error -- files are required
    void client.POST("/v1/user/poa-files/{externalUserId}", { params: user, body: {} });
    // Bytes need a filename and a content type.
    void client.POST("/v1/user/poa-files/{externalUserId}", {
      params: user,
      body: { files: [{ data: new Uint8Array(1), filename: "a.pdf", contentType: "application/pdf" }] },
    });
    // @ts-expect-error -- bare bytes have no name or type
    void client.POST("/v1/user/poa-files/{externalUserId}", { params: user, body: { files: [new Uint8Array(1)] } });
  });

  it("addUserVerification", async () => {
    const { data } = await client.POST("/v1/user/verification", {
      body: { externalUserId: id, documentType: "ID_CARD", documentNumber: "X1" },
    });
    if (data) expectTypeOf(data).toEqualTypeOf<{ message: string }>();
    // @ts-expect-error -- documentNumber is required
    void client.POST("/v1/user/verification", { body: { externalUserId: id, documentType: "ID_CARD" } });
  });

  it("updateUser, deleteUser, suspendUser, unsuspendUser", async () => {
    const updated = await client.PATCH("/v1/user", { body: { externalUserId: id, city: "Kraków" } });
    if (updated.status === 200) expectTypeOf(updated.data).toEqualTypeOf<{ message: string }>();
    const deleted = await client.DELETE("/v1/user", { body: { externalUserId: id } });
    if (deleted.status === 200) expectTypeOf(deleted.data.message).toBeString();
    const suspended = await client.PATCH("/v1/user/suspend", { body: { externalUserId: id } });
    if (suspended.status === 400)
      expectTypeOf(suspended.error.errorCode).toEqualTypeOf<"P403" | "P412" | "P455" | UnlistedCode | undefined>();
    const unsuspended = await client.PATCH("/v1/user/unsuspend", { body: { externalUserId: id } });
    expectTypeOf(unsuspended.status).toEqualTypeOf<200 | 400 | 401 | undefined>();
    // @ts-expect-error -- externalUserId is required
    void client.PATCH("/v1/user", { body: { city: "Kraków" } });
    // @ts-expect-error -- externalUserId is required
    void client.DELETE("/v1/user", { body: {} });
    // @ts-expect-error -- externalUserId is required
    void client.PATCH("/v1/user/suspend", { body: {} });
    // @ts-expect-error -- externalUserId is required
    void client.PATCH("/v1/user/unsuspend", { body: {} });
  });

  it("getUserBalances", async () => {
    const { data } = await client.GET("/v1/user/balances/{externalUserId}", { params: user });
    if (data) {
      expectTypeOf(data.fiatBalances[0]!.status).toEqualTypeOf<"ACTIVE" | "WAITING_TO_BE_ACTIVATED">();
      expectTypeOf(data.fiatBalances[0]!.iban).toEqualTypeOf<string | null>();
      expectTypeOf(data.cryptoBalances[0]!.networkConfig.polygon!.withdrawal.minWithdrawal).toBeNumber();
    }
    expectTypeOf<ResponseBody<"getUserBalances", 200>>().toHaveProperty("cryptoBalances");
    // @ts-expect-error -- the path parameter is required
    void client.GET("/v1/user/balances/{externalUserId}");
  });

  it("getUserTransactionHistory", async () => {
    const { data } = await client.GET("/v1/user/transactions/{externalUserId}", {
      params: { ...user, query: { page: 2, limit: 50 } },
    });
    if (data) {
      expectTypeOf(data[0]!.amount).toBeNumber();
      expectTypeOf(data[0]!.currency).toBeString();
      expectTypeOf(data[0]!.createdAt).toBeString();
    }
    // @ts-expect-error -- page is a number
    void client.GET("/v1/user/transactions/{externalUserId}", { params: { ...user, query: { page: "2" } } });
    // @ts-expect-error -- the path parameter is required
    void client.GET("/v1/user/transactions/{externalUserId}", { params: { query: {} } });
  });
});
