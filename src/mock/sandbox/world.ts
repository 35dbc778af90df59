// The stateful mock's memory: one world per API key (its users, its webhook endpoint and
// deliveries, its virtual clock), so that test workers with their own keys never see each other.
// Webhook deliveries follow the docs' schedule (the spec's `x-p100-webhook-retries`: about 8, 16, 32
// and 64 s after a failed attempt, 5 attempts in all) on the world's virtual clock: advancing it makes every retry that
// falls due in the window, each at its own due time. Memory is bounded: worlds, users per world
// and deliveries per world have caps, a world's journal keeps its last calls, and idle worlds are
// dropped (`SandboxOptions`). A world's state is plain data in the fields `World.persisted` lists,
// which is what the state file keeps (state-file.ts).
import { createHash } from "node:crypto";

import { webhookRetrySchedule } from "../../../generated/facts.js";
import operations from "../../../generated/operations.js";
import type { components } from "../../../generated/sandbox.js";
import { isLoopbackHost } from "../loopback.js";
import { StateFile } from "./state-file.js";
import { type FieldRecord, stateRecordProblem } from "./state-schema.js";

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

export interface SandboxOptions {
  /** Deliver webhooks to hosts other than loopback ones (127.0.0.0/8, localhost, [::1]). */
  allowRemoteWebhooks?: boolean;
  /** Worlds (API keys) kept at once; 10 000 by default. */
  maxWorlds?: number;
  /** Users one world keeps; 10 000 by default. */
  maxUsersPerWorld?: number;
  /** Deliveries one world keeps (beyond, the oldest is forgotten); 10 000 by default. */
  maxDeliveriesPerWorld?: number;
  /** How long one attempt waits for the receiver's answer; 5000 ms by default. */
  attemptTimeoutMs?: number;
  /** Calls one world's journal keeps (beyond, the oldest is dropped); 1000 by default. */
  maxJournalPerWorld?: number;
  /** A world unused this long is dropped, its deliveries cancelled; 1440 (24 hours) by default. */
  maxIdleMinutes?: number;
  /** Keep every world in this file (state-file.ts): read at start, written after changes and on close. */
  stateFile?: string;
  /** Where a failed write of the state file is said (one line). */
  log?: (line: string) => void;
}

/** The sandbox's own refusal: a status and `{ message }`. */
export interface Refusal {
  status: number;
  body: { message: string };
}

export const defaultLimit = 10_000;
export const defaultJournalLimit = 1000;
export const defaultIdleMinutes = 24 * 60;
/** The most items one page of deliveries or of the journal holds, and how many without `limit`. */
export const pageLimits = { default: 100, max: 1000 };

/** Seconds after the 1st, 2nd, 3rd and 4th failed attempt (the spec's `x-p100-webhook-retries`); the 5th is final. */
const retrySchedule = webhookRetrySchedule;
const epoch = Date.parse("2026-01-01T00:00:00.000Z");

