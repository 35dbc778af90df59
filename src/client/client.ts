import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "../../generated/schema.js";
import { P100ConfigError, P100RequestError, P100UnexpectedError } from "../errors.js";
import { operationByRoute } from "../spec/operations.js";
import type { CallOptions, HttpMethod, P100Method } from "./call-signature.js";
import { classify, unexpected } from "./outcome.js";
import { checkPathParams } from "./path-params.js";
import { createRedactor } from "./redact.js";
import type { AnyP100Result } from "./result.js";
import { clientRetry, type RetryOptions, retrySettings } from "./retry.js";
import { checkedNumber, defaultSettings, type SettingFailure } from "./settings.js";
import type { CallTracer } from "./tracing.js";
import { createTransport, TransportFailure } from "./transport.js";
import { uploadForm } from "./uploads.js";

/** The documented P100 hosts (FAQ, docs V2–V4). All paths start with `/v1/`. */
export const environments = {
  /** Testing environment: test data, no real money. */
  stage: "https://partner-api-stage.p100.io",
  /** Production: real funds. */
  production: "https://partner-api.p100.io",
} as const;

export type P100Environment = keyof typeof environments;

function isP100Environment(value: unknown): value is P100Environment {
  return typeof value === "string" && Object.hasOwn(environments, value);
}

export interface P100ClientOptions {
  /** The partner's API key, sent as `x-api-key` on every request. Required and non-empty. */
  apiKey: string;
  /** Which documented host to call. Defaults to `"stage"`. Not allowed together with `baseUrl`. */
  environment?: P100Environment;
  /**
   * Any other base URL (a Prism mock, a proxy). Not allowed together with `environment`; given
   * but undefined or empty, it is an error (never the stage host).
   */
  baseUrl?: string;
  /** A `fetch` implementation to use instead of the global one. */
  fetch?: (input: Request) => Promise<Response>;
  /** Time allowed for each attempt, answer body included: 1 to 2³¹−1 ms (default 30 000). */
  timeoutMs?: number;
  /** Time allowed for the whole call, every retry and wait included: 1 to 2³¹−1 ms (default 60 000). */
  totalTimeoutMs?: number;
  /** Retries on 429, 503 and network failures; `false` turns them off. GET/PUT/DELETE only unless `unsafeMethods`. */
  retry?: Partial<RetryOptions> | false;
  /** Answers larger than this (decoded) become `unexpected` with reason `too-large`: 1 byte to 256 MiB (default 10 MiB). */
  maxResponseBytes?: number;
  /**
   * Traces each call (one span per call): `openTelemetry(trace.getTracer("my-app"))`. Off by
   * default, and then no tracing code runs.
   */
  tracing?: CallTracer;
}

/**
 * The typed client for the P100 User Accounts API, built on openapi-fetch. Each call resolves to
 * `{ outcome, status, data, error, response }` and never rejects for anything the server does:
 * answers the spec does not describe, network failures and timeouts are `outcome: "unexpected"`.
 */
export interface P100Client {
  GET: P100Method<"get">;
  POST: P100Method<"post">;
  PUT: P100Method<"put">;
  PATCH: P100Method<"patch">;
  DELETE: P100Method<"delete">;
  /** openapi-fetch middleware, e.g. for logging or tracing. */
  use(...middleware: Middleware[]): void;
  eject(...middleware: Middleware[]): void;
}

const httpMethods: HttpMethod[] = ["get", "put", "post", "delete", "patch"];

type LooseCall = (
  path: string,
  init?: Record<string, unknown>,
) => Promise<{ data?: unknown; error?: unknown; response: Response }>;

/**
 * Creates a typed client: every path, method, body and response comes from the spec.
 * Throws `P100ConfigError` when the options cannot work (missing key, unknown environment,
 * both `environment` and `baseUrl`, a base URL that is not http(s), a setting out of its range).
 */
