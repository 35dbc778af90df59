import { inject } from "vitest";
import { createP100Client } from "../../src/index.js";

/** Base URL of the Prism mock started by the global setup. */
export const prismUrl = () => inject("prismUrl");

/** The real client, pointed at the mock. */
export const mockClient = () => createP100Client({ apiKey: "test-key", baseUrl: prismUrl() });
