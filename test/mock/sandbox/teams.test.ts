// The sandbox for teams, through the package's own clients (createP100Client, and the sandbox's
// paths through openapi-fetch as createSandboxClient builds them) given createMockFetch's `fetch`:
// the mock in this process, no socket of its own (the webhook receiver is a local server), but for
// what only a connection shows (a reset, a truncated body, a client's timeout: startMock). Faults
// and latency (the client retries a 429/503 as documented and reports a reset or a truncated body
// as `unexpected`), the completed model (suspension, a new country, seeded balances and
// transactions, a KYC upload that fails), the journal, paging and filters, resend, the bounds
// (journal length, idle worlds on a fake Date), and the state file (kept across restarts, due
// deliveries resumed, a foreign or corrupt file refused and left as it is).
import { createHash } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { freePort } from "../../../scripts/free-port.js";
import { createP100Client } from "../../../src/index.js";
import { createMockFetch, type InProcessMock, type MockOptions, prefer, startMock } from "../../../src/mock/index.js";
import { Sandbox } from "../../../src/mock/sandbox/sandbox.js";
import { validBody } from "../../support/cases.js";
import { tinyFile } from "../../support/files.js";
import { type AnyMock, inProcessBase as base, sandboxClient, via } from "../../support/in-process-clients.js";
import { storedUser } from "../../support/stored-user.js";

const token = "whsec_teams";
const work = fs.mkdtempSync(path.join(os.tmpdir(), "p100-teams-"));
let mock: InProcessMock;
/** What the receiver heard: each webhook's path and payload. `holdFirst` leaves that many requests unanswered. */
const heard: { path: string; payload: Record<string, unknown> }[] = [];
let holdFirst = 0;
let receiver: http.Server;
let receiverUrl: string;

const mocks: InProcessMock[] = [];
async function ownMock(options: Omit<MockOptions, "port" | "host"> = {}) {
  const started = await createMockFetch({ stateful: true, ...options });
  mocks.push(started);
  return started;
}
/**
 * A mock on a socket of its own, for what only a connection shows: a reset, a body cut off, and a
 * client's timeout (createMockFetch's `fetch` does not abort on the request's signal).
 */
async function ownServer(options: MockOptions = {}) {
  const started = await startMock({ stateful: true, ...options });
  mocks.push(started);
  return started;
}
afterEach(async () => {
  await Promise.all(mocks.splice(0).map((m) => m.close()));
});

