// Accepting a P100 webhook delivery: the token check (constant time), JSON parsing, and
// validation of the payload against the bundled spec with a real JSON Schema validator (Ajv,
// 2020-12, compiled once per webhook). By the principle of tolerance, only what the docs state is
// enforced: a payload schema's `allOf` parts marked `x-p100-inferred` are guesses, so a payload
// that breaks only them is accepted, loosely typed, with what was not recognised listed. A
// rejected delivery is retried four times and then lost. Framework-agnostic: give it the headers
// and the raw body; it returns a typed payload or a typed failure, and never the token.
import { createHash, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import type { ErrorObject, ValidateFunction } from "ajv/dist/2020.js";
import type { webhooks } from "../../generated/schema.js";
import webhookTable from "../../generated/webhooks.js";
import { schemaValidator } from "../spec/json-schema.js";

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

const spec = JSON.parse(readFileSync(new URL("../../generated/openapi.json", import.meta.url), "utf8"));
export const webhookNames = Object.keys(webhookTable) as WebhookName[];

const validatorAt = schemaValidator(spec);

interface Validators {
  /** The documented parts: a payload that breaks one is not a P100 delivery. */
  documented: ValidateFunction[];
  /** The whole schema, guesses included. */
  inferred: ValidateFunction;
}
const validators = new Map<WebhookName, Validators>();

function validatorsFor(name: WebhookName): Validators {
  let found = validators.get(name);
  if (!found) {
    // The payload schema and its documented parts, by the pointers generated/webhooks.js gives.
    const { schema, documented } = webhookTable[name] as (typeof webhookTable)[string];
    const inferred = validatorAt(schema);
    found = { documented: documented.map((part) => (part === schema ? inferred : validatorAt(part))), inferred };
    validators.set(name, found);
  }
  return found;
}

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

function describeErrors(errors: ErrorObject[]): WebhookFailure["errors"] {
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
  const { documented, inferred } = validatorsFor(name);
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
