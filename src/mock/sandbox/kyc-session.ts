// The hosted stand-in for the provider's verification page (KYC by P100), at
// /_sandbox/kyc-session/{sessionToken}: GET shows the page, a POST of its form (decision=approve,
// reject or expire, and a reason) decides the attempt through the sandbox's rules, as
// POST /_sandbox/users/{externalUserId}/kyc/{decision} does, and shows the outcome.
import type { Answer } from "../pipeline/call.js";
import type { RouteRequest } from "../pipeline/routes.js";
import { kycSessionPrefix, pageHeaders, providerPage, resultPage } from "./kyc-pages.js";
import { decide, kycDecisionsNow } from "./rules.js";
import type { Sandbox } from "./sandbox.js";

const html = (status: number, body: string): Answer => ({
  status,
  body,
  contentType: "text/html; charset=utf-8",
  headers: pageHeaders,
});

const outcomes: Record<string, [string, string]> = {
  approve: ["Verification approved", "The document and the selfie are accepted. You can close this window."],
  reject: ["Verification rejected", "The provider rejected the attempt."],
  expire: ["Verification expired", "The verification expired: the user must verify again."],
};

export async function kycSession(sandbox: Sandbox, { method, path, body }: RouteRequest): Promise<Answer> {
  const token = decodeURIComponent(path.slice(kycSessionPrefix.length)); // the gate (pipeline/gate.ts) answered a malformed path
  const session = token.includes("/") ? undefined : await sandbox.kycSession(token);
  const kyc = session?.user.kyc;
  if (!session || !kyc)
    return html(
      404,
      resultPage("No such verification", "This verification link is unknown or was replaced by a newer one."),
    );
  if (method === "get") return html(200, providerPage(session.user, kyc, kycDecisionsNow(session.world, session.user)));
  if (method !== "post") return html(405, resultPage("Not allowed", "This page answers GET and its form's POST only."));
  const form = new URLSearchParams(typeof body === "string" ? body : "");
  const decision = form.get("decision") ?? "";
  if (!(decision in outcomes))
    return html(400, resultPage("Unknown decision", "The form sends approve, reject or expire."));
  const reason = form.get("reason")?.trim();
  const decided = decide("decideKycVerification", {
    world: session.world,
    externalUserId: session.user.externalUserId,
    user: session.user,
    body: reason ? { rejectionReason: reason } : {},
    params: { decision },
  });
  if (decided?.outcome.kind !== "changed")
    return html(
      409,
      resultPage(
        "Nothing to decide",
        decided?.outcome.kind === "refused" ? decided.outcome.reason : "This verification cannot be decided now.",
      ),
    );
  await sandbox.changed(); // the decision is kept before the page says so
  const [title, text] = outcomes[decision] as [string, string];
  const { verificationStatus, attemptStatus, rejectionReason } = kyc;
  const state = `verificationStatus ${verificationStatus}, attemptStatus ${attemptStatus}${rejectionReason ? `, rejectionReason ${rejectionReason}` : ""}.`;
  return html(200, resultPage(title, `${text} ${state}`));
}
