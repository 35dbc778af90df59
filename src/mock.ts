// Starts Prism (the pinned @stoplight/prism-cli) as a child process serving the bundled spec,
// and resolves once it answers HTTP. Used by the contract tests' global setup.
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

export interface MockOptions {
  /** Port to listen on; a free one by default. */
  port?: number;
  /** Host to listen on; loopback by default. */
  host?: string;
  /** Spec file to serve; the bundled spec of this package by default. */
  spec?: string;
  /** Give up when Prism has not answered after this many milliseconds (default 20 000). */
  startTimeoutMs?: number;
}

export interface RunningMock {
  /** Base URL of the mock, e.g. `http://127.0.0.1:43125`. */
  url: string;
  /** Stops Prism and waits for it to exit. Safe to call twice. */
  close(): Promise<void>;
}

export const bundledSpec = fileURLToPath(new URL("../generated/openapi.yaml", import.meta.url));

const require = createRequire(import.meta.url);

function prismCli(): string {
  const manifest = require.resolve("@stoplight/prism-cli/package.json");
  return path.join(path.dirname(manifest), (require(manifest) as { bin: { prism: string } }).bin.prism);
}

/** Asks the OS for a free loopback port. */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startMock(options: MockOptions = {}): Promise<RunningMock> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? (await freePort(host));
  const args = [prismCli(), "mock", options.spec ?? bundledSpec, "--host", host, "--port", String(port)];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

  // Keep Prism's last output, so a failed start can say why.
  let output = "";
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);

  // If this process exits without close(), do not leave Prism behind.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const close = async () => {
    process.removeListener("exit", killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    }
  };

  try {
    await waitUntilAnswering(url, child, () => output, options.startTimeoutMs ?? 20_000);
  } catch (error) {
    await close();
    throw error;
  }
  return { url, close };
}

async function waitUntilAnswering(url: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`Prism exited before answering (code ${child.exitCode ?? child.signalCode}): ${lastLines(output())}`);
    }
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      return; // Any HTTP answer (Prism says 404 for "/") means it is serving.
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`Prism did not answer on ${url} within ${timeoutMs} ms: ${lastLines(output())}`);
}

function lastLines(text: string): string {
  // Prism's log lines carry ANSI colours; strip them for a readable reason.
  return text.replace(/\x1b\[[0-9;]*m/g, "").trim().split("\n").slice(-5).join("\n") || "(no output)";
}