/** Why an attempt got no answer: `timeout`, `cancelled`, else the network error's code. */
function causeOf(error: unknown): string {
  const name = (error as { name?: unknown }).name;
  if (name === "TimeoutError") return "timeout";
  if (name === "AbortError") return "cancelled";
  const cause = (error as { cause?: { code?: unknown; message?: unknown; errors?: { code?: unknown }[] } }).cause;
  const code = cause?.code ?? cause?.errors?.find((e) => typeof e.code === "string")?.code;
  // undici's own timers (no headers, or no body, in time) are the same timeout.
  if (code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") return "timeout";
  if (typeof code === "string") return code;
  return typeof cause?.message === "string" && cause.message ? cause.message : "network error";
}

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

export class World {
  /**
   * The fields that hold the world's state, as plain data (a Map of plain data counts): the state
   * file keeps these and nothing else. A new field of state is one more name here.
   */
  static readonly persisted = [
    "users",
    "deliveries",
    "endpoint",
    "clock",
    "nextId",
    "faults",
    "nextFaultId",
    "journal",
    "nextJournalId",
    "lastUsed",
  ] as const;

  readonly users = new Map<string, StoredUser>();
  readonly deliveries: Delivery[] = [];
  endpoint: { url: string; token: string } | undefined;
  /** Seconds since the world began, on its virtual clock. */
  clock = 0;
  private nextId = 1;
  /** Faults still to apply, in the order they were added. */
  readonly faults: Fault[] = [];
  private nextFaultId = 1;
  /** The world's last calls of the P100 API, oldest first. */
  readonly journal: JournalEntry[] = [];
  private nextJournalId = 1;
  /** When the world was last used (real time, ms), for the idle expiry. */
  lastUsed = Date.now();
  /** Called after each change the world makes by itself (an attempt's outcome), for the state file. */
  onChange: () => void = () => undefined;
  /** When each retrying delivery's next attempt falls due, on the virtual clock. */
  private readonly due = new WeakMap<Delivery, number>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly cancel = new AbortController();
  /** Advances run one after the other, so that the clock only moves forward. */
  private advancing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly maxDeliveries = defaultLimit,
    private readonly attemptTimeoutMs = 5000,
    private readonly maxJournal = defaultJournalLimit,
  ) {}

  /** Adds a fault; the next `times` calls of its operation get it. */
  addFault(request: Omit<Fault, "id" | "times"> & { times?: number }): Fault {
    const fault: Fault = { id: this.nextFaultId++, ...request, times: request.times ?? 1 };
    this.faults.push(fault);
    return fault;
  }

  /** The first fault of `operation`, one of its calls used up (gone after its last). */
  takeFault(operation: string): Fault | undefined {
    const index = this.faults.findIndex((f) => f.operation === operation);
    if (index < 0) return undefined;
    const fault = this.faults[index] as Fault;
    fault.times -= 1;
    if (fault.times <= 0) this.faults.splice(index, 1);
    return { ...fault, times: fault.times + 1 };
  }

  /** Notes a call of the P100 API; beyond the journal's length, the oldest is dropped. */
  record(entry: Omit<JournalEntry, "id" | "clock">) {
    while (this.journal.length >= this.maxJournal) this.journal.shift();
    this.journal.push({ id: this.nextJournalId++, clock: this.at(), ...entry });
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

  /** The persisted fields, as the state file keeps them. */
  state(): Record<string, unknown> {
    const fields = this as unknown as Record<string, unknown>;
    return Object.fromEntries(World.persisted.map((field) => [field, fields[field]]));
  }

  /**
   * Takes the state read from a state file, and resumes its deliveries: each one still retrying
   * whose attempt was due, or under way when the file was written, is made again at once (at
   * least once, never lost); the others wait for their due time on the clock.
   */
  restore(state: Record<string, unknown>) {
    const fields = this as unknown as Record<string, unknown>;
    for (const field of World.persisted) if (state[field] !== undefined) fields[field] = state[field];
    // A counter behind its items (a file written by hand) would give an id twice.
    const after = (items: { id: number }[], next: number) => Math.max(next, (items.at(-1)?.id ?? 0) + 1);
    this.nextId = after(this.deliveries, this.nextId);
    this.nextFaultId = after(this.faults, this.nextFaultId);
    this.nextJournalId = after(this.journal, this.nextJournalId);
    for (const delivery of this.deliveries) {
      if (delivery.state !== "retrying") continue;
      const due =
        delivery.nextAttemptAt === undefined ? undefined : (Date.parse(delivery.nextAttemptAt) - epoch) / 1000;
      if (due === undefined || due <= this.clock) this.track(this.attempt(delivery));
      else this.due.set(delivery, due);
    }
  }

  /** A time on the virtual clock, `seconds` after the world began, as an ISO string. */
  at(seconds = this.clock): string {
    return new Date(epoch + seconds * 1000).toISOString();
  }

  /** Queues a webhook; its first attempt is made at once. Beyond the cap, the oldest delivery is forgotten. */
  deliver(webhook: string, payload: Record<string, unknown>) {
    if (this.cancel.signal.aborted) return;
    const delivery: Delivery = { id: this.nextId++, webhook, payload, attempts: [], state: "retrying" };
    while (this.deliveries.length >= this.maxDeliveries) this.deliveries.shift();
    this.deliveries.push(delivery);
    this.track(this.attempt(delivery));
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
    const dueAt = (d: Delivery) =>
      d.state === "retrying" ? (this.due.get(d) ?? Number.POSITIVE_INFINITY) : Number.POSITIVE_INFINITY;
    while (!this.cancel.signal.aborted) {
      // A loop, not Math.min(...list): a spread of 100 000 deliveries would overflow the stack.
      let next = Number.POSITIVE_INFINITY;
      for (const d of this.deliveries) next = Math.min(next, dueAt(d));
      if (next > end) break;
      this.clock = Math.max(this.clock, next);
      const batch = this.deliveries.filter((d) => dueAt(d) <= this.clock);
      for (const d of batch) made.add(d);
      await Promise.all(batch.map((d) => this.track(this.attempt(d))));
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
    if (!resent) this.due.delete(delivery);
    let outcome: { status?: number; error?: string };
    if (!this.endpoint) outcome = { error: "no webhook endpoint: PUT /_sandbox/webhook-endpoint first" };
    else {
      try {
        // `{webhook}` in the endpoint's URL becomes the webhook's name, so that one receiver can
        // serve each webhook on its own path, as partners configure them with P100.
        const response = await fetch(this.endpoint.url.replaceAll("{webhook}", delivery.webhook), {
          method: "POST",
          headers: { "content-type": "application/json", authorization: this.endpoint.token },
          body: JSON.stringify(delivery.payload),
          // A redirect is not followed: it is a failed attempt with its status.
          redirect: "manual",
          signal: AbortSignal.any([AbortSignal.timeout(this.attemptTimeoutMs), this.cancel.signal]),
        });
        await response.arrayBuffer();
        outcome = { status: response.status };
      } catch (error) {
        outcome = { error: causeOf(error) };
      }
    }
    if (this.cancel.signal.aborted) return; // the world is gone: nothing more to record
    delivery.attempts.push({ at: this.at(started), ...outcome, ...(resent ? { resent } : {}) });
    this.onChange();
    const scheduled = delivery.attempts.filter((a) => !a.resent).length;
    if (outcome.status !== undefined && outcome.status >= 200 && outcome.status < 300) {
      delivery.state = "delivered";
      this.due.delete(delivery);
      delete delivery.nextAttemptAt;
    } else if (resent) {
      // A failed resend leaves the delivery's state and retries as they were.
    } else if (scheduled > retrySchedule.length) {
      delivery.state = "failed";
      delete delivery.nextAttemptAt;
    } else {
      const due = started + (retrySchedule[scheduled - 1] ?? 0);
      this.due.set(delivery, due);
      delivery.nextAttemptAt = this.at(due);
    }
  }
}

/** The routes that create a user, refused when a world holds its most users. */
const creatingRoutes = new Set(
  Object.entries(operations)
    .filter(([, { operationId }]) => operationId === "createUser" || operationId === "createUserWithoutKyc")
    .map(([route]) => route),
);

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;
const full = (message: string): Refusal => ({ status: 507, body: { message: `p100-mock: ${message}` } });

/**
 * A world's name in memory and in the state file: a digest of its API key, so that the key itself
 * is kept nowhere (not in the state file, not in a heap snapshot's map keys).
 */
export const worldName = (key: string) => createHash("sha256").update(key).digest("base64url");

/** Every key's world. */
export class Sandbox {
  private readonly worlds = new Map<string, World>();
  readonly allowRemoteWebhooks: boolean;
  readonly limits: {
    worlds: number;
    usersPerWorld: number;
    deliveriesPerWorld: number;
    journalPerWorld: number;
    idleMinutes: number;
  };
  private readonly attemptTimeoutMs: number;
  private readonly stateFile: StateFile | undefined;
  private readonly log: (line: string) => void;
  private lastSweep = Date.now();

  constructor(options: SandboxOptions = {}) {
    this.allowRemoteWebhooks = options.allowRemoteWebhooks ?? false;
    this.limits = {
      worlds: options.maxWorlds ?? defaultLimit,
      usersPerWorld: options.maxUsersPerWorld ?? defaultLimit,
      deliveriesPerWorld: options.maxDeliveriesPerWorld ?? defaultLimit,
      journalPerWorld: options.maxJournalPerWorld ?? defaultJournalLimit,
      idleMinutes: options.maxIdleMinutes ?? defaultIdleMinutes,
    };
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? 5000;
    this.log = options.log ?? (() => undefined);
    this.stateFile =
      options.stateFile === undefined
        ? undefined
        : new StateFile(options.stateFile, this.log, (record) => stateRecordProblem(record) ?? this.closedDoor(record));
  }

  /** Why webhooks may not go to this endpoint URL, if they may not: a host off this machine needs allowRemoteWebhooks. */
  endpointRefusal(url: string): string | undefined {
    let hostname: string;
    try {
      // WHATWG URL parsing normalises the host (`127.1`, `0x7f.0.0.1` and `LOCALHOST` alike).
      hostname = new URL(url.replaceAll("{webhook}", "webhook")).hostname;
    } catch {
      return "must be an absolute http(s) URL";
    }
    if (this.allowRemoteWebhooks || isLoopbackHost(hostname)) return undefined;
    return `${hostname} is not a loopback host; webhooks go to 127.0.0.0/8, localhost or [::1] only, unless the mock is started with --allow-remote-webhooks (startMock's allowRemoteWebhooks)`;
  }

  /** A saved webhook endpoint this start would refuse, as PUT /_sandbox/webhook-endpoint would. */
  private closedDoor({ field, value }: FieldRecord): string | undefined {
    const refusal = field === "endpoint" ? this.endpointRefusal((value as { url: string }).url) : undefined;
    return refusal && `endpoint: the url ${refusal}`;
  }

  /** Reads the state file, if there is one (a MockStartError when it cannot be read); the worlds it holds resume. */
  async load() {
    if (!this.stateFile) return;
    const worlds = await this.stateFile.read();
    for (const [name, state] of worlds) this.newWorld(name).restore(state);
    this.sweep(Date.now(), true);
  }

  private newWorld(name: string): World {
    const world = new World(this.limits.deliveriesPerWorld, this.attemptTimeoutMs, this.limits.journalPerWorld);
    world.onChange = () => this.changed();
    this.worlds.set(name, world);
    return world;
  }

  /** The key's world (a new one if it has none), marked as used now. */
  world(key: string): World {
    const world = this.worlds.get(worldName(key)) ?? this.newWorld(worldName(key));
    world.lastUsed = Date.now();
    return world;
  }

  /** The key's world if it has one (nothing is created). */
  existing(key: string): World | undefined {
    return this.worlds.get(worldName(key));
  }

  /** The fault for this call of `operation` in the key's world, used up by it. */
  takeFault(key: string, operation: string): Fault | undefined {
    const fault = this.existing(key)?.takeFault(operation);
    if (fault) this.changed();
    return fault;
  }

  /**
   * Notes a call of the P100 API in its key's world's journal (a key without a world has none).
   * The journal alone does not make the state file be written: it goes with the next change.
   */
  record(key: string, call: Omit<JournalEntry, "id" | "clock">) {
    // Called once the answer is sent, outside any request's error handling: a failure here is
    // said in one line, never thrown (it would end the process).
    try {
      this.existing(key)?.record(call);
    } catch (error) {
      this.log(`p100-mock: the journal could not note ${call.method} ${call.path}: ${(error as Error).message}\n`);
    }
  }

  /** Something changed: the state file is written soon (changes close together are written once). */
  changed() {
    this.stateFile?.schedule(() => this.snapshot());
  }

  /** Every world's persisted fields, by world name. */
  private snapshot(): [string, Record<string, unknown>][] {
    return [...this.worlds].map(([name, world]) => [name, world.state()]);
  }

  /** Drops the worlds unused for longer than the idle limit (looked at once a minute at most). */
  private sweep(now: number, force = false) {
    const idleMs = this.limits.idleMinutes * 60_000;
    if (!force && now - this.lastSweep < Math.min(60_000, idleMs)) return;
    this.lastSweep = now;
    for (const [name, world] of this.worlds)
      if (now - world.lastUsed > idleMs) {
        world.close();
        this.worlds.delete(name);
        this.changed();
      }
  }

  /**
   * Checked before a request with a key is answered: the refusal when it needs a new world and
   * the sandbox holds its most worlds, or creates a user and its world holds its most users.
   * Otherwise the key's world exists from here on.
   */
  admit(key: string | undefined, method: string, path: string): Refusal | undefined {
    if (!key) return undefined; // answered 401 by Prism or the control API
    const route = `${method.toUpperCase()} ${path}`;
    this.sweep(Date.now());
    if (route === "POST /_sandbox/reset") return undefined; // needs no world
    const world = this.worlds.get(worldName(key));
    if (!world) {
      if (this.worlds.size >= this.limits.worlds)
        return full(
          `the sandbox holds ${plural(this.limits.worlds, "world")} (one per x-api-key), its most: reuse a key, POST /_sandbox/reset with keys no longer used, or raise the cap (p100-mock --max-worlds, startMock's maxWorlds)`,
        );
      this.world(key);
      return undefined;
    }
    if (creatingRoutes.has(route) && world.users.size >= this.limits.usersPerWorld)
      return full(
        `this x-api-key's world holds ${plural(this.limits.usersPerWorld, "user")}, its most: delete users, POST /_sandbox/reset, or raise the cap (p100-mock --max-users-per-world, startMock's maxUsersPerWorld)`,
      );
    return undefined;
  }

  /**
   * The world and user whose KYC by P100 session `token` names (the hosted stand-in page's link
   * carries no key, as a provider's link does not). A scan: each user holds at most one session.
   */
  kycSession(token: string): { world: World; user: StoredUser } | undefined {
    for (const world of this.worlds.values())
      for (const user of world.users.values()) if (user.kyc?.sessionToken === token) return { world, user };
    return undefined;
  }

  /** Forgets a key's world, cancelling its deliveries in flight. */
  reset(key: string) {
    this.worlds.get(worldName(key))?.close();
    this.worlds.delete(worldName(key));
    this.changed();
  }

  /**
   * Cancels every world's deliveries in flight, writes the state file a last time (the cancelled
   * attempts are made again after a restart), and forgets every world.
   */
  async close() {
    for (const world of this.worlds.values()) world.close();
    await this.stateFile?.flush(() => this.snapshot());
    this.worlds.clear();
  }
}

/** The public view of a stored user. */
export function publicUser({ data, balances, transactions, ...user }: StoredUser): SandboxUser {
  return user;
}
