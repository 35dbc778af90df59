// Accepting a P100 webhook delivery: the token check (constant time, Web Crypto), the body's size,
// JSON parsing, and validation of the payload against the spec's schema with Ajv's validators
// (2020-12), compiled at build time (generated/webhook-validators.js): nothing here reads a file,
// imports a `node:` module or compiles code at run time, so it runs on Node, Deno, Bun, workerd
// and in a browser bundle. By the principle of tolerance, only what the docs state is enforced:
// a payload schema's `allOf` parts marked `x-p100-inferred` are guesses, so a payload that breaks
// only them is accepted, loosely typed, with what was not recognised listed. A rejected delivery
// is retried four times and then lost. Input never throws: every failure is a value with the
// HTTP status to answer and a one-line reason, and never holds the token.
import type { webhooks } from "../../generated/schema.js";
import webhookValidators, { type ValidationError } from "../../generated/webhook-validators.js";

export type WebhookName = keyof webhooks;
/** The payload of a webhook, as the spec describes it. */
export type WebhookPayload<Name extends WebhookName> =
  webhooks[Name]["post"]["requestBody"]["content"]["application/json"];

/** Request headers: a `Headers`, or Node's `req.headers` (lower-case names). */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

/** The webhook security token, or several while one is being rotated (any of them is accepted). */
export type WebhookTokens = string | readonly string[];

export interface WebhookDelivery {
  headers: WebhookHeaders;
  /**
   * The body exactly as received, before any JSON parsing: Express `express.raw()`'s `Buffer`,
   * Fastify's buffer parser's, `new Uint8Array(await request.arrayBuffer())`, or that text.
   * Anything else (an object a JSON parser made) is refused with `body-not-raw`.
   */
  rawBody: string | Uint8Array | ArrayBuffer;
}

export interface WebhookOptions {
  /** The webhook security token(s). */
  tokens: WebhookTokens;
  /** The largest body accepted, in bytes; 64 KiB by default (P100's payloads are a few hundred bytes). */
  maxBytes?: number;
}

export interface WebhookFailure {
  ok: false;
  /**
   * - `unauthorized` (401): the `Authorization` header is missing or is not a configured token;
   * - `unknown-webhook` (404): the name (or the path) is not one of P100's webhooks;
   * - `method-not-allowed` (405, from the handler only): not a POST;
   * - `too-large` (413): the body is over `maxBytes`;
   * - `invalid-json` (400), `invalid-payload` (400): what the docs rule out;
   * - `body-not-raw` (500), `no-token-configured` (500): the receiver's own setup; P100 retries,
   *   so the delivery is not lost while it is fixed.
   */
  reason:
    | "unauthorized"
    | "unknown-webhook"
    | "method-not-allowed"
    | "too-large"
    | "invalid-json"
    | "invalid-payload"
    | "body-not-raw"
    | "no-token-configured";
  /** What to answer P100. */
  status: 400 | 401 | 404 | 405 | 413 | 500;
  /** One line, for the answer's body and the log: it never holds the token. */
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

export const defaultMaxBytes = 64 * 1024;

const statusOf: Record<WebhookFailure["reason"], WebhookFailure["status"]> = {
  unauthorized: 401,
  "unknown-webhook": 404,
  "method-not-allowed": 405,
  "too-large": 413,
  "invalid-json": 400,
  "invalid-payload": 400,
  "body-not-raw": 500,
  "no-token-configured": 500,
};

/** A failure value (exported for the handler, which answers with the same ones). */
export const webhookFailure = (
  reason: WebhookFailure["reason"],
  message: string,
  errors: WebhookIssue[] = [],
): WebhookFailure => ({ ok: false, reason, status: statusOf[reason], message, errors });

export const isWebhookName = (name: unknown): name is WebhookName =>
  typeof name === "string" && (webhookNames as string[]).includes(name);

/** The name (or path) is quoted as JSON, so that a stranger's newline or quote stays on one line. */
export const unknownWebhook = (name: string) =>
  webhookFailure(
    "unknown-webhook",
    `${JSON.stringify(name.slice(0, 100))} is not a P100 webhook; known: ${webhookNames.join(", ")}`,
  );

/** How to hand over the raw bytes, per framework: the message of every `body-not-raw` failure. */
export const rawBodyHint =
  'pass the raw bytes: Express express.raw({ type: "application/json" }) on this route, Fastify a content-type parser with parseAs: "buffer", a Fetch API Request new Uint8Array(await request.arrayBuffer()), Node http the concatenated chunks (or use createWebhookHandler / toNodeHandler, which read it themselves)';

const encoder = new TextEncoder();
const sha256 = async (value: string) => new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(value)));

// The configured tokens' digests, computed once per token (a few at most: a small cap keeps a
// caller that passes a new token on every call from growing it).
const tokenDigests = new Map<string, Promise<Uint8Array>>();
function digestOfToken(token: string) {
  let digest = tokenDigests.get(token);
  if (!digest) {
    if (tokenDigests.size >= 16) tokenDigests.clear();
    digest = sha256(token);
    tokenDigests.set(token, digest);
  }
  return digest;
}

/** Equal digests, compared in constant time (SHA-256 first, so neither length leaks). */
function sameDigest(a: Uint8Array, b: Uint8Array) {
  let difference = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) difference |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return difference === 0;
}

