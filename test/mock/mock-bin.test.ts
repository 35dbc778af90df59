// The p100-mock bin of this repository (npm start): startup, flags, output and shutdown, watched
// from outside the way a terminal or a process manager sees it. Prism runs inside the bin's own
// process, so stopping the bin frees everything.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import net from "node:net";
import { afterEach, expect, it } from "vitest";
import operations from "../../generated/operations.js";
import { freePort } from "../../scripts/free-port.js";
import { createP100Client } from "../../src/index.js";
import { waitForPort } from "../acceptance/raw-http.js";
import { watch } from "../support/spawned.js";
import { schemaErrors } from "../support/spec.js";

const bundled = JSON.parse(readFileSync("generated/openapi.json", "utf8"));
const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started) child.kill("SIGKILL");
});

function startBin(args: string[]) {
  const child = spawn(process.execPath, ["bin/p100-mock.js", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  started.push(child);
  const watched = watch(child, `p100-mock ${args.join(" ")}`);
  return { child, watched, output: watched.all.text };
}

/** Once the port takes connections (before Prism is loaded); no deadline from the spawn. */
const listening = (port: number, child: ChildProcess) =>
  waitForPort(`http://127.0.0.1:${port}`, () => child.exitCode === null && child.signalCode === null);

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, "127.0.0.1", () => {
      socket.end();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
const exited = (child: ChildProcess) =>
  new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once("exit", resolve)));

it("holds a request that arrives while Prism is still loading, answers it, and a hard kill frees the port", {
  timeout: 120_000,
}, async () => {
  const port = await freePort();
  const { child, output } = startBin(["--port", String(port)]);
  await listening(port, child);
  expect(output()).not.toContain("serving"); // still loading
  const response = await fetch(`http://127.0.0.1:${port}/v1/user/balances/extended`, {
    method: "POST",
    headers: { "x-api-key": "k", "content-type": "application/json" },
    body: JSON.stringify({ externalUserId: "u" }),
  });
  expect(response.status).toBe(201);
  child.kill("SIGKILL"); // no handler runs; nothing else is left holding the port
  await exited(child);
  expect(await accepts(port)).toBe(false);
});

it("Ctrl-C while Prism is still loading exits 0 and frees the port", { timeout: 120_000 }, async () => {
  const port = await freePort();
  const { child, output } = startBin(["--port", String(port)]);
  await listening(port, child);
  child.kill("SIGINT");
  expect(await exited(child)).toBe(0);
  expect(output()).not.toContain("serving");
  expect(await accepts(port)).toBe(false);
});

it("prints one ready block naming the URL, logs one line per request with no error, serves --dynamic data, and SIGTERM stops it", {
  timeout: 120_000,
}, async () => {
  const port = await freePort();
  const { child, watched, output } = startBin(["--port", String(port), "--dynamic"]);
  await watched.ready(/Requests are logged below\./);
  const ready = output();
  const url = `http://127.0.0.1:${port}`;
  expect(ready.split("\n")[0]).toBe(`p100-mock: serving the P100 User Accounts spec on ${url}`);
  for (const [route, { operationId }] of Object.entries(operations)) {
    const [method, path] = route.split(" ");
    expect(ready).toMatch(new RegExp(`^  ${method} +${url}${path!.replace(/[{}]/g, "\\$&")} +${operationId}$`, "m"));
  }
  expect(ready).toContain("Prefer: code=202, example=P211");
  expect(ready).toContain(`In a browser: ${url}/docs`);
  expect(ready).not.toContain("/_sandbox/ui"); // stateless: no dashboard
  expect(ready).toContain(`${url}/ links every page`);
  expect(ready).toContain("Stop with Ctrl-C (from a script: SIGTERM, docs/mock.md).");

  // --dynamic: answers generated from the schemas, still valid against them. Prism's generator can
  // miss a pattern now and then (the mock then logs that answer as breaking the spec), so the
  // request fixes its seed: the same generated answer on every run.
  const client = createP100Client({ apiKey: "k", baseUrl: url });
  const result = await client.GET("/v1/user/balances/{externalUserId}", {
    params: { path: { externalUserId: "u" } },
    headers: { Prefer: "seed=1" },
  });
  expect(result.outcome).toBe("success");
  expect(schemaErrors("/v1/user/balances/{externalUserId}", "get", "200", result.data)).toEqual([]);
  expect(result.data).not.toEqual(bundled.components.examples.UserBalancesFound.value);
  // Logged before the answer went out: on its way already.
  expect(await watched.stdout.shows("GET /v1/user/balances/u → 200", 0, 30_000)).toBe(true);
  expect(output()).not.toMatch(/error/i);

  child.kill("SIGTERM");
  expect(await exited(child)).toBe(0);
  expect(await accepts(port)).toBe(false);
});
