// The store behind the sandbox's worlds (src/mock/sandbox/sandbox.ts): every world's users,
// deliveries, clock, faults and journal are read and written through it. Two stores implement it
// today, memory-store.ts (the default) and file-store.ts (`--state`); the contract below is what a
// store shared by several mock processes (Postgres) must keep too, so it is asynchronous, works
// one world per transaction, and hands each due delivery to one worker at a time.
import type { Delivery, StoredUser, World, WorldOptions } from "../sandbox/world.js";

/** What a store is made with. */
export interface StoreOptions {
  /** The options of the worlds the store makes (sandbox.ts's limits and clock). */
  world?: WorldOptions;
  /** Real time in ms, for leases; Date.now by default. */
  now?: () => number;
  /** Where a store says, in one line, what went wrong outside a call (a failed write). */
  log?: (line: string) => void;
}

/**
 * The store's contract.
 *
 * - **Worlds** are named by a digest of their API key (sandbox.ts's `worldName`); the key itself
 *   is never given to a store.
 * - **A transaction per world**: `transact` loads one world, runs a unit of work on it (the rules
 *   run there, synchronously, on the loaded `World`), then commits what the work changed: the users
 *   it set, deleted or got to change in place, the deliveries it queued, its faults, its journal and
 *   its values (`World.takeChanges` and `World.values`). A commit is all or nothing for the world.
 *   Units of work on one world do not interleave their commits; on two worlds they may.
 * - **Serialisation is explicit**: what a store writes of each entity is records.ts's codecs
 *   (`toRecord`/`fromRecord`), never a walk over a class's fields; a record read back is checked
 *   by validators generated at build time (generated/state-validators.js).
 * - **KYC sessions** are found by their token through an index kept in step by every commit
 *   (and restored on `open`), never by scanning users.
 * - **Deliveries** are made by whichever worker claims them: `claimDue` hands out the retrying
 *   deliveries due by a clock that no other claim holds, each for `leaseMs` of real time;
 *   `complete` commits the attempt and ends the claim. A claim not completed in time may be handed
 *   out again (at least once, never lost).
 * - Nothing here answers a caller: a store that cannot do its work rejects, and a store that
 *   cannot be read at `open` rejects with a MockStartError of one line.
 */
export interface SandboxStore {
  /** Reads what the store keeps; its worlds resume (deliveries that were due are made again). Called once, first. */
  open(): Promise<void>;

  /** How many worlds the store holds. */
  count(): Promise<number>;

  /** A world as it is now, or undefined: nothing is created, and reading changes nothing. */
  read(name: string): Promise<World | undefined>;

  /**
   * One unit of work on one world, committed once `work` resolves (also when it throws: what it
   * changed before is kept, as the rules leave a world consistent after each step). A world that
   * does not exist is created only with `create`, and kept only if the work changed something
   * (`World.made`); without `create`, `work` is not run and the result is undefined.
   */
  transact<T>(
    name: string,
    work: (world: World) => T | Promise<T>,
    options?: { create?: boolean },
  ): Promise<T | undefined>;

  /**
   * Commits what every world changed since its last commit, outside a unit of work (a call the
   * pipeline answered through the rules (sandbox/handlers.ts), an attempt's outcome). The changes are taken when it is
   * called; the returned promise resolves once they are kept (for the file store, on the disk).
   */
  commit(): Promise<void>;

  /** Forgets a world: its users, sessions, deliveries (attempts under way are cancelled), faults and journal. */
  drop(name: string): Promise<void>;

  /** Drops every world last used before `before` (ms of real time); resolves with their names. */
  dropIdle(before: number): Promise<string[]>;

  /** The world and user whose KYC by P100 session is `token`, from the index; undefined when none is. */
  session(token: string): Promise<{ world: World; user: StoredUser } | undefined>;

  /**
   * The retrying deliveries of a world due by `clock` (seconds on its virtual clock) that no other
   * claim holds, each now claimed by the caller for `leaseMs` of real time.
   */
  claimDue(name: string, clock: number, leaseMs: number): Promise<Delivery[]>;

  /** Ends the caller's claim of a delivery, committing its attempt. */
  complete(name: string, id: number): Promise<void>;

  /** Cancels every world's attempts under way, keeps every change, and lets go of what the store holds. */
  close(): Promise<void>;
}
