// The stateful mock, used the way a partner team uses it: the whole onboarding flow through the
// typed client and the typed sandbox client, sent to the mock in this process (createMockFetch's
// `fetch`, test/support/in-process-clients.ts), with a real webhook receiver built on
// verifyAndParseWebhook. Every Extend user answer is reached through state alone (no Prefer),
// two keys stay apart, retries follow the virtual clock (every retry due in one large window),
// reset and close() cancel deliveries in flight, each failed attempt records its cause, webhooks
// go to loopback hosts only and follow no redirect, the caps hold, and Prism finds no answer off
// the spec. Deliveries made side by side may arrive in any order: they are compared as sorted
// lists. The bin's banner and its sandbox flags are test/mock/mock-bin.test.ts's.
import { EventEmitter } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../../scripts/free-port.js";
import { createP100Client } from "../../../src/index.js";
import { createMockFetch, type InProcessMock, type MockOptions, prefer, startMock } from "../../../src/mock/index.js";
import { Sandbox } from "../../../src/mock/sandbox/sandbox.js";
import { verifyAndParseWebhook, type WebhookName } from "../../../src/webhooks/index.js";
import { validBody } from "../../support/cases.js";
import { tinyFile } from "../../support/files.js";
import { type AnyMock, rawCall, sandboxClient, via } from "../../support/in-process-clients.js";

const token = "whsec_sandbox-token";
let mock: InProcessMock;
let receiver: http.Server;
let receiverUrl: string;
/** Deliveries the receiver accepted, per webhook path; `failFirst` makes it answer 500 that often. */
const received: { name: string; payload: unknown; recognised: boolean }[] = [];
let failFirst = 0;

/**
 * A second receiver that answers by path: `/status/<n>/...` with n, `/redirect/...` with a 302 to
 * `/status/200/redirected`, `/hold/...` never, `/gate/...` with 200 once `openGates()` is called.
 * It notes each request, and whether the sender gave up on it (its connection closed before an
 * answer).
 */
interface Heard {
  path: string;
  payload: { externalUserId?: string };
  abandoned: boolean;
}
const heard: Heard[] = [];
/** The answers `/gate/...` holds back. */
const gated: (() => void)[] = [];
const openGates = () => {
  for (const answer of gated.splice(0)) answer();
};
let recorder: http.Server;
let recorderUrl: string;

/** Said each time a receiver notes a delivery, or that its sender gave up on one. */
const noted = new EventEmitter();
/** Resolves once `check()` holds, looked at again on each note (the test's own limit is the hang guard). */
function until(check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const look = () => {
      if (!check()) return;
      noted.off("note", look);
      resolve();
    };
    noted.on("note", look);
    look();
  });
}

/** Virtual-clock time `seconds` after a world began. */
const at = (seconds: number) => new Date(Date.parse("2026-01-01T00:00:00.000Z") + seconds * 1000).toISOString();

/** Mocks a test starts for itself; closed after it. */
const ownMocks: InProcessMock[] = [];
async function ownMock(options: Omit<MockOptions, "port" | "host"> = {}) {
  const started = await createMockFetch({ stateful: true, ...options });
  ownMocks.push(started);
  return started;
}
afterEach(async () => {
  await Promise.all(ownMocks.splice(0).map((m) => m.close()));
});

beforeAll(async () => {
  mock = await createMockFetch({ stateful: true });
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      if (failFirst > 0) {
        failFirst--;
        res.writeHead(500).end();
        return;
      }
      const name = req.url!.split("/").pop() as WebhookName;
      const result = await verifyAndParseWebhook(
        name,
        { headers: req.headers, rawBody: Buffer.concat(chunks) },
        { tokens: token },
      );
      if (result.ok) received.push({ name, payload: result.payload, recognised: result.recognised });
      noted.emit("note");
      res.writeHead(result.ok ? 200 : result.status).end("{}");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/{webhook}`;
  recorder = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const entry: Heard = {
        path: req.url!,
        payload: JSON.parse(Buffer.concat(chunks).toString() || "{}"),
        abandoned: false,
      };
      heard.push(entry);
      noted.emit("note");
      res.on("close", () => {
        if (!res.writableFinished) entry.abandoned = true;
        noted.emit("note");
      });
      const [, kind, status] = req.url!.split("/");
      if (kind === "hold") return;
      if (kind === "gate") return void gated.push(() => res.writeHead(200).end());
      if (kind === "redirect") res.writeHead(302, { location: "/status/200/redirected" }).end();
      else res.writeHead(Number(status) || 200).end();
    });
  });
  await new Promise<void>((resolve) => recorder.listen(0, "127.0.0.1", resolve));
  recorderUrl = `http://127.0.0.1:${(recorder.address() as AddressInfo).port}`;
});
afterAll(async () => {
  openGates();
  await mock.close();
  await new Promise((resolve) => receiver.close(resolve));
  recorder.closeAllConnections();
  await new Promise((resolve) => recorder.close(resolve));
});

