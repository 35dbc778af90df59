// The stateful mock's memory: one world per API key (its users, its webhook endpoint and
// deliveries, its virtual clock), so that test workers with their own keys never see each other.
// Webhook deliveries follow the docs' schedule (the spec's `x-p100-webhook-retries`: about 8, 16, 32
// and 64 s after a failed attempt, 5 attempts in all) on the world's virtual clock: advancing it makes every retry that
// falls due in the window, each at its own due time. Memory is bounded: worlds, users per world
// and deliveries per world have caps (`SandboxOptions`).

import { webhookRetrySchedule } from "../../../generated/facts.js";
import operations from "../../../generated/operations.js";
import type { components } from "../../../generated/sandbox.js";

/** What the sandbox knows about one user (GET /_sandbox/users/{externalUserId}). */
export type SandboxUser = components["schemas"]["SandboxUser"];

/** One webhook delivery and its attempts (GET /_sandbox/deliveries). */
export type Delivery = components["schemas"]["Delivery"];

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
}

/** The sandbox's own refusal: a status and `{ message }`. */
export interface Refusal {
  status: number;
  body: { message: string };
}

export const defaultLimit = 10_000;

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

export class World {
  readonly users = new Map<string, StoredUser>();
  readonly deliveries: Delivery[] = [];
  endpoint: { url: string; token: string } | undefined;
  /** Seconds since the world began, on its virtual clock. */
  clock = 0;
  private nextId = 1;
  /** When each retrying delivery's next attempt falls due, on the virtual clock. */
  private readonly due = new WeakMap<Delivery, number>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly cancel = new AbortController();
  /** Advances run one after the other, so that the clock only moves forward. */
  private advancing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly maxDeliveries = defaultLimit,
    private readonly attemptTimeoutMs = 5000,
  ) {}

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
      const next = Math.min(...this.deliveries.map(dueAt));
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

  private async attempt(delivery: Delivery) {
    if (this.cancel.signal.aborted) return;
    const started = this.clock;
    this.due.delete(delivery);
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
    delivery.attempts.push({ at: this.at(started), ...outcome });
    if (outcome.status !== undefined && outcome.status >= 200 && outcome.status < 300) {
      delivery.state = "delivered";
      delete delivery.nextAttemptAt;
    } else if (delivery.attempts.length > retrySchedule.length) {
      delivery.state = "failed";
      delete delivery.nextAttemptAt;
    } else {
      const due = started + (retrySchedule[delivery.attempts.length - 1] ?? 0);
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

/** Every key's world. */
export class Sandbox {
  private readonly worlds = new Map<string, World>();
  readonly allowRemoteWebhooks: boolean;
  readonly limits: { worlds: number; usersPerWorld: number; deliveriesPerWorld: number };
  private readonly attemptTimeoutMs: number;

  constructor(options: SandboxOptions = {}) {
    this.allowRemoteWebhooks = options.allowRemoteWebhooks ?? false;
    this.limits = {
      worlds: options.maxWorlds ?? defaultLimit,
      usersPerWorld: options.maxUsersPerWorld ?? defaultLimit,
      deliveriesPerWorld: options.maxDeliveriesPerWorld ?? defaultLimit,
    };
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? 5000;
  }

  world(key: string): World {
    let world = this.worlds.get(key);
    if (!world) {
      world = new World(this.limits.deliveriesPerWorld, this.attemptTimeoutMs);
      this.worlds.set(key, world);
    }
    return world;
  }

  /**
   * Checked before a request with a key is answered: the refusal when it needs a new world and
   * the sandbox holds its most worlds, or creates a user and its world holds its most users.
   * Otherwise the key's world exists from here on.
   */
  admit(key: string | undefined, method: string, path: string): Refusal | undefined {
    if (!key) return undefined; // answered 401 by Prism or the control API
    const route = `${method.toUpperCase()} ${path}`;
    if (route === "POST /_sandbox/reset") return undefined; // needs no world
    const world = this.worlds.get(key);
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
    this.worlds.get(key)?.close();
    this.worlds.delete(key);
  }

  /** Cancels every world's deliveries in flight and forgets every world. */
  close() {
    for (const world of this.worlds.values()) world.close();
    this.worlds.clear();
  }
}

/** The public view of a stored user. */
export function publicUser({ data, balances, transactions, ...user }: StoredUser): SandboxUser {
  return user;
}