beforeAll(async () => {
  mock = await createMockFetch({ stateful: true });
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      heard.push({ path: req.url!, payload: JSON.parse(Buffer.concat(chunks).toString() || "{}") });
      if (holdFirst > 0) {
        holdFirst--;
        return;
      }
      res.writeHead(200).end("{}");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/{webhook}`;
}, 60_000);
afterAll(async () => {
  await mock.close();
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
  fs.rmSync(work, { recursive: true, force: true });
});

/** A partner's clients for one key, on a fresh world whose endpoint is the receiver. */
async function world(apiKey: string, on: AnyMock = mock, { retries = false } = {}) {
  const p100 = createP100Client({ apiKey, ...via(on), ...(retries ? {} : { retry: false }) });
  const sandbox = sandboxClient(apiKey, on);
  await sandbox.POST("/_sandbox/reset");
  await sandbox.PUT("/_sandbox/webhook-endpoint", { body: { url: receiverUrl, token } });
  return { p100, sandbox };
}
type Clients = Awaited<ReturnType<typeof world>>;

const person = (externalUserId: string, country = "PL") =>
  validBody("createUser", { externalUserId, country, citizenship: country });
const userPath = (externalUserId: string) => ({ params: { path: { externalUserId } } });

async function created({ p100 }: Clients, externalUserId: string, country = "PL") {
  expect((await p100.POST("/v1/user/balances/crypto-and-fiat", { body: person(externalUserId, country) })).status).toBe(
    200,
  );
}

/** A user without KYC: balances at once. */
async function withBalances({ p100 }: Clients, externalUserId: string) {
  const result = await p100.POST("/v1/user/balances/crypto", {
    body: validBody("createUserWithoutKyc", { externalUserId }),
  });
  expect(result.status).toBe(200);
}

const balances = ({ p100 }: Clients, id: string, options: { retry?: boolean; timeoutMs?: number } = {}) =>
  p100.GET("/v1/user/balances/{externalUserId}", { ...userPath(id), ...options });

describe("faults, through the package's client", () => {
  it("retries a 429 with Retry-After and a 503 as documented (GET), and the rules answer once the faults are used up", async () => {
    const clients = await world("teams-retry", mock, { retries: true });
    await withBalances(clients, "r1");
    const added = await clients.sandbox.POST("/_sandbox/faults", {
      body: { operation: "getUserBalances", status: 429, retryAfterSeconds: 0, times: 1 },
    });
    expect(added).toMatchObject({ response: { status: 201 }, data: { id: 1, times: 1, status: 429 } });
    await clients.sandbox.POST("/_sandbox/faults", { body: { operation: "getUserBalances", status: 503 } });
    expect((await clients.sandbox.GET("/_sandbox/faults")).data!.map((f) => f.status)).toEqual([429, 503]);
    expect(await balances(clients, "r1")).toMatchObject({ outcome: "success", status: 200 });
    expect((await clients.sandbox.GET("/_sandbox/faults")).data).toEqual([]);
    const calls = (
      await clients.sandbox.GET("/_sandbox/requests", { params: { query: { operation: "getUserBalances" } } })
    ).data!;
    expect(calls.map((c) => [c.status, c.fault?.status])).toEqual([
      [429, 429],
      [503, 503],
      [200, undefined],
    ]);
  });

  it("reports 429s beyond its retries as unexpected (rate-limited), and does not retry a POST", async () => {
    const clients = await world("teams-limited", mock, { retries: true });
    await withBalances(clients, "l1");
    await clients.sandbox.POST("/_sandbox/faults", {
      body: { operation: "getUserBalances", status: 429, retryAfterSeconds: 0, times: 5 },
    });
    const limited = await balances(clients, "l1");
    expect(limited).toMatchObject({ outcome: "unexpected", error: { reason: "rate-limited" } });
    expect((await clients.sandbox.GET("/_sandbox/faults")).data).toMatchObject([{ times: 2 }]); // 3 tries used
    await clients.sandbox.DELETE("/_sandbox/faults");
    expect((await clients.sandbox.GET("/_sandbox/faults")).data).toEqual([]);

    await clients.sandbox.POST("/_sandbox/faults", { body: { operation: "createUser", status: 503 } });
    const refused = await clients.p100.POST("/v1/user/balances/crypto-and-fiat", { body: person("l2") });
    expect(refused.outcome).toBe("unexpected"); // not retried: a POST may not be idempotent
    // The fault answered instead of the rules: no user was created, so the same call succeeds now.
    expect((await clients.p100.POST("/v1/user/balances/crypto-and-fiat", { body: person("l2") })).status).toBe(200);
  });

  it("reports a reset connection, a truncated body and an answer slower than its timeout as unexpected", async () => {
    const clients = await world("teams-broken", await ownServer());
    await withBalances(clients, "b1");
    const fault = (body: Record<string, unknown>) =>
      clients.sandbox.POST("/_sandbox/faults", { body: { operation: "getUserBalances", ...body } });
    await fault({ reset: true });
    expect(await balances(clients, "b1")).toMatchObject({ outcome: "unexpected", error: { reason: "network" } });
    await fault({ truncate: true });
    const truncated = await balances(clients, "b1");
    expect(truncated).toMatchObject({
      outcome: "unexpected",
      error: { reason: "network", message: expect.stringMatching(/before a complete answer/) },
    });
    await fault({ delayMs: 500 });
    expect(await balances(clients, "b1", { timeoutMs: 100 })).toMatchObject({
      outcome: "unexpected",
      error: { reason: "timeout" },
    });
    expect(await balances(clients, "b1")).toMatchObject({ outcome: "success", status: 200 });
    // The delayed call is noted once it is answered, after the client gave up on it.
    const journal = async () =>
      (await clients.sandbox.GET("/_sandbox/requests", { params: { query: { externalUserId: "b1" } } })).data!;
    await expect.poll(async () => (await journal()).length).toBe(5);
    const faults = (await journal()).flatMap((c) => (c.fault ? [`${c.status} ${Object.keys(c.fault).sort()}`] : []));
    expect(faults.sort()).toEqual(["0 id,operation,reset", "200 delayMs,id,operation", "200 id,operation,truncate"]);
  });

  it("refuses a fault it cannot apply, with a 400 that says why", async () => {
    const { sandbox } = await world("teams-bad-fault");
    const add = (body: Record<string, unknown>) =>
      sandbox.POST("/_sandbox/faults", { body: body as { operation: string } });
    expect((await add({ operation: "nope", status: 503 })).error!.message).toMatch(
      /^operation: must be an operationId/,
    );
    expect((await add({ operation: "createUser" })).error!.message).toMatch(/at least one of/);
    expect((await add({ operation: "createUser", status: 503, reset: true })).error!.message).toMatch(/choose one/);
    expect((await add({ operation: "createUser", delayMs: 5, retryAfterSeconds: 1 })).error!.message).toMatch(
      /goes with status/,
    );
    expect((await add({ operation: "createUser", status: 200 })).response.status).toBe(400);
  });

  it("holds every answer of the API back with latency, and refuses a latency it cannot use", {
    timeout: 60_000,
  }, async () => {
    const slow = await ownServer({ latency: { min: 400, max: 500 } });
    const clients = await world("teams-latency", slow);
    await withBalances(clients, "s1");
    expect(await balances(clients, "s1", { timeoutMs: 100 })).toMatchObject({ outcome: "unexpected" });
    expect(await balances(clients, "s1")).toMatchObject({ outcome: "success" });
    for (const latency of [-1, 1.5, 60_001, { min: 5, max: 1 }])
      await expect(startMock({ latency })).rejects.toThrow(/^latency must be a whole number of ms/);
  });
});

describe("the model, completed", () => {
  it("answers P455 to a suspended user's changes, and still lets it be read, unsuspended and deleted", async () => {
    const clients = await world("teams-suspended");
    const { p100 } = clients;
    await created(clients, "s1");
    const body = { externalUserId: "s1" };
    expect((await p100.PATCH("/v1/user/suspend", { body })).status).toBe(200);
    const p455 = { status: 400, error: { errorCode: "P455" } };
    expect(await p100.PATCH("/v1/user", { body: { ...body, city: "Gdańsk" } })).toMatchObject(p455);
    expect(
      await p100.POST("/v1/user/kyc-files/{externalUserId}", {
        ...userPath("s1"),
        body: { files: [tinyFile("a.png")] },
      }),
    ).toMatchObject(p455);
    expect(
      await p100.POST("/v1/user/poa-files/{externalUserId}", {
        ...userPath("s1"),
        body: { files: [tinyFile("a.pdf")] },
      }),
    ).toMatchObject(p455);
    expect(
      await p100.POST("/v1/user/verification", {
        body: { ...body, documentType: "PASSPORT", documentNumber: "AB123" },
      }),
    ).toMatchObject(p455);
    expect(await p100.POST("/v1/user/balances/extended", { body })).toMatchObject(p455);
    expect(await p100.PATCH("/v1/user/suspend", { body })).toMatchObject(p455);
    expect(await balances(clients, "s1")).toMatchObject({ status: 200, drift: [] });
    expect(await p100.GET("/v1/user/transactions/{externalUserId}", userPath("s1"))).toMatchObject({ status: 200 });
    expect((await p100.PATCH("/v1/user/unsuspend", { body })).status).toBe(200);
    expect((await p100.PATCH("/v1/user", { body: { ...body, city: "Gdańsk" } })).status).toBe(200);
    expect((await p100.PATCH("/v1/user/suspend", { body })).status).toBe(200);
    expect((await p100.DELETE("/v1/user", { body })).status).toBe(200);
  });

  it("moves the POA requirement with a new country", async () => {
    const clients = await world("teams-country");
    await created(clients, "c1", "PL");
    const state = async () => (await clients.sandbox.GET("/_sandbox/users/{externalUserId}", userPath("c1"))).data!;
    expect(await state()).toMatchObject({ country: "PL", poaRequired: false });
    await clients.p100.PATCH("/v1/user", { body: { externalUserId: "c1", country: "UA" } });
    expect(await state()).toMatchObject({ country: "UA", poaRequired: true });
    expect((await balances(clients, "c1")).data).toMatchObject({ poaRequired: true });
    await clients.p100.PATCH("/v1/user", { body: { externalUserId: "c1", country: "DE" } });
    expect(await state()).toMatchObject({ country: "DE", poaRequired: false });
  });

  it("answers seeded balance amounts and seeded transactions, newest first, page by page", async () => {
    const clients = await world("teams-seeded");
    const { p100, sandbox } = clients;
    await withBalances(clients, "m1");
    const names = (await balances(clients, "m1")).data!.fiatBalances.map((b) => b.name);
    const seeded = await sandbox.PUT("/_sandbox/users/{externalUserId}/balances", {
      ...userPath("m1"),
      body: { amounts: { [names[0]!]: "125.50" } },
    });
    expect(seeded.response.status).toBe(200);
    const fiat = (await balances(clients, "m1")).data!.fiatBalances;
    expect(fiat.find((b) => b.name === names[0])).toMatchObject({ amount: "125.50" });
    const unknown = await sandbox.PUT("/_sandbox/users/{externalUserId}/balances", {
      ...userPath("m1"),
      body: { amounts: { xyz: "1.00" } },
    });
    expect(unknown).toMatchObject({
      response: { status: 400 },
      error: { message: expect.stringMatching(/no balance in xyz/) },
    });
    await created(clients, "m2");
    expect(
      (
        await sandbox.PUT("/_sandbox/users/{externalUserId}/balances", {
          ...userPath("m2"),
          body: { amounts: { eur: "1" } },
        })
      ).response.status,
    ).toBe(409);

    expect((await p100.GET("/v1/user/transactions/{externalUserId}", userPath("m1"))).data).toEqual([]);
    const days = ["2025-01-03", "2025-01-01", "2025-01-02"];
    const added = await sandbox.POST("/_sandbox/users/{externalUserId}/transactions", {
      ...userPath("m1"),
      body: {
        transactions: days.map((day, i) => ({
          amount: i + 1,
          currency: "eur",
          status: "SUCCESSFUL",
          createdAt: `${day}T10:00:00.000Z`,
        })),
      },
    });
    expect(added.response.status).toBe(201);
    const history = (query: { page?: number; limit?: number }) =>
      p100.GET("/v1/user/transactions/{externalUserId}", { params: { path: { externalUserId: "m1" }, query } });
    const all = await history({});
    expect(all).toMatchObject({ status: 200, drift: [] });
    expect(all.data!.map((t) => t.createdAt.slice(0, 10))).toEqual(["2025-01-03", "2025-01-02", "2025-01-01"]);
    expect((await history({ limit: 2, page: 1 })).data!.map((t) => t.amount)).toEqual([1, 3]);
    expect((await history({ limit: 2, page: 2 })).data!.map((t) => t.amount)).toEqual([2]);
    expect((await history({ limit: 2, page: 3 })).data).toEqual([]);
  });

  it("makes the next KYC upload's webhook say ERROR, then ADDED again", async () => {
    const clients = await world("teams-kyc-error");
    await created(clients, "k1");
    const failing = await clients.sandbox.POST("/_sandbox/users/{externalUserId}/kyc-files/fail-next", userPath("k1"));
    expect(failing.data).toMatchObject({ nextKycFileError: true });
    const upload = () =>
      clients.p100.POST("/v1/user/kyc-files/{externalUserId}", {
        ...userPath("k1"),
        body: { files: [tinyFile("a.png")] },
      });
    expect((await upload()).status).toBe(201);
    expect((await upload()).status).toBe(201);
    const listed = (
      await clients.sandbox.GET("/_sandbox/deliveries", { params: { query: { externalUserId: "k1", wait: 30 } } })
    ).data!;
    expect(listed.map((d) => d.payload.status)).toEqual(["ERROR", "ADDED"]);
    const got = heard.filter((h) => h.payload.externalUserId === "k1").map((h) => h.payload.status);
    expect(got.sort()).toEqual(["ADDED", "ERROR"]);
    expect((await clients.sandbox.GET("/_sandbox/users/{externalUserId}", userPath("k1"))).data).toMatchObject({
      kycFiles: 1,
    });
  });
});

describe("the journal, paging and resend", () => {
  it("notes each call with its operation, the rule that answered, Prefer or validation, and never the key", async () => {
    const clients = await world("teams-journal-key");
    await created(clients, "j1");
    await created(clients, "j1").catch(() => undefined);
    await clients.p100.POST("/v1/user/balances/extended", {
      body: { externalUserId: "j1" },
      headers: prefer("extendUser", 400, "P500"),
    });
    // @ts-expect-error -- an invalid body on purpose
    await clients.p100.POST("/v1/user/balances/extended", { body: {} });
    const journal = (await clients.sandbox.GET("/_sandbox/requests")).data!;
    expect(
      journal.map(({ method, path, status, operation, rule }) => ({ method, path, status, operation, rule })),
    ).toEqual([
      {
        method: "POST",
        path: "/v1/user/balances/crypto-and-fiat",
        status: 200,
        operation: "createUser",
        rule: "otherwise",
      },
      {
        method: "POST",
        path: "/v1/user/balances/crypto-and-fiat",
        status: 400,
        operation: "createUser",
        rule: "the externalUserId is already used",
      },
      { method: "POST", path: "/v1/user/balances/extended", status: 400, operation: "extendUser", rule: "Prefer" },
      { method: "POST", path: "/v1/user/balances/extended", status: 400, operation: "extendUser", rule: "validation" },
    ]);
    for (const entry of journal) expect(Date.parse(entry.time)).not.toBeNaN();
    expect(JSON.stringify(journal)).not.toContain("teams-journal-key");
  });

  it("pages deliveries and the journal with limit and cursor, and filters them", async () => {
    const clients = await world("teams-paging");
    const { sandbox } = clients;
    for (const id of ["p1", "p2", "p3"]) await created(clients, id);
    for (const id of ["p1", "p2", "p3", "p1"])
      await clients.p100.POST("/v1/user/kyc-files/{externalUserId}", {
        ...userPath(id),
        body: { files: [tinyFile("a.png")] },
      });
    const ids: number[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await sandbox.GET("/_sandbox/deliveries", {
        params: { query: { limit: 3, ...(cursor ? { cursor } : {}) } },
      });
      ids.push(...page.data!.map((d) => d.id));
      cursor = page.response.headers.get("x-next-cursor") ?? undefined;
      if (!cursor) break;
    }
    expect(ids).toEqual([1, 2, 3, 4]);
    // Each first attempt is made at once, and may still be under way: `wait` lists them once ended.
    await sandbox.GET("/_sandbox/deliveries", { params: { query: { wait: 30 } } });
    const p1 = await sandbox.GET("/_sandbox/deliveries", { params: { query: { externalUserId: "p1" } } });
    expect(p1.data!.map((d) => d.id)).toEqual([1, 4]);
    expect(p1.response.headers.get("x-next-cursor")).toBeNull();
    const byWebhook = await sandbox.GET("/_sandbox/deliveries", {
      params: { query: { webhook: "kycFileAdded", state: "delivered" } },
    });
    expect(byWebhook.data).toHaveLength(4);
    expect((await sandbox.GET("/_sandbox/deliveries", { params: { query: { state: "failed" } } })).data).toEqual([]);
    const first = await sandbox.GET("/_sandbox/requests", { params: { query: { limit: 2 } } });
    expect(first.data!.map((c) => c.id)).toEqual([1, 2]);
    const next = first.response.headers.get("x-next-cursor")!;
    const second = await sandbox.GET("/_sandbox/requests", { params: { query: { limit: 2, cursor: next } } });
    expect(second.data!.map((c) => c.id)).toEqual([3, 4]);
    const uploads = await sandbox.GET("/_sandbox/requests", {
      params: { query: { operation: "addKycFile", externalUserId: "p1" } },
    });
    expect(uploads.data!.map((c) => c.status)).toEqual([201, 201]);
    for (const query of ["limit=0", "limit=1001", "cursor=abc", "state=lost", "colour=red"]) {
      const bad = await mock.fetch(
        new Request(`${base}/_sandbox/deliveries?${query}`, { headers: { "x-api-key": "teams-paging" } }),
      );
      expect(bad.status, query).toBe(400);
    }
    const unknown = await sandbox.GET("/_sandbox/deliveries", {
      params: { query: { webhook: "kycFileAddd" as "kycFileAdded" } },
    });
    expect(unknown.response.status).toBe(400);
    expect(unknown.error!.message).toMatch(/^webhook: must be a webhook of the P100 spec: .*kycFileAdded/);
  });

  it("resends a delivery: one new attempt now, marked resent; a 2xx makes it delivered", async () => {
    const clients = await world("teams-resend");
    const { sandbox } = clients;
    await created(clients, "x1");
    await sandbox.PUT("/_sandbox/webhook-endpoint", {
      body: { url: `http://127.0.0.1:${await freePort()}/{webhook}`, token },
    });
    await clients.p100.POST("/v1/user/kyc-files/{externalUserId}", {
      ...userPath("x1"),
      body: { files: [tinyFile("a.png")] },
    });
    await sandbox.POST("/_sandbox/clock/advance", { body: { seconds: 600 } });
    const [failed] = (await sandbox.GET("/_sandbox/deliveries")).data!;
    expect(failed).toMatchObject({ state: "failed" });
    const again = await sandbox.POST("/_sandbox/deliveries/{id}/resend", { params: { path: { id: failed!.id } } });
    expect(again.data).toMatchObject({ state: "failed", attempts: { length: 6 } });
    expect(again.data!.attempts.at(-1)).toMatchObject({ resent: true, error: "ECONNREFUSED" });
    await sandbox.PUT("/_sandbox/webhook-endpoint", { body: { url: receiverUrl, token } });
    const delivered = await sandbox.POST("/_sandbox/deliveries/{id}/resend", { params: { path: { id: failed!.id } } });
    expect(delivered.data).toMatchObject({ state: "delivered" });
    expect(delivered.data!.attempts.at(-1)).toMatchObject({ resent: true, status: 200 });
    expect(heard.filter((h) => h.payload.externalUserId === "x1")).toHaveLength(1);
    expect(
      (await sandbox.POST("/_sandbox/deliveries/{id}/resend", { params: { path: { id: 99 } } })).response.status,
    ).toBe(404);
  });
});

