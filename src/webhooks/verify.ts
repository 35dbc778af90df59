// Accepting a P100 webhook delivery: the token check (constant time), JSON parsing, and
// validation of the payload against the spec's schema with Ajv's validators (2020-12), compiled
// at build time (generated/webhook-validators.js): nothing here reads the spec or compiles code
// at run time. By the principle of tolerance, only what the docs state is
// enforced: a payload schema's `allOf` parts marked `x-p100-inferred` are guesses, so a payload
// that breaks only them is accepted, loosely typed, with what was not recognised listed. A
// rejected delivery is retried four times and then lost. Framework-agnostic: give it the headers
// and the raw body; it returns a typed payload or a typed failure, and never the token.
import { createHash, timingSafeEqual } from "node:crypto";
import type { webhooks } from "../../generated/schema.js";
import webhookValidators, { type ValidationError } from "../../generated/webhook-validators.js";

export type WebhookName = keyof webhooks;
/** The payload of a webhook, as the spec describes it. */
export type WebhookPayload<Name extends WebhookName> =
  webhooks[Name]["post"]["requestBody"]["content"]["application/json"];

export interface WebhookDelivery {
  /** The request headers: a `Headers`, or Node's `req.headers` (lower-case names). */
  headers: Headers | Record<string, string | string[] | undefined>;
  /** The body exactly as received (before any JSON parsing). */
  rawBody: string | Uint8Array;
}

export interface WebhookFailure {
  ok: false;
  reason: "unauthorized" | "invalid-json" | "invalid-payload";
  /** What to answer P100: 401 for a bad token (the docs' rule), 400 otherwise. */
  status: 401 | 400;
  message: string;
  /** For `invalid-payload`: each failing JSON path (`/status`) and why. */
  errors: WebhookIssue[];
}

/** One part of a payload that the spec's inferred schema did not recognise. */
export interface WebhookIssue {
  path: string;
  message: string;
}

export type WebhookResult<Name extends WebhookName> =
  /** The payload has the shape the spec gives it. */
  | { ok: true; name: Name; recognised: true; payload: WebhookPayload<Name>; unrecognised: [] }
  /** Authentic and within the docs, but not the shape the spec infers: log `unrecognised`, answer 200. */
  | { ok: true; name: Name; recognised: false; payload: Record<string, unknown>; unrecognised: WebhookIssue[] }
  | WebhookFailure;

export const webhookNames = Object.keys(webhookValidators) as WebhookName[];

/** Compares in constant time (over SHA-256 digests, so the lengths cannot leak either). */
const digest = (value: string) => createHash("sha256").update(value).digest();
let expectedDigest: { token: string; digest: Buffer } | undefined; // the token's, computed once

function sameSecret(given: string, expected: string): boolean {
  if (expectedDigest?.token !== expected) expectedDigest = { token: expected, digest: digest(expected) };
  return timingSafeEqual(digest(given), expectedDigest.digest);
}

function authorization(headers: WebhookDelivery["headers"]): string | undefined {
  if (headers instanceof Headers) return headers.get("authorization") ?? undefined;
  const value = Object.entries(headers).find(([name]) => name.toLowerCase() === "authorization")?.[1];
  return typeof value === "string" ? value : undefined; // absent, or sent twice: not acceptable
}

const fail = (
  reason: WebhookFailure["reason"],
  message: string,
  errors: WebhookFailure["errors"] = [],
): WebhookFailure => ({
  ok: false,
  reason,
  status: reason === "unauthorized" ? 401 : 400,
  message,
  errors,
});

function describeErrors(errors: ValidationError[]): WebhookFailure["errors"] {
  return errors.map((error) => ({
    path:
      error.keyword === "required"
        ? `${error.instancePath}/${(error.params as { missingProperty: string }).missingProperty}`
        : error.instancePath || "/",
    message: error.message ?? error.keyword,
  }));
}

/**
 * Checks one delivery of webhook `name`: the `Authorization` header must equal `token`, the body
 * must be JSON, and the payload must have what the docs state. Answer P100 with `result.status`
 * on failure and 200 on success (quickly; process the payload asynchronously), also when
 * `recognised` is false: the delivery is authentic, only the spec's guess about it was wrong.
 */
export function verifyAndParseWebhook<Name extends WebhookName>(
  name: Name,
  delivery: WebhookDelivery,
  options: { token: string },
): WebhookResult<Name> {
  if (!webhookNames.includes(name))
    throw new TypeError(`verifyAndParseWebhook: unknown webhook "${String(name)}"; known: ${webhookNames.join(", ")}.`);
  if (typeof options?.token !== "string" || options.token === "") {
    throw new TypeError("verifyAndParseWebhook: `token` (the webhook security token) is required.");
  }
  const given = authorization(delivery.headers);
  if (given === undefined) return fail("unauthorized", "the Authorization header is missing");
  if (!sameSecret(given, options.token))
    return fail("unauthorized", "the Authorization header is not the webhook security token");

  let payload: unknown;
  try {
    payload = JSON.parse(
      typeof delivery.rawBody === "string" ? delivery.rawBody : new TextDecoder().decode(delivery.rawBody),
    );
  } catch {
    return fail("invalid-json", "the body is not JSON");
  }
  // The documented parts (generated/webhooks.js's pointers), and the whole schema, guesses included.
  const { documented, payload: inferred } = webhookValidators[name] as (typeof webhookValidators)[string];
  const broken = documented.flatMap((validate) => (validate(payload) ? [] : describeErrors(validate.errors ?? [])));
  if (broken.length) {
    const list = broken.map((e) => `${e.path} ${e.message}`).join("; ");
    return fail("invalid-payload", `the ${name} payload breaks what the docs state: ${list}`, broken);
  }
  // A wholly documented payload has one schema: what passed above needs no second check.
  if (!documented.includes(inferred) && !inferred(payload)) {
    const unrecognised = describeErrors(inferred.errors ?? []);
    return { ok: true, name, recognised: false, payload: payload as Record<string, unknown>, unrecognised };
  }
  return { ok: true, name, recognised: true, payload: payload as WebhookPayload<Name>, unrecognised: [] };
}
