// The Postgres store (store.ts's contract; issue 36), for a sandbox that several mock processes
// share: each world is a row, read and written in one transaction per unit of work, the row
// locked (`SELECT … FOR UPDATE`) so that units of work on one world never interleave. KYC session
// tokens have their own table, kept in step by each commit; a claimed delivery is a lease row.
// node-postgres (`pg`) is an optional peer, loaded only when this store is opened. The schema is
// created and migrated at open (postgres-schema.ts); errors say the URL without its password.
import { MockStartError } from "../../errors.js";
import { type Delivery, epoch, type StoredUser, World, type WorldHooks } from "../sandbox/world.js";
import { migrate, redactedUrl } from "./postgres-schema.js";
import { applyRecord, type StateRecord, WorldRead, worldRecords } from "./records.js";
import type { SandboxStore, StoreOptions } from "./store.js";

/** What this store uses of node-postgres's Pool (its types stay out of this package's own). */
export interface Queryable {
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[]; rowCount: number | null }>;
}
interface PoolLike extends Queryable {
  connect(): Promise<Queryable & { release(error?: boolean | Error): void }>;
  end(): Promise<void>;
  on(event: "error", listener: (error: Error) => void): unknown;
}

/** The first key of the advisory locks that serialise the making of a world (postgres-schema.ts's lock is a single key, apart). */
const worldLockClass = 0x70313031;

export interface PostgresStoreOptions extends StoreOptions {
  /** postgres://user:password@host:port/database */
  url: string;
}

/** The deliveries of stored records still retrying whose attempt is due by `clock` (as World.restore decides). */
function dueIds(records: StateRecord[], clock: number): number[] {
  const ids = new Map<number, boolean>();
  for (const record of records)
    if ("f" in record && record.f === "deliveries" && "i" in record) {
      const delivery = record.i as Delivery;
      const due =
        delivery.nextAttemptAt === undefined ? undefined : (Date.parse(delivery.nextAttemptAt) - epoch) / 1000;
      ids.set(delivery.id, delivery.state === "retrying" && (due === undefined || due <= clock));
    }
  return [...ids].filter(([, due]) => due).map(([id]) => id);
}

export class PostgresStore implements SandboxStore {
  private pool: PoolLike | undefined;
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private readonly hooks: WorldHooks = {
    touched: () => undefined,
    changed: () => undefined,
    claimDue: (world, clock) => this.claimDue(world.name, clock, 120_000),
    complete: (world, delivery) => this.complete(world.name, delivery.id),
  };

