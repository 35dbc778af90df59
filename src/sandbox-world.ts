// The stateful mock's memory: one world per API key (its users, its webhook endpoint and
// deliveries, its virtual clock), so that test workers with their own keys never see each other.
// Webhook deliveries follow the docs' schedule (retries about 8, 16, 32 and 64 s after a failed
// attempt, 5 attempts in all) on the world's virtual clock: advancing it makes due retries at once.

import type { components } from "../generated/sandbox.js";

/** What the sandbox knows about one user (GET /_sandbox/users/{externalUserId}). */
export type SandboxUser = components["schemas"]["SandboxUser"];

/** One webhook delivery and its attempts (GET /_sandbox/deliveries). */
export type Delivery = components["schemas"]["Delivery"];

export interface StoredUser extends SandboxUser {
  data: Record<string, unknown>;
  balances: { fiatBalances: unknown[]; cryptoBalances: unknown[] };
  transactions: unknown[];
}

/** Seconds after the 1st, 2nd, 3rd and 4th failed attempt (Webhooks page); the 5th is final. */
const retrySchedule = [8, 16, 32, 64];
const epoch = Date.parse("2026-01-01T00:00:00.000Z");

export class World {
  readonly users = new Map<string, StoredUser>();
  readonly deliveries: Delivery[] = [];
  endpoint: { url: string; token: string } | undefined;
  /** Seconds since the world began, on its virtual clock. */
  clock = 0;
  private readonly due = new Map<number, number>();
  private readonly inFlight = new Set<Promise<void>>();

  now(offset = 0): string {
    return new Date(epoch + (this.clock + offset) * 1000).toISOString();
  }

  /** Queues a webhook; its first attempt is made at once. */
  deliver(webhook: string, payload: Record<string, unknown>) {
    const delivery: Delivery = { id: this.deliveries.length + 1, webhook, payload, attempts: [], state: "retrying" };
    this.deliveries.push(delivery);
    this.track(this.attempt(delivery));
  }

  /** Moves the clock and makes every retry that falls due; resolves with the deliveries it made. */
  async advance(seconds: number): Promise<Delivery[]> {
    await this.settled();
    this.clock += seconds;
    const due = this.deliveries.filter((d) => d.state === "retrying" && (this.due.get(d.id) ?? 0) <= this.clock);
    await Promise.all(due.map((d) => this.attempt(d)));
    return due;
  }

  /** Waits for the attempts under way (first attempts run in the background). */
  async settled() {
    while (this.inFlight.size) await Promise.all(this.inFlight);
  }

  private track(attempt: Promise<void>) {
    this.inFlight.add(attempt);
    void attempt.finally(() => this.inFlight.delete(attempt));
  }

  private async attempt(delivery: Delivery) {
    const at = this.now();
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
          signal: AbortSignal.timeout(5000),
        });
        await response.arrayBuffer();
        outcome = { status: response.status };
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code;
        outcome = { error: cause ?? (error instanceof Error ? error.name : "network error") };
      }
    }
    delivery.attempts.push({ at, ...outcome });
    if (outcome.status !== undefined && outcome.status >= 200 && outcome.status < 300) {
      delivery.state = "delivered";
      delete delivery.nextAttemptAt;
    } else if (delivery.attempts.length > retrySchedule.length) {
      delivery.state = "failed";
      delete delivery.nextAttemptAt;
    } else {
      const wait = retrySchedule[delivery.attempts.length - 1] ?? 0;
      this.due.set(delivery.id, this.clock + wait);
      delivery.nextAttemptAt = this.now(wait);
    }
  }
}

/** Every key's world. */
export class Sandbox {
  private readonly worlds = new Map<string, World>();

  world(key: string): World {
    const world = this.worlds.get(key) ?? new World();
    this.worlds.set(key, world);
    return world;
  }

  reset(key: string) {
    this.worlds.delete(key);
  }
}

/** The public view of a stored user. */
export function publicUser({ data, balances, transactions, ...user }: StoredUser): SandboxUser {
  return user;
}
