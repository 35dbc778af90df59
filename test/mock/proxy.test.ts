// p100-mock --proxy: every call goes to a real upstream (here a local one that answers both
// documented and drifting bodies), each answer is checked against the spec by Prism, every
// difference is logged, and a Markdown report is written on exit, with no API key in either.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { freePort } from "../../scripts/free-port.js";
import { createP100Client } from "../../src/index.js";
import { validBody } from "../support/cases.js";
import { type HostileServer, startHostileServer } from "../support/hostile-server.js";

const apiKey = "sk_stage_proxy-secret-77";
const id = "f47ac10b-58cc-4372-a567-0e02b2c3d479";
const work = fs.mkdtempSync(path.join(os.tmpdir(), "p100-proxy-"));
const report = path.join(work, "drift.md");
let upstream: HostileServer;
beforeAll(async () => {
  upstream = await startHostileServer();
  const json = (status: number, body: unknown) => (res: import("node:http").ServerResponse) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  // A documented answer, and three that drift from the contract the way older docs versions do.
  upstream.script(id, json(200, { userId: id, poaRequired: false, fiatBalances: [], cryptoBalances: [] }));
  upstream.script("crypto-and-fiat", json(200, { userId: id, poaRequired: false, balances: {} }));
  upstream.script("extended", json(400, { errorCode: "P412", errorMessage: "User not exist" }));
  upstream.script("suspend", json(418, { message: "teapot" }));
});
afterAll(async () => {
  await upstream.close();
  fs.rmSync(work, { recursive: true, force: true });
});

it("forwards every call, logs each difference from the contract, and writes the drift report on exit", {
  timeout: 30_000,
}, async () => {
  const port = await freePort();
  const bin = spawn(
    process.execPath,
    ["bin/p100-mock.js", "--port", String(port), "--proxy", upstream.url, "--report", report],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  bin.stdout.on("data", (chunk) => (output += chunk));
  bin.stderr.on("data", (chunk) => (output += chunk));
  await expect.poll(() => output, { timeout: 20_000 }).toContain("Requests are logged below.");
  expect(output).toContain(`p100-mock: proxying http://127.0.0.1:${port} to ${upstream.url}`);

  const client = createP100Client({ apiKey, baseUrl: `http://127.0.0.1:${port}`, retry: false });
  const balances = await client.GET("/v1/user/balances/{externalUserId}", { params: { path: { externalUserId: id } } });
  expect(balances).toMatchObject({ outcome: "success", drift: [] });
  expect(upstream.attempts.get(id)).toBe(1); // the real answer, not a mocked one
  const created = await client.POST("/v1/user/balances/crypto-and-fiat", {
    body: validBody("createUser", { externalUserId: id }),
  });
  expect(created).toMatchObject({ outcome: "success", drift: ["`poaRequiredForExtended` is missing"] });
  const extended = await client.POST("/v1/user/balances/extended", { body: { externalUserId: id } });
  expect(extended).toMatchObject({ outcome: "error", status: 400, error: { errorCode: "P412" } });
  await client.PATCH("/v1/user/suspend", { body: { externalUserId: id } });

  await expect.poll(() => output, { timeout: 5000 }).toContain("drift: PATCH /v1/user/suspend 418");
  expect(output).toMatch(
    /p100-mock: drift: POST \/v1\/user\/balances\/crypto-and-fiat 200: response\.body .*poaRequiredForExtended/,
  );
  expect(output).toMatch(/p100-mock: drift: POST \/v1\/user\/balances\/extended 400: response\.body\.errorCode /);
  expect(output).not.toContain(`drift: GET /v1/user/balances/${id}`);

  bin.kill("SIGINT");
  await new Promise((resolve) => bin.once("exit", resolve));
  expect(output).toContain(`p100-mock: 4 call(s) checked, 3 with differences; report in ${report}`);
  const markdown = fs.readFileSync(report, "utf8");
  expect(markdown).toContain("# P100 contract drift report");
  expect(markdown).toContain(`Upstream ${upstream.url}, spec 0.2.0`);
  expect(markdown).toContain("| method | path | status | side | where | what differed |");
  expect(markdown).toMatch(
    /\| POST \| `\/v1\/user\/balances\/crypto-and-fiat` \| 200 \| response \| `response\.body` \| .*poaRequiredForExtended/,
  );
  expect(markdown).toMatch(/\| PATCH \| `\/v1\/user\/suspend` \| 418 \| response \|/);
  expect(`${output}\n${markdown}`).not.toContain(apiKey);
});

it("refuses a proxy target that is not an http(s) URL, in one line", async () => {
  const bin = spawn(process.execPath, ["bin/p100-mock.js", "--port", "0", "--proxy", "partner-api-stage.p100.io"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  bin.stderr.on("data", (chunk) => (stderr += chunk));
  const code = await new Promise((resolve) => bin.once("exit", resolve));
  expect(code).toBe(1);
  expect(stderr.trim()).toBe(
    'p100-mock: --proxy needs an absolute http(s) URL, e.g. https://partner-api-stage.p100.io (got "partner-api-stage.p100.io")',
  );
});
