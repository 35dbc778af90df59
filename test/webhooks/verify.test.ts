// verifyAndParseWebhook and verifyWebhookToken (src/webhooks/verify.ts), in memory: every example
// is valid, what the docs do not rule out is accepted (with what was not recognised listed), what
// they rule out is a failure value with the failing path, and the token is never echoed.
import { describe, expect, it } from "vitest";
import {
  verifyAndParseWebhook,
  verifyWebhookToken,
  type WebhookHeaders,
  type WebhookName,
  webhookNames,
} from "../../src/webhooks/index.js";
import {
  bodyBytes,
  isWebhookName,
  parseWebhookBody,
  unknownWebhook,
  webhookFailure,
} from "../../src/webhooks/verify.js";
import { deref, spec } from "../support/spec.js";

const token = "whsec_test-token-123";
const examples = webhookNames.flatMap((name) =>
  Object.entries<any>(deref(spec.webhooks[name].post.requestBody).content["application/json"].examples).map(
    ([example, ref]) => ({
      name,
      example,
      value: deref(ref).value,
    }),
  ),
);
const deliver = (name: WebhookName, payload: unknown, headers: Record<string, string> = { authorization: token }) =>
  verifyAndParseWebhook(name, { headers, rawBody: JSON.stringify(payload) }, { tokens: token });

describe("the spec's webhooks", () => {
  it("describe every User & KYC webhook of the docs", () => {
    expect([...webhookNames].sort()).toEqual([
      "createWallet",
      "kycFileAdded",
      "kycVerificationStatus",
      "poaVerificationStatus",
      "userBalanceGeneration",
    ]);
    for (const name of webhookNames) expect(spec.webhooks[name].post["x-p100-source"].docs.length).toBeGreaterThan(0);
  });

  it.for(examples)("$name example $example is accepted as a valid payload", async ({ name, value }) => {
    expect(await deliver(name, value)).toEqual({ ok: true, name, recognised: true, payload: value, unrecognised: [] });
  });
});

describe("verifyAndParseWebhook accepts what the docs do not rule out, and says what it did not recognise", () => {
  const id = "bca65c48-df49-4831-a7b2-de7903321581";
  it.each<[string, WebhookName, unknown, string]>([
    [
      "a KYC Verification Status without attemptStatus (the docs list it, but not as required)",
      "kycVerificationStatus",
      { externalUserId: id, verificationStatus: "VERIFIED" },
      "/attemptStatus",
    ],
    [
      "a KYC Verification Status in the shape the spec used to guess",
      "kycVerificationStatus",
      { externalUserId: id, status: "APPROVED" },
      "/verificationStatus",
    ],
    ["a Create Wallet without externalUserId", "createWallet", { walletId: "w-1", currency: "btc" }, "/externalUserId"],
    [
      "a User Balance Generation whose status is not ACTIVE",
      "userBalanceGeneration",
      { externalUserId: id, status: "BLOCKED" },
      "/status",
    ],
    [
      "a POA Verification Status with a new status",
      "poaVerificationStatus",
      { externalUserId: id, status: "EXPIRED" },
      "/status",
    ],
  ])("%s", async (_, name, payload, path) => {
    const result = await deliver(name, payload);
    expect(result).toMatchObject({ ok: true, recognised: false, payload });
    expect(result.ok && result.unrecognised.map((issue) => issue.path)).toContain(path);
  });

  it("recognises the docs' KYC Verification Status example, and any rejectionReason (a string, null or none)", async () => {
    const docs = {
      externalUserId: "bca65c48-df49-4831-a7b2-de7903321581",
      verificationStatus: "NOT_VERIFIED",
      attemptStatus: "REJECTED_BY_PROVIDER",
      rejectionReason: "NO_FACE_FOUND",
    };
    expect(await deliver("kycVerificationStatus", docs)).toEqual({
      ok: true,
      name: "kycVerificationStatus",
      recognised: true,
      payload: docs,
      unrecognised: [],
    });
    const { rejectionReason: _, ...withoutReason } = docs;
    for (const payload of [
      { ...docs, rejectionReason: "FACE_MISMATCH" },
      { ...docs, rejectionReason: null },
      withoutReason,
    ])
      expect(await deliver("kycVerificationStatus", payload)).toMatchObject({ ok: true, recognised: true, payload });
  });

  it("a recognised payload keeps extra fields", async () => {
    const payload = { externalUserId: id, status: "ADDED", fileCount: 2 };
    expect(await deliver("kycFileAdded", payload)).toMatchObject({ ok: true, recognised: true, payload });
  });

  it.each<[string, WebhookName, unknown, string]>([
    [
      "a User Balance Generation without externalUserId (documented)",
      "userBalanceGeneration",
      { status: "ACTIVE" },
      "/externalUserId",
    ],
    ["a payload that is not an object", "createWallet", ["wallet"], "/"],
    ["a KYC Verification Status that is a string", "kycVerificationStatus", "APPROVED", "/"],
    [
      "a KYC Verification Status with a verificationStatus the docs do not list",
      "kycVerificationStatus",
      { externalUserId: id, verificationStatus: "APPROVED", attemptStatus: "SUCCESSFUL" },
      "/verificationStatus",
    ],
    [
      "a KYC Verification Status with an attemptStatus the docs do not list",
      "kycVerificationStatus",
      { externalUserId: id, verificationStatus: "VERIFIED", attemptStatus: "DONE" },
      "/attemptStatus",
    ],
    [
      "a KYC Verification Status whose rejectionReason is not a string",
      "kycVerificationStatus",
      {
        externalUserId: id,
        verificationStatus: "NOT_VERIFIED",
        attemptStatus: "REJECTED_BY_PROVIDER",
        rejectionReason: 7,
      },
      "/rejectionReason",
    ],
  ])("but rejects %s", async (_, name, payload, path) => {
    const result = await deliver(name, payload);
    expect(result).toMatchObject({ ok: false, reason: "invalid-payload", status: 400 });
    expect(!result.ok && result.errors.map((issue) => issue.path)).toContain(path);
  });
});

