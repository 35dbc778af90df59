// `p100-webhook send`, spawned with node, delivering the spec's examples to a receiver built on
// createWebhookHandler over loopback HTTP; and its one-line errors, which never print the token.
import { execFile } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWebhookHandler, toNodeHandler, webhookNames } from "../../src/webhooks/index.js";

const token = "whsec_test-token-123";

describe("p100-webhook send", () => {
  const received: { name: string; payload: unknown }[] = [];
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    // A partner endpoint built on createWebhookHandler: /webhooks/<name>.
    const record = (payload: unknown, info: { name: string }) => {
      received.push({ name: info.name, payload });
    };
    const on = Object.fromEntries(webhookNames.map((name) => [name, record]));
    server = http.createServer(toNodeHandler(createWebhookHandler({ tokens: token, on })));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const cli = (args: string[], env: Record<string, string> = {}) =>
    promisify(execFile)(process.execPath, ["bin/p100-webhook.js", ...args], { env: { ...process.env, ...env } }).then(
      ({ stdout }) => ({ code: 0, out: stdout }),
      (error) => ({ code: error.code as number, out: `${error.stdout}${error.stderr}` }),
    );

  it("delivers a spec example that the handler accepts", async () => {
    const { code, out } = await cli(
      ["send", "poaVerificationStatus", "--to", `${url}/poaVerificationStatus`, "--example", "REJECTED"],
      { P100_WEBHOOK_TOKEN: token },
    );
    expect(out.trim()).toBe(
      `p100-webhook: delivered poaVerificationStatus (example REJECTED) to ${url}/poaVerificationStatus: HTTP 200 {}`,
    );
    expect(code).toBe(0);
    expect(received.at(-1)).toEqual({
      name: "poaVerificationStatus",
      payload: { externalUserId: "bca65c48-df49-4831-a7b2-de7903321581", status: "REJECTED" },
    });
  });

  it("sends the first example by default and takes --token", async () => {
    const { code } = await cli([
      "send",
      "userBalanceGeneration",
      "--to",
      `${url}/userBalanceGeneration`,
      "--token",
      token,
    ]);
    expect(code).toBe(0);
    expect(received.at(-1)).toEqual({
      name: "userBalanceGeneration",
      payload: { externalUserId: "bca65c48-df49-4831-a7b2-de7903321581", status: "ACTIVE" },
    });
  });

  it("fails, without printing the token, when the handler refuses it", async () => {
    const { code, out } = await cli([
      "send",
      "kycFileAdded",
      "--to",
      `${url}/kycFileAdded`,
      "--token",
      "whsec_not-the-token",
    ]);
    expect(code).toBe(1);
    expect(out).toContain("p100-webhook: not accepted: kycFileAdded (example ADDED)");
    expect(out).toContain("HTTP 401");
    expect(out).not.toContain("whsec_not-the-token");
  });

  it.each([
    [["send", "nope", "--to", "http://127.0.0.1:1"], 'unknown webhook "nope"; known: createWallet, kycFileAdded'],
    [
      ["send", "kycFileAdded", "--to", "http://127.0.0.1:1", "--example", "X"],
      'kycFileAdded has no example "X"; it has: ADDED, ERROR',
    ],
    [["send", "kycFileAdded", "--example", "ADDED"], "--to <url> is required"],
    [["send", "kycFileAdded", "--to", "http://127.0.0.1:1"], "a token is required"],
  ])("explains a bad command: %j", async (args, message) => {
    const { code, out } = await cli(args, { P100_WEBHOOK_TOKEN: "" });
    expect(code).toBe(1);
    expect(out).toContain(message);
  });
});
