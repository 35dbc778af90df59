import { describe, expectTypeOf, it } from "vitest";
import { verifyAndParseWebhook, type WebhookPayload } from "../../src/webhooks.js";

describe("webhook types", () => {
  it("a successful result has the webhook's typed payload", () => {
    const result = verifyAndParseWebhook("poaVerificationStatus", { headers: {}, rawBody: "" }, { token: "t" });
    if (result.ok)
      expectTypeOf(result.payload.status).toEqualTypeOf<"APPROVED" | "QUESTIONED" | "REJECTED" | "WAITING">();
    else expectTypeOf(result.errors).toEqualTypeOf<{ path: string; message: string }[]>();
    expectTypeOf<WebhookPayload<"kycFileAdded">["status"]>().toEqualTypeOf<"ADDED" | "ERROR">();
    // @ts-expect-error -- no such webhook
    verifyAndParseWebhook("userCreated", { headers: {}, rawBody: "" }, { token: "t" });
  });
});
