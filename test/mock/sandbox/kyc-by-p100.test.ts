// KYC by P100 (onboarding Method B) in the stateful mock, as a partner's team meets it: a real
// Chromium opens the partner's own page, which calls Redirect to Verification through the typed
// client and passes P100's HTML loading page on; the page's script takes the browser to the
// sandbox's hosted stand-in page, whose buttons are clicked; a real receiver (node:http on
// loopback, verifyAndParseWebhook) gets each KYC Verification Status webhook, recognised. Then
// Get KYC Status, Add User Verification and the balances, and the same decisions through the
// control API. Deliveries made side by side may arrive in any order: compared as sets.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createP100Client } from "../../../src/index.js";
import { createSandboxClient, type RunningMock, startMock } from "../../../src/mock/index.js";
import { verifyAndParseWebhook, type WebhookName } from "../../../src/webhooks/index.js";
import { launchChromium } from "../../support/browser.js";
import { validBody } from "../../support/cases.js";

const token = "whsec_kyc-token";
let mock: RunningMock;
let browser: Browser;
const servers: http.Server[] = [];
const received: { name: string; payload: Record<string, unknown>; recognised: boolean }[] = [];

async function listen(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let receiverUrl: string;
let partnerUrl: string;
const partnerKey = "sk_kyc_browser";

beforeAll(async () => {
  mock = await startMock({ stateful: true });
  // The partner's webhook receiver.
  receiverUrl = await listen((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const name = req.url!.split("/").pop() as WebhookName;
      const result = await verifyAndParseWebhook(
        name,
        { headers: req.headers, rawBody: Buffer.concat(chunks) },
        { tokens: token },
      );
      if (result.ok)
        received.push({ name, payload: result.payload as Record<string, unknown>, recognised: result.recognised });
      res.writeHead(result.ok ? 200 : result.status).end("{}");
    });
  });
  // The partner's own web page: /verify/<externalUserId>/<verificationId> asks P100 (the mock) for
  // the verification's page with the partner's key, and gives the user's browser its HTML.
  const p100 = createP100Client({ apiKey: partnerKey, baseUrl: mock.url, retry: false });
  partnerUrl = await listen(async (req, res) => {
    const [, , externalUserId = "", verificationId = ""] = req.url!.split("/").map(decodeURIComponent);
    const page = await p100.GET("/v1/kyc/verification/{externalUserId}/{verificationId}", {
      params: { path: { externalUserId, verificationId } },
    });
    if (page.status !== 200) res.writeHead(502, { "content-type": "text/plain" }).end(page.outcome);
    else res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page.data);
  });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await mock.close();
  for (const server of servers) await new Promise((resolve) => server.close(resolve));
});

/** A partner's clients for one key, a fresh world with the receiver as endpoint, and a new KYC user. */
async function onboarding(apiKey: string, externalUserId: string) {
  const p100 = createP100Client({ apiKey, baseUrl: mock.url, retry: false });
  const sandbox = createSandboxClient({ apiKey, baseUrl: mock.url });
  await sandbox.POST("/_sandbox/reset");
  const url = `${receiverUrl}/webhooks/{webhook}`;
  expect((await sandbox.PUT("/_sandbox/webhook-endpoint", { body: { url, token } })).response.status).toBe(200);
  const body = validBody("createUser", { externalUserId, firstName: "Olena", lastName: "Kovalenko" });
  expect((await p100.POST("/v1/user/balances/crypto-and-fiat", { body })).status).toBe(200);
  const user = { params: { path: { externalUserId } } };
  const open = async () => {
    const opened = await p100.POST("/v1/kyc", { body: validBody("createKycVerification", { externalUserId }) });
    expect(opened).toMatchObject({ outcome: "success", status: 200, drift: [] });
    return (opened.data as { verificationId: string }).verificationId;
  };
  return { p100, sandbox, user, open };
}