describe("bounds", () => {
  it("keeps the last calls of the journal, and drops a world idle beyond the limit", async () => {
    // Real time is Date's (the sandbox's default now()): faked alone, and moved on, so that no test waits.
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const bounded = await ownMock({ maxJournalPerWorld: 3, maxIdleMinutes: 10 });
      const clients = await world("teams-bounded", bounded);
      for (const id of ["b1", "b2", "b3", "b4", "b5"]) await created(clients, id);
      expect((await clients.sandbox.GET("/_sandbox/requests")).data!.map((c) => c.externalUserId)).toEqual([
        "b3",
        "b4",
        "b5",
      ]);
      vi.setSystemTime(Date.now() + 9 * 60_000);
      const other = sandboxClient("teams-other", bounded);
      await other.GET("/_sandbox/deliveries");
      expect((await clients.sandbox.GET("/_sandbox/users/{externalUserId}", userPath("b5"))).response.status).toBe(200);
      vi.setSystemTime(Date.now() + 11 * 60_000); // idle 11 minutes since that read
      await other.GET("/_sandbox/deliveries");
      expect((await clients.sandbox.GET("/_sandbox/users/{externalUserId}", userPath("b5"))).response.status).toBe(404);
    } finally {
      vi.useRealTimers();
    }
    await expect(startMock({ stateful: true, maxIdleMinutes: 0 })).rejects.toThrow(/maxIdleMinutes must be a positive/);
  });
});

