import { inject } from "vitest";
import { createP100Client, type P100Client } from "../../src/index.js";

/** Base URL of the Prism mock started by the global setup. */
export const prismUrl = () => inject("prismUrl");

/** The real client, pointed at the mock. */
export const mockClient = () => createP100Client({ apiKey: "test-key", baseUrl: prismUrl() });

/** One method of a client, typed loosely (the types of each call are tested elsewhere). */
export type LooseCall = (
  path: string,
  init?: object,
) => Promise<{
  outcome: string;
  status?: number;
  data?: unknown;
  error?: any;
  drift?: readonly string[];
  response?: Response;
}>;

/** The client's method for a method name known only at run time (the types are tested elsewhere). */
export const methodOf = (client: P100Client, name: string) =>
  client[name.toUpperCase() as "GET"] as unknown as LooseCall;
