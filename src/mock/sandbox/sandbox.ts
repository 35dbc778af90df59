// Every key's world (world.ts), kept in a store (src/mock/stores/: memory by default, a file with
// `stateFile`), and the bounds that keep a shared sandbox usable: worlds, users per world,
// deliveries and journal per world have caps; idle worlds are dropped; and only a call that changes
// state (or sets the webhook endpoint) makes a world, so that reads, 404s, 401s and refused calls
// of an unknown key take nothing. Real time comes from `now` (Date.now by default), so tests drive
// the idle expiry without waiting.
import { createHash } from "node:crypto";
import operations from "../../../generated/operations.js";
import { isLoopbackHost } from "../loopback.js";
import { FileStore } from "../stores/file-store.js";
import { MemoryStore } from "../stores/memory-store.js";
import {
  defaultJournalLimit,
  defaultLimit,
  type Fault,
  type JournalEntry,
  type StoredUser,
  type World,
} from "./world.js";

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
  /** Keep every world in this file (src/mock/stores/file-store.ts): read at start, each change appended as it is made. */
  stateFile?: string;
  /** Where a failed write of the state file is said (one line). */
  log?: (line: string) => void;
  /** Real time in ms, for the idle expiry; Date.now by default. */
  now?: () => number;
}

/** The sandbox's own refusal: a status and `{ message }`. */
export interface Refusal {
  status: number;
  body: { message: string };
}

export const defaultIdleMinutes = 24 * 60;

/** The routes that create a user, refused when a world holds its most users. */
const creatingRoutes = new Set(
  Object.entries(operations)
    .filter(([, { operationId }]) => operationId === "createUser" || operationId === "createUserWithoutKyc")
    .map(([route]) => route),
);

/** Methods that read: a call of an unknown key with one answers as an empty world would, and makes none. */
const reading = new Set(["GET", "HEAD", "OPTIONS"]);

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;
const full = (message: string): Refusal => ({ status: 507, body: { message: `p100-mock: ${message}` } });

/**
 * A world's name in the store: a digest of its API key, so that the key itself is kept nowhere
 * (not in the state file, not in a heap snapshot's map keys).
 */
export const worldName = (key: string) => createHash("sha256").update(key).digest("base64url");

/** Every key's world. */
export class Sandbox {
  readonly allowRemoteWebhooks: boolean;
  readonly limits: {
    worlds: number;
    usersPerWorld: number;
    deliveriesPerWorld: number;
    journalPerWorld: number;
    idleMinutes: number;
  };
  /** Where the worlds are kept. */
  readonly store: MemoryStore;
  private readonly log: (line: string) => void;
  private readonly now: () => number;
  private lastSweep: number;

