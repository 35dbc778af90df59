// The store's contract (src/mock/stores/store.ts), one suite that every store passes: a unit of
// work per world, worlds kept only once changed, the session index, claims of due deliveries
// with leases on an injected clock, idle worlds dropped. Each store's test file runs it with a
// way to open a fresh store of its kind (test/mock/stores/memory-store.test.ts, postgres.test.ts).
import { expect, it } from "vitest";
import type { SandboxStore, StoreOptions } from "../../src/mock/stores/store.js";
import { storedUser } from "./stored-user.js";

/** A fresh, opened store of one kind, on its own (empty) worlds. */
type Open = (options?: StoreOptions) => Promise<SandboxStore>;

export function storeContract(open: Open) {
  it("runs a unit of work on one world and commits it; a world is kept only if the work changed it", async () => {
    const store = await open();
    expect(await store.transact("w", () => "ran")).toBeUndefined(); // no world, no create: not run
    expect(await store.transact("w", (world) => world.users.size, { create: true })).toBe(0);
    expect(await store.count()).toBe(0); // a read takes nothing
    await store.transact("w", (world) => world.users.set("u1", storedUser("u1")), { create: true });
    expect(await store.count()).toBe(1);
    expect((await store.read("w"))?.users.has("u1")).toBe(true);
    await expect(
      store.transact("w", (world) => {
        world.users.delete("u1");
        throw new Error("a rule broke");
      }),
    ).rejects.toThrow("a rule broke");
    expect((await store.read("w"))?.users.size).toBe(0); // what it changed before is committed
    expect(await store.read("nowhere")).toBeUndefined();
    await store.close();
  });

  it("keeps the session index in step on every commit, and forgets it with the world", async () => {
    const store = await open();
    await store.transact("w", (world) => world.users.set("u1", storedUser("u1", "t1")), { create: true });
    expect((await store.session("t1"))?.user.externalUserId).toBe("u1");
    expect(await store.session("t0")).toBeUndefined();
    await store.transact("w", (world) => {
      const user = world.users.get("u1");
      if (user?.kyc) user.kyc.sessionToken = "t2"; // changed in place, as the rules do
    });
    expect(await store.session("t1")).toBeUndefined();
    expect((await store.session("t2"))?.world.name).toBe("w");
    await store.drop("w");
    expect(await store.session("t2")).toBeUndefined();
    expect(await store.count()).toBe(0);
    await store.close();
  });

  it("hands a due delivery to one claim at a time until it is completed or its lease ends", async () => {
    let now = 0;
    const store = await open({ now: () => now });
    await store.transact(
      "w",
      async (world) => {
        world.deliver("kycFileAdded", { externalUserId: "u1", status: "ADDED" });
        await world.settled(); // the first attempt fails (no endpoint): the next is due at 8 s
      },
      { create: true },
    );
    expect(await store.claimDue("w", 7, 1000)).toEqual([]);
    const [claimed] = await store.claimDue("w", 8, 1000);
    expect(claimed?.id).toBe(1);
    expect(claimed?.attempts).toHaveLength(1);
    expect(await store.claimDue("w", 8, 1000)).toEqual([]); // held by the first claim
    now += 1001;
    expect((await store.claimDue("w", 8, 1000)).map((d) => d.id)).toEqual([1]); // the lease ended
    await store.complete("w", 1);
    expect((await store.claimDue("w", 8, 1000)).map((d) => d.id)).toEqual([1]); // completed: free again
    expect(await store.claimDue("nowhere", 8, 1000)).toEqual([]);
    await store.close();
  });

  it("drops the worlds last used before a time", async () => {
    let now = 0;
    const store = await open({ now: () => now, world: { now: () => now } });
    await store.transact("old", (world) => world.users.set("u", storedUser("u")), { create: true });
    now = 5000;
    await store.transact("new", (world) => world.users.set("u", storedUser("u")), { create: true });
    expect(await store.dropIdle(1000)).toEqual(["old"]);
    expect(await store.read("old")).toBeUndefined();
    expect(await store.count()).toBe(1);
    await store.close();
  });
}
