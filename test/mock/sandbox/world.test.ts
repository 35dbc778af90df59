// Unit tests of one world (src/mock/sandbox/world.ts) and of the sandbox of every key's world
// (src/mock/sandbox/sandbox.ts): no socket, no process, no real timer. Deliveries go to no
// endpoint (an attempt is then a failure without a request), and real time is an injected now().
import { describe, expect, it } from "vitest";
import { Sandbox, worldName } from "../../../src/mock/sandbox/sandbox.js";
import { type StoredUser, World } from "../../../src/mock/sandbox/world.js";
import { storedUser } from "../../support/stored-user.js";

const noEndpoint = "no webhook endpoint: PUT /_sandbox/webhook-endpoint first";

describe("World", () => {
  it("notes the users set, deleted or got (to change in place), and whether anything beyond a read happened", () => {
    const world = new World("w");
    expect(world.users.get("nobody")).toBeUndefined();
    expect(world.takeChanges()).toEqual({ users: new Set(), deliveries: new Set(), made: false });
    world.users.set("u1", storedUser("u1"));
    expect(world.takeChanges()).toEqual({ users: new Set(["u1"]), deliveries: new Set(), made: true });
    world.users.get("u1");
    expect(world.takeChanges()).toEqual({ users: new Set(["u1"]), deliveries: new Set(), made: false });
    world.users.delete("u1");
    expect(world.takeChanges()).toMatchObject({ users: new Set(["u1"]), made: true });
    world.record({ time: "2026-12-01T00:00:00.000Z", method: "GET", path: "/x", status: 200 });
    expect(world.takeChanges().made).toBe(false); // the journal goes with the next change
    world.endpoint = { url: "http://127.0.0.1:1/", token: "t" };
    expect(world.takeChanges().made).toBe(true);
    world.clock = 5;
    expect(world.takeChanges().made).toBe(true);
  });

  it("makes each retry on the virtual clock at its due time, 5 attempts in all", async () => {
    const world = new World("w");
    world.deliver("kycFileAdded", { externalUserId: "u1", status: "ADDED" });
    expect(world.takeChanges()).toMatchObject({ deliveries: new Set([1]), made: true });
    await world.settled();
    const [delivery] = world.deliveries;
    expect(delivery).toMatchObject({ state: "retrying", nextAttemptAt: world.at(8) });
    expect(await world.advance(7)).toEqual([]);
    expect(await world.advance(1)).toEqual([delivery]);
    await world.advance(600);
    expect(delivery?.state).toBe("failed");
    expect(delivery?.attempts.map((a) => a.at)).toEqual([0, 8, 24, 56, 120].map((s) => world.at(s)));
    expect(delivery?.attempts.every((a) => a.error === noEndpoint)).toBe(true);
    expect(world.clock).toBe(608);
  });

  it("keeps its caps: the oldest delivery and journal entry go first; a fault is used up", () => {
    const world = new World("w", { maxDeliveries: 2, maxJournal: 2 });
    for (const id of ["a", "b", "c"]) world.deliver("kycFileAdded", { externalUserId: id, status: "ADDED" });
    expect(world.deliveries.map((d) => d.id)).toEqual([2, 3]);
    for (const path of ["/1", "/2", "/3"]) world.record({ time: world.at(), method: "GET", path, status: 200 });
    expect(world.journal.map((e) => e.path)).toEqual(["/2", "/3"]);
    world.addFault({ operation: "getUserBalances", status: 503, times: 2 });
    expect(world.takeFault("getUserBalances")).toMatchObject({ id: 1, times: 2 });
    expect(world.takeFault("getUserBalances")).toMatchObject({ id: 1, times: 1 });
    expect(world.takeFault("getUserBalances")).toBeUndefined();
    world.close();
  });

  it("makes no retry of a delivery forgotten beyond the cap while its attempt was under way", async () => {
    const world = new World("w", { maxDeliveries: 1 });
    for (const id of ["a", "b"]) world.deliver("kycFileAdded", { externalUserId: id, status: "ADDED" });
    await world.advance(30);
    expect(world.deliveries.map((d) => [d.id, d.attempts.map((a) => a.at)])).toEqual([
      [2, [0, 8, 24].map((s) => world.at(s))],
    ]);
  });

  it("resumes what it is given: a retrying delivery due now is made again, a later one waits for the clock", async () => {
    const world = new World("w");
    const retrying = (id: number, nextAttemptAt?: string) => ({
      id,
      webhook: "kycFileAdded",
      payload: { externalUserId: "u1", status: "ADDED" },
      attempts: [],
      state: "retrying" as const,
      ...(nextAttemptAt && { nextAttemptAt }),
    });
    world.restore(
      { users: [storedUser("u1")], deliveries: [retrying(1), retrying(2, world.at(100))], faults: [], journal: [] },
      { clock: 50, nextId: 1 },
    );
    expect(world.takeChanges()).toEqual({ users: new Set(), deliveries: new Set(), made: false });
    await world.settled();
    expect(world.deliveries.map((d) => d.attempts.length)).toEqual([1, 0]);
    expect(world.values()).toMatchObject({ clock: 50, nextId: 3 }); // a counter behind its items moves on
    await world.advance(50); // to 100 s: the first fails again at 58 and 74 s, the second is made at 100 s
    expect(world.deliveries.map((d) => d.attempts.map((a) => a.at))).toEqual([
      [50, 58, 74].map((s) => world.at(s)),
      [world.at(100)],
    ]);
  });
});