/** The KYC Verification Status webhooks the receiver got for a user, as "verificationStatus attemptStatus reason". */
const kycWebhooks = (externalUserId: string) =>
  received
    .filter((r) => r.name === "kycVerificationStatus" && r.payload.externalUserId === externalUserId)
    .map((r) => {
      expect(r.recognised).toBe(true);
      return [r.payload.verificationStatus, r.payload.attemptStatus, r.payload.rejectionReason ?? "-"].join(" ");
    });
const webhookNames = (externalUserId: string) =>
  received.filter((r) => r.payload.externalUserId === externalUserId).map((r) => r.name);

describe("KYC by P100 in a real browser", () => {
  it("follows the partner's page to the hosted page, clicks Approve, and the receiver gets the webhooks", {
    timeout: 60_000,
  }, async () => {
    const id = "browser-approve";
    const { p100, sandbox, user, open } = await onboarding(partnerKey, id);
    expect(await p100.GET("/v1/kyc/status/{externalUserId}", user)).toMatchObject({
      status: 404,
      error: { errorCode: "P445" },
    });
    const verificationId = await open();

    // Pages stay open until the browser closes: the bundled Chromium runs as one process, which
    // ends with its last page.
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(error.message));
    // The partner's page answers 200 with P100's HTML; its script sends the browser on.
    const first = await page.goto(`${partnerUrl}/verify/${id}/${verificationId}`);
    expect(first?.status()).toBe(200);
    await page.waitForURL(/\/_sandbox\/kyc-session\//);
    expect(new URL(page.url()).origin).toBe(mock.url);
    await expect.poll(() => page.textContent("body")).toContain("Olena Kovalenko");
    expect(await page.textContent("body")).toContain(id);
    const buttons = await page.getByRole("button").allTextContents();
    expect(buttons).toEqual(["Approve", "Reject", "Expire"]);
    expect(await page.getByLabel("Rejection reason").inputValue()).toBe("NO_FACE_FOUND");

    const hosted = page.url();
    await page.getByRole("button", { name: "Approve" }).click();
    await expect.poll(() => page.textContent("h1")).toBe("Verification approved");
    expect(problems).toEqual([]);
    // Decided: the hosted page offers Expire alone, and says why Approve and Reject are gone.
    await page.goto(hosted);
    expect(await page.getByRole("button").allTextContents()).toEqual(["Expire"]);
    expect(await page.getByLabel("Rejection reason").count()).toBe(0);
    expect(await page.getByRole("note").allTextContents()).toEqual([
      `${id}'s attempt is already SUCCESSFUL: only expire is left, or open a new verification with Creating KYC Verification (POST /v1/kyc)`,
    ]);

    await sandbox.GET("/_sandbox/deliveries", { params: { query: { wait: 30 } } }); // the attempts under way end first
    expect(kycWebhooks(id).sort()).toEqual(
      ["NOT_VERIFIED PENDING -", "NOT_VERIFIED VERIFICATION -", "VERIFIED SUCCESSFUL -"].sort(),
    );
    expect(await p100.GET("/v1/kyc/status/{externalUserId}", user)).toMatchObject({
      status: 200,
      data: { externalUserId: id, verificationStatus: "VERIFIED", attemptStatus: "SUCCESSFUL" },
      drift: [],
    });

    // Step 5: the document data; the balances are generated now, reported by User Balance Generation.
    expect((await p100.GET("/v1/user/balances/{externalUserId}", user)).data).toMatchObject({ fiatBalances: [] });
    const verified = await p100.POST("/v1/user/verification", {
      body: { externalUserId: id, documentType: "ID_CARD", documentNumber: "ABC123456" },
    });
    expect(verified.status).toBe(201);
    const balances = await p100.GET("/v1/user/balances/{externalUserId}", user);
    expect(balances.status === 200 && balances.data.fiatBalances.length).toBeGreaterThan(0);
    await sandbox.GET("/_sandbox/deliveries", { params: { query: { wait: 30 } } });
    expect(webhookNames(id)).toContain("userBalanceGeneration");
    expect((await sandbox.GET("/_sandbox/users/{externalUserId}", user)).data).toMatchObject({
      verification: "approved",
      balancesGenerated: true,
    });
  });

  it("rejects with the reason typed into the page; then offers Expire alone, and no button once expired", {
    timeout: 60_000,
  }, async () => {
    const id = "browser-reject";
    const { p100, sandbox, user, open } = await onboarding(partnerKey, id);
    const page = await browser.newPage();
    await page.goto(`${partnerUrl}/verify/${id}/${await open()}`);
    await page.waitForURL(/\/_sandbox\/kyc-session\//);
    const hosted = page.url();
    const stale = await browser.newPage();
    await stale.goto(hosted);
    await page.getByLabel("Rejection reason").fill("FACE_MISMATCH");
    await page.getByRole("button", { name: "Reject" }).click({ timeout: 5000 });
    await expect.poll(() => page.textContent("h1")).toBe("Verification rejected");
    expect(await page.textContent("[role=status]")).toContain("REJECTED_BY_PROVIDER");
    expect(await p100.GET("/v1/kyc/status/{externalUserId}", user)).toMatchObject({
      status: 200,
      data: {
        verificationStatus: "NOT_VERIFIED",
        attemptStatus: "REJECTED_BY_PROVIDER",
        rejectionReason: "FACE_MISMATCH",
      },
    });
    await sandbox.GET("/_sandbox/deliveries", { params: { query: { wait: 30 } } });
    expect(kycWebhooks(id)).toContain("NOT_VERIFIED REJECTED_BY_PROVIDER FACE_MISMATCH");

    // A page opened before the decision still has Approve: its click is refused with the reason.
    await stale.getByRole("button", { name: "Approve" }).click({ timeout: 5000 });
    await expect.poll(() => stale.textContent("h1")).toBe("Nothing to decide");
    expect(await stale.textContent("[role=status]")).toBe(
      `${id}'s attempt is already REJECTED_BY_PROVIDER: only expire is left, or open a new verification with Creating KYC Verification (POST /v1/kyc)`,
    );
    // Opened now, it offers Expire alone; once expired, no button, and a line that says why.
    await page.goto(hosted);
    expect(await page.getByRole("button").allTextContents()).toEqual(["Expire"]);
    await page.getByRole("button", { name: "Expire" }).click({ timeout: 5000 });
    await expect.poll(() => page.textContent("h1")).toBe("Verification expired");
    await page.goto(hosted);
    expect(await page.textContent("dl")).toContain("EXPIRED");
    expect(await page.getByRole("button").count()).toBe(0);
    expect(await page.locator("form").count()).toBe(0);
    expect(await page.getByRole("note").allTextContents()).toEqual([
      `${id}'s verification EXPIRED: open a new one with Creating KYC Verification (POST /v1/kyc)`,
    ]);
  });
});

describe("KYC by P100 through the control API", () => {
  it("expires a verification; a new one can be opened and approved; Add User Verification before that keeps the user pending", async () => {
    const id = "control-expire";
    const { p100, sandbox, user, open } = await onboarding("sk_kyc_control", id);
    const decide = (decision: "approve" | "reject" | "expire", body?: { rejectionReason: string }) =>
      sandbox.POST("/_sandbox/users/{externalUserId}/kyc/{decision}", {
        params: { path: { externalUserId: id, decision } },
        ...(body ? { body } : {}),
      });
    const refusal = async (decision: "approve" | "reject" | "expire") => {
      const { response, error } = await decide(decision);
      return { status: response.status, message: (error as { message?: string } | undefined)?.message };
    };
    expect(await refusal("approve")).toEqual({
      status: 409,
      message: `${id} has no KYC verification: open one with Creating KYC Verification (POST /v1/kyc)`,
    });
    const first = await open();
    expect((await decide("expire")).data).toMatchObject({
      kyc: { verificationId: first, verificationStatus: "EXPIRED" },
    });
    // The user must verify again: every decision is refused, and says so.
    const expired = `${id}'s verification EXPIRED: open a new one with Creating KYC Verification (POST /v1/kyc)`;
    for (const decision of ["approve", "reject", "expire"] as const)
      expect(await refusal(decision)).toEqual({ status: 409, message: expired });
    expect(await p100.GET("/v1/kyc/status/{externalUserId}", user)).toMatchObject({
      data: { verificationStatus: "EXPIRED" },
    });
    const second = await open();
    expect(second).not.toBe(first);
    expect(
      await p100.GET("/v1/kyc/verification/{externalUserId}/{verificationId}", {
        params: { path: { externalUserId: id, verificationId: first } },
      }),
    ).toMatchObject({ status: 404, error: { errorCode: "P445" } }); // replaced
    expect((await decide("reject", { rejectionReason: "DOC_EXPIRED" })).data).toMatchObject({
      kyc: { attemptStatus: "REJECTED_BY_PROVIDER", rejectionReason: "DOC_EXPIRED" },
    });
    // Not VERIFIED: Add User Verification leaves the user waiting, with no balances.
    await p100.POST("/v1/user/verification", {
      body: { externalUserId: id, documentType: "ID_CARD", documentNumber: "ABC123456" },
    });
    expect((await sandbox.GET("/_sandbox/users/{externalUserId}", user)).data).toMatchObject({
      verification: "pending",
      balancesGenerated: false,
    });
    expect(await refusal("approve")).toEqual({
      status: 409,
      message: `${id}'s attempt is already REJECTED_BY_PROVIDER: only expire is left, or open a new verification with Creating KYC Verification (POST /v1/kyc)`,
    });
    await open();
    expect((await decide("approve")).data).toMatchObject({ kyc: { verificationStatus: "VERIFIED" } });
    for (const decision of ["approve", "reject"] as const)
      expect(await refusal(decision)).toEqual({
        status: 409,
        message: `${id}'s attempt is already SUCCESSFUL: only expire is left, or open a new verification with Creating KYC Verification (POST /v1/kyc)`,
      });
    expect(
      (
        await sandbox.POST("/_sandbox/users/{externalUserId}/kyc/{decision}", {
          params: { path: { externalUserId: id, decision: "approve" } },
          body: { rejectionReason: "" },
        })
      ).response.status,
    ).toBe(400);

    await sandbox.GET("/_sandbox/deliveries", { params: { query: { wait: 30 } } });
    expect(kycWebhooks(id).sort()).toEqual(
      [
        "NOT_VERIFIED PENDING -",
        "EXPIRED PENDING -",
        "NOT_VERIFIED PENDING -",
        "NOT_VERIFIED VERIFICATION -",
        "NOT_VERIFIED REJECTED_BY_PROVIDER DOC_EXPIRED",
        "NOT_VERIFIED PENDING -",
        "NOT_VERIFIED VERIFICATION -",
        "VERIFIED SUCCESSFUL -",
      ].sort(),
    );
  });

  it("answers an unknown session link with a 404 page, and a Method A approval sends no KYC Verification Status", async () => {
    const unknown = await fetch(`${mock.url}/_sandbox/kyc-session/not-a-session`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("content-type")).toMatch(/^text\/html/);
    expect(unknown.headers.get("content-security-policy")).toContain("default-src 'none'");

    const id = "method-a";
    const { p100, sandbox, user } = await onboarding("sk_kyc_method_a", id);
    await p100.POST("/v1/user/verification", {
      body: { externalUserId: id, documentType: "PASSPORT", documentNumber: "FA123456" },
    });
    await sandbox.POST("/_sandbox/users/{externalUserId}/verification/{decision}", {
      params: { path: { externalUserId: id, decision: "approve" } },
    });
    await sandbox.GET("/_sandbox/deliveries", { params: { query: { wait: 30 } } });
    expect(webhookNames(id)).toEqual(["userBalanceGeneration"]);
    expect(await p100.GET("/v1/kyc/status/{externalUserId}", user)).toMatchObject({
      status: 404,
      error: { errorCode: "P445" },
    });
  });

  it("gave no answer that breaks the spec (Prism checked every one)", () => {
    expect(mock.invalidAnswers).toEqual([]);
  });
});
