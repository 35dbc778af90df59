// Unit tests of the file store (src/mock/stores/file-store.ts, file-reader.ts, records.ts) in a
// temporary folder: each commit on the disk when it resolves, a reload that gives the same worlds
// (and KYC sessions), compaction by a temporary file renamed over the log, version 1 files, and
// refusals that name the line. No socket, no process, no timer; deliveries go to no endpoint.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FileStore } from "../../../src/mock/stores/file-store.js";
import { storedUser } from "../../support/stored-user.js";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "p100-file-store-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
let files = 0;
const fresh = () => path.join(work, `state-${++files}.log`);
const lines = (file: string) => fs.readFileSync(file, "utf8").trimEnd().split("\n");
const head = (version: number) => JSON.stringify({ format: "p100-mock-sandbox-state", version });
const failure = (file: string) =>
  new FileStore({ path: file }).open().then(
    () => new Error("opened"),
    (error: Error) => error,
  );

describe("FileStore", () => {
  it("writes a missing file at once, and each commit is on the disk when it resolves", async () => {
    const file = fresh();
    const store = new FileStore({ path: file });
    await store.open();
    expect(lines(file)).toEqual([expect.stringContaining(head(2).slice(0, -1))]);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    await store.transact("w", (world) => world.users.set("u1", storedUser("u1")), { create: true });
    expect(fs.readFileSync(file, "utf8")).toContain('"k":"u1"');
    expect(lines(file)).toHaveLength(2); // the world's first commit: one line, whole or not at all
    const before = lines(file).length;
    await store.transact("w", (world) => {
      const user = world.users.get("u1");
      if (user) user.extended = true;
    });
    // Only what changed is appended: the user, and no value that stayed the same.
    expect(lines(file).slice(before)).toEqual([
      expect.stringMatching(/^\{"w":"w","f":"users","k":"u1","v":.*"extended":true/),
    ]);
    await store.close();
  });

  it("reads back what it wrote: users, deliveries, faults, journal, values, forgotten worlds and KYC sessions", async () => {
    const file = fresh();
    const world = { maxJournal: 2, maxDeliveries: 1 }; // the oldest go: trimmed in the log too
    const first = new FileStore({ path: file, world });
    await first.open();
    await first.transact(
      "w",
      (world) => {
        world.users.set("u1", storedUser("u1", "t1"));
        world.users.set("u2", storedUser("u2"));
        world.addFault({ operation: "getUserBalances", status: 503, times: 2 });
        world.addFault({ operation: "extendUser", status: 500 });
        for (const id of ["a", "b"]) world.deliver("kycFileAdded", { externalUserId: id, status: "ADDED" });
      },
      { create: true },
    );
    await first.transact("gone", (world) => world.users.set("u", storedUser("u")), { create: true });
    await first.transact("w", async (world) => {
      world.users.delete("u2");
      world.takeFault("extendUser"); // used up: removed
      world.takeFault("getUserBalances"); // one call left
      for (let i = 0; i < 3; i++) world.record({ time: world.at(), method: "GET", path: `/${i}`, status: 200 });
      await world.advance(30); // the deliveries' attempts fail at once: there is no endpoint yet
      world.endpoint = { url: "http://127.0.0.1:1/{webhook}", token: "secret" };
    });
    await first.drop("gone");
    const before = await first.read("w");
    const expected = {
      users: [...(before?.users.values() ?? [])],
      deliveries: structuredClone(before?.deliveries),
      faults: structuredClone(before?.faults),
      journal: structuredClone(before?.journal),
      values: before?.values(),
    };
    await first.close();

    const second = new FileStore({ path: file, world });
    await second.open();
    const after = await second.read("w");
    expect({
      users: [...(after?.users.values() ?? [])],
      deliveries: after?.deliveries,
      faults: after?.faults,
      journal: after?.journal,
      values: after?.values(),
    }).toEqual(expected);
    expect(expected.faults).toEqual([{ id: 1, operation: "getUserBalances", status: 503, times: 1 }]);
    expect(expected.deliveries?.map((d) => [d.id, d.attempts.length])).toEqual([[2, 3]]);
    expect(expected.journal?.map((e) => e.path)).toEqual(["/1", "/2"]);
    expect(await second.read("gone")).toBeUndefined();
    expect((await second.session("t1"))?.user.externalUserId).toBe("u1");
    await second.close();
  });

  it("compacts a log of superseded records: a temporary file renamed over it, the same world after", async () => {
    const file = fresh();
    const records = [head(2), JSON.stringify({ w: "w" })];
    for (let i = 0; i < 3000; i++)
      records.push(JSON.stringify({ w: "w", f: "users", k: "u1", v: { ...storedUser("u1"), kycFiles: i } }));
    fs.writeFileSync(file, `${records.join("\n")}\n`);
    const inode = fs.statSync(file).ino;
    const store = new FileStore({ path: file });
    await store.open();
    expect(fs.statSync(file).ino).not.toBe(inode); // replaced whole, by a rename
    expect(fs.readdirSync(work).filter((name) => name.endsWith(".tmp"))).toEqual([]);
    expect(lines(file).length).toBeLessThan(10);
    expect((await store.read("w"))?.users.get("u1")?.kycFiles).toBe(2999);
    await store.close();
  });

  it("reads a version 1 file (written whole) and writes it again as a log", async () => {
    const file = fresh();
    const v1 = [
      head(1),
      { w: "w" },
      { w: "w", f: "users", k: "u1", v: storedUser("u1") },
      { w: "w", f: "clock", v: 60 },
    ];
    fs.writeFileSync(file, `${v1.map((r) => (typeof r === "string" ? r : JSON.stringify(r))).join("\n")}\n`);
    const store = new FileStore({ path: file });
    await store.open();
    expect((await store.read("w"))?.clock).toBe(60);
    expect(lines(file)[0]).toContain('"version":2');
    await store.close();
  });

  it("leaves out a last line cut short (a write the process did not finish), and says so", async () => {
    const file = fresh();
    const said: string[] = [];
    fs.writeFileSync(file, `${head(2)}\n${JSON.stringify({ w: "w", f: "clock", v: 5 })}\n{"w":"w","f":"clo`);
    const store = new FileStore({ path: file, log: (line) => said.push(line) });
    await store.open();
    expect((await store.read("w"))?.clock).toBe(5);
    expect(said).toEqual([`p100-mock: the state file ${file}'s last line was cut short; it is left out\n`]);
    expect(fs.readFileSync(file, "utf8").endsWith("\n")).toBe(true);
    await store.close();
    // A whole last record without its line break is taken, and the file written whole again.
    fs.writeFileSync(file, `${head(2)}\n${JSON.stringify({ w: "w", f: "clock", v: 6 })}`);
    const again = new FileStore({ path: file });
    await again.open();
    expect((await again.read("w"))?.clock).toBe(6);
    await again.transact("w", (world) => {
      world.clock = 7;
    });
    await again.close();
    const reread = new FileStore({ path: file });
    await reread.open();
    expect((await reread.read("w"))?.clock).toBe(7);
    await reread.close();
  });

  it("stops the load at a bad record, naming its line, and leaves the file as it is", async () => {
    const cases: [string, RegExp][] = [
      [
        `${head(2)}\n{"w":"w"}\n{"w":"w","f":"users","k":"u1","v":{"bogus":1}}\n`,
        /line 3: users "u1": the value must have required property 'externalUserId'/,
      ],
      [`${head(2)}\n{"w":"w","f":"clock","x":1}\n`, /line 2: clock is a value: it is replaced, never removed/],
      [`${head(2)}\n{"w":"w","f":"journal","below":"soon"}\n`, /line 2: journal: an id is a whole number/],
      [`${head(2)}\nnot json\n{"w":"w"}\n`, /line 2 is not a state record/],
      [
        `${head(2)}\n{"w":"w","all":[{"w":"w","f":"clock","v":1},{"w":"other","f":"clock","v":2}]}\n`,
        /line 2: a commit holds a record that is not one of its world's/,
      ],
      [`${head(3)}\n`, /has state format version 3, and this p100-mock reads 1 and 2/],
      // Version 1 holds each item once, ids going up; version 2 replaces an item by its id.
      [
        `${head(1)}\n${[1, 1].map((id) => JSON.stringify({ w: "w", f: "faults", i: { id, operation: "extendUser", status: 500, times: 1 } })).join("\n")}\n`,
        /line 3: faults: id 1 follows id 1/,
      ],
    ];
    for (const [text, reason] of cases) {
      const file = fresh();
      fs.writeFileSync(file, text);
      const error = await failure(file);
      expect(error.name, text).toBe("MockStartError");
      expect(error.message, text).toMatch(reason);
      expect(error.message.split("\n"), text).toHaveLength(1);
      expect(fs.readFileSync(file, "utf8")).toBe(text);
    }
  });
});