  constructor(private readonly options: PostgresStoreOptions) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => undefined);
  }

  /** Connects, and creates or migrates the schema: a MockStartError of one line, without the password, when it cannot. */
  async open(): Promise<void> {
    const where = redactedUrl(this.options.url);
    const protocol = URL.canParse(this.options.url) ? new URL(this.options.url).protocol : "";
    if (protocol !== "postgres:" && protocol !== "postgresql:")
      throw new MockStartError(
        `the store ${where} is not a postgres:// URL (postgres://user:password@host:port/database)`,
      );
    let pg: { Pool: new (options: object) => PoolLike };
    try {
      pg = ((await import("pg")) as { default: typeof pg }).default;
    } catch {
      throw new MockStartError(
        "the Postgres store needs node-postgres, an optional peer of p100-user-accounts: npm install pg@8",
      );
    }
    const pool = new pg.Pool({ connectionString: this.options.url, max: 10, connectionTimeoutMillis: 5000 });
    // An idle client losing its connection (the database restarted) is said, never thrown.
    pool.on("error", (error) => this.log(`p100-mock: the Postgres store ${where}: ${this.words(error)}\n`));
    try {
      await migrate(pool, where);
    } catch (error) {
      await pool.end().catch(() => undefined);
      if (error instanceof MockStartError) throw error;
      throw new MockStartError(`cannot open the Postgres store ${where}: ${this.words(error as Error)}`);
    }
    this.pool = pool;
  }

  async count(): Promise<number> {
    const { rows } = await this.db().query("SELECT count(*)::int AS n FROM p100_worlds");
    return rows[0]?.n as number;
  }

  async read(name: string): Promise<World | undefined> {
    const { rows } = await this.db().query("SELECT records FROM p100_worlds WHERE name = $1", [name]);
    return rows[0] && this.world(name, rows[0].records as StateRecord[]);
  }

  async transact<T>(
    name: string,
    work: (world: World) => T | Promise<T>,
    options: { create?: boolean } = {},
  ): Promise<T | undefined> {
    const client = await this.db().connect();
    let settled = false; // committed or rolled back: an error after is the work's, not the connection's
    let broken: Error | undefined;
    try {
      await client.query("BEGIN");
      const lockRow = "SELECT records FROM p100_worlds WHERE name = $1 FOR UPDATE";
      let { rows } = await client.query(lockRow, [name]);
      if (!rows[0] && options.create) {
        // No row to lock yet: two replicas making the same world take turns on a lock of its name.
        await client.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [worldLockClass, name]);
        ({ rows } = await client.query(lockRow, [name]));
      }
      if (!rows[0] && !options.create) {
        await client.query("ROLLBACK");
        settled = true;
        return undefined;
      }
      const world = rows[0]
        ? this.world(name, rows[0].records as StateRecord[])
        : new World(name, this.options.world, this.hooks);
      try {
        return await work(world);
      } finally {
        const changes = world.takeChanges();
        if (rows[0] || changes.made) await this.write(client, world, Boolean(rows[0]));
        await client.query("COMMIT");
        settled = true;
        world.close(); // a world lives for its unit of work only
      }
    } catch (error) {
      if (!settled) {
        broken = error as Error;
        await client.query("ROLLBACK").catch(() => undefined);
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }

  /** Every change is committed by its unit of work: there is nothing held outside one. */
  async commit(): Promise<void> {}

  async drop(name: string): Promise<void> {
    await this.db().query("DELETE FROM p100_worlds WHERE name = $1", [name]);
  }

  async dropIdle(before: number): Promise<string[]> {
    const { rows } = await this.db().query("DELETE FROM p100_worlds WHERE last_used < $1 RETURNING name", [before]);
    return rows.map((row) => row.name as string);
  }

  async session(token: string): Promise<{ world: World; user: StoredUser } | undefined> {
    const { rows } = await this.db().query(
      "SELECT s.user_id, w.name, w.records FROM p100_sessions s JOIN p100_worlds w ON w.name = s.world WHERE s.token = $1",
      [token],
    );
    if (!rows[0]) return undefined;
    const world = this.world(rows[0].name as string, rows[0].records as StateRecord[]);
    const user = world.users.peek(rows[0].user_id as string);
    return user?.kyc?.sessionToken === token ? { world, user } : undefined;
  }

  /**
   * The due deliveries no live lease holds, each leased to the caller: one statement, so that of
   * two replicas claiming at once each delivery goes to one (the other waits on the row, then
   * finds the lease live).
   */
  async claimDue(name: string, clock: number, leaseMs: number): Promise<Delivery[]> {
    const { rows } = await this.db().query("SELECT records FROM p100_worlds WHERE name = $1", [name]);
    if (!rows[0]) return [];
    const records = rows[0].records as StateRecord[];
    const due = dueIds(records, clock);
    if (!due.length) return [];
    const now = this.now();
    const claimed = await this.db().query(
      `INSERT INTO p100_leases AS l (world, delivery, until)
         SELECT $1, d, $3 FROM unnest($2::int[]) AS d
         WHERE EXISTS (SELECT 1 FROM p100_worlds WHERE name = $1)
       ON CONFLICT (world, delivery) DO UPDATE SET until = EXCLUDED.until WHERE l.until <= $4
       RETURNING delivery`,
      [name, due, now + leaseMs, now],
    );
    const ids = new Set(claimed.rows.map((row) => row.delivery as number));
    const world = this.world(name, records);
    return world.deliveries.filter((delivery) => ids.has(delivery.id));
  }

  async complete(name: string, id: number): Promise<void> {
    await this.db().query("DELETE FROM p100_leases WHERE world = $1 AND delivery = $2", [name, id]);
  }

  async close(): Promise<void> {
    await this.pool?.end();
    this.pool = undefined;
  }

  private db(): PoolLike {
    if (!this.pool) throw new Error("the Postgres store is not open");
    return this.pool;
  }

  /** An error of pg in a few words, the password taken out should a message ever hold it. */
  private words(error: Error & { code?: string }): string {
    const password = URL.canParse(this.options.url) ? decodeURIComponent(new URL(this.options.url).password) : "";
    const text = error.message || error.code || "failed";
    return password ? text.replaceAll(password, "***") : text;
  }

  /**
   * A World from its stored records. Its deliveries are loaded, not scheduled: an attempt is made
   * by the worker that claims it (claimDue), never by loading a world for a unit of work.
   */
  private world(name: string, records: StateRecord[]): World {
    const read = new Map<string, WorldRead>();
    for (const record of records) applyRecord(read, record as unknown as Record<string, unknown>, 2);
    const state = read.get(name) ?? new WorldRead();
    const world = new World(name, this.options.world, this.hooks);
    const { deliveries, ...lists } = state.lists();
    world.restore({ ...lists, deliveries: [] }, state.values);
    for (const delivery of deliveries) world.deliveries.push(delivery);
    return world;
  }

  /** Writes the whole world and its session tokens, in the caller's transaction. */
  private async write(client: Queryable, world: World, stored: boolean) {
    const records = JSON.stringify([...worldRecords(world)]);
    await client.query(
      stored
        ? "UPDATE p100_worlds SET records = $2, last_used = $3 WHERE name = $1"
        : "INSERT INTO p100_worlds (name, records, last_used) VALUES ($1, $2, $3)",
      [world.name, records, world.lastUsed],
    );
    const tokens: string[] = [];
    const users: string[] = [];
    for (const user of world.users.values())
      if (user.kyc?.sessionToken) {
        tokens.push(user.kyc.sessionToken);
        users.push(user.externalUserId);
      }
    await client.query("DELETE FROM p100_sessions WHERE world = $1", [world.name]);
    if (tokens.length)
      await client.query(
        `INSERT INTO p100_sessions (token, world, user_id) SELECT t, $1, u FROM unnest($2::text[], $3::text[]) AS x(t, u)
         ON CONFLICT (token) DO UPDATE SET world = EXCLUDED.world, user_id = EXCLUDED.user_id`,
        [world.name, tokens, users],
      );
  }
}
