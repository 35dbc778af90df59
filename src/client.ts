import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "../generated/schema.js";
import { P100ConfigError } from "./config-error.js";
import { environments, isP100Environment, type P100Environment } from "./environments.js";
import type { HttpMethod, P100Method } from "./result.js";

export interface P100ClientOptions {
  /** The partner's API key, sent as `x-api-key` on every request. Required and non-empty. */
  apiKey: string;
  /** Which documented host to call. Defaults to `"stage"`. Not allowed together with `baseUrl`. */
  environment?: P100Environment;
  /** Any other base URL (a Prism mock, a proxy). Not allowed together with `environment`. */
  baseUrl?: string;
  /** A `fetch` implementation to use instead of the global one. */
  fetch?: (input: Request) => Promise<Response>;
}

/**
 * The typed openapi-fetch client for the P100 User Accounts API. Each call resolves to
 * `{ status, data, error, response }`; `status` is the union of the operation's documented
 * status codes, so checking it narrows `data` (2xx) or `error` (everything else).
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

const methods = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const satisfies readonly Uppercase<HttpMethod>[];

/**
 * Creates a typed client: every path, method, body and response comes from the spec.
 * Throws `P100ConfigError` when the options cannot work (missing key, unknown environment,
 * both `environment` and `baseUrl`, a base URL that is not http(s)).
 */
export function createP100Client(options: P100ClientOptions): P100Client {
  const apiKey = requireApiKey(options);
  const client = createClient<paths>({ baseUrl: resolveBaseUrl(options), fetch: options.fetch });
  client.use(apiKeyMiddleware(apiKey));

  // Each method is openapi-fetch's own, with the status copied to the top of the result,
  // where TypeScript can use it to narrow.
  const call = (method: (typeof methods)[number]) => async (path: string, init?: object) => {
    const result = await (client[method] as (path: string, init?: object) => Promise<{ response: Response }>)(path, init);
    return { ...result, status: result.response.status };
  };
  return {
    GET: call("GET"),
    POST: call("POST"),
    PUT: call("PUT"),
    PATCH: call("PATCH"),
    DELETE: call("DELETE"),
    use: client.use,
    eject: client.eject,
  } as P100Client;
}

function requireApiKey(options: P100ClientOptions | undefined): string {
  const apiKey: unknown = options?.apiKey;
  if (typeof apiKey !== "string" || apiKey.trim() === "") {
    throw new P100ConfigError(
      "createP100Client: `apiKey` is required and must be a non-empty string (the P100 x-api-key; read it from an environment variable or a secrets manager).",
    );
  }
  return apiKey;
}

function resolveBaseUrl({ environment, baseUrl }: P100ClientOptions): string {
  if (environment !== undefined && baseUrl !== undefined) {
    throw new P100ConfigError("createP100Client: pass either `environment` or `baseUrl`, not both.");
  }
  if (baseUrl !== undefined) {
    if (!URL.canParse(baseUrl) || !["http:", "https:"].includes(new URL(baseUrl).protocol)) {
      throw new P100ConfigError("createP100Client: `baseUrl` must be an absolute http(s) URL, e.g. http://127.0.0.1:4010.");
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

/** Sets `x-api-key` on every request. The key lives only in this closure. */
function apiKeyMiddleware(apiKey: string): Middleware {
  return {
    onRequest({ request }) {
      request.headers.set("x-api-key", apiKey);
      return request;
    },
  };
}