describe("verifyAndParseWebhook rejects", () => {
  const valid = { externalUserId: "bca65c48-df49-4831-a7b2-de7903321581", status: "ADDED" };

  it.each([
    ["a missing field", { externalUserId: valid.externalUserId }, "/status", "must have required property 'status'"],
    ["an unknown status", { ...valid, status: "DONE" }, "/status", "must be equal to one of the allowed values"],
    ["a wrong type", { ...valid, externalUserId: 42 }, "/externalUserId", "must be string"],
    ["a non-object", ["ADDED"], "/", "must be object"],
  ])("%s, naming the failing path", async (_, payload, path, message) => {
    const result = await deliver("kycFileAdded", payload);
    expect(result).toMatchObject({ ok: false, reason: "invalid-payload", status: 400 });
    expect(!result.ok && result.errors).toContainEqual({ path, message });
  });

  it("a body that is not JSON", async () => {
    const result = await verifyAndParseWebhook(
      "kycFileAdded",
      { headers: { authorization: token }, rawBody: "status=ADDED" },
      { tokens: token },
    );
    expect(result).toMatchObject({ ok: false, reason: "invalid-json", status: 400 });
  });

  it.each([
    ["a missing Authorization header", {}],
    ["a wrong token", { authorization: "whsec_wrong" }],
    ["a token with a prefix", { authorization: `Bearer ${token}` }],
    ["the token's prefix only", { authorization: token.slice(0, -1) }],
  ])("%s with 401, never echoing the token", async (_, headers) => {
    const result = await deliver("kycFileAdded", valid, headers);
    expect(result).toMatchObject({ ok: false, reason: "unauthorized", status: 401 });
    expect(JSON.stringify(result)).not.toContain(token);
  });

  it("accepts a Headers object and a Uint8Array or ArrayBuffer body as well", async () => {
    const bytes = new TextEncoder().encode(JSON.stringify(valid));
    for (const rawBody of [bytes, bytes.buffer]) {
      const result = await verifyAndParseWebhook(
        "kycFileAdded",
        { headers: new Headers({ Authorization: token }), rawBody },
        { tokens: token },
      );
      expect(result.ok).toBe(true);
    }
  });

  it("accepts any of several tokens (rotation); the removed `token` option configures none", async () => {
    const delivery = (given: string) => ({ headers: { authorization: given }, rawBody: JSON.stringify(valid) });
    for (const given of ["whsec_old", "whsec_new"])
      expect(
        await verifyAndParseWebhook("kycFileAdded", delivery(given), { tokens: ["whsec_old", "whsec_new"] }),
      ).toMatchObject({ ok: true });
    expect(
      await verifyAndParseWebhook("kycFileAdded", delivery("whsec_other"), { tokens: ["whsec_old", "whsec_new"] }),
    ).toMatchObject({ ok: false, status: 401 });
    const old = { token: "whsec_old" } as never; // a caller of 0.2 that kept `token`
    expect(await verifyAndParseWebhook("kycFileAdded", delivery("whsec_old"), old)).toMatchObject({
      ok: false,
      reason: "no-token-configured",
      status: 500,
    });
  });

  // Never a throw on input: each failure is a value with its status and one line of reason.
  it.each<[string, () => Promise<unknown>, object, RegExp]>([
    [
      "an unknown webhook name (as taken from a URL)",
      () =>
        verifyAndParseWebhook(
          "favicon.ico" as WebhookName,
          { headers: { authorization: token }, rawBody: "{}" },
          { tokens: token },
        ),
      { reason: "unknown-webhook", status: 404 },
      /^"favicon\.ico" is not a P100 webhook; known: createWallet, /,
    ],
    [
      "a body express.json() already parsed",
      () =>
        verifyAndParseWebhook(
          "kycFileAdded",
          { headers: { authorization: token }, rawBody: valid as never },
          { tokens: token },
        ),
      { reason: "body-not-raw", status: 500 },
      /^the body is a object, not the bytes as received .*express\.raw\(\{ type: "application\/json" \}\).*parseAs: "buffer".*request\.arrayBuffer\(\)/,
    ],
    [
      "no body at all (no body parser ran)",
      () =>
        verifyAndParseWebhook(
          "kycFileAdded",
          { headers: { authorization: token }, rawBody: undefined as never },
          { tokens: token },
        ),
      { reason: "body-not-raw", status: 500 },
      /^the body is undefined, not the bytes as received/,
    ],
    [
      "a body over maxBytes",
      () =>
        verifyAndParseWebhook(
          "kycFileAdded",
          { headers: { authorization: token }, rawBody: "x".repeat(101) },
          { tokens: token, maxBytes: 100 },
        ),
      { reason: "too-large", status: 413 },
      /^the body is over 100 bytes$/,
    ],
    [
      "no token configured (an unset variable)",
      () =>
        verifyAndParseWebhook(
          "kycFileAdded",
          { headers: { authorization: token }, rawBody: "{}" },
          { tokens: process.env.P100_NO_SUCH_VARIABLE! },
        ),
      { reason: "no-token-configured", status: 500 },
      /^no webhook security token is configured/,
    ],
    [
      "no options at all",
      () =>
        verifyAndParseWebhook("kycFileAdded", { headers: { authorization: token }, rawBody: "{}" }, undefined as never),
      { reason: "no-token-configured", status: 500 },
      /^no webhook security token/,
    ],
  ])("returns a failure, never throws, for %s", async (_, call, expected, message) => {
    const result = (await call()) as { message: string };
    expect(result).toMatchObject({ ok: false, ...expected });
    expect(result.message).toMatch(message);
    expect(result.message).not.toContain("\n");
    expect(JSON.stringify(result)).not.toContain(token);
  });

  it("checks the token before the name and the body: a stranger learns nothing else", async () => {
    const result = await verifyAndParseWebhook(
      "nope" as WebhookName,
      { headers: {}, rawBody: {} as never },
      { tokens: token },
    );
    expect(result).toMatchObject({ ok: false, reason: "unauthorized", status: 401 });
  });
});