describe("Sandbox", () => {
  it("makes a world only when a change is committed: reads of an unknown key take nothing", async () => {
    const sandbox = new Sandbox({ maxWorlds: 1 });
    for (let i = 0; i < 50; i++) {
      expect(sandbox.admit(`reader-${i}`, "GET", "/nowhere")).toBeUndefined();
      expect(sandbox.world(`reader-${i}`).users.size).toBe(0); // an empty world answers
      expect(sandbox.admit(`reader-${i}`, "POST", "/nowhere")).toBeUndefined(); // room for one
    }
    await sandbox.changed();
    expect(await sandbox.store.count()).toBe(0);
    expect(sandbox.existing("reader-0")).toBeUndefined();
    sandbox.world("writer").users.set("u1", storedUser("u1"));
    await sandbox.changed();
    expect(await sandbox.store.count()).toBe(1);
    expect(sandbox.existing("writer")?.users.size).toBe(1);
    // Full: a call that may change state is refused; a read still answers; reset needs no room.
    expect(sandbox.admit("other", "PUT", "/_sandbox/webhook-endpoint")?.status).toBe(507);
    expect(sandbox.admit("other", "GET", "/_sandbox/deliveries")).toBeUndefined();
    expect(sandbox.admit("other", "POST", "/_sandbox/reset")).toBeUndefined();
    await sandbox.close();
  });

  it("drops a world idle beyond the limit, by the injected clock", async () => {
    let now = 1_000_000;
    const sandbox = new Sandbox({ maxIdleMinutes: 10, now: () => now });
    sandbox.world("idle").users.set("u1", storedUser("u1"));
    sandbox.world("busy").users.set("u1", storedUser("u1"));
    await sandbox.changed();
    now += 9 * 60_000;
    expect(sandbox.admit("busy", "GET", "/v1/user/balances/u1")).toBeUndefined(); // used now
    now += 2 * 60_000; // idle 11 minutes, busy 2
    sandbox.admit("someone", "GET", "/x");
    expect(sandbox.existing("idle")).toBeUndefined();
    expect(sandbox.existing("busy")).toBeDefined();
    await sandbox.close();
  });

  it("finds a KYC session by its token, kept in step with the users (set, replaced, deleted, reset)", async () => {
    const sandbox = new Sandbox();
    const world = sandbox.world("k");
    world.users.set("u1", storedUser("u1", "t1"));
    await sandbox.changed();
    expect((await sandbox.kycSession("t1"))?.user.externalUserId).toBe("u1");
    const user = world.users.get("u1") as StoredUser;
    user.kyc = { ...(user.kyc as NonNullable<StoredUser["kyc"]>), sessionToken: "t2" }; // a new verification
    await sandbox.changed();
    expect(await sandbox.kycSession("t1")).toBeUndefined();
    expect((await sandbox.kycSession("t2"))?.world.name).toBe(worldName("k"));
    world.users.delete("u1");
    await sandbox.changed();
    expect(await sandbox.kycSession("t2")).toBeUndefined();
    sandbox.world("k").users.set("u2", storedUser("u2", "t3"));
    await sandbox.changed();
    await sandbox.reset("k");
    expect(await sandbox.kycSession("t3")).toBeUndefined();
    await sandbox.close();
  });

  it("says in one line, never throws, when a call cannot be noted in the journal", async () => {
    const lines: string[] = [];
    const sandbox = new Sandbox({ log: (line) => lines.push(line) });
    sandbox.world("k").clock = Number.NaN;
    await sandbox.changed();
    expect(() =>
      sandbox.record("k", { time: "2026-12-01T00:00:00.000Z", method: "GET", path: "/p", status: 200 }),
    ).not.toThrow();
    expect(lines).toEqual(["p100-mock: the journal could not note GET /p: Invalid time value\n"]);
  });
});
