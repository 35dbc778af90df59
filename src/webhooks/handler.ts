// createWebhookHandler: one Fetch API handler, `(request) => Promise<Response>`, for every
// runtime that has `Request` and `Response` (Node 20+, Deno, Bun, workerd, Next.js route
// handlers, Hono). A public endpoint meets strangers first: the method and the token are checked
// before anything else, the body is read only after them and only up to `maxBytes`, and nothing
// a request sends makes it throw. P100 knows each webhook by the URL it is sent to: the handler
// routes by the path's last segment (`/webhooks/kycFileAdded`, the sandbox's `{webhook}`
// convention), by the `paths` option, and by V1's documented partner-side paths.
import {
  defaultMaxBytes,
  isWebhookName,
  parseWebhookBody,
  unknownWebhook,
  verifyWebhookToken,
  type WebhookFailure,
  type WebhookIssue,
  type WebhookName,
  type WebhookPayload,
  type WebhookTokens,
  webhookFailure,
  webhookNames,
} from "./verify.js";

/** V1's partner-side paths (the docs' "Webhooks" page, V1), matched at the end of the path. */
export const documentedWebhookPaths: Readonly<Record<string, WebhookName>> = {
  "/webhook/user/status": "userBalanceGeneration",
  "/webhook/kyc-files/status": "kycFileAdded",
  "/webhook/poa-verification/status": "poaVerificationStatus",
};

/** What a callback learns besides the payload. */
export interface WebhookInfo<Name extends WebhookName> {
  name: Name;
  /** The request as received (its body already read). */
  request: Request;
}

/** A webhook's callback: called with each authentic delivery whose payload has the spec's shape. */
export type WebhookCallback<Name extends WebhookName> = (
  payload: WebhookPayload<Name>,
  info: WebhookInfo<Name>,
) => void | Promise<void>;

/** Told of an authentic delivery that is within the docs but not the shape the spec infers. */
export type UnrecognisedWebhookCallback = (
  payload: Record<string, unknown>,
  info: WebhookInfo<WebhookName> & { unrecognised: WebhookIssue[] },
) => void | Promise<void>;

export interface WebhookHandlerOptions {
  /** The webhook security token, or several while one is rotated. */
  tokens: WebhookTokens;
  /** One callback per webhook received; a webhook without one is answered 404. */
  on: { [Name in WebhookName]?: WebhookCallback<Name> };
  /**
   * An authentic delivery of a webhook in `on` whose payload the spec's guesses did not recognise
   * (a new status, fields of its own): it is answered 200 like the others (it is a real event),
   * and given here, loosely typed, with what was not recognised. Without this option it is
   * logged with `console.warn`: keep it somewhere to look at, or P100's event is lost.
   */
  onUnrecognised?: UnrecognisedWebhookCallback;
  /** The largest body read, in bytes; 64 KiB by default. */
  maxBytes?: number;
  /** More paths (`"/p100/kyc-file"`: `"kycFileAdded"`), matched at the end of the request's path. */
  paths?: Record<string, WebhookName>;
  /** Told of every delivery refused (4xx, 5xx) with its one-line reason; by default nothing is logged. */
  onRefused?: (failure: WebhookFailure, request: Request) => void;
  /** Told when a callback throws (the answer is 500, so P100 retries); `console.error` by default. */
  onError?: (error: unknown, name: WebhookName) => void;
}

/** What `createWebhookHandler` returns: a Fetch API handler, also `toNodeHandler`'s input. */
export interface WebhookHandler {
  (request: Request): Promise<Response>;
  /** For `toNodeHandler`: the same checks, before Node's body is read. */
  readonly [nodeSide]: NodeSide;
}

/** What `toNodeHandler` checks before it reads a body (internal). */
export interface NodeSide {
  maxBytes: number;
  /** The failure for this request's method, token and path, if any (no body read). */
  precheck(method: string, url: string, headers: Headers): Promise<WebhookFailure | undefined>;
  refused(failure: WebhookFailure, request: Request): void;
}

export const nodeSide: unique symbol = Symbol("p100-user-accounts/webhooks node side");