  constructor(options: SandboxOptions = {}) {
    this.allowRemoteWebhooks = options.allowRemoteWebhooks ?? false;
    this.limits = {
      worlds: options.maxWorlds ?? defaultLimit,
      usersPerWorld: options.maxUsersPerWorld ?? defaultLimit,
      deliveriesPerWorld: options.maxDeliveriesPerWorld ?? defaultLimit,
      journalPerWorld: options.maxJournalPerWorld ?? defaultJournalLimit,
      idleMinutes: options.maxIdleMinutes ?? defaultIdleMinutes,
    };
    this.log = options.log ?? (() => undefined);
    this.now = options.now ?? Date.now;
    this.lastSweep = this.now();
    const world = {
      maxDeliveries: this.limits.deliveriesPerWorld,
      attemptTimeoutMs: options.attemptTimeoutMs ?? 5000,
      maxJournal: this.limits.journalPerWorld,
      now: this.now,
    };
    const common = { world, now: this.now, log: this.log };
    this.store =
      options.stateFile === undefined
        ? new MemoryStore(common)
        : new FileStore({ ...common, path: options.stateFile, check: (field, value) => this.closedDoor(field, value) });
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
  private closedDoor(field: string, value: unknown): string | undefined {
    const refusal = field === "endpoint" ? this.endpointRefusal((value as { url: string }).url) : undefined;
    return refusal && `endpoint: the url ${refusal}`;
  }

  /** Opens the store (a MockStartError when its file cannot be read); the worlds it holds resume. */
  async load() {
    await this.store.open();
    await this.sweep(this.now(), true);
  }

  /**
   * The key's world, marked as used now: the stored one, else a new one that is kept only once a
   * change is committed (`changed`), so a read of an unknown key answers as an empty world and
   * takes nothing.
   */
  world(key: string): World {
    const name = worldName(key);
    const world = this.store.resident(name) ?? this.store.fresh(name);
    world.lastUsed = this.now();
    world.touch(); // what the caller changes in place is compared at the next commit
    return world;
  }

  /** The key's world if it has one (nothing is created). */
  existing(key: string): World | undefined {
    return this.store.resident(worldName(key));
  }

  /**
   * One unit of work on the key's world, committed once done (store.ts's `transact`): with
   * `create`, a key without a world gets one, kept if the work changed something.
   */
  transact<T>(key: string, work: (world: World) => T | Promise<T>, options?: { create?: boolean }) {
    return this.store.transact(
      worldName(key),
      (world) => {
        world.lastUsed = this.now();
        return work(world);
      },
      options,
    );
  }

  /** The fault for this call of `operation` in the key's world, used up by it. */
  takeFault(key: string, operation: string): Fault | undefined {
    const fault = this.existing(key)?.takeFault(operation);
    if (fault) void this.changed();
    return fault;
  }

  /**
   * Notes a call of the P100 API in its key's world's journal (a key without a world has none).
   * The journal alone does not make the store commit: it goes with the next change.
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

  /**
   * Something changed: every world's changes are committed (a new world that changed is kept from
   * here on). Taken at once; the promise resolves once they are kept (on the disk, for a file).
   */
  changed(): Promise<void> {
    return this.store.commit();
  }

  /** Drops the worlds unused for longer than the idle limit (looked at once a minute at most). */
  private sweep(now: number, force = false): Promise<unknown> {
    const idleMs = this.limits.idleMinutes * 60_000;
    if (!force && now - this.lastSweep < Math.min(60_000, idleMs)) return Promise.resolve();
    this.lastSweep = now;
    return this.store.dropIdle(now - idleMs);
  }

  /**
   * Checked before a request with a key is answered: the refusal when it may make a new world
   * and the sandbox holds its most worlds, or creates a user and its world holds its most users.
   * Nothing is created here: a world is made by the first change committed.
   */
  admit(key: string | undefined, method: string, path: string): Refusal | undefined {
    if (!key) return undefined; // answered 401 by Prism or the control API
    const route = `${method.toUpperCase()} ${path}`;
    void this.sweep(this.now());
    if (route === "POST /_sandbox/reset") return undefined; // needs no world
    const world = this.existing(key);
    if (!world) {
      if (reading.has(method.toUpperCase()) || this.store.size < this.limits.worlds) return undefined;
      return full(
        `the sandbox holds ${plural(this.limits.worlds, "world")} (one per x-api-key), its most: reuse a key, POST /_sandbox/reset with keys no longer used, or raise the cap (p100-mock --max-worlds, startMock's maxWorlds)`,
      );
    }
    world.lastUsed = this.now();
    if (creatingRoutes.has(route) && world.users.size >= this.limits.usersPerWorld)
      return full(
        `this x-api-key's world holds ${plural(this.limits.usersPerWorld, "user")}, its most: delete users, POST /_sandbox/reset, or raise the cap (p100-mock --max-users-per-world, startMock's maxUsersPerWorld)`,
      );
    return undefined;
  }

  /**
   * The world and user whose KYC by P100 session `token` names (the hosted stand-in page's link
   * carries no key, as a provider's link does not): from the store's index, without a scan.
   */
  kycSession(token: string): Promise<{ world: World; user: StoredUser } | undefined> {
    return this.store.session(token);
  }

  /** Forgets a key's world, cancelling its deliveries in flight (at once; the promise says when that is kept). */
  reset(key: string): Promise<void> {
    return this.store.drop(worldName(key));
  }

  /**
   * Cancels every world's deliveries in flight and keeps every change (the cancelled attempts are
   * made again after a restart from a state file).
   */
  async close() {
    await this.store.close();
  }
}