const heardFor = (id: string) => heard.filter((h) => h.payload.externalUserId === id);

/** A loopback URL nobody listens on (its connection is refused). */
async function deadUrl() {
  return `http://127.0.0.1:${await freePort()}/{webhook}`;
}

/** A partner's clients for one API key, and a fresh world with the receiver as endpoint. */
async function world(apiKey: string, on: AnyMock = mock) {
  const p100 = createP100Client({ apiKey, ...via(on), retry: false });
  const sandbox = sandboxClient(apiKey, on);
  expect((await sandbox.POST("/_sandbox/reset")).response.status).toBe(204);
  expect((await sandbox.PUT("/_sandbox/webhook-endpoint", { body: { url: receiverUrl, token } })).response.status).toBe(
    200,
  );
  return { p100, sandbox };
}

type Clients = Awaited<ReturnType<typeof world>>;

/** Adds a KYC file for the user: one KYC File Added webhook. */
async function addKycFile({ p100 }: Clients, externalUserId: string) {
  const result = await p100.POST("/v1/user/kyc-files/{externalUserId}", {
    params: { path: { externalUserId } },
    body: { files: [tinyFile("front.png")] },
  });
  expect(result.status).toBe(201);
}

async function setEndpoint({ sandbox }: Clients, url: string) {
  const set = await sandbox.PUT("/_sandbox/webhook-endpoint", { body: { url, token } });
  expect(set.response.status).toBe(200);
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

    await sandbox.GET("/_sandbox/deliveries", { params: { query: { wait: 30 } } }); // the first attempts under way end
    // Each first attempt runs in the background, side by side with the next calls: any order.
    expect(webhooksFor(id).sort()).toEqual(
      [
        "kycFileAdded ADDED",
        "userBalanceGeneration ACTIVE", // Method A's approval: no KYC Verification Status (Method B's webhook)
        "poaVerificationStatus WAITING",
        "poaVerificationStatus REJECTED",
        "poaVerificationStatus WAITING",
        "poaVerificationStatus APPROVED",
        "userBalanceGeneration ACTIVE",
      ].sort(),
    );
    expect(received.every((r) => r.recognised)).toBe(true);
  });

  it("updates, suspends, unsuspends and deletes a user", async () => {
    const { p100, sandbox } = await world("sk_account");
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
    expect((await sandbox.GET("/_sandbox/users")).data).toMatchObject([{ externalUserId: id, suspended: false }]);
    expect((await p100.DELETE("/v1/user", { body })).status).toBe(200);
    expect((await sandbox.GET("/_sandbox/users")).data).toEqual([]);
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
    const response = await rawCall(mock, "/v1/user/balances/extended", {
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
    const listed = await a.sandbox.GET("/_sandbox/users");
    expect(listed.data?.map((u) => [u.externalUserId, u.kycFiles])).toEqual([["shared-id", 1]]);
    expect((await b.sandbox.GET("/_sandbox/users")).data?.map((u) => u.externalUserId)).toEqual(["other-id"]);
    // One key's answers are never kept for another (a browser or a proxy between them).
    expect(listed.response.headers.get("cache-control")).toBe("no-store");
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
    await until(() => heard().length > 0);
    expect(heard().map((r) => r.name)).toEqual(["kycFileAdded"]);
  });

  it("makes every retry due in one large window, each at its due time, and the one that succeeds is the last", async () => {
    const clients = await world("sk_retry");
    const { p100, sandbox } = clients;
    await p100.POST("/v1/user/balances/crypto-and-fiat", { body: person("retry-user", "PL") });
    failFirst = 2;
    await addKycFile(clients, "retry-user");
    const [first] = (await sandbox.GET("/_sandbox/deliveries", { params: { query: { wait: 30 } } })).data!;
    expect(first).toMatchObject({
      webhook: "kycFileAdded",
      state: "retrying",
      attempts: [{ at: at(0), status: 500 }],
      nextAttemptAt: at(8),
    });
    expect((await sandbox.POST("/_sandbox/clock/advance", { body: { seconds: 7 } })).data).toEqual([]); // not due yet
    const made = (await sandbox.POST("/_sandbox/clock/advance", { body: { seconds: 600 } })).data!;
    expect(made).toEqual([
      {
        ...first,
        state: "delivered",
        attempts: [
          { at: at(0), status: 500 },
          { at: at(8), status: 500 },
          { at: at(24), status: 200 },
        ],
        nextAttemptAt: undefined,
      },
    ]);
    expect(made[0]).not.toHaveProperty("nextAttemptAt");
    expect(webhooksFor("retry-user")).toEqual(["kycFileAdded ADDED"]);
  });

  it("takes deliveries to a dead endpoint through all 5 attempts in one advance of 600 s, each at its own due time (ECONNREFUSED)", async () => {
    const clients = await world("sk_fail");
    const { p100, sandbox } = clients;
    await setEndpoint(clients, await deadUrl());
    for (const id of ["lost-early", "lost-late"])
      await p100.POST("/v1/user/balances/crypto-and-fiat", { body: person(id, "PL") });
    await addKycFile(clients, "lost-early"); // at 0 s
    expect((await sandbox.POST("/_sandbox/clock/advance", { body: { seconds: 5 } })).data).toEqual([]);
    await addKycFile(clients, "lost-late"); // at 5 s
    const made = (await sandbox.POST("/_sandbox/clock/advance", { body: { seconds: 600 } })).data!;
    const attempts = (start: number) =>
      [0, 8, 24, 56, 120].map((offset) => ({ at: at(start + offset), error: "ECONNREFUSED" }));
    const byUser = (list: typeof made) =>
      [...list].sort((x, y) => String(x.payload.externalUserId).localeCompare(String(y.payload.externalUserId)));
    expect(byUser(made).map(({ payload, state, attempts }) => ({ payload, state, attempts }))).toEqual([
      { payload: { externalUserId: "lost-early", status: "ADDED" }, state: "failed", attempts: attempts(0) },
      { payload: { externalUserId: "lost-late", status: "ADDED" }, state: "failed", attempts: attempts(5) },
    ]);
    const listed = (await sandbox.GET("/_sandbox/deliveries")).data!;
    expect(byUser(listed)).toEqual(byUser(made));
    for (const delivery of listed) expect(delivery).not.toHaveProperty("nextAttemptAt");
    expect((await sandbox.POST("/_sandbox/clock/advance", { body: { seconds: 600 } })).data).toEqual([]); // given up
  });

  it("records the receiver's status for a failed attempt, and follows no redirect (a 3xx is a failure)", async () => {
    const clients = await world("sk_status");
    const { p100, sandbox } = clients;
    await p100.POST("/v1/user/balances/crypto-and-fiat", { body: person("status-user", "PL") });
    await p100.POST("/v1/user/balances/crypto-and-fiat", { body: person("redirected-user", "PL") });
    await setEndpoint(clients, `${recorderUrl}/status/503/{webhook}`);
    await addKycFile(clients, "status-user");
    await setEndpoint(clients, `${recorderUrl}/redirect/{webhook}`);
    await addKycFile(clients, "redirected-user");
    const listed = (await sandbox.GET("/_sandbox/deliveries", { params: { query: { wait: 30 } } })).data!;
    const of = (id: string) => listed.find((d) => d.payload.externalUserId === id)!;
    expect(of("status-user")).toMatchObject({ state: "retrying", attempts: [{ at: at(0), status: 503 }] });
    expect(of("redirected-user")).toMatchObject({ state: "retrying", attempts: [{ at: at(0), status: 302 }] });
    for (const d of listed) expect(d.attempts[0]).not.toHaveProperty("error");
    expect(heardFor("redirected-user").map((h) => h.path)).toEqual(["/redirect/kycFileAdded"]); // never followed
  });

  it("records a timeout when the receiver does not answer in time", async () => {
    const world = new Sandbox({ attemptTimeoutMs: 200 }).world("k");
    world.endpoint = { url: `${recorderUrl}/hold/{webhook}`, token };
    world.deliver("kycFileAdded", { externalUserId: "timeout-user", status: "ADDED" });
    await world.settled();
    expect(world.deliveries).toMatchObject([
      { state: "retrying", attempts: [{ at: at(0), error: "timeout" }], nextAttemptAt: at(8) },
    ]);
    expect(world.deliveries[0]!.attempts[0]).not.toHaveProperty("status");
    await until(() => heardFor("timeout-user").some((h) => h.abandoned));
    expect(heardFor("timeout-user").map((h) => h.abandoned)).toEqual([true]);
  });

  it("reset cancels the deliveries in flight: the receiver's open request is dropped, and nothing is left", async () => {
    const clients = await world("sk_cancel");
    const { p100, sandbox } = clients;
    await p100.POST("/v1/user/balances/crypto-and-fiat", { body: person("cancel-user", "PL") });
    await setEndpoint(clients, `${recorderUrl}/hold/{webhook}`);
    await addKycFile(clients, "cancel-user");
    await until(() => heardFor("cancel-user").length > 0);
    expect((await sandbox.POST("/_sandbox/reset")).response.status).toBe(204);
    // Without the cancellation the request would stay open until the attempt's 5 s timeout.
    await until(() => heardFor("cancel-user")[0]!.abandoned);
    expect((await sandbox.GET("/_sandbox/deliveries")).data).toEqual([]);
    expect((await sandbox.POST("/_sandbox/clock/advance", { body: { seconds: 600 } })).data).toEqual([]);
    expect(heardFor("cancel-user")).toHaveLength(1);
  });

  it("lists the deliveries at once while an attempt is under way; with `wait`, once it has ended", async () => {
    const clients = await world("sk_slow");
    const { p100, sandbox } = clients;
    await p100.POST("/v1/user/balances/crypto-and-fiat", { body: person("slow-user", "PL") });
    await setEndpoint(clients, `${recorderUrl}/gate/{webhook}`);
    await addKycFile(clients, "slow-user");
    await until(() => heardFor("slow-user").length > 0);
    const query = { externalUserId: "slow-user" };
    // The receiver still holds the attempt: the list is answered as it stands.
    const now = await sandbox.GET("/_sandbox/deliveries", { params: { query } });
    expect(now.data).toMatchObject([{ webhook: "kycFileAdded", state: "retrying", attempts: [] }]);
    expect(gated).toHaveLength(1);
    const waited = sandbox.GET("/_sandbox/deliveries", { params: { query: { ...query, wait: 30 } } });
    openGates();
    expect((await waited).data).toMatchObject([{ state: "delivered", attempts: [{ at: at(0), status: 200 }] }]);
  });

  it("close() cancels the deliveries in flight", async () => {
    const own = await ownMock();
    const clients = await world("sk_close", own);
    await clients.p100.POST("/v1/user/balances/crypto-and-fiat", { body: person("close-user", "PL") });
    await setEndpoint(clients, `${recorderUrl}/hold/{webhook}`);
    await addKycFile(clients, "close-user");
    await until(() => heardFor("close-user").length > 0);
    await own.close();
    await until(() => heardFor("close-user")[0]!.abandoned);
    expect(heardFor("close-user")).toHaveLength(1);
  });

  it("delivers webhooks to loopback hosts only, unless remote ones are allowed", async () => {
    const { sandbox } = await world("sk_door");
    const put = (url: string) => sandbox.PUT("/_sandbox/webhook-endpoint", { body: { url, token } });
    for (const url of [
      "http://127.0.0.1:1/{webhook}",
      "http://127.9.8.7:1/x",
      "http://localhost:1/{webhook}",
      "http://LOCALHOST:1/x",
      "http://[::1]:1/x",
      "https://127.0.0.1/x",
    ])
      expect((await put(url)).response.status, url).toBe(200);
    for (const url of [
      "http://example.com/{webhook}",
      "http://192.168.1.10:8080/x",
      "http://10.0.0.1/x",
      "http://127.0.0.1.example.com/x",
      "http://localhost.example.com/x",
      "http://[::ffff:127.0.0.1]/x",
      "http://169.254.169.254/latest",
      "http://0.0.0.0:1/x",
    ]) {
      const refused = await put(url);
      expect(refused.response.status, url).toBe(400);
      expect(refused.error!.message, url).toMatch(/is not a loopback host; .*--allow-remote-webhooks/);
    }
    expect((await put("http://[bad/x")).error).toEqual({ message: "url: must be an absolute http(s) URL" });

    const open = await ownMock({ allowRemoteWebhooks: true });
    const remote = await world("sk_open", open);
    await remote.p100.POST("/v1/user/balances/crypto-and-fiat", { body: person("remote-user", "PL") });
    await setEndpoint(remote, "http://p100-sandbox-test.invalid/{webhook}");
    await addKycFile(remote, "remote-user");
    const [delivery] = (await remote.sandbox.GET("/_sandbox/deliveries", { params: { query: { wait: 30 } } })).data!;
    expect(delivery!.attempts[0]!.error).toMatch(/^(ENOTFOUND|EAI_AGAIN)$/); // the DNS failure's code
  });

  it("keeps at most the configured worlds, users and deliveries, with a clear 507 where room runs out", async () => {
    const log: string[] = [];
    const capped = await ownMock({
      maxWorlds: 2,
      maxUsersPerWorld: 2,
      maxDeliveriesPerWorld: 3,
      onOutput: (text) => log.push(text),
    });
    const raw = (key: string, method: string, path: string, body?: unknown) =>
      rawCall(capped, path, {
        method,
        headers: { "x-api-key": key, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const a = await world("cap-a", capped);
    const b = await world("cap-b", capped);

    // Worlds: a third key has no room, on the P100 API and the control API alike; reset needs none.
    const third = await raw("cap-c", "POST", "/v1/user/balances/crypto-and-fiat", person("c1", "PL"));
    expect(third.status).toBe(507);
    expect((await third.json()).message).toMatch(/holds 2 worlds .*POST \/_sandbox\/reset.*--max-worlds.*maxWorlds/);
    const c = sandboxClient("cap-c", capped);
    // A read of a key without a world answers as an empty world would, and takes no room.
    const listed = await c.GET("/_sandbox/deliveries");
    expect(listed.response.status).toBe(200);
    expect(listed.data).toEqual([]);
    const endpoint = { url: "http://127.0.0.1:1/{webhook}", token: "t" };
    const setting = await c.PUT("/_sandbox/webhook-endpoint", { body: endpoint });
    expect(setting.response.status).toBe(507);
    expect(setting.error!.message).toContain("--max-worlds");
    expect((await c.POST("/_sandbox/reset")).response.status).toBe(204);
    expect((await a.sandbox.POST("/_sandbox/reset")).response.status).toBe(204); // frees a's world
    expect((await c.PUT("/_sandbox/webhook-endpoint", { body: endpoint })).response.status).toBe(200);
    expect((await raw("cap-a", "PUT", "/_sandbox/webhook-endpoint", endpoint)).status).toBe(507); // c took its place

    // Users: creating a third is refused, with or without KYC; deleting one makes room.
    for (const id of ["b1", "b2"])
      expect((await b.p100.POST("/v1/user/balances/crypto-and-fiat", { body: person(id, "PL") })).status).toBe(200);
    const full = await raw("cap-b", "POST", "/v1/user/balances/crypto-and-fiat", person("b3", "PL"));
    expect(full.status).toBe(507);
    expect((await full.json()).message).toMatch(/holds 2 users, .*--max-users-per-world.*maxUsersPerWorld/);
    const withoutKyc = validBody("createUserWithoutKyc", { externalUserId: "b3" });
    expect((await raw("cap-b", "POST", "/v1/user/balances/crypto", withoutKyc)).status).toBe(507);
    expect(
      (await b.p100.GET("/v1/user/balances/{externalUserId}", { params: { path: { externalUserId: "b1" } } })).status,
    ).toBe(200);
    expect((await b.p100.DELETE("/v1/user", { body: { externalUserId: "b1" } })).status).toBe(200);
    expect((await b.p100.POST("/v1/user/balances/crypto", { body: withoutKyc })).status).toBe(200);

    // Deliveries: beyond the cap the oldest is forgotten.
    for (let i = 0; i < 4; i++) await addKycFile(b, "b2");
    const kept = (await b.sandbox.GET("/_sandbox/deliveries")).data!;
    expect(kept.map((d) => d.id).sort((x, y) => x - y)).toEqual([2, 3, 4]);

    expect(log.join("")).toMatch(
      /^POST \/v1\/user\/balances\/crypto-and-fiat → 507 p100-mock: this x-api-key's world holds 2 users/m,
    );
    expect(log.join("")).toMatch(/^PUT \/_sandbox\/webhook-endpoint → 507 p100-mock: the sandbox holds/m);
    expect(capped.invalidAnswers).toEqual([]);
  });

  it("takes no world for the reads, 404s and 401s of keys without one, however many", async () => {
    const capped = await ownMock({ maxWorlds: 1 });
    const call = (key: string | undefined, method: string, path: string) =>
      rawCall(capped, path, { method, headers: key === undefined ? {} : { "x-api-key": key } });
    for (let i = 0; i < 50; i++) {
      const key = `stranger-${i}`;
      expect((await call(key, "GET", "/v1/no/such/path")).status).toBe(404);
      expect((await call(key, "POST", "/v1/no/such/path")).status).toBe(404);
      expect(await (await call(key, "GET", "/v1/user/balances/u1")).json()).toMatchObject({ errorCode: "P412" }); // as an empty world answers
      expect(await (await call(key, "GET", "/_sandbox/deliveries")).json()).toEqual([]);
    }
    expect((await call(undefined, "POST", "/v1/user/balances/crypto-and-fiat")).status).toBe(401);
    await world("after-the-strangers", capped); // the one world is still free
    expect((await call("one-more", "PUT", "/_sandbox/webhook-endpoint")).status).toBe(507);
  });

  it("refuses caps that are not positive integers", async () => {
    for (const maxWorlds of [0, -1, 1.5, Number.NaN])
      await expect(startMock({ stateful: true, maxWorlds })).rejects.toThrow(/^maxWorlds must be a positive integer/);
    await expect(startMock({ stateful: true, maxDeliveriesPerWorld: 0 })).rejects.toThrow(/maxDeliveriesPerWorld/);
  });

  it("answers mistakes with a clear 4xx", async () => {
    const { p100, sandbox } = await world("sk_mistakes");
    await p100.POST("/v1/user/balances/crypto-and-fiat", { body: person("u1", "PL") });
    const decide = (decision: string) =>
      rawCall(mock, `/_sandbox/users/u1/verification/${decision}`, {
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
    for (const badToken of ["whsec\r\nx-evil: 1", "whsec\u0000", "whsec\u2026"]) {
      const put = await sandbox.PUT("/_sandbox/webhook-endpoint", {
        body: { url: "http://127.0.0.1:9/hook", token: badToken },
      });
      expect(put.response.status).toBe(400);
      expect(put.error).toEqual({
        message:
          "token: has a character an HTTP header cannot carry (a line break, a control character or one beyond Latin-1)",
      });
    }
    expect((await rawCall(mock, "/_sandbox/deliveries")).status).toBe(401);
    const malformed = await rawCall(mock, "/_sandbox/users/%E0%A4%A", { headers: { "x-api-key": "sk_mistakes" } });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({
      message: "the path /_sandbox/users/%E0%A4%A is not valid percent-encoding",
    });
  });
});

describe("verification", () => {
  it("a second Add User Verification after approval leaves the user verified, extended or not", async () => {
    const { p100, sandbox } = await world("sk_reverify");
    const externalUserId = "reverify-user";
    const path = { params: { path: { externalUserId } } };
    const verify = () =>
      p100.POST("/v1/user/verification", {
        body: { externalUserId, documentType: "PASSPORT", documentNumber: "ABC123456" },
      });
    const state = async () => (await sandbox.GET("/_sandbox/users/{externalUserId}", path)).data;
    await p100.POST("/v1/user/balances/crypto-and-fiat", { body: person(externalUserId, "PL") });
    expect((await verify()).status).toBe(201);
    await sandbox.POST("/_sandbox/users/{externalUserId}/verification/{decision}", {
      params: { path: { externalUserId, decision: "approve" } },
    });
    expect((await verify()).status).toBe(201);
    expect(await state()).toMatchObject({ verification: "approved", balancesGenerated: true });
    const extend = () => p100.POST("/v1/user/balances/extended", { body: { externalUserId } });
    expect((await extend()).status).toBe(201);
    expect((await verify()).status).toBe(201);
    expect(await state()).toMatchObject({ verification: "approved", extended: true });
    expect(await extend()).toMatchObject({ status: 400, error: { errorCode: "P458" } }); // not P459
  });
});

it("gave no answer that breaks the spec (Prism checked every one)", () => {
  expect(mock.invalidAnswers).toEqual([]);
});
