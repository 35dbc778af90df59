// The principle of tolerance, through the client from src/: every plausible P100 answer keeps its
// documented outcome (differences in `drift`), and garbage stays `unexpected`. The same tables run
// through `classify` alone in test/client/outcome.test.ts; the packed client answers a few rows (test/package).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createP100Client } from "../../src/index.js";
import { answerProblems, garbage, type LooseClient, plausible } from "../support/answer-tables.js";
import { type HostileServer, startHostileServer } from "../support/hostile-server.js";

let server: HostileServer;
let client: LooseClient;
beforeAll(async () => {
  server = await startHostileServer();
  client = createP100Client({ apiKey: "tolerance-key", baseUrl: server.url }) as unknown as LooseClient;
});
afterAll(() => server.close());

describe("answers P100 could plausibly give keep their documented outcome", () => {
  it.for(plausible)("$name → $expect.outcome", async (c) => {
    expect(await answerProblems(client, server, c)).toEqual([]);
  });
});

describe("garbage stays unexpected", () => {
  it.for(garbage)("$name → $expect.reason", async (c) => {
    expect(await answerProblems(client, server, c)).toEqual([]);
  });
});

it("keeps the raw text beside the drift, with the API key redacted", async () => {
  server.script("extended", (res) => {
    res.writeHead(401, { "content-type": "text/plain" });
    res.end("Access Denied. xo2 for key tolerance-key");
  });
  const result = await createP100Client({ apiKey: "tolerance-key", baseUrl: server.url }).POST(
    "/v1/user/balances/extended",
    { body: { externalUserId: "u" } },
  );
  expect(result).toMatchObject({ outcome: "error", status: 401, drift: ["the body is not JSON"] });
  expect(result.text).toBe("Access Denied. xo2 for key [redacted]");
  expect(result.error).toEqual({ message: "Access Denied. xo2 for key [redacted]" });
});
