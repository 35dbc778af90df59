// One key's world in the stateful mock: its users, its webhook endpoint and deliveries, its faults,
// its journal and its virtual clock, so that test workers with their own keys never see each other.
// Webhook deliveries follow the docs' schedule (the spec's `x-p100-webhook-retries`: about 8, 16, 32
// and 64 s after a failed attempt, 5 attempts in all) on the world's virtual clock: advancing it
// makes every retry that falls due in the window, each at its own due time. A world notes what it
// changed (`takeChanges`), so that a store (src/mock/stores/store.ts) writes only that; the rules
// (rules.ts) read and change it synchronously. Every key's world is in sandbox.ts.
import { webhookRetrySchedule } from "../../../generated/facts.js";
import type { components } from "../../../generated/sandbox.js";
import { UserTable } from "./user-table.js";
import { attemptDelivery } from "./webhook-attempt.js";

/** What the sandbox knows about one user (GET /_sandbox/users/{externalUserId}). */
export type SandboxUser = components["schemas"]["SandboxUser"];

/** One webhook delivery and its attempts (GET /_sandbox/deliveries). */
export type Delivery = components["schemas"]["Delivery"];

/** A fault of a world (POST /_sandbox/faults). */
export type Fault = components["schemas"]["Fault"];

/** One call of the P100 API, as the world's journal keeps it (GET /_sandbox/requests). */
export type JournalEntry = components["schemas"]["JournalEntry"];

export interface StoredUser extends SandboxUser {
  data: Record<string, unknown>;
  balances: { fiatBalances: unknown[]; cryptoBalances: unknown[] };
  transactions: unknown[];
}

/** The webhook endpoint of a world (PUT /_sandbox/webhook-endpoint). */
export type Endpoint = components["schemas"]["WebhookEndpoint"];

/** What makes a fault (POST /_sandbox/faults). */
export type FaultRequest = components["schemas"]["FaultRequest"];

export const defaultLimit = 10_000;
export const defaultJournalLimit = 1000;
/** The most items one page of deliveries or of the journal holds, and how many without `limit`. */
export const pageLimits = { default: 100, max: 1000 };

/** Seconds after the 1st, 2nd, 3rd and 4th failed attempt (the spec's `x-p100-webhook-retries`); the 5th is final. */
const retrySchedule = webhookRetrySchedule;
/** The virtual clock's first second (scripts/generate-validators.js bounds a stored clock by it). */
export const epoch = Date.parse("2026-01-01T00:00:00.000Z");