describe("the state file", () => {
  it("keeps users, deliveries, clocks, faults and journals across a restart, and never holds the key", {
    timeout: 60_000,
  }, async () => {
    const stateFile = path.join(work, "kept.state");
    const first = await ownMock({ stateFile });
    const clients = await world("sk_kept_secret", first);
    await created(clients, "kept-1", "UA");
    await clients.p100.POST("/v1/user/kyc-files/{externalUserId}", {
      ...userPath("kept-1"),
      body: { files: [tinyFile("a.png")] },
    });
    await clients.sandbox.POST("/_sandbox/clock/advance", { body: { seconds: 30 } });
    await clients.sandbox.POST("/_sandbox/faults", { body: { operation: "extendUser", status: 503, times: 2 } });
    const before = {
      user: (await clients.sandbox.GET("/_sandbox/users/{externalUserId}", userPath("kept-1"))).data,
      deliveries: (await clients.sandbox.GET("/_sandbox/deliveries", { params: { query: { wait: 30 } } })).data,
      faults: (await clients.sandbox.GET("/_sandbox/faults")).data,
      journal: (await clients.sandbox.GET("/_sandbox/requests")).data,
    };
    await first.close();
    expect(fs.readFileSync(stateFile, "utf8")).not.toContain("sk_kept_secret");
    expect(fs.statSync(stateFile).mode & 0o777).toBe(0o600);

    const second = await ownMock({ stateFile });
    const sandbox = sandboxClient("sk_kept_secret", second);
    expect((await sandbox.GET("/_sandbox/users/{externalUserId}", userPath("kept-1"))).data).toEqual(before.user);
    expect((await sandbox.GET("/_sandbox/deliveries")).data).toEqual(before.deliveries);
    expect((await sandbox.GET("/_sandbox/faults")).data).toEqual(before.faults);
    expect((await sandbox.GET("/_sandbox/requests")).data).toEqual(before.journal);
    const advanced = await sandbox.POST("/_sandbox/clock/advance", { body: { seconds: 1 } });
    expect(advanced.response.status).toBe(200);
    const p100 = createP100Client({ apiKey: "sk_kept_secret", ...via(second), retry: false });
    expect(await p100.POST("/v1/user/balances/crypto-and-fiat", { body: person("kept-1") })).toMatchObject({
      error: { errorCode: "P411" },
    });
    // The clock went on from 30 s: the next journal entry says 31 s.
    const last = (await sandbox.GET("/_sandbox/requests")).data!.at(-1)!;
    expect(last.clock).toBe("2026-01-01T00:00:31.000Z");
  });

  it("resumes the deliveries that were due: one under way at close is made again after the restart", {
    timeout: 60_000,
  }, async () => {
    const stateFile = path.join(work, "resume.state");
    const first = await ownMock({ stateFile });
    const clients = await world("teams-resume", first);
    await created(clients, "resume-1");
    holdFirst = 1; // the receiver never answers the first attempt: it is under way at close
    await clients.p100.POST("/v1/user/kyc-files/{externalUserId}", {
      ...userPath("resume-1"),
      body: { files: [tinyFile("a.png")] },
    });
    await expect.poll(() => heard.filter((h) => h.payload.externalUserId === "resume-1").length).toBe(1);
    await first.close();
    const second = await ownMock({ stateFile });
    const sandbox = sandboxClient("teams-resume", second);
    const [delivery] = (await sandbox.GET("/_sandbox/deliveries", { params: { query: { wait: 30 } } })).data!;
    expect(delivery).toMatchObject({ state: "delivered", attempts: [{ status: 200 }] });
    expect(heard.filter((h) => h.payload.externalUserId === "resume-1")).toHaveLength(2); // at least once
  });

  /** A state file of one world (key "k") with these records after its first line. */
  const stateOf = (...records: Record<string, unknown>[]) => {
    const w = createHash("sha256").update("k").digest("base64url");
    const lines = [{ format: "p100-mock-sandbox-state", version: 1 }, { w }, ...records.map((r) => ({ w, ...r }))];
    return lines.map((line) => `${JSON.stringify(line)}\n`).join("");
  };
  const kyc = {
    verificationId: "v1",
    verificationStatus: "NOT_VERIFIED",
    attemptStatus: "PENDING",
    rejectionReason: null,
    sessionToken: "t1",
  };
  const delivery = (id: number) => ({
    id,
    webhook: "kycFileAdded",
    payload: { externalUserId: "u1", status: "ADDED" },
    attempts: [],
    state: "failed",
  });

  it("says in one line, never throws, when a call cannot be noted in the journal (it runs after the answer)", async () => {
    const lines: string[] = [];
    const sandbox = new Sandbox({ log: (line) => lines.push(line) });
    sandbox.world("k").clock = Number.NaN; // no time: what a bad state file could once give
    await sandbox.changed(); // a changed world is kept
    const call = { time: new Date().toISOString(), method: "get", path: "/v1/kyc/status/u1", status: 200 };
    expect(() => sandbox.record("k", call)).not.toThrow();
    expect(lines).toEqual(["p100-mock: the journal could not note get /v1/kyc/status/u1: Invalid time value\n"]);
  });

  it("starts from a state file written by hand whose records the world could hold", async () => {
    const file = path.join(work, "by-hand.state");
    fs.writeFileSync(
      file,
      stateOf(
        { f: "users", k: "u1", v: { ...storedUser("u1"), kyc } },
        { f: "deliveries", i: delivery(3) },
        { f: "clock", v: 60 },
        { f: "nextId", v: 1 }, // behind the delivery's id: the next one gets 4
      ),
    );
    const mock = await ownMock({ stateFile: file });
    const sandbox = sandboxClient("k", mock);
    expect(
      (await sandbox.GET("/_sandbox/users/{externalUserId}", { params: { path: { externalUserId: "u1" } } })).data,
    ).toMatchObject({ kyc });
    const p100 = createP100Client({ apiKey: "k", ...via(mock) });
    const balances = await p100.GET("/v1/user/balances/{externalUserId}", {
      params: { path: { externalUserId: "u1" } },
    });
    expect(balances.response?.status).toBe(200);
    expect(balances.data).toMatchObject({ userId: storedUser("u1").userId, fiatBalances: [] });
    await p100.POST("/v1/user/kyc-files/{externalUserId}", { ...userPath("u1"), body: { files: [tinyFile("a.png")] } });
    const ids = (await sandbox.GET("/_sandbox/deliveries")).data!.map((d) => d.id);
    expect(ids).toEqual([3, 4]);
  });

  it("refuses a foreign, corrupt, newer or empty file with one line, and leaves it as it is", {
    timeout: 60_000,
  }, async () => {
    const cases: [string, string, RegExp][] = [
      ["foreign.json", '{"name":"my-app","version":"1.0.0"}\n', /is not a p100-mock state file/],
      ["corrupt.state", '{"format":"p100-mock-sandbox-state","version":1}\n{"w":"a"}\n{oops\n', /is corrupt \(line 3/],
      ["newer.state", '{"format":"p100-mock-sandbox-state","version":3}\n', /has state format version 3/],
      ["empty.state", "", /is empty/],
      // Well-formed lines whose values the world could not hold: the line and what is wrong.
      [
        "bogus-user.state",
        stateOf({ f: "users", k: "u1", v: { bogus: 1 } }),
        /is corrupt \(line 3: users "u1": the value must have required property 'externalUserId'\)/,
      ],
      [
        "bad-clock.state",
        stateOf({ f: "clock", v: "yesterday" }),
        /is corrupt \(line 3: clock: the value must be number\)/,
      ],
      ["late-clock.state", stateOf({ f: "clock", v: 1e300 }), /is corrupt \(line 3: clock: the value must be <= /],
      [
        "other-key.state",
        stateOf({ f: "users", k: "u1", v: storedUser("u2") }),
        /line 3: users "u1": the user's externalUserId is "u2", not its key/,
      ],
      [
        "bad-kyc.state",
        stateOf({ f: "users", k: "u1", v: { ...storedUser("u1"), kyc: { ...kyc, attemptStatus: "DONE" } } }),
        /line 3: users "u1": the value \/kyc\/attemptStatus must be equal to one of the allowed values \(PENDING, /,
      ],
      [
        "bad-balances.state",
        stateOf({ f: "users", k: "u1", v: { ...storedUser("u1"), balances: {} } }),
        /line 3: users "u1": the value \/balances must have required property 'fiatBalances'/,
      ],
      [
        "bad-delivery.state",
        stateOf({
          f: "deliveries",
          i: { id: 1, webhook: "kycFileAdded", payload: {}, attempts: [{ at: "soon" }], state: "retrying" },
        }),
        /line 3: deliveries: the value \/attempts\/0\/at must match format "date-time"/,
      ],
      [
        "unsorted.state",
        stateOf({ f: "deliveries", i: delivery(2) }, { f: "deliveries", i: delivery(2) }),
        /line 4: deliveries: id 2 follows id 2/,
      ],
      [
        "bad-endpoint.state",
        stateOf({ f: "endpoint", v: { url: "http://127.0.0.1:1/" } }),
        /line 3: endpoint: the value must have required property 'token'/,
      ],
      [
        "map-as-value.state",
        stateOf({ f: "users", v: {} }),
        /line 3: users is written as an entry \("k" and "v"\), not as a value \("v"\)/,
      ],
      ["unknown-field.state", stateOf({ f: "bogus", v: 1 }), /line 3: "bogus" is not a field of a world/],
      // What the world itself would never write: a webhook, an operation or a status off the spec.
      [
        "unknown-webhook.state",
        stateOf({ f: "deliveries", i: { ...delivery(1), webhook: "nope" } }),
        /line 3: deliveries: the value \/webhook must be equal to one of the allowed values \(createWallet, /,
      ],
      [
        "other-payload.state",
        stateOf({
          f: "deliveries",
          i: { ...delivery(1), payload: { externalUserId: "u1", verificationStatus: "VERIFIED" } },
        }),
        /line 3: deliveries: the payload is not a kycFileAdded payload/,
      ],
      [
        "fault-status.state",
        stateOf({ f: "faults", i: { id: 1, operation: "getUserBalances", status: 42, times: 1 } }),
        /line 3: faults: the value \/status must be >= 400/,
      ],
      [
        "fault-operation.state",
        stateOf({ f: "faults", i: { id: 1, operation: "noSuchOp", status: 503, times: 1 } }),
        /line 3: faults: the value \/operation must be equal to one of the allowed values/,
      ],
      [
        "journal-operation.state",
        stateOf({
          f: "journal",
          i: {
            id: 1,
            time: "2026-12-01T00:00:00.000Z",
            clock: "2026-01-01T00:00:00.000Z",
            method: "GET",
            path: "/x",
            status: 200,
            operation: "noSuchOp",
          },
        }),
        /line 3: journal: the value \/operation must be equal to one of the allowed values/,
      ],
      // A saved endpoint off this machine, when this start does not allow one (PUT would not either).
      [
        "remote-endpoint.state",
        stateOf({ f: "endpoint", v: { url: "http://partner.invalid/{webhook}", token: "t" } }),
        /line 3: endpoint: the url partner\.invalid is not a loopback host; .* unless the mock is started with --allow-remote-webhooks/,
      ],
    ];
    for (const [name, text, reason] of cases) {
      const file = path.join(work, name);
      fs.writeFileSync(file, text);
      const failure = await createMockFetch({ stateful: true, stateFile: file }).then(
        (m) => m.close().then(() => new Error("started")),
        (error: Error) => error,
      );
      expect(failure.name, name).toBe("MockStartError");
      expect(failure.message, name).toMatch(reason);
      expect(failure.message, name).toContain("it is left as it is");
      expect(failure.message.split("\n"), name).toHaveLength(1);
      expect(fs.readFileSync(file, "utf8"), name).toBe(text);
    }
    // The same endpoint is kept where remote webhooks are allowed.
    const remote = path.join(work, "remote-endpoint.state");
    const allowed = await createMockFetch({ stateful: true, stateFile: remote, allowRemoteWebhooks: true });
    await allowed.close();
    await expect(startMock({ stateful: true, stateFile: path.join(work, "no", "such", "dir.state") })).rejects.toThrow(
      /^cannot write the state file .*: ENOENT$/,
    );
    await expect(startMock({ stateFile: path.join(work, "x.state") })).rejects.toThrow(/needs the stateful mode/);
  });
});
