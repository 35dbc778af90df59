// The control API as a unit (src/mock/sandbox/control.ts and control/*.ts): an in-memory Sandbox,
// calls made directly (no socket), `fetch` stubbed where a webhook attempt must stay under way.
// Routing from the spec's table by operationId, the generated validators' refusals, the
// decisions run through the rules, and the deliveries read at once or, asked, after the
// attempts under way (bounded, on fake timers).
import { afterEach, describe, expect, it, vi } from "vitest";
import routes from "../../../generated/sandbox-routes.js";
import { control } from "../../../src/mock/sandbox/control.js";
import { Sandbox } from "../../../src/mock/sandbox/sandbox.js";

const key = "unit-key";
const call = (method: string, path: string, body?: unknown, query?: string) =>
  control(sandbox, method, path, key, body, query === undefined ? undefined : new URLSearchParams(query));
let sandbox = new Sandbox();

afterEach(async () => {
  await sandbox.reset(key);
  sandbox = new Sandbox();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe("routing", () => {
  it("routes every operation of openapi/sandbox.yaml to its handler", async () => {
    for (const route of routes) {
      const path = route.path.replace("{externalUserId}", "u1").replace("{decision}", "approve").replace("{id}", "1");
      const answer = await call(route.method, path, undefined);
      expect(JSON.stringify(answer.body ?? ""), `${route.method} ${route.path}`).not.toContain("no sandbox endpoint");
    }
  });

  it("answers 404 for a path or a method the spec lacks, in exact case and without a trailing slash", async () => {
    for (const [method, path] of [
      ["get", "/_sandbox/nothing"],
      ["delete", "/_sandbox/users"],
      ["get", "/_sandbox/USERS"],
      ["get", "/_sandbox/users/"],
      ["post", "/_sandbox/users/u1/kyc/approve/"],
    ] as const)
      expect(await call(method, path)).toMatchObject({
        status: 404,
        body: { message: expect.stringMatching(/^no sandbox endpoint .* generated\/sandbox\.json/) },
      });
  });

  it("answers 401 without a key, before anything else", async () => {
    expect(await control(sandbox, "get", "/_sandbox/nothing", undefined, undefined)).toMatchObject({ status: 401 });
  });

  it("checks path and query parameters and bodies with the generated validators", async () => {
    expect(await call("post", "/_sandbox/users/u1/poa/maybe")).toEqual({
      status: 400,
      body: { message: "decision must be one of: approve, reject, question" },
    });
    expect(await call("post", "/_sandbox/deliveries/0/resend")).toMatchObject({
      status: 400,
      body: { message: "id: must be >= 1" },
    });
    expect(await call("get", "/_sandbox/deliveries", undefined, "colour=red")).toMatchObject({
      status: 400,
      body: { message: "colour: not a query parameter of GET /_sandbox/deliveries" },
    });
    expect(await call("get", "/_sandbox/deliveries", undefined, "wait=31")).toMatchObject({
      status: 400,
      body: { message: "wait: must be <= 30" },
    });
    expect(await call("post", "/_sandbox/clock/advance", { seconds: 0 })).toMatchObject({
      status: 400,
      body: { message: "seconds: must be > 0" },
    });
    expect(await call("post", "/_sandbox/users/u1/kyc/reject", { rejectionReason: "" })).toMatchObject({
      status: 400,
    });
  });
});

describe("decisions", () => {
  it("run the rules: 404 for an unknown user, 409 with the rule's reason, the user with its decisions after a change", async () => {
    expect(await call("post", "/_sandbox/users/nobody/verification/approve")).toEqual({
      status: 404,
      body: { message: "no user nobody" },
    });
    await sandbox.transact(
      key,
      (world) =>
        world.users.set("u1", {
          externalUserId: "u1",
          userId: "5f0c6a8e-3f4b-4d7a-9a62-1c1d2e3f4a5b",
          model: "kyc",
          kycFiles: 1,
          verification: "pending",
          poaRequired: false,
          poa: "none",
          extended: false,
          suspended: false,
          balancesGenerated: false,
          data: {},
          balances: { fiatBalances: [], cryptoBalances: [] },
          transactions: [],
        }),
      { create: true },
    );
    expect(await call("post", "/_sandbox/users/u1/poa/approve")).toEqual({
      status: 409,
      body: { message: "u1 has no pending POA" },
    });
    expect((await call("get", "/_sandbox/users/u1")).body).toMatchObject({
      decisions: { verification: ["approve", "reject"], poa: [], kyc: [] },
    });
    expect(await call("post", "/_sandbox/users/u1/verification/reject")).toMatchObject({
      status: 200,
      body: { verification: "rejected", decisions: { verification: [], poa: [], kyc: [] } },
    });
  });
});

describe("deliveries", () => {
  /** A `fetch` whose answers wait until `release()`; an aborted attempt fails as fetch's would. */
  function slowReceiver() {
    const waiting: (() => void)[] = [];
    vi.stubGlobal(
      "fetch",
      (_url: string, init: RequestInit) =>
        new Promise<Response>((resolve, reject) => {
          waiting.push(() => resolve(new Response("{}", { status: 200 })));
          init.signal?.addEventListener("abort", () => reject(init.signal?.reason));
        }),
    );
    return {
      pending: () => waiting.length,
      release: () => {
        for (const answer of waiting.splice(0)) answer();
      },
    };
  }

  /** One delivery under way in the key's world, committed as a call of the API would. */
  async function deliverOne() {
    await sandbox.transact(
      key,
      (world) => {
        world.endpoint = { url: "http://127.0.0.1:9/{webhook}", token: "whsec_unit" };
        world.deliver("kycFileAdded", { externalUserId: "u1", status: "ADDED" });
      },
      { create: true },
    );
  }

  it("answers at once while an attempt is under way; `wait` answers once it ended", async () => {
    const receiver = slowReceiver();
    await deliverOne();
    expect(receiver.pending()).toBe(1);
    const now = await call("get", "/_sandbox/deliveries", undefined, "");
    expect(now.body).toMatchObject([{ webhook: "kycFileAdded", state: "retrying", attempts: [] }]);
    expect(receiver.pending()).toBe(1); // the read did not end the attempt, nor wait for it
    const waited = call("get", "/_sandbox/deliveries", undefined, "wait=30");
    receiver.release();
    expect((await waited).body).toMatchObject([{ state: "delivered", attempts: [{ status: 200 }] }]);
  });

  it("`wait` is a bound: at its end the deliveries are answered as they stand", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const receiver = slowReceiver();
    await deliverOne();
    const waited = call("get", "/_sandbox/deliveries", undefined, "wait=2");
    await vi.advanceTimersByTimeAsync(2000);
    expect((await waited).body).toMatchObject([{ state: "retrying", attempts: [] }]);
    expect(receiver.pending()).toBe(1);
  });
});
