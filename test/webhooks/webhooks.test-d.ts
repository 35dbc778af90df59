import { describe, expectTypeOf, it } from "vitest";
import { verifyAndParseWebhook, type WebhookIssue, type WebhookPayload } from "../../src/webhooks/index.js";

describe("webhook types", () => {
  it("a recognised payload has the webhook's type; an unrecognised one is a loose object with its issues", () => {
    const result = verifyAndParseWebhook("poaVerificationStatus", { headers: {}, rawBody: "" }, { token: "t" });
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
      expectTypeOf(result.status).toEqualTypeOf<401 | 400>();
    }
    expectTypeOf<WebhookPayload<"kycFileAdded">["status"]>().toEqualTypeOf<"ADDED" | "ERROR">();
    expectTypeOf<WebhookPayload<"userBalanceGeneration">["status"]>().toEqualTypeOf<"ACTIVE">();
    type KycStatus = WebhookPayload<"kycVerificationStatus">;
    expectTypeOf<KycStatus["verificationStatus"]>().toEqualTypeOf<"EXPIRED" | "NOT_VERIFIED" | "VERIFIED">();
    expectTypeOf<KycStatus["attemptStatus"]>().toEqualTypeOf<
      "PENDING" | "REJECTED_BY_PROVIDER" | "SUCCESSFUL" | "VERIFICATION"
    >();
    expectTypeOf<KycStatus["rejectionReason"]>().toEqualTypeOf<string | null | undefined>();
    // @ts-expect-error -- no such webhook
    verifyAndParseWebhook("userCreated", { headers: {}, rawBody: "" }, { token: "t" });
  });
});
