// The p100-mock bin of this repository (npm start): startup, flags and shutdown, watched from
// outside the way a terminal or a process manager sees it.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import { afterEach, expect, it } from "vitest";
import operations from "../../generated/operations.js";
import { freePort } from "../../src/free-port.js";
import { createP100Client } from "../../src/index.js";
import { schemaErrors } from "../support/spec.js";

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started) child.kill("SIGKILL"); // hard, on purpose: Prism must still go
});

function startBin(args: string[]) {
  const child = spawn(process.execPath, ["bin/p100-mock.js", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  started.push(child);
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  return { child, output: () => output };
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, "127.0.0.1", () => {
      socket.end();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });

/** The Prism process the bin started (its only child), once there is one. */
async function prismOf(bin: ChildProcess): Promise<number> {
  let pid = 0;
  await expect
    .poll(
      () => {
        const children = execFileSync("ps", ["-o", "pid=", "--ppid", String(bin.pid)], { encoding: "utf8" }).trim();
        pid = Number(children.split("\n")[0]) || 0;
        return pid;
      },
      { timeout: 10_000 },
    )
    .toBeGreaterThan(0);
  return pid;
}
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const exited = (child: ChildProcess) =>
  new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once("exit", resolve)));

it("holds a request that arrives while Prism is still starting, answers it, and a hard kill leaves no Prism", {
  timeout: 30_000,
}, async () => {
  const port = await freePort();
  const { child, output } = startBin(["--port", String(port)]);
  const prism = await prismOf(child);
  await expect.poll(() => accepts(port), { timeout: 10_000, interval: 20 }).toBe(true);
  expect(output()).not.toContain("serving"); // still starting
  const response = await fetch(`http://127.0.0.1:${port}/v1/user/balances/extended`, {
    method: "POST",
    headers: { "x-api-key": "k", "content-type": "application/json" },
    body: JSON.stringify({ externalUserId: "u" }),
  });
  expect(response.status).toBe(201);
  child.kill("SIGKILL"); // no handler runs: Prism notices its parent is gone
  await expect.poll(() => alive(prism), { timeout: 5000 }).toBe(false);
});

it("Ctrl-C while Prism is still starting leaves no Prism behind", { timeout: 30_000 }, async () => {
  const port = await freePort();
  const { child } = startBin(["--port", String(port)]);
  const prism = await prismOf(child);
  child.kill("SIGINT");
  expect(await exited(child)).toBe(0);
  await expect.poll(() => alive(prism), { timeout: 5000 }).toBe(false);
});

it("passes --dynamic and --errors to Prism, prints one ready block naming only the public port, logs requests without an error, and SIGTERM stops both", {
  timeout: 30_000,
}, async () => {
  const port = await freePort();
  const { child, output } = startBin(["--port", String(port), "--dynamic", "--errors"]);
  const prism = await prismOf(child);
  const cmdline = fs.readFileSync(`/proc/${prism}/cmdline`, "utf8").split("\0");
  expect(cmdline).toEqual(expect.arrayContaining(["--dynamic", "--errors"]));
  const privatePort = cmdline[cmdline.indexOf("--port") + 1]!;
  await expect.poll(output, { timeout: 20_000 }).toContain("Requests are logged below.");
  const ready = output();
  const url = `http://127.0.0.1:${port}`;
  expect(ready.split("\n")[0]).toBe(`p100-mock: serving the P100 User Accounts spec on ${url}`);
  for (const [route, { operationId }] of Object.entries(operations)) {
    const [method, path] = route.split(" ");
    expect(ready).toMatch(new RegExp(`^  ${method} +${url}${path!.replace(/[{}]/g, "\\$&")} +${operationId}$`, "m"));
  }
  expect(ready).toContain("Prefer: code=202, example=P211");
  expect(ready).toContain("Ctrl-C");

  // --dynamic: answers generated from the schemas, still valid against them.
  const client = createP100Client({ apiKey: "k", baseUrl: url });
  const result = await client.GET("/v1/user/balances/{externalUserId}", { params: { path: { externalUserId: "u" } } });
  expect(result.outcome).toBe("success");
  expect(schemaErrors("/v1/user/balances/{externalUserId}", "get", "200", result.data)).toEqual([]);
  await expect.poll(output, { timeout: 5000 }).toContain("get /v1/user/balances/u");
  expect(output()).not.toContain(privatePort);
  expect(output()).not.toMatch(/error/i);

  child.kill("SIGTERM");
  expect(await exited(child)).toBe(0);
  await expect.poll(() => alive(prism), { timeout: 5000 }).toBe(false);
  expect(await accepts(port)).toBe(false);
});
