// The pages of KYC by P100 (Method B) in the sandbox: Redirect to Verification's loading page,
// which sends the browser on by script as P100's does (a 200 text/html, not a 302), and the
// hosted stand-in for the provider's page (iDenfy's, in production) at
// /_sandbox/kyc-session/{sessionToken}: the user, and real buttons (Approve, Reject with a
// reason, Expire: those the rules take now) that post the decision back to it. No page carries the API key: the session
// token names the world and the user.
import type { components } from "../../../generated/sandbox.js";
import type { StoredUser } from "./world.js";

type Kyc = components["schemas"]["SandboxKycVerification"];

/** Where the hosted stand-in pages live, on the mock's own port. */
export const kycSessionPrefix = "/_sandbox/kyc-session/";

/** The reason a rejection gives unless another is typed in (the docs' one example). */
export const defaultRejectionReason = "NO_FACE_FOUND";

const entities: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => entities[c] ?? c);

/** A Host header that can be put in a URL as it stands (a name or address, and a port). */
const plainHost = (host: string | undefined) =>
  host !== undefined && /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?$/.test(host) ? host : undefined;

/** The hosted page's URL: absolute on the mock's own origin when the Host is plain, else a path. */
export function kycSessionUrl(host: string | undefined, kyc: Kyc): string {
  const query = kyc.country ? `?country=${encodeURIComponent(kyc.country.toLowerCase())}` : "";
  const path = `${kycSessionPrefix}${encodeURIComponent(kyc.sessionToken)}${query}`;
  const origin = plainHost(host);
  return origin ? `http://${origin}${path}` : path;
}

/** Redirect to Verification's answer: a loading page whose script sends the browser on. */
export function loadingPage(target: string): string {
  // JSON gives a JavaScript string; `<` escaped so that nothing in it can close the script.
  const url = JSON.stringify(target).replaceAll("<", "\\u003c");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Loading verification…</title></head>
<body><p>Loading verification…</p>
<script>location.replace(${url});</script>
<noscript><p>This page needs JavaScript to continue to the verification.</p></noscript>
</body></html>
`;
}

const page = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}
button{margin:.5rem .5rem 0 0;padding:.5rem 1rem;font-size:1rem}</style></head>
<body>${body}</body></html>
`;

const buttonLabels: Record<string, string> = { approve: "Approve", reject: "Reject", expire: "Expire" };

/**
 * The stand-in provider page: who is being verified, a button for each decision the rules take
 * now (`taken`), and why the others are refused (`refused`: one line each).
 */
export function providerPage(
  user: StoredUser,
  kyc: Kyc,
  { taken, refused }: { taken: string[]; refused: string[] },
): string {
  const name = [user.data.firstName, user.data.lastName].filter((part) => typeof part === "string").join(" ");
  const rows: [string, string | undefined][] = [
    ["Name", name || undefined],
    ["External user id", user.externalUserId],
    ["Document", kyc.documentType],
    ["Country", kyc.country],
    ["Verification", kyc.verificationStatus],
    ["Attempt", kyc.attemptStatus],
  ];
  const facts = rows
    .filter(([, value]) => value !== undefined)
    .map(([label, value]) => `<dt>${escapeHtml(label)}</dt><dd>${escapeHtml(String(value))}</dd>`)
    .join("");
  return page(
    "Identity verification (p100-mock sandbox)",
    `<h1>Identity verification</h1>
<p>The p100-mock sandbox's stand-in for the provider's page: here the user would photograph the
document and take a selfie. Decide the attempt instead.</p>
<dl>${facts}</dl>
${refused.map((why) => `<p role="note">${escapeHtml(why)}</p>`).join("\n")}
${taken.length ? form(taken) : ""}`,
  );
}

/** The decisions' form: the reason's field when Reject is one of them, and a button each. */
function form(taken: string[]): string {
  const reason = taken.includes("reject")
    ? `<label>Rejection reason <input name="reason" value="${defaultRejectionReason}"></label><br>\n`
    : "";
  const buttons = taken.map(
    (decision) => `<button type="submit" name="decision" value="${decision}">${buttonLabels[decision]}</button>`,
  );
  return `<form method="post">\n${reason}${buttons.join("\n")}\n</form>`;
}

/** What the page shows after a decision, or why it could not be made. */
export function resultPage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1><p role="status">${escapeHtml(message)}</p>`);
}

/** Headers of the hosted pages: nothing but the page itself may run, frame it or be posted to. */
export const pageHeaders = {
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};
