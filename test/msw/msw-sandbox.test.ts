// The MSW handlers' stateful side (src/msw/index.ts): webhooks reach onWebhook in this process,
// the virtual clock, faults and resets are driven through `sandbox(apiKey)`, and a given baseUrl
// replaces the spec's servers; called with the package's client through setupServer (no socket).
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createP100Client } from "../../src/index.js";
import { createHandlers, type P100Handlers } from "../../src/msw/index.js";
import { validBody } from "../support/cases.js";
import { tinyPng } from "../support/files.js";

const apiKey = "msw-sandbox-key";
const png = () => new File([tinyPng()], "front.png", { type: "image/png" });

describe("the stateful handlers", () => {
  let p100: P100Handlers;
  let server: ReturnType<typeof setupServer>;
  const webhooks: [string, Record<string, unknown>][] = [];
  let failNext = 0;
  beforeAll(async () => {
    p100 = await createHandlers({
      stateful: true,
      onWebhook: (name, payload) => {
        if (failNext > 0) {
          failNext--;
          throw new Error("the receiver is down");
        }
        webhooks.push([name, payload]);
      },
    });
    server = setupServer(...p100.handlers);
    server.listen({ onUnhandledRequest: "error" });
  });
  afterEach(() => {
    webhooks.length = 0;
    failNext = 0;
  });
  afterAll(async () => {
    server?.close();
    await p100?.close();
  });

  const client = createP100Client({ apiKey, environment: "stage", retry: false });
  const sandbox = () => p100.sandbox(apiKey);

  async function createUser(externalUserId: string) {
    const created = await client.POST("/v1/user/balances/crypto-and-fiat", {
      body: validBody("createUser", { externalUserId }),
    });
    expect(created.status).toBe(200);
  }
  const upload = (externalUserId: string) =>
    client.POST("/v1/user/kyc-files/{externalUserId}", {
      params: { path: { externalUserId } },
      body: { documentType: "PASSPORT", files: [png(), png()] },
    });

  it("follows the rules: a created user is found, a second create of it is P411", async () => {
    await createUser("msw-rules");
    const again = await client.POST("/v1/user/balances/crypto-and-fiat", {
      body: validBody("createUser", { externalUserId: "msw-rules" }),
    });
    expect(again).toMatchObject({ status: 400, error: { errorCode: "P411" } });
  });

  it("gives each webhook to onWebhook, with its name and payload", async () => {
    await createUser("msw-webhook");
    expect((await upload("msw-webhook")).status).toBe(201);
    await expect
      .poll(() => webhooks)
      .toContainEqual(["kycFileAdded", expect.objectContaining({ externalUserId: "msw-webhook", status: "ADDED" })]);
  });

  it("retries a delivery onWebhook failed when the virtual clock passes its retry", async () => {
    await createUser("msw-retry");
    failNext = 1;
    expect((await upload("msw-retry")).status).toBe(201);
    const failed = async () => {
      const { data } = await sandbox().GET("/_sandbox/deliveries");
      return data?.find((d) => d.payload.externalUserId === "msw-retry")?.attempts.map((a) => a.status);
    };
    await expect.poll(failed).toEqual([500]);
    expect(webhooks).toEqual([]);
    const advanced = await sandbox().POST("/_sandbox/clock/advance", { body: { seconds: 600 } });
    expect(advanced.response.status).toBe(200);
    expect(await failed()).toEqual([500, 200]);
    expect(webhooks).toContainEqual(["kycFileAdded", expect.objectContaining({ externalUserId: "msw-retry" })]);
  });

  it("takes faults from the control API: a reset is a network error", async () => {
    const fault = await sandbox().POST("/_sandbox/faults", { body: { operation: "getUserBalances", reset: true } });
    expect(fault.response.status).toBe(201);
    await expect(
      fetch("https://partner-api.p100.io/v1/user/balances/x", { headers: { "x-api-key": apiKey } }),
    ).rejects.toThrow(TypeError);
  });

  it("still delivers to onWebhook after the world is reset", async () => {
    const reset = await sandbox().POST("/_sandbox/reset");
    expect(reset.response.status).toBe(204);
    await createUser("msw-after-reset");
    expect((await upload("msw-after-reset")).status).toBe(201);
    await expect
      .poll(() => webhooks)
      .toContainEqual(["kycFileAdded", expect.objectContaining({ externalUserId: "msw-after-reset" })]);
  });
});

describe("the handlers under a given baseUrl", () => {
  let p100: P100Handlers;
  let server: ReturnType<typeof setupServer>;
  beforeAll(async () => {
    p100 = await createHandlers({ baseUrl: "http://localhost:3000/" });
    server = setupServer(...p100.handlers);
    server.listen({ onUnhandledRequest: "error" });
  });
  afterAll(async () => {
    server?.close();
    await p100?.close();
  });

  it("answers there", async () => {
    const client = createP100Client({ apiKey, baseUrl: "http://localhost:3000", retry: false });
    const found = await client.GET("/v1/user/balances/{externalUserId}", {
      params: { path: { externalUserId: "f47ac10b-58cc-4372-a567-0e02b2c3d479" } },
    });
    expect(found.status).toBe(200);
    const bare = await fetch("http://localhost:3000/v1/user/balances/x");
    expect(bare.status).toBe(401);
  });

  it("leaves the spec's servers to other handlers", async () => {
    await expect(fetch("https://partner-api-stage.p100.io/v1/user/balances/x")).rejects.toThrow();
  });

  it("refuses a baseUrl that is not an http(s) origin, and onWebhook without the stateful mode", async () => {
    await expect(createHandlers({ baseUrl: "ftp://example.com" })).rejects.toThrow(
      "baseUrl: ftp://example.com is not an http(s) URL",
    );
    await expect(createHandlers({ onWebhook: () => undefined })).rejects.toThrow(
      "onWebhook: a function, and only with stateful: true",
    );
    await expect(createHandlers({ baseUrl: "not a url" })).rejects.toThrow(TypeError);
    await expect(createHandlers({ baseUrl: "http://localhost:3000/p100" })).rejects.toThrow(
      'baseUrl: http://localhost:3000/p100 is not an origin only (scheme, host and port); pass "http://localhost:3000"',
    );
  });
});
