// The package's clients, sent to a mock in this process (createMockFetch's `fetch`: no socket) or
// over a running mock's socket, so that the sandbox's tests drive the same clients either way.
import createClient from "openapi-fetch";
import type { InProcessMock, RunningMock, SandboxPaths } from "../../src/mock/index.js";

/** Where calls to a mock in this process go: any origin does, since its `fetch` answers them. */
export const inProcessBase = "http://p100.test";

export type AnyMock = InProcessMock | RunningMock;

/** A client's options that send its calls to `mock`: in this process, or over its socket when it has one. */
export const via = (mock: AnyMock) =>
  "url" in mock ? { baseUrl: mock.url } : { baseUrl: inProcessBase, fetch: (request: Request) => mock.fetch(request) };

/** createSandboxClient's client, built as it builds it, given `via`'s fetch (the public helper takes none). */
export const sandboxClient = (apiKey: string, on: AnyMock) =>
  createClient<SandboxPaths>({ ...via(on), headers: { "x-api-key": apiKey } });

/** A raw call (no client) to `mock`, by path. */
export const rawCall = (mock: AnyMock, path: string, init: RequestInit = {}) =>
  "url" in mock ? fetch(`${mock.url}${path}`, init) : mock.fetch(new Request(`${inProcessBase}${path}`, init));