export function createP100Client(options: P100ClientOptions): P100Client {
  const apiKey = requireApiKey(options);
  const configError: SettingFailure = (message) => new P100ConfigError(`createP100Client: ${message}`);
  const client = createClient<paths>({ baseUrl: resolveBaseUrl(options) });
  const redactor = createRedactor(apiKey);
  if (options.fetch !== undefined && typeof options.fetch !== "function") {
    throw configError("`fetch` must be a function (request) => Promise<Response>.");
  }
  const settings = {
    timeoutMs: checkedNumber("timeoutMs", options.timeoutMs, defaultSettings.timeoutMs, configError),
    totalTimeoutMs: checkedNumber(
      "totalTimeoutMs",
      options.totalTimeoutMs,
      defaultSettings.totalTimeoutMs,
      configError,
    ),
    maxResponseBytes: checkedNumber(
      "maxResponseBytes",
      options.maxResponseBytes,
      defaultSettings.maxResponseBytes,
      configError,
    ),
  };
  const retry = clientRetry(options.retry, configError);
  // A call with no options of its own (the usual case) reuses one transport, checked once.
  let usual: ReturnType<typeof createTransport> | undefined;
  const transportFor = (operationId: string, own: CallOptions, signal: unknown, onAttempt?: () => void) => {
    const plain =
      onAttempt === undefined &&
      own.timeoutMs === undefined &&
      own.totalTimeoutMs === undefined &&
      own.retry === undefined &&
      signal === undefined;
    if (plain && usual) return usual;
    const callError: SettingFailure = (message) => new P100RequestError(`${operationId}: ${message}`);
    const transport = createTransport({
      apiKey,
      redactor,
      fetch: options.fetch,
      maxResponseBytes: settings.maxResponseBytes,
      timeoutMs: checkedNumber("timeoutMs", own.timeoutMs, settings.timeoutMs, callError),
      totalTimeoutMs: checkedNumber("totalTimeoutMs", own.totalTimeoutMs, settings.totalTimeoutMs, callError),
      retry: retrySettings(retry, own.retry, callError),
      signal: signal as AbortSignal | undefined,
      onAttempt,
    });
    if (plain) usual = transport;
    return transport;
  };

  const { tracing } = options;
  if (tracing !== undefined && typeof tracing?.trace !== "function") {
    throw configError('`tracing` must be a tracer, such as openTelemetry(trace.getTracer("my-app")).');
  }
  // Without tracing, a method is the sender itself: no tracing code runs.
  const call = (method: string) => {
    const send = sender(method);
    if (!tracing) return send;
    return (path: string, init?: Record<string, unknown> & CallOptions) => {
      const info = operationByRoute(method, path);
      if (!info) return send(path, init);
      return tracing.trace(
        info.operationId,
        method,
        (onAttempt) => send(path, init, onAttempt) as Promise<AnyP100Result>,
      );
    };
  };
  const sender =
    (method: string) =>
    async (path: string, init: Record<string, unknown> & CallOptions = {}, onAttempt?: () => void) => {
      const info = operationByRoute(method, path);
      if (!info) throw new P100RequestError(`${method} ${path} is not an operation of the P100 User Accounts spec.`);
      const { timeoutMs, totalTimeoutMs, retry, ...fetchInit } = init;
      checkPathParams(
        info.operationId,
        path,
        (fetchInit.params as { path?: Record<string, unknown> } | undefined)?.path,
      );
      const own = { timeoutMs, totalTimeoutMs, retry };
      const transport = transportFor(info.operationId, own, fetchInit.signal, onAttempt);
      const upload = info.upload;
      const bodySerializer = upload
        ? (body: Record<string, unknown>) => uploadForm(info.operationId, upload, body)
        : undefined;
      try {
        const { data, error, response } = await (client[method as "GET"] as LooseCall)(path, {
          ...fetchInit,
          ...(bodySerializer && { bodySerializer }),
          parseAs: "text",
          fetch: transport,
        });
        return classify(info, response, textOf(data, error), redactor);
      } catch (failure) {
        if (!(failure instanceof TransportFailure)) throw failure;
        const { reason, status, cause } = failure;
        const detail = failure.detail && redactor.text(failure.detail);
        return unexpected(new P100UnexpectedError(reason, info.operationId, { status, detail, cause }));
      }
    };
  const methods = Object.fromEntries(httpMethods.map((m) => [m.toUpperCase(), call(m.toUpperCase())]));
  // The runtime is generic; the types come from the spec.
  const use = (...added: Middleware[]) => {
    client.use(...added);
  };
  const eject = (...removed: Middleware[]) => {
    client.eject(...removed);
  };
  return { ...methods, use, eject } as unknown as P100Client;
}