describe("verifyWebhookToken", () => {
  it.each<[string, WebhookHeaders, boolean]>([
    ["the token", { authorization: token }, true],
    ["the second token", { Authorization: "whsec_next" }, true],
    ["in a Headers", new Headers({ authorization: "whsec_next" }), true],
    ["none", {}, false],
    ["twice", { authorization: [token, token] }, false],
    ["another", { authorization: "whsec_next2" }, false],
    ["empty", { authorization: "" }, false],
  ])("%s: ok is %s", async (_, headers, ok) => {
    expect((await verifyWebhookToken(headers, [token, "whsec_next"])).ok).toBe(ok);
  });
});

describe("the verifier's pieces", () => {
  it("takes the body's bytes as given (text, Uint8Array, ArrayBuffer) up to maxBytes exactly", () => {
    const bytes = new TextEncoder().encode("{}");
    expect(bodyBytes("{}", 2)).toEqual(bytes);
    expect(bodyBytes(bytes, 2)).toBe(bytes);
    expect(bodyBytes(bytes.buffer, 2)).toEqual(bytes);
    expect(bodyBytes("é", 2)).toEqual(new TextEncoder().encode("é")); // two bytes, one character
    expect(bodyBytes("{ }", 2)).toMatchObject({ reason: "too-large", status: 413 });
    expect(bodyBytes(["{}"], 100)).toMatchObject({ reason: "body-not-raw", message: /^the body is an array, not/ });
    expect(bodyBytes(null, 100)).toMatchObject({ reason: "body-not-raw", message: /^the body is null, not/ });
  });

  it("gives each failure the status to answer", () => {
    expect(
      (
        ["unauthorized", "unknown-webhook", "method-not-allowed", "too-large", "invalid-json", "body-not-raw"] as const
      ).map((reason) => webhookFailure(reason, "m").status),
    ).toEqual([401, 404, 405, 413, 400, 500]);
  });

  it("quotes an unknown name on one line, cut to 100 characters", () => {
    const { message } = unknownWebhook(`evil\nname"${"x".repeat(200)}`);
    expect(message).toMatch(/^"evil\\nname\\"x+" is not a P100 webhook; known: /);
    expect(message).not.toContain("\n");
    expect(message.length).toBeLessThan(300);
    expect(isWebhookName("kycFileAdded")).toBe(true);
    expect(isWebhookName("toString")).toBe(false);
  });

  it("parses an authentic body: not JSON, breaking the docs, or recognised", () => {
    const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
    expect(parseWebhookBody("kycFileAdded", new TextEncoder().encode("{"))).toMatchObject({ reason: "invalid-json" });
    const [first] = examples.filter((e) => e.name === "kycFileAdded");
    expect(parseWebhookBody("kycFileAdded", encode(first!.value))).toMatchObject({ ok: true, recognised: true });
    expect(parseWebhookBody("kycFileAdded", encode([]))).toMatchObject({ ok: false, reason: "invalid-payload" });
  });
});
