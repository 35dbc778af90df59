// A typed client for the stateful mock's control API (openapi/sandbox.yaml), built on
// openapi-fetch like the P100 client: `sandbox.POST("/_sandbox/users/{externalUserId}/poa/{decision}", ...)`.
import createClient from "openapi-fetch";
import type { paths } from "../../../generated/sandbox.js";

export type { paths as SandboxPaths } from "../../../generated/sandbox.js";

/**
 * The control API of the world of `apiKey` on the mock at `baseUrl`; `fetch` is the one to send
 * with (a `createMockFetch` mock's `fetch` drives a mock with no port), the global one by default.
 */
export function createSandboxClient({
  baseUrl,
  apiKey,
  fetch,
}: {
  baseUrl: string;
  apiKey: string;
  fetch?: (request: Request) => Promise<Response>;
}) {
  return createClient<paths>({ baseUrl, headers: { "x-api-key": apiKey }, ...(fetch ? { fetch } : {}) });
}