const json = (body: unknown, status: number, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

export const failureResponse = (failure: WebhookFailure) =>
  json({ message: failure.message }, failure.status, failure.status === 405 ? { allow: "POST" } : {});

const methodNotAllowed = webhookFailure("method-not-allowed", "P100 sends webhooks with POST");

function normalise(path: string) {
  return `/${path.replace(/^\/+|\/+$/g, "")}`;
}

/** Reads `body` up to `maxBytes`: the bytes, or `too-large` as soon as it goes over (the rest is never read). */
export async function readCapped(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<Uint8Array | WebhookFailure> {
  if (!body) return new Uint8Array();
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      return webhookFailure("too-large", `the body is over ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

/**
 * A Fetch API handler that receives P100's webhooks: it checks the token, routes by path, reads
 * the body under `maxBytes`, verifies it, and calls the webhook's callback. It answers 200 `{}`
 * when the callback returns (also for a payload the spec did not recognise: it is authentic),
 * 401 for a missing or wrong token, 404 for a path that is no webhook (or none with a callback),
 * 405 for a method other than POST, 413 for a body over `maxBytes`, 400 for what the docs rule out,
 * and 500 when the callback throws, so that P100 retries. Throws (at once) on bad options only.
 */
export function createWebhookHandler(options: WebhookHandlerOptions): WebhookHandler {
  const { tokens, on } = options ?? {};
  const tokenCount = typeof tokens === "string" ? [tokens] : Array.isArray(tokens) ? tokens : [];
  if (!tokenCount.some((token) => typeof token === "string" && token !== ""))
    throw new TypeError("createWebhookHandler: `tokens` (the webhook security token, or several) is required");
  if (!on || typeof on !== "object")
    throw new TypeError("createWebhookHandler: `on` (a callback per webhook) is required");
  for (const [name, callback] of Object.entries(on)) {
    if (!isWebhookName(name)) throw new TypeError(`createWebhookHandler: on.${name}: ${unknownWebhook(name).message}`);
    if (typeof callback !== "function") throw new TypeError(`createWebhookHandler: on.${name} is not a function`);
  }
  const paths = Object.entries({ ...documentedWebhookPaths, ...options.paths }).map(
    ([path, name]) => [normalise(path), name] as const,
  );
  for (const [path, name] of paths)
    if (!isWebhookName(name))
      throw new TypeError(`createWebhookHandler: paths["${path}"]: ${unknownWebhook(name).message}`);
  const maxBytes = options.maxBytes ?? defaultMaxBytes;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1)
    throw new TypeError("createWebhookHandler: `maxBytes` must be a positive whole number of bytes");
  const onError =
    options.onError ?? ((error, name) => console.error(`p100 webhooks: the ${name} callback failed:`, error));
  const onUnrecognised: UnrecognisedWebhookCallback =
    options.onUnrecognised ??
    ((payload, info) =>
      console.warn(
        `p100 webhooks: a ${info.name} delivery the spec did not recognise (${info.unrecognised.map((issue) => `${issue.path} ${issue.message}`).join("; ")}):`,
        payload,
      ));
  const handled = webhookNames.filter((name) => on[name]);

  function route(url: string): WebhookName | WebhookFailure {
    let pathname: string;
    try {
      pathname = normalise(new URL(url, "http://localhost").pathname);
    } catch {
      return unknownWebhook(url);
    }
    const found =
      paths.find(([path]) => pathname === path || pathname.endsWith(path))?.[1] ?? pathname.split("/").pop() ?? "";
    if (!isWebhookName(found)) return unknownWebhook(decodeURIComponentSafe(pathname));
    if (!on[found])
      return webhookFailure(
        "unknown-webhook",
        `this receiver has no callback for ${found}; it takes ${handled.join(", ")}`,
      );
    return found;
  }

  const side: NodeSide = {
    maxBytes,
    async precheck(method, url, headers) {
      if (method !== "POST") return methodNotAllowed;
      const token = await verifyWebhookToken(headers, tokens);
      if (!token.ok) return token;
      const name = route(url);
      return typeof name === "string" ? undefined : name;
    },
    refused(failure, request) {
      try {
        options.onRefused?.(failure, request);
      } catch {} // a logger's failure changes no answer
    },
  };

  const answer = (failure: WebhookFailure, request: Request) => {
    side.refused(failure, request);
    return failureResponse(failure);
  };

  const handler = async (request: Request): Promise<Response> => {
    const early = await side.precheck(request.method, request.url, request.headers);
    if (early) return answer(early, request);
    const name = route(request.url) as WebhookName;
    const declared = Number(request.headers.get("content-length"));
    if (declared > maxBytes) return answer(webhookFailure("too-large", `the body is over ${maxBytes} bytes`), request);
    let bytes: Uint8Array | WebhookFailure;
    try {
      bytes = await readCapped(request.body, maxBytes);
    } catch {
      bytes = webhookFailure("invalid-json", "the body could not be read");
    }
    const result = bytes instanceof Uint8Array ? parseWebhookBody(name, bytes) : bytes;
    if (!result.ok) return answer(result, request);
    try {
      const info = { name, request };
      if (result.recognised) await (on[name] as WebhookCallback<WebhookName>)(result.payload, info);
      else await onUnrecognised(result.payload, { ...info, unrecognised: result.unrecognised });
    } catch (error) {
      try {
        onError(error, name);
      } catch {}
      return json({ message: `the ${name} callback failed` }, 500);
    }
    return json({}, 200);
  };
  return Object.assign(handler, { [nodeSide]: side });
}

function decodeURIComponentSafe(path: string) {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
