// The default store (store.ts's contract): every world in this process's memory, gone when it
// ends. The file store (file-store.ts) is this store plus a log of its commits on the disk.
import { type Delivery, type StoredUser, World, type WorldChanges, type WorldHooks } from "../sandbox/world.js";
import type { SandboxStore, StoreOptions } from "./store.js";

/** How long a claimed delivery is held by its worker, in ms of real time (an attempt's timeout is at most 60 s). */
export const defaultLeaseMs = 120_000;

export class MemoryStore implements SandboxStore {
  protected readonly worlds = new Map<string, World>();
  /** KYC session token → the world and user it belongs to; and each world's tokens by user, to keep it in step. */
  private readonly sessions = new Map<string, { world: string; user: string }>();
  private readonly tokens = new Map<string, Map<string, string>>();
  /** The worlds that noted a change since the last commit (a world not stored yet among them). */
  private readonly dirty = new Set<World>();
  /** `world\0id` → until when (real time) the delivery is claimed. */
  private readonly leases = new Map<string, number>();
  protected readonly now: () => number;
  protected readonly log: (line: string) => void;
  protected readonly hooks: WorldHooks = {
    touched: (world) => this.dirty.add(world),
    changed: () => void this.commit().catch(() => undefined),
    claimDue: (world, clock) => this.claimDue(world.name, clock, defaultLeaseMs),
    complete: (world, delivery) => this.complete(world.name, delivery.id),
  };

  constructor(protected readonly options: StoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => undefined);
  }

  async open(): Promise<void> {}

  async count(): Promise<number> {
    return this.worlds.size;
  }

  async read(name: string): Promise<World | undefined> {
    return this.worlds.get(name);
  }

  /** The world as it is now, without waiting (both stores of this process keep every world in memory). */
  resident(name: string): World | undefined {
    return this.worlds.get(name);
  }

  /** How many worlds, without waiting. */
  get size(): number {
    return this.worlds.size;
  }

  /** A new world of this name, not stored yet: the first commit after it changes something keeps it. */
  fresh(name: string): World {
    return new World(name, this.options.world, this.hooks);
  }

  async transact<T>(
    name: string,
    work: (world: World) => T | Promise<T>,
    options: { create?: boolean } = {},
  ): Promise<T | undefined> {
    let world = this.worlds.get(name);
    if (!world) {
      if (!options.create) return undefined;
      world = this.fresh(name);
    }
    try {
      return await work(world);
    } finally {
      await this.commit();
    }
  }

  commit(): Promise<void> {
    const batch: [World, WorldChanges][] = [];
    for (const world of this.dirty) {
      const stored = this.worlds.get(world.name);
      const changes = world.takeChanges();
      if (stored !== world) {
        // A read of a world that was never made, or a world forgotten since: nothing to keep.
        if (world.closed || stored || !changes.made) continue;
        this.worlds.set(world.name, world);
      }
      this.index(world, changes.users);
      batch.push([world, changes]);
    }
    this.dirty.clear();
    return this.persist(batch);
  }

  /** Keeps a commit's changes (the file store writes them); taken synchronously, kept when it resolves. */
  protected async persist(_batch: [World, WorldChanges][]): Promise<void> {}

  /** Keeps that a world is forgotten (the file store writes it). */
  protected async forget(_name: string): Promise<void> {}

  /** Adds a world read from the store's own keeping, its sessions indexed. */
  protected adopt(world: World) {
    this.worlds.set(world.name, world);
    this.index(world, world.users.keys());
  }

  /** Forgets a world in memory at once (its attempts under way cancelled); keeping that is `forget`'s. */
  private dropNow(name: string): Promise<void> {
    const world = this.worlds.get(name);
    world?.close();
    this.worlds.delete(name);
    for (const token of this.tokens.get(name)?.values() ?? []) this.sessions.delete(token);
    this.tokens.delete(name);
    for (const lease of this.leases.keys()) if (lease.startsWith(`${name}\0`)) this.leases.delete(lease);
    return this.forget(name);
  }

  /** Forgets the world at once; the promise says when that is kept. */
  drop(name: string): Promise<void> {
    return this.dropNow(name);
  }

  /** Forgets the idle worlds at once; the promise says when that is kept. */
  dropIdle(before: number): Promise<string[]> {
    const idle = [...this.worlds.values()].filter((world) => world.lastUsed < before).map((world) => world.name);
    return Promise.all(idle.map((name) => this.dropNow(name))).then(() => idle);
  }

  async session(token: string): Promise<{ world: World; user: StoredUser } | undefined> {
    const at = this.sessions.get(token);
    const world = at && this.worlds.get(at.world);
    const user = world?.users.get(at?.user as string);
    return user?.kyc?.sessionToken === token ? { world: world as World, user } : undefined;
  }

  async claimDue(name: string, clock: number, leaseMs: number): Promise<Delivery[]> {
    const world = this.worlds.get(name);
    if (!world) return [];
    const now = this.now();
    const claimed = world.dueBy(clock).filter((d) => (this.leases.get(`${name}\0${d.id}`) ?? 0) <= now);
    for (const d of claimed) this.leases.set(`${name}\0${d.id}`, now + leaseMs);
    return claimed;
  }

  async complete(name: string, id: number): Promise<void> {
    this.leases.delete(`${name}\0${id}`);
    await this.commit();
  }

  async close(): Promise<void> {
    for (const world of this.worlds.values()) world.close();
    await this.commit();
  }

  /** Keeps the token index in step with these users of the world. */
  private index(world: World, users: Iterable<string>) {
    let mine = this.tokens.get(world.name);
    for (const id of users) {
      const token = world.users.peek(id)?.kyc?.sessionToken;
      const old = mine?.get(id);
      if (old === token) continue;
      if (old !== undefined) {
        this.sessions.delete(old);
        mine?.delete(id);
      }
      if (token === undefined) continue;
      if (!mine) {
        mine = new Map();
        this.tokens.set(world.name, mine);
      }
      mine.set(id, token);
      this.sessions.set(token, { world: world.name, user: id });
    }
  }
}
