// The retry policy: what is retried (429, 503 and network failures; GET, PUT and DELETE unless
// the caller opts in for POST and PATCH, which may not be idempotent), how long to wait, and how
// the client's and a call's settings combine (each checked against its range in settings.ts).
import { checkedNumber, type SettingFailure } from "./settings.js";

export interface RetryOptions {
  /** Tries in all, the first included: a whole number from 1 to 10 (default 3). */
  attempts: number;
  /** First backoff delay, 0 to 60 000 ms; each later one doubles, with jitter (default 200 ms). */
  baseDelayMs: number;
  /** Upper bound on the sum of all waits, 0 to 2³¹−1 ms; a longer Retry-After ends the retries (default 10 s). */
  maxTotalDelayMs: number;
  /** Also retry POST and PATCH, which may not be idempotent (default false). */
  unsafeMethods: boolean;
}

export const defaultRetry: RetryOptions = {
  attempts: 3,
  baseDelayMs: 200,
  maxTotalDelayMs: 10_000,
  unsafeMethods: false,
};

/** A call's `retry` option: `false` turns retries off, `true` also allows POST/PATCH, an object tunes them. */
export type CallRetry = boolean | Partial<RetryOptions>;

/** `given` over `base`, each setting checked; a setting given as undefined keeps `base`'s. */
export function checkedRetry(base: RetryOptions, given: unknown, fail: SettingFailure): RetryOptions {
  if (typeof given !== "object" || given === null || Array.isArray(given)) {
    throw fail("`retry` must be false, or an object with attempts, baseDelayMs, maxTotalDelayMs, unsafeMethods.");
  }
  const { attempts, baseDelayMs, maxTotalDelayMs, unsafeMethods } = given as Partial<
    Record<keyof RetryOptions, unknown>
  >;
  if (unsafeMethods !== undefined && typeof unsafeMethods !== "boolean") {
    throw fail("`retry.unsafeMethods` must be true or false.");
  }
  return {
    attempts: checkedNumber("retry.attempts", attempts, base.attempts, fail),
    baseDelayMs: checkedNumber("retry.baseDelayMs", baseDelayMs, base.baseDelayMs, fail),
    maxTotalDelayMs: checkedNumber("retry.maxTotalDelayMs", maxTotalDelayMs, base.maxTotalDelayMs, fail),
    unsafeMethods: unsafeMethods ?? base.unsafeMethods,
  };
}

/** The client's `retry` option, checked: `false` (off), or the settings over the defaults. */
export interface ClientRetry {
  off: boolean;
  settings: RetryOptions;
}

export function clientRetry(given: unknown, fail: SettingFailure): ClientRetry {
  if (given === false) return { off: true, settings: defaultRetry };
  return { off: false, settings: given === undefined ? defaultRetry : checkedRetry(defaultRetry, given, fail) };
}

/** The settings one call runs with: its own `retry` over the client's (a client's `false` included), over the defaults. */
export function retrySettings(client: ClientRetry, call: unknown, fail: SettingFailure): RetryOptions | false {
  if (call === false || (client.off && !call)) return false;
  if (call === undefined) return client.settings;
  if (call === true) return { ...client.settings, unsafeMethods: true };
  return checkedRetry(client.settings, call, fail);
}

const idempotent = new Set(["GET", "HEAD", "OPTIONS", "DELETE", "PUT"]);
const retryableStatus = new Set([429, 503]);

/** Whether a request with this method may be retried at all under these settings. */
export function mayRetry(retry: RetryOptions | false, method: string): retry is RetryOptions {
  return retry !== false && (retry.unsafeMethods || idempotent.has(method));
}

export function isRetryableStatus(status: number): boolean {
  return retryableStatus.has(status);
}

/** Exponential backoff with "equal jitter": half the step fixed, half random. */
export function backoff(retry: RetryOptions, attempt: number): number {
  const step = retry.baseDelayMs * 2 ** (attempt - 1);
  return Math.round(step / 2 + Math.random() * (step / 2));
}

/**
 * Retry-After in seconds or as an HTTP date; undefined when absent or unreadable. An HTTP date
 * starts with the day's name: Date.parse alone would read "1.5" as a day in 2001 (no wait at all).
 */
export function retryAfterMs(header: string | null): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  if (!/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)/.test(header.trim())) return undefined;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
