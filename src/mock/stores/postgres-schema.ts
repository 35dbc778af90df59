// The Postgres store's tables (postgres-store.ts), created and migrated when a mock opens the
// store: one migration per schema version, run under an advisory lock so that replicas starting
// at once migrate once. A database of a newer version (a newer mock) stops the start in one line.
import { MockStartError } from "../../errors.js";
import type { Queryable } from "./postgres-store.js";

/** Each version's statements, in order: version n is reached by running migrations[n - 1]. */
const migrations: string[][] = [
  [
    `CREATE TABLE p100_worlds (
       name text PRIMARY KEY,
       last_used bigint NOT NULL,
       records jsonb NOT NULL
     )`,
    `CREATE TABLE p100_sessions (
       token text PRIMARY KEY,
       world text NOT NULL REFERENCES p100_worlds (name) ON DELETE CASCADE,
       user_id text NOT NULL
     )`,
    "CREATE INDEX p100_sessions_world ON p100_sessions (world)",
    `CREATE TABLE p100_leases (
       world text NOT NULL REFERENCES p100_worlds (name) ON DELETE CASCADE,
       delivery integer NOT NULL,
       until bigint NOT NULL,
       PRIMARY KEY (world, delivery)
     )`,
  ],
];

/** The schema version this mock writes. */
export const schemaVersion = migrations.length;

/** An arbitrary key for pg_advisory_xact_lock, the same in every replica. */
const lockKey = 0x70313030;

/** The URL as it may be said: its password left out. */
export function redactedUrl(url: string): string {
  if (!URL.canParse(url)) return "(a URL that cannot be read)";
  const parsed = new URL(url);
  if (parsed.password) parsed.password = "***";
  return parsed.toString();
}

/** Creates the schema, or brings it to `schemaVersion`; refuses a newer one. */
export async function migrate(pool: { connect(): Promise<Queryable & { release(): void }> }, where: string) {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1)", [lockKey]);
    await client.query("CREATE TABLE IF NOT EXISTS p100_schema_version (version integer NOT NULL)");
    const { rows } = await client.query("SELECT max(version) AS v FROM p100_schema_version");
    const found = (rows[0]?.v as number | null) ?? 0;
    if (found > schemaVersion) {
      await client.query("ROLLBACK");
      throw new MockStartError(
        `the Postgres store ${where} holds schema version ${found}, newer than this mock's ${schemaVersion}: upgrade p100-user-accounts`,
      );
    }
    for (const statements of migrations.slice(found)) for (const statement of statements) await client.query(statement);
    if (found < schemaVersion) {
      await client.query("DELETE FROM p100_schema_version");
      await client.query("INSERT INTO p100_schema_version (version) VALUES ($1)", [schemaVersion]);
    }
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