function tokenList(tokens: WebhookTokens | undefined): string[] {
  const list = typeof tokens === "string" ? [tokens] : Array.isArray(tokens) ? tokens : [];
  return list.filter((token): token is string => typeof token === "string" && token !== "");
}

/** The `Authorization` header's one value: absent, or sent twice, is not acceptable. */
function authorization(headers: WebhookHeaders | undefined): string | undefined {
  if (!headers || typeof headers !== "object") return undefined;
  if (typeof Headers !== "undefined" && headers instanceof Headers) return headers.get("authorization") ?? undefined;
  const value = Object.entries(headers).find(([name]) => name.toLowerCase() === "authorization")?.[1];
  return typeof value === "string" ? value : undefined;
}

/**
 * Checks the `Authorization` header against the webhook security token(s), in constant time, and
 * reads nothing else: call it before reading the body. `{ ok: true }`, or a 401 (or, with no
 * token configured, a 500) failure.
 */
export async function verifyWebhookToken(
  headers: WebhookHeaders,
  tokens: WebhookTokens,
): Promise<{ ok: true } | WebhookFailure> {
  const expected = tokenList(tokens);
  if (!expected.length)
    return webhookFailure("no-token-configured", "no webhook security token is configured for this receiver");
  const given = authorization(headers);
  if (given === undefined) return webhookFailure("unauthorized", "the Authorization header is missing");
  const givenDigest = await sha256(given);
  let matches = 0;
  for (const digest of await Promise.all(expected.map(digestOfToken))) if (sameDigest(givenDigest, digest)) matches++;
  return matches
    ? { ok: true }
    : webhookFailure("unauthorized", "the Authorization header is not the webhook security token");
}

const describeBody = (body: unknown) =>
  body === undefined || body === null ? `${body}` : Array.isArray(body) ? "an array" : `a ${typeof body}`;

/** The body's bytes, or why it is not raw or too large. */
export function bodyBytes(rawBody: unknown, maxBytes: number): Uint8Array | WebhookFailure {
  let bytes: Uint8Array;
  if (typeof rawBody === "string") bytes = encoder.encode(rawBody);
  else if (rawBody instanceof Uint8Array) bytes = rawBody;
  else if (rawBody instanceof ArrayBuffer) bytes = new Uint8Array(rawBody);
  else
    return webhookFailure(
      "body-not-raw",
      `the body is ${describeBody(rawBody)}, not the bytes as received (did a JSON parser run first?): ${rawBodyHint}`,
    );
  return bytes.byteLength > maxBytes ? webhookFailure("too-large", `the body is over ${maxBytes} bytes`) : bytes;
}

function describeErrors(errors: ValidationError[]): WebhookIssue[] {
  return errors.map((error) => ({
    path:
      error.keyword === "required"
        ? `${error.instancePath}/${(error.params as { missingProperty: string }).missingProperty}`
        : error.instancePath || "/",
    message: error.message ?? error.keyword,
  }));
}

/** Parses and validates an authentic body of webhook `name` (the token is already checked). */
export function parseWebhookBody<Name extends WebhookName>(name: Name, bytes: Uint8Array): WebhookResult<Name> {
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return webhookFailure("invalid-json", "the body is not JSON");
  }
  // The documented parts (generated/webhooks.js's pointers), and the whole schema, guesses included.
  const { documented, payload: inferred } = webhookValidators[name] as (typeof webhookValidators)[string];
  const broken = documented.flatMap((validate) => (validate(payload) ? [] : describeErrors(validate.errors ?? [])));
  if (broken.length) {
    const list = broken.map((e) => `${e.path} ${e.message}`).join("; ");
    return webhookFailure("invalid-payload", `the ${name} payload breaks what the docs state: ${list}`, broken);
  }
  // A wholly documented payload has one schema: what passed above needs no second check.
  if (!documented.includes(inferred) && !inferred(payload)) {
    const unrecognised = describeErrors(inferred.errors ?? []);
    return { ok: true, name, recognised: false, payload: payload as Record<string, unknown>, unrecognised };
  }
  return { ok: true, name, recognised: true, payload: payload as WebhookPayload<Name>, unrecognised: [] };
}

/**
 * Checks one delivery of webhook `name`: the `Authorization` header must be one of `tokens`, the
 * body raw bytes within `maxBytes` and JSON, and the payload must have what the docs state. It
 * never throws on input: answer P100 with `result.status` on failure and 200 on success (quickly;
 * process the payload asynchronously), also when `recognised` is false: the delivery is
 * authentic, only the spec's guess about it was wrong. For a receiver, `createWebhookHandler`
 * does all of this and checks the token before it reads the body.
 */
export async function verifyAndParseWebhook<Name extends WebhookName>(
  name: Name,
  delivery: WebhookDelivery,
  options: WebhookOptions,
): Promise<WebhookResult<Name>> {
  const tokens = options?.tokens ?? [];
  const token = await verifyWebhookToken(delivery?.headers, tokens);
  if (!token.ok) return token;
  if (!isWebhookName(name)) return unknownWebhook(String(name));
  const bytes = bodyBytes(delivery.rawBody, options.maxBytes ?? defaultMaxBytes);
  return bytes instanceof Uint8Array ? parseWebhookBody(name, bytes) : bytes;
}
