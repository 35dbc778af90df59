// The p100-mock bin of this repository (npm start): startup, flags and shutdown, watched from
// outside the way a terminal or a process manager sees it.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import { afterEach, expect, it } from "vitest";
import operations from "../../generated/operations.js";
import { freePort } from "../../src/free-port.js";

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

it("holds a request that arrives while Prism is still starting, then answers it as documented", {
  timeout: 30_000,
}, async () => {
  const port = await freePort();
  const { output } = startBin(["--port", String(port)]);
  await expect.poll(() => accepts(port), { timeout: 10_000, interval: 20 }).toBe(true);
  expect(output()).not.toContain("serving"); // still starting
  const response = await fetch(`http://127.0.0.1:${port}/v1/user/balances/extended`, {
    method: "POST",
    headers: { "x-api-key": "k", "content-type": "application/json" },
    body: JSON.stringify({ externalUserId: "u" }),
  });
  expect(response.status).toBe(201);
});

it("Ctrl-C while Prism is still starting leaves no Prism behind", { timeout: 30_000 }, async () => {
  const port = await freePort();
  const { child } = startBin(["--port", String(port)]);
  const prism = await prismOf(child);
  child.kill("SIGINT");
  expect(await exited(child)).toBe(0);
  await expect.poll(() => alive(prism), { timeout: 5000 }).toBe(false);
});

it("Prism goes away even when the bin is killed hard (SIGKILL, no handler runs)", { timeout: 30_000 }, async () => {
  const port = await freePort();
  const { child, output } = startBin(["--port", String(port)]);
  const prism = await prismOf(child);
  await expect.poll(output, { timeout: 20_000 }).toContain("serving");
  child.kill("SIGKILL");
  await expect.poll(() => alive(prism), { timeout: 5000 }).toBe(false);
});

it("passes --dynamic and --errors on to Prism, and SIGTERM stops both", { timeout: 30_000 }, async () => {
  const port = await freePort();
  const { child, output } = startBin(["--port", String(port), "--dynamic", "--errors"]);
  const prism = await prismOf(child);
  expect(fs.readFileSync(`/proc/${prism}/cmdline`, "utf8").split("\0")).toEqual(
    expect.arrayContaining(["--dynamic", "--errors"]),
  );
  await expect
    .poll(output, { timeout: 20_000 })
    .toContain(`serving the P100 User Accounts spec on http://127.0.0.1:${port}`);
  child.kill("SIGTERM");
  expect(await exited(child)).toBe(0);
  await expect.poll(() => alive(prism), { timeout: 5000 }).toBe(false);
  expect(await accepts(port)).toBe(false);
});

it("prints one ready block naming only the public port, then request lines, and nothing that says error", {
  timeout: 30_000,
}, async () => {
  const port = await freePort();
  const { child, output } = startBin(["--port", String(port)]);
  const prism = await prismOf(child);
  const cmdline = fs.readFileSync(`/proc/${prism}/cmdline`, "utf8").split("\0");
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

  await fetch(`${url}/v1/user/balances/extended`, {
    method: "POST",
    headers: { "x-api-key": "k", "content-type": "application/json" },
    body: JSON.stringify({ externalUserId: "u" }),
  });
  await expect.poll(output, { timeout: 5000 }).toContain("post /v1/user/balances/extended");
  expect(output()).not.toContain(privatePort);
  expect(output()).not.toMatch(/error/i);
});
