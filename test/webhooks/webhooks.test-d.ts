import { describe, expectTypeOf, it } from "vitest";
import {
  createWebhookHandler,
  toNodeHandler,
  verifyAndParseWebhook,
  verifyWebhookToken,
  type WebhookFailure,
  type WebhookIssue,
  type WebhookName,
  type WebhookPayload,
  type WebhookResult,
} from "../../src/webhooks/index.js";

describe("webhook types", () => {
  it("a recognised payload has the webhook's type; an unrecognised one is a loose object with its issues", async () => {
    const result = await verifyAndParseWebhook("poaVerificationStatus", { headers: {}, rawBody: "" }, { tokens: "t" });
    if (result.ok && result.recognised) {
      expectTypeOf(result.payload.status).toEqualTypeOf<"APPROVED" | "QUESTIONED" | "REJECTED" | "WAITING">();
      expectTypeOf(result.unrecognised).toEqualTypeOf<[]>();
    }
    if (result.ok && !result.recognised) {
      expectTypeOf(result.payload).toEqualTypeOf<Record<string, unknown>>();
      expectTypeOf(result.unrecognised).toEqualTypeOf<WebhookIssue[]>();
    }
    if (!result.ok) {
      expectTypeOf(result.errors).toEqualTypeOf<WebhookIssue[]>();
      expectTypeOf(result.status).toEqualTypeOf<400 | 401 | 404 | 405 | 413 | 500>();
    }
    expectTypeOf<WebhookPayload<"kycFileAdded">["status"]>().toEqualTypeOf<"ADDED" | "ERROR">();
    expectTypeOf<WebhookPayload<"userBalanceGeneration">["status"]>().toEqualTypeOf<"ACTIVE">();
    type KycStatus = WebhookPayload<"kycVerificationStatus">;
    expectTypeOf<KycStatus["verificationStatus"]>().toEqualTypeOf<"EXPIRED" | "NOT_VERIFIED" | "VERIFIED">();
    expectTypeOf<KycStatus["attemptStatus"]>().toEqualTypeOf<
      "PENDING" | "REJECTED_BY_PROVIDER" | "SUCCESSFUL" | "VERIFICATION"
    >();
    expectTypeOf<KycStatus["rejectionReason"]>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf(verifyAndParseWebhook<"kycFileAdded">).returns.toEqualTypeOf<Promise<WebhookResult<"kycFileAdded">>>();
    // @ts-expect-error -- no such webhook
    void verifyAndParseWebhook("userCreated", { headers: {}, rawBody: "" }, { tokens: "t" });
    // @ts-expect-error -- a parsed body is not a raw body
    void verifyAndParseWebhook("kycFileAdded", { headers: {}, rawBody: { status: "ADDED" } }, { tokens: "t" });
    // One token or several; the single `token` of 0.2 is gone.
    void verifyAndParseWebhook(
      "kycFileAdded",
      { headers: {}, rawBody: "" },
      { tokens: ["old", "new"], maxBytes: 1024 },
    );
    // @ts-expect-error -- `tokens` is required (the single `token` of 0.2 is gone)
    void verifyAndParseWebhook("kycFileAdded", { headers: {}, rawBody: "" }, { token: "t" });
    expectTypeOf(verifyWebhookToken(new Headers(), ["a", "b"])).resolves.toEqualTypeOf<{ ok: true } | WebhookFailure>();
  });

  it("createWebhookHandler types each callback's payload by webhook name, narrowed by info.recognised", () => {
    const handler = createWebhookHandler({
      tokens: ["t1", "t2"],
      on: {
        kycFileAdded(payload, info) {
          expectTypeOf(info.name).toEqualTypeOf<"kycFileAdded">();
          expectTypeOf(info.request).toEqualTypeOf<Request>();
          expectTypeOf(payload.status).toEqualTypeOf<"ADDED" | "ERROR">();
          expectTypeOf(payload.externalUserId).toEqualTypeOf<string>();
        },
        async poaVerificationStatus(payload) {
          expectTypeOf(payload.status).toEqualTypeOf<"APPROVED" | "QUESTIONED" | "REJECTED" | "WAITING">();
        },
        userBalanceGeneration(payload) {
          expectTypeOf(payload.status).toEqualTypeOf<"ACTIVE">();
          // @ts-expect-error -- a kycFileAdded status is not a User Balance Generation one
          expectTypeOf(payload.status).toEqualTypeOf<"ADDED" | "ERROR">();
        },
      },
      onUnrecognised(payload, info) {
        expectTypeOf(payload).toEqualTypeOf<Record<string, unknown>>();
        expectTypeOf(info.unrecognised).toEqualTypeOf<WebhookIssue[]>();
        expectTypeOf(info.name).toEqualTypeOf<WebhookName>();
      },
      maxBytes: 16_384,
      paths: { "/p100/kyc-file": "kycFileAdded" },
    });
    expectTypeOf(handler).toBeCallableWith(new Request("http://localhost/"));
    expectTypeOf(handler).returns.toEqualTypeOf<Promise<Response>>();
    expectTypeOf(toNodeHandler(handler)).parameters.toMatchTypeOf<[unknown, unknown]>();

    // @ts-expect-error -- no such webhook
    createWebhookHandler({ tokens: "t", on: { userCreated() {} } });
    // @ts-expect-error -- a path must name a webhook
    createWebhookHandler({ tokens: "t", on: {}, paths: { "/x": "userCreated" } });
    // @ts-expect-error -- the tokens are required
    createWebhookHandler({ on: {} });
    // @ts-expect-error -- toNodeHandler takes createWebhookHandler's handler, not any fetch function
    toNodeHandler(async (_request: Request) => new Response());
  });
});