function requireApiKey(options: P100ClientOptions | undefined): string {
  const apiKey: unknown = options?.apiKey;
  if (typeof apiKey !== "string" || apiKey.trim() === "") {
    throw new P100ConfigError(
      "createP100Client: `apiKey` is required and must be a non-empty string (the P100 x-api-key; read it from an environment variable or a secrets manager).",
    );
  }
  // A header value is Latin-1 without CR, LF or NUL; fetch would throw with the key in its message.
  if (!/^[\t\x20-\x7e\x80-\xff]*$/.test(apiKey)) {
    throw new P100ConfigError(
      "createP100Client: `apiKey` has a character an HTTP header cannot carry (a line break, a control character or one beyond Latin-1): check how it was read.",
    );
  }
  return apiKey;
}

function resolveBaseUrl(options: P100ClientOptions): string {
  const { environment, baseUrl } = options;
  // `baseUrl: process.env.X` with X unset must not quietly mean the stage host.
  if ("baseUrl" in options && (baseUrl === undefined || baseUrl === "")) {
    throw new P100ConfigError(
      `createP100Client: \`baseUrl\` is given but ${baseUrl === undefined ? "undefined" : "empty"}; pass an absolute http(s) URL, or leave \`baseUrl\` out to use \`environment\`.`,
    );
  }
  if (environment !== undefined && baseUrl !== undefined) {
    throw new P100ConfigError("createP100Client: pass either `environment` or `baseUrl`, not both.");
  }
  if (baseUrl !== undefined) {
    if (typeof baseUrl !== "string") {
      throw new P100ConfigError("createP100Client: `baseUrl` must be a string, an absolute http(s) URL.");
    }
    if (!URL.canParse(baseUrl) || !["http:", "https:"].includes(new URL(baseUrl).protocol)) {
      throw new P100ConfigError(
        "createP100Client: `baseUrl` must be an absolute http(s) URL, e.g. http://127.0.0.1:4010.",
      );
    }
    const { username, password, pathname, search, hash, origin } = new URL(baseUrl);
    if (username || password) {
      // fetch refuses such a URL on every call, and its message would show the password.
      throw new P100ConfigError(
        "createP100Client: `baseUrl` must not carry a user name or password: the P100 API authenticates with the x-api-key only.",
      );
    }
    // Every path of the spec starts with /v1/: "http://host/v1" would call /v1/v1/... and get 404s.
    if (pathname !== "/" || search || hash) {
      throw new P100ConfigError(
        `createP100Client: \`baseUrl\` is the origin only (scheme, host and port, like ${environments.stage}): every path of the spec starts with /v1/, so a path in it would be sent twice; pass ${JSON.stringify(origin)}.`,
      );
    }
    return baseUrl;
  }
  const name = environment ?? "stage";
  if (!isP100Environment(name)) {
    throw new P100ConfigError(
      `createP100Client: unknown environment ${JSON.stringify(String(name))}; use one of ${Object.keys(environments).join(", ")}.`,
    );
  }
  return environments[name];
}

/**
 * The body's text, as openapi-fetch read it from the Response the transport handed it (or the
 * one a middleware put in its place): a 2xx body as text (`parseAs: "text"`), any other as JSON
 * when it parses (written again here), else as text; nothing for an empty body or a 204.
 */
function textOf(data: unknown, error: unknown): string {
  const body = data ?? error;
  return body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body);
}
