// A stateful p100-mock in a process of its own, for the benchmarks of the sandbox (sandbox.js,
// state-file.js): started on a free port and ready once its control API answers; stopped by
// SIGTERM, timed until it exits (its state file written).
import { spawn } from "node:child_process";
import { freePort } from "../scripts/free-port.js";

/** Starts `node <args(port)>` and resolves once the mock answers `apiKey`'s control API, with how long that took. */
export async function startMock(args, apiKey) {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, args(port), { stdio: ["ignore", "ignore", "inherit"] });
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    try {
      await fetch(`${url}/_sandbox/faults`, { headers: { "x-api-key": apiKey }, signal: AbortSignal.timeout(60_000) });
      return { child, url, loadMs: performance.now() - started };
    } catch {
      if (child.exitCode !== null) throw new Error("the mock exited");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** SIGTERM, and how long until the process has written its state file and exited. */
export function stopMock(child) {
  return new Promise((resolve) => {
    const started = performance.now();
    child.once("exit", () => resolve(performance.now() - started));
    child.kill("SIGTERM");
  });
}
