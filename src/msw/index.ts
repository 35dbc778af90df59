// p100-user-accounts/msw: MSW request handlers that answer through the mock's own pipeline
// (createMockFetch in ../mock/start-mock.ts), so a test in process gets the mock's answers: its
// examples, Prefer choices, validation, 401s, upload limits and, stateful, the sandbox's rules and
// webhooks (delivered by the sandbox's fetch, which MSW intercepts: see webhookUrl). Node only.
import { HttpResponse, http, type RequestHandler } from "msw";
import { servers } from "../../generated/facts.js";
import { createSandboxClient } from "../mock/sandbox/client.js";
import { createMockFetch, type MockOptions } from "../mock/start-mock.js";

export interface HandlersOptions extends Omit<MockOptions, "port" | "host" | "proxy" | "record" | "signal"> {
  /**
   * The origin the handlers answer under (`http://localhost:3000`, ...); by default the
   * spec's servers, stage (https://partner-api-stage.p100.io) and production.
   */
  baseUrl?: string;
  /**
   * Stateful mode: receives each webhook the sandbox delivers (its name and payload); the
   * delivery counts as answered 200, or 500 when this throws (the sandbox then retries on its
   * schedule). Each world's endpoint is set to the handlers' own receiver for this.
   */
  onWebhook?: (name: string, payload: Record<string, unknown>) => void | Promise<void>;
}

export interface P100Handlers {
  /** The handlers to give `setupServer(...)` (or `server.use(...)`). */
  handlers: RequestHandler[];
  /**
   * The stateful mode's control API for the world of `apiKey`, answered in this process: the
   * virtual clock (`POST /_sandbox/clock/advance`), decisions, faults, deliveries, reset.
   */
  sandbox(apiKey: string): ReturnType<typeof createSandboxClient>;
  /** Answers a Request as the handlers do (the mock's own fetch, with the webhook receiver set). */
  fetch(request: Request): Promise<Response>;
  /** Stops the mock, cancelling the webhook deliveries in flight. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Where the sandbox delivers webhooks when `onWebhook` is given: a loopback URL (the sandbox
 * takes no other by default) on port 10, where nothing listens: a delivery MSW does not intercept
 * fails at once rather than reaching anything. Not the discard port 9: fetch refuses it (a "bad
 * port") before MSW 3 can intercept the request.
 */
const webhookUrl = "http://127.0.0.1:10/p100-msw-webhooks/{webhook}";

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** The P100 base URLs from the spec's `servers`. */
export const p100BaseUrls: readonly string[] = servers;

/**
 * MSW handlers for the P100 API that answer exactly as the mock does. Prism loads once, so this
 * is async: `const p100 = await createHandlers(); const server = setupServer(...p100.handlers)`.
 */
export async function createHandlers(options: HandlersOptions = {}): Promise<P100Handlers> {
  const { baseUrl, onWebhook, ...mockOptions } = options;
  const bases = baseUrl === undefined ? p100BaseUrls : [baseUrl];
  if (onWebhook !== undefined && (typeof onWebhook !== "function" || !mockOptions.stateful))
    throw new TypeError("onWebhook: a function, and only with stateful: true (only the sandbox sends webhooks)");
  const origins = bases.map((base) => {
    const url = new URL(base); // a bad baseUrl throws TypeError: Invalid URL here, before Prism loads
    if (url.protocol !== "http:" && url.protocol !== "https:")
      throw new TypeError(`baseUrl: ${base} is not an http(s) URL`);
    // As the client's baseUrl (src/client/client.ts): every path of the spec starts with /v1/.
    if (url.pathname !== "/" || url.search || url.hash)
      throw new TypeError(`baseUrl: ${base} is not an origin only (scheme, host and port); pass "${url.origin}"`);
    return url.origin;
  });
  const mock = await createMockFetch(mockOptions);
  const token = crypto.randomUUID();
  // The keys whose world has the handlers' receiver as its endpoint, or is being given it (a
  // reset forgets it): a second call with a new key waits for the first one's endpoint.
  const receiving = new Map<string, Promise<boolean>>();
  const setEndpoint = async (key: string) => {
    const set = await mock.fetch(
      new Request("http://p100.msw/_sandbox/webhook-endpoint", {
        method: "PUT",
        headers: { "x-api-key": key, "content-type": "application/json" },
        body: JSON.stringify({ url: webhookUrl, token }),
      }),
    );
    // A world beyond maxWorlds: the call itself then gets the same 507 the mock gives.
    if (!set.ok) receiving.delete(key);
    return set.ok;
  };

  async function answer(request: Request): Promise<Response> {
    const key = request.headers.get("x-api-key");
    if (onWebhook && key) {
      if (!receiving.has(key)) receiving.set(key, setEndpoint(key));
      await receiving.get(key);
    }
    const response = await mock.fetch(request);
    if (key && request.method === "POST" && new URL(request.url).pathname === "/_sandbox/reset") receiving.delete(key);
    return response;
  }

  const apiHandlers = origins.map((origin) =>
    // A RegExp without groups: MSW decodes a path pattern's parameters, and a malformed
    // percent-encoding would throw there instead of getting the mock's 400.
    http.all(new RegExp(`^${escaped(origin)}/`), async ({ request }) => {
      try {
        return await answer(request);
      } catch {
        // A `reset` fault: the mock's fetch rejects as on a network error; so does MSW's answer.
        return HttpResponse.error();
      }
    }),
  );
  const webhookHandlers = onWebhook
    ? [
        http.post(webhookUrl.replace("{webhook}", ":webhook"), async ({ request, params }) => {
          if (request.headers.get("authorization") !== token) return new HttpResponse(null, { status: 401 });
          try {
            await onWebhook(String(params.webhook), (await request.json()) as Record<string, unknown>);
            return new HttpResponse(null, { status: 200 });
          } catch {
            return new HttpResponse(null, { status: 500 });
          }
        }),
      ]
    : [];

  return {
    handlers: [...webhookHandlers, ...apiHandlers],
    sandbox: (apiKey) => createSandboxClient({ baseUrl: "http://p100.msw", apiKey, fetch: answer }),
    fetch: answer,
    close: () => mock.close(),
  };
}
