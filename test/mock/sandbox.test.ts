// The stateful mock, used the way a partner team uses it: the whole onboarding flow through the
// typed client and the typed sandbox client, with a real webhook receiver built on
// verifyAndParseWebhook. Every Extend user answer is reached through state alone (no Prefer),
// two keys stay apart, retries follow the virtual clock, and Prism finds no answer off the spec.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createP100Client, prefer } from "../../src/index.js";
import { createSandboxClient, type RunningMock, startMock } from "../../src/mock.js";
import { verifyAndParseWebhook, type WebhookName } from "../../src/webhooks.js";
import { validBody } from "../support/cases.js";
import { tinyFile } from "../support/files.js";

const token = "whsec_sandbox-token";
let mock: RunningMock;
let receiver: http.Server;
let receiverUrl: string;
/** Deliveries the receiver accepted, per webhook path; `failFirst` makes it answer 500 that often. */
const received: { name: string; payload: unknown; recognised: boolean }[] = [];
let failFirst = 0;

beforeAll(async () => {
  mock = await startMock({ stateful: true });
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      if (failFirst > 0) {
        failFirst--;
        res.writeHead(500).end();
        return;
      }
      const name = req.url!.split("/").pop() as WebhookName;
      const result = verifyAndParseWebhook(name, { headers: req.headers, rawBody: Buffer.concat(chunks) }, { token });
      if (result.ok) received.push({ name, payload: result.payload, recognised: result.recognised });
      res.writeHead(result.ok ? 200 : result.status).end("{}");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/{webhook}`;
});
afterAll(async () => {
  await mock.close();
  await new Promise((resolve) => receiver.close(resolve));
});

/** A partner's clients for one API key, and a fresh world with the receiver as endpoint. */
async function world(apiKey: string) {
  const p100 = createP100Client({ apiKey, baseUrl: mock.url, retry: false });
  const sandbox = createSandboxClient({ apiKey, baseUrl: mock.url });
  expect((await sandbox.POST("/_sandbox/reset")).response.status).toBe(204);
  await sandbox.PUT("/_sandbox/webhook-endpoint", { body: { url: receiverUrl, token } });
  return { p100, sandbox };
}

/** A new KYC user: the spec's documented request, for this id and country. */
const person = (externalUserId: string, country: string) =>
  validBody("createUser", { externalUserId, country, citizenship: country });

const webhooksFor = (id: string) =>
  received
    .filter((r) => (r.payload as { externalUserId?: string }).externalUserId === id)
    .map((r) => `${r.name} ${(r.payload as { status: string }).status}`);

describe("the onboarding flow, through state alone", () => {
  it("creates, verifies, uploads the POA and extends a user, with every Extend user answer and its webhooks", {
    timeout: 30_000,
  }, async () => {
    const { p100, sandbox } = await world("sk_flow");
    const id = "flow-user-1";
    const path = { params: { path: { externalUserId: id } } };
    const extend = () => p100.POST("/v1/user/balances/extended", { body: { externalUserId: id } });
    const poa = () =>
      p100.POST("/v1/user/poa-files/{externalUserId}", { ...path, body: { files: [tinyFile("bill.pdf")] } });

    // Not created yet: no user.
    expect(await p100.GET("/v1/user/balances/{externalUserId}", path)).toMatchObject({
      status: 400,
      error: { errorCode: "P412" },
    });
    expect(await extend()).toMatchObject({ status: 400, error: { errorCode: "P459" } });

    const created = await p100.POST("/v1/user/balances/crypto-and-fiat", { body: person(id, "UA") });
    expect(created).toMatchObject({
      outcome: "success",
      status: 200,
      data: { poaRequiredForExtended: true },
      drift: [],
    });
    expect(await p100.POST("/v1/user/balances/crypto-and-fiat", { body: person(id, "UA") })).toMatchObject({
      status: 400,
      error: { errorCode: "P411" },
    });
    expect(await extend()).toMatchObject({ status: 400, error: { errorCode: "P459" } }); // not verified

    expect(
      (
        await p100.POST("/v1/user/kyc-files/{externalUserId}", {
          ...path,
          body: { files: [tinyFile("front.png"), tinyFile("back.png")] },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await p100.POST("/v1/user/verification", {
          body: { externalUserId: id, documentType: "PASSPORT", documentNumber: "ABC123456" },
        })
      ).status,
    ).toBe(201);
    expect((await sandbox.GET("/_sandbox/users/{externalUserId}", path)).data).toMatchObject({
      verification: "pending",
      kycFiles: 1,
    });
    expect((await p100.GET("/v1/user/balances/{externalUserId}", path)).data).toMatchObject({
      fiatBalances: [],
      cryptoBalances: [],
    });

    const approved = await sandbox.POST("/_sandbox/users/{externalUserId}/verification/{decision}", {
      params: { path: { externalUserId: id, decision: "approve" } },
    });
    expect(approved.data).toMatchObject({ verification: "approved", balancesGenerated: true });
    const balances = await p100.GET("/v1/user/balances/{externalUserId}", path);
    expect(balances).toMatchObject({ status: 200, data: { userId: created.data!.userId }, drift: [] });
    expect(balances.data!.fiatBalances.length).toBeGreaterThan(0);

    expect(await extend()).toMatchObject({ outcome: "pending", status: 202, data: { errorCode: "P210" } }); // no POA yet
    expect((await poa()).status).toBe(201);
    expect(await poa()).toMatchObject({ outcome: "pending", status: 202, data: { errorCode: "P211" } });
    expect(await extend()).toMatchObject({ status: 202, data: { errorCode: "P211" } }); // POA pending
    await sandbox.POST("/_sandbox/users/{externalUserId}/poa/{decision}", {
      params: { path: { externalUserId: id, decision: "reject" } },
    });
    expect(await extend()).toMatchObject({ status: 400, error: { errorCode: "P444" } }); // POA rejected
    expect((await poa()).status).toBe(201); // a new upload after a rejection
    await sandbox.POST("/_sandbox/users/{externalUserId}/poa/{decision}", {
      params: { path: { externalUserId: id, decision: "approve" } },
    });
    expect(await poa()).toMatchObject({ status: 400, error: { errorCode: "P447" } });
    expect(await extend()).toMatchObject({ outcome: "success", status: 201 });
    expect(await extend()).toMatchObject({ status: 400, error: { errorCode: "P458" } });

    await sandbox.GET("/_sandbox/deliveries"); // waits for the first attempts under way
    expect(webhooksFor(id)).toEqual([
      "kycFileAdded ADDED",
      "kycVerificationStatus APPROVED",
      "userBalanceGeneration ACTIVE",
      "poaVerificationStatus WAITING",
      "poaVerificationStatus REJECTED",
      "poaVerificationStatus WAITING",
      "poaVerificationStatus APPROVED",
      "userBalanceGeneration ACTIVE",
    ]);
    expect(received.every((r) => r.recognised)).toBe(true);
  });

  it("updates, suspends, unsuspends and deletes a user", async () => {
    const { p100 } = await world("sk_account");
    const id = "account-user";
    const body = { externalUserId: id };
    await p100.POST("/v1/user/balances/crypto-and-fiat", { body: person(id, "PL") });
    expect((await p100.PATCH("/v1/user", { body: { ...body, city: "Kraków" } })).status).toBe(200);
    expect((await p100.PATCH("/v1/user/suspend", { body })).status).toBe(200);
    expect(await p100.PATCH("/v1/user/suspend", { body })).toMatchObject({ status: 400, error: { errorCode: "P455" } });
    expect((await p100.PATCH("/v1/user/unsuspend", { body })).status).toBe(200);
    expect(await p100.GET("/v1/user/transactions/{externalUserId}", { params: { path: body } })).toMatchObject({
      status: 200,
      data: [],
    });
    expect((await p100.DELETE("/v1/user", { body })).status).toBe(200);
    expect(await p100.GET("/v1/user/balances/{externalUserId}", { params: { path: body } })).toMatchObject({
      status: 400,
      error: { errorCode: "P412" },
    });
  });

  it("creates a user without KYC with its balances at once", async () => {
    const { p100 } = await world("sk_nokyc");
    const result = await p100.POST("/v1/user/balances/crypto", {
      body: validBody("createUserWithoutKyc", { externalUserId: "nokyc-1" }),
    });
    expect(result).toMatchObject({ status: 200, drift: [] });
    expect(result.data!.balances.length).toBeGreaterThan(0);
  });

  it("answers a request that picks its answer with Prefer from the spec, and leaves the world as it was", async () => {
    const { p100, sandbox } = await world("sk_prefer");
    const body = { externalUserId: "prefer-user" };
    await p100.POST("/v1/user/balances/crypto-and-fiat", { body: person(body.externalUserId, "PL") });
    const before = await sandbox.GET("/_sandbox/users/{externalUserId}", { params: { path: body } });
    // Extend user's "unknown exception" follows from no state: Prefer is the way to reach it.
    expect(
      await p100.POST("/v1/user/balances/extended", { body, headers: prefer("extendUser", 400, "P500") }),
    ).toMatchObject({ status: 400, error: { errorCode: "P500" } });
    expect(await p100.POST("/v1/user/balances/extended", { body, headers: prefer("extendUser", 201) })).toMatchObject({
      status: 201,
    });
    expect((await sandbox.GET("/_sandbox/users/{externalUserId}", { params: { path: body } })).data).toEqual(
      before.data,
    );
    expect((await sandbox.GET("/_sandbox/deliveries")).data).toEqual([]);
    // Without Prefer, the state decides again: the user is not verified.
    expect(await p100.POST("/v1/user/balances/extended", { body })).toMatchObject({ error: { errorCode: "P459" } });
  });

  it("still answers invalid requests as documented (401, 400 P403)", async () => {
    const { p100 } = await world("sk_invalid");
    // @ts-expect-error -- the types forbid this body; the mock must answer as documented.
    expect(await p100.POST("/v1/user/balances/extended", { body: {} })).toMatchObject({
      status: 400,
      error: { errorCode: "P403" },
    });
    const response = await fetch(`${mock.url}/v1/user/balances/extended`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(response.status).toBe(401);
  });
});

describe("worlds and the control API", () => {
  it("keeps two keys apart: users, deliveries and clocks", async () => {
    const a = await world("sk_a");
    const b = await world("sk_b");
    await Promise.all([
      a.p100.POST("/v1/user/balances/crypto-and-fiat", { body: person("shared-id", "PL") }),
      b.p100.POST("/v1/user/balances/crypto-and-fiat", { body: person("other-id", "PL") }),
    ]);
    expect(
      (await b.p100.GET("/v1/user/balances/{externalUserId}", { params: { path: { externalUserId: "shared-id" } } }))
        .status,
    ).toBe(400);
    await a.p100.POST("/v1/user/kyc-files/{externalUserId}", {
      params: { path: { externalUserId: "shared-id" } },
      body: { files: [tinyFile("front.png")] },
    });
    expect((await a.sandbox.GET("/_sandbox/deliveries")).data).toHaveLength(1);
    expect((await b.sandbox.GET("/_sandbox/deliveries")).data).toEqual([]);
  });

  it("makes a webhook's first attempt at once: it arrives with no further call to the mock", async () => {
    const { p100 } = await world("sk_at_once");
    await p100.POST("/v1/user/balances/crypto-and-fiat", { body: person("at-once-user", "PL") });
    const heard = () =>
      received.filter((r) => (r.payload as { externalUserId?: string }).externalUserId === "at-once-user");
    await p100.POST("/v1/user/kyc-files/{externalUserId}", {
      params: { path: { externalUserId: "at-once-user" } },
      body: { files: [tinyFile("front.png")] },
    });
    await expect.poll(() => heard().map((r) => r.name), { timeout: 1000, interval: 20 }).toEqual(["kycFileAdded"]);
  });

  it("retries a failed delivery on the documented schedule when the clock moves", async () => {
    const { p100, sandbox } = await world("sk_retry");
    await p100.POST("/v1/user/balances/crypto-and-fiat", { body: person("retry-user", "PL") });
    failFirst = 2;
    await p100.POST("/v1/user/kyc-files/{externalUserId}", {
      params: { path: { externalUserId: "retry-user" } },
      body: { files: [tinyFile("front.png")] },
    });
    const first = (await sandbox.GET("/_sandbox/deliveries")).data![0]!;
    expect(first).toMatchObject({
      webhook: "kycFileAdded",
      state: "retrying",
      attempts: [{ status: 500 }],
      nextAttemptAt: "2026-01-01T00:00:08.000Z",
    });
    expect((await sandbox.POST("/_sandbox/clock/advance", { body: { seconds: 7 } })).data).toEqual([]); // not due yet
    const second = (await sandbox.POST("/_sandbox/clock/advance", { body: { seconds: 1 } })).data!;
    expect(second).toMatchObject([
      {
        attempts: [{ status: 500 }, { status: 500, at: "2026-01-01T00:00:08.000Z" }],
        nextAttemptAt: "2026-01-01T00:00:24.000Z",
      },
    ]);
    const third = (await sandbox.POST("/_sandbox/clock/advance", { body: { seconds: 16 } })).data!;
    expect(third).toMatchObject([
      { state: "delivered", attempts: [{ status: 500 }, { status: 500 }, { status: 200 }] },
    ]);
    expect(third[0]).not.toHaveProperty("nextAttemptAt");
  });

  it("gives up after the fifth attempt", async () => {
    const { p100, sandbox } = await world("sk_fail");
    await sandbox.PUT("/_sandbox/webhook-endpoint", { body: { url: "http://127.0.0.1:9/closed", token } });
    await p100.POST("/v1/user/balances/crypto-and-fiat", { body: person("lost-user", "PL") });
    await p100.POST("/v1/user/kyc-files/{externalUserId}", {
      params: { path: { externalUserId: "lost-user" } },
      body: { files: [tinyFile("front.png")] },
    });
    for (const seconds of [8, 16, 32, 64]) await sandbox.POST("/_sandbox/clock/advance", { body: { seconds } });
    const [delivery] = (await sandbox.GET("/_sandbox/deliveries")).data!;
    expect(delivery).toMatchObject({ state: "failed" });
    expect(delivery!.attempts).toHaveLength(5);
    expect(delivery!.attempts.every((a) => a.error)).toBe(true);
  });

  it("answers mistakes with a clear 4xx", async () => {
    const { p100, sandbox } = await world("sk_mistakes");
    await p100.POST("/v1/user/balances/crypto-and-fiat", { body: person("u1", "PL") });
    const decide = (decision: string) =>
      fetch(`${mock.url}/_sandbox/users/u1/verification/${decision}`, {
        method: "POST",
        headers: { "x-api-key": "sk_mistakes" },
      });
    expect(await (await decide("approve")).json()).toEqual({ message: "u1 has no pending verification" });
    expect((await decide("approve")).status).toBe(409);
    expect((await decide("maybe")).status).toBe(400);
    expect(
      (await sandbox.GET("/_sandbox/users/{externalUserId}", { params: { path: { externalUserId: "nobody" } } }))
        .response.status,
    ).toBe(404);
    expect((await sandbox.POST("/_sandbox/clock/advance", { body: { seconds: -1 } })).response.status).toBe(400);
    // @ts-expect-error -- the types require a token
    expect((await sandbox.PUT("/_sandbox/webhook-endpoint", { body: { url: "http://x" } })).response.status).toBe(400);
    expect((await fetch(`${mock.url}/_sandbox/deliveries`)).status).toBe(401);
  });
});

it("gave no answer that breaks the spec (Prism checked every one)", () => {
  expect(mock.invalidAnswers).toEqual([]);
});