/** The first item after `cursor` (an id) in a list sorted by id; 0 without one. */
function startAfter(items: { id: number }[], cursor: number | undefined): number {
  if (cursor === undefined) return 0;
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((items[middle] as { id: number }).id <= cursor) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** One page of `items` (sorted by id): up to `limit` that pass `keep`, after `cursor`; `next` when more may follow. */
export function pageOf<T extends { id: number }>(
  items: T[],
  { limit, cursor, keep }: { limit: number; cursor?: number; keep?: (item: T) => boolean },
): { items: T[]; next?: string } {
  const page: T[] = [];
  for (let i = startAfter(items, cursor); i < items.length; i++) {
    const item = items[i] as T;
    if (keep && !keep(item)) continue;
    if (page.length === limit) return { items: page, next: String((page.at(-1) as T).id) };
    page.push(item);
  }
  return { items: page };
}

/** What a world changed since its last commit: what a store writes (beside the world's own values). */
export interface WorldChanges {
  /** The users set, deleted, or read to be changed in place (the rules change a user they got). */
  users: Set<string>;
  /** The deliveries queued or attempted, by id. */
  deliveries: Set<number>;
  /** Whether anything beyond a read happened: a world not stored yet is kept from then on. */
  made: boolean;
}

/** What a world asks of the store that keeps it. */
export interface WorldHooks {
  /** The world noted a change: the store commits it with its next commit. */
  touched(world: World): void;
  /** The world changed by itself (an attempt's outcome): the store commits it soon. */
  changed(world: World): void;
  /** The retrying deliveries due by `clock`, claimed for this worker (store.ts's claimDue). */
  claimDue(world: World, clock: number): Promise<Delivery[]>;
  /** A claimed delivery's attempt is made (store.ts's complete). */
  complete(world: World, delivery: Delivery): Promise<void>;
}

export interface WorldOptions {
  /** Deliveries kept (beyond, the oldest is forgotten). */
  maxDeliveries?: number;
  /** How long one attempt waits for the receiver's answer, in ms. */
  attemptTimeoutMs?: number;
  /** Calls the journal keeps (beyond, the oldest is dropped). */
  maxJournal?: number;
  /** Real time in ms (`lastUsed`); Date.now by default. */
  now?: () => number;
}

/** A world's values beside its users, deliveries, faults and journal, as a store keeps them. */
export interface WorldValues {
  endpoint: Endpoint | undefined;
  clock: number;
  nextId: number;
  nextFaultId: number;
  nextJournalId: number;
  lastUsed: number;
}

const soloHooks: WorldHooks = {
  touched: () => undefined,
  changed: () => undefined,
  claimDue: async (world, clock) => world.dueBy(clock),
  complete: async () => undefined,
};

export class World {
  readonly users = new UserTable();
  /** Kept sorted by id (a page is found by a binary search). */
  readonly deliveries: Delivery[] = [];
  /** Faults still to apply, in the order they were added. */
  readonly faults: Fault[] = [];
  /** The world's last calls of the P100 API, oldest first. */
  readonly journal: JournalEntry[] = [];
  /** When the world was last used (real time, ms), for the idle expiry. */
  lastUsed: number;
  private endpointNow: Endpoint | undefined;
  private clockNow = 0;
  private nextId = 1;
  private nextFaultId = 1;
  private nextJournalId = 1;
  private changes: WorldChanges = { users: new Set(), deliveries: new Set(), made: false };
  /** When each retrying delivery's next attempt falls due, on the virtual clock, by id. */
  private readonly due = new Map<number, number>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly cancel = new AbortController();
  /** Advances run one after the other, so that the clock only moves forward. */
  private advancing: Promise<unknown> = Promise.resolve();
  private readonly maxDeliveries: number;
  private readonly attemptTimeoutMs: number;
  private readonly maxJournal: number;

  constructor(
    /** The world's name: a digest of its key (sandbox.ts's worldName). */
    readonly name: string,
    options: WorldOptions = {},
    private readonly hooks: WorldHooks = soloHooks,
  ) {
    this.maxDeliveries = options.maxDeliveries ?? defaultLimit;
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? 5000;
    this.maxJournal = options.maxJournal ?? defaultJournalLimit;
    this.lastUsed = (options.now ?? Date.now)();
    this.users.noted = (externalUserId, made) => {
      this.changes.users.add(externalUserId);
      this.note(made);
    };
  }

  /** Where webhooks go; setting it is a change. */
  get endpoint(): Endpoint | undefined {
    return this.endpointNow;
  }
  set endpoint(endpoint: Endpoint | undefined) {
    this.endpointNow = endpoint;
    this.note(true);
  }

  /** Seconds since the world began, on its virtual clock; moving it is a change. */
  get clock(): number {
    return this.clockNow;
  }
  set clock(seconds: number) {
    if (seconds === this.clockNow) return;
    this.clockNow = seconds;
    this.note(true);
  }

  private note(made: boolean) {
    if (made) this.changes.made = true;
    this.hooks.touched(this);
  }

  /**
   * Marks the world for the next commit, where its values, faults and journal are compared with
   * what the store holds (a call may change a fault in place, or only be noted in the journal).
   */
  touch() {
    this.hooks.touched(this);
  }

  /** Whether the world was closed (forgotten): nothing it does is kept any more. */
  get closed(): boolean {
    return this.cancel.signal.aborted;
  }

  /** Whether anything beyond a read happened since the last commit. */
  get made(): boolean {
    return this.changes.made;
  }

  /** What changed since the last call, for the store's commit; the world starts noting afresh. */
  takeChanges(): WorldChanges {
    const changes = this.changes;
    this.changes = { users: new Set(), deliveries: new Set(), made: false };
    return changes;
  }

  /** The world's values beside its lists, for a store (records.ts). */
  values(): WorldValues {
    return {
      endpoint: this.endpointNow,
      clock: this.clockNow,
      nextId: this.nextId,
      nextFaultId: this.nextFaultId,
      nextJournalId: this.nextJournalId,
      lastUsed: this.lastUsed,
    };
  }

  /**
   * Takes what a store read (users, sorted lists and values; nothing is noted as a change), and
   * resumes its deliveries: each one still retrying whose attempt was due, or under way when it
   * was stored, is made again at once (at least once, never lost); the others wait for their due
   * time on the clock.
   */
  restore(
    read: { users: Iterable<StoredUser>; deliveries: Delivery[]; faults: Fault[]; journal: JournalEntry[] },
    values: Partial<WorldValues>,
  ) {
    for (const user of read.users) this.users.load(user);
    // One by one: a spread of 200 000 items would overflow the stack.
    for (const delivery of read.deliveries) this.deliveries.push(delivery);
    for (const fault of read.faults) this.faults.push(fault);
    for (const entry of read.journal) this.journal.push(entry);
    this.endpointNow = values.endpoint ?? this.endpointNow;
    this.clockNow = values.clock ?? this.clockNow;
    this.lastUsed = values.lastUsed ?? this.lastUsed;
    // A counter behind its items (a file written by hand) would give an id twice.
    const after = (items: { id: number }[], next: number | undefined) =>
      Math.max(next ?? 1, (items.at(-1)?.id ?? 0) + 1);
    this.nextId = after(this.deliveries, values.nextId);
    this.nextFaultId = after(this.faults, values.nextFaultId); // restored sorted by id
    this.nextJournalId = after(this.journal, values.nextJournalId);
    for (const delivery of this.deliveries) {
      if (delivery.state !== "retrying") continue;
      const due =
        delivery.nextAttemptAt === undefined ? undefined : (Date.parse(delivery.nextAttemptAt) - epoch) / 1000;
      if (due === undefined || due <= this.clock) this.track(this.attempt(delivery));
      else this.due.set(delivery.id, due);
    }
  }

  /** Adds a fault; the next `times` calls of its operation get it. */
  addFault(request: FaultRequest): Fault {
    const fault: Fault = { id: this.nextFaultId++, ...request, times: request.times ?? 1 };
    this.faults.push(fault);
    this.note(true);
    return fault;
  }

  /** The first fault of `operation`, one of its calls used up (gone after its last). */
  takeFault(operation: string): Fault | undefined {
    const index = this.faults.findIndex((f) => f.operation === operation);
    if (index < 0) return undefined;
    const fault = this.faults[index] as Fault;
    fault.times -= 1;
    if (fault.times <= 0) this.faults.splice(index, 1);
    this.note(true);
    return { ...fault, times: fault.times + 1 };
  }

  /** Notes a call of the P100 API; beyond the journal's length, the oldest is dropped. It is written with the next change. */
  record(entry: Omit<JournalEntry, "id" | "clock">) {
    const clock = this.at();
    while (this.journal.length >= this.maxJournal) this.journal.shift();
    this.journal.push({ id: this.nextJournalId++, clock, ...entry });
    this.hooks.touched(this);
  }

  /** A delivery by id. */
  delivery(id: number): Delivery | undefined {
    const index = startAfter(this.deliveries, id - 1);
    const found = this.deliveries[index];
    return found?.id === id ? found : undefined;
  }

  /** Makes one new attempt of a delivery at once, outside its schedule; resolves once it is done. */
  async resend(delivery: Delivery): Promise<Delivery> {
    await this.track(this.attempt(delivery, true));
    return delivery;
  }

  /** A time on the virtual clock, `seconds` after the world began, as an ISO string. */
  at(seconds = this.clock): string {
    return new Date(epoch + seconds * 1000).toISOString();
  }

  /** Queues a webhook; its first attempt is made at once. Beyond the cap, the oldest delivery is forgotten. */
  deliver(webhook: string, payload: Record<string, unknown>) {
    if (this.cancel.signal.aborted) return;
    const delivery: Delivery = { id: this.nextId++, webhook, payload, attempts: [], state: "retrying" };
    while (this.deliveries.length >= this.maxDeliveries) {
      const forgotten = this.deliveries.shift() as Delivery;
      this.due.delete(forgotten.id);
    }
    this.deliveries.push(delivery);
    this.changes.deliveries.add(delivery.id);
    this.note(true);
    this.track(this.attempt(delivery));
  }

  /** The retrying deliveries whose next attempt is due by `clock`. */
  dueBy(clock: number): Delivery[] {
    return this.deliveries.filter((d) => d.state === "retrying" && (this.due.get(d.id) ?? Infinity) <= clock);
  }

  /** Moves the clock and makes every retry that falls due, each at its due time; resolves with the deliveries it made. */
  advance(seconds: number): Promise<Delivery[]> {
    const run = this.advancing.then(() => this.advanceNow(seconds));
    this.advancing = run.catch(() => undefined);
    return run;
  }

  private async advanceNow(seconds: number): Promise<Delivery[]> {
    await this.settled();
    const end = this.clock + seconds;
    const made = new Set<Delivery>();
    while (!this.cancel.signal.aborted) {
      // A loop, not Math.min(...list): a spread of 100 000 due times would overflow the stack.
      let next = Number.POSITIVE_INFINITY;
      for (const due of this.due.values()) next = Math.min(next, due);
      if (next > end) break;
      this.clock = Math.max(this.clock, next);
      const batch = await this.hooks.claimDue(this, this.clock);
      if (!batch.length) break; // claimed by another worker: its outcome comes from there
      for (const d of batch) made.add(d);
      await Promise.all(batch.map((d) => this.track(this.attempt(d)).then(() => this.hooks.complete(this, d))));
    }
    this.clock = Math.max(this.clock, end);
    return this.deliveries.filter((d) => made.has(d));
  }

  /** Waits for the attempts under way (first attempts run in the background). */
  async settled() {
    while (this.inFlight.size) await Promise.all(this.inFlight);
  }

  /** Cancels every delivery: attempts under way are aborted at once (their sockets closed), none is made again. */
  close() {
    this.cancel.abort();
  }

  private track(attempt: Promise<void>): Promise<void> {
    this.inFlight.add(attempt);
    void attempt.finally(() => this.inFlight.delete(attempt));
    return attempt;
  }

  private async attempt(delivery: Delivery, resent = false) {
    if (this.cancel.signal.aborted) return;
    const started = this.clock;
    if (!resent) this.due.delete(delivery.id);
    const outcome = await attemptDelivery(this.endpoint, delivery, this.attemptTimeoutMs, this.cancel.signal);
    if (this.cancel.signal.aborted) return; // the world is gone: nothing more to record
    delivery.attempts.push({ at: this.at(started), ...outcome, ...(resent ? { resent } : {}) });
    const scheduled = delivery.attempts.filter((a) => !a.resent).length;
    if (outcome.status !== undefined && outcome.status >= 200 && outcome.status < 300) {
      delivery.state = "delivered";
      this.due.delete(delivery.id);
      delete delivery.nextAttemptAt;
    } else if (resent) {
      // A failed resend leaves the delivery's state and retries as they were.
    } else if (scheduled > retrySchedule.length) {
      delivery.state = "failed";
      delete delivery.nextAttemptAt;
    } else {
      const due = started + (retrySchedule[scheduled - 1] ?? 0);
      // A delivery forgotten beyond the cap while its attempt was under way is not made again.
      if (this.delivery(delivery.id) === delivery) this.due.set(delivery.id, due);
      delivery.nextAttemptAt = this.at(due);
    }
    this.changes.deliveries.add(delivery.id);
    this.hooks.touched(this);
    this.hooks.changed(this);
  }
}

/** The public view of a stored user. */
export function publicUser({ data, balances, transactions, ...user }: StoredUser): SandboxUser {
  return user;
}
