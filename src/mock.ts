// The consumer mock: Prism (@stoplight/prism-cli, an optional peer dependency) serving this
// package's bundled spec as a child process, behind a small guard in this process (see
// mock-guard.ts). `startMock` resolves once the mock answers HTTP and rejects with Prism's own
// reason when it cannot start; `close()` always stops both.
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DriftLog, describeEntry } from "./drift-report.js";
import { freePort } from "./free-port.js";
import { listenGuard } from "./mock-guard.js";

export interface MockOptions {
  /** Port to listen on; a free one by default. */
  port?: number;
  /** Host to listen on; 127.0.0.1 by default. */
  host?: string;
  /** Spec file to serve; the bundled spec of this package by default. */
  spec?: string;
  /** Generate response data from the schemas instead of serving the spec's examples. */
  dynamic?: boolean;
  /** Prism's `--errors`: request and response violations become error responses. */
  errors?: boolean;
  /**
   * Proxy mode: forward every request to this upstream (e.g. `https://partner-api-stage.p100.io`),
   * check each answer against the spec, and record where they differ (`RunningMock.drift`).
   */
  proxy?: string;
  /** Receives Prism's per-request log lines once the mock is ready, naming the public URL only (its startup output is kept only to explain a failed start). */
  onOutput?: (text: string) => void;
  /** Give up when Prism has not answered after this many milliseconds (default 20 000). */
  startTimeoutMs?: number;
  /** Aborting it during startup stops Prism and rejects (e.g. on Ctrl-C before the mock is up). */
  signal?: AbortSignal;
}

export interface RunningMock {
  /** Base URL of the mock, e.g. `http://127.0.0.1:43125`. */
  url: string;
  /** Proxy mode: the calls checked and the differences found so far (`drift.report()` gives Markdown). */
  drift: DriftLog;
  /** Stops Prism and waits for it to exit. Safe to call twice. */
  close(): Promise<void>;
}

/** Thrown when the mock cannot start; the message is one line and says why. */
export class MockStartError extends Error {
  override name = "MockStartError";
}

const bundledSpec = fileURLToPath(new URL("../generated/openapi.yaml", import.meta.url));

// Loaded into Prism's process: when whatever started Prism dies, even by SIGKILL (so that no
// exit handler runs), Prism's parent changes and it exits instead of living on as an orphan.
const orphanWatch = `data:text/javascript,${encodeURIComponent(
  "const parent = process.ppid; setInterval(() => { if (process.ppid !== parent) process.exit(0); }, 500).unref();",
)}`;

const require = createRequire(import.meta.url);

function prismCli(): string {
  let manifest: string;
  try {
    manifest = require.resolve("@stoplight/prism-cli/package.json");
  } catch {
    throw new MockStartError(
      "the mock needs Prism: npm install --save-dev @stoplight/prism-cli@5.14.2 (an optional peer dependency of p100-user-accounts)",
    );
  }
  return path.join(path.dirname(manifest), (require(manifest) as { bin: { prism: string } }).bin.prism);
}

export async function startMock(options: MockOptions = {}): Promise<RunningMock> {
  const host = options.host ?? "127.0.0.1";
  if (options.proxy !== undefined && !/^https?:\/\/[^/]/.test(options.proxy)) {
    throw new MockStartError(
      `--proxy needs an absolute http(s) URL, e.g. https://partner-api-stage.p100.io (got "${options.proxy}")`,
    );
  }
  const cli = prismCli();
  const prismPort = await freePort();
  const prismUrl = `http://127.0.0.1:${prismPort}`;
  // The public port belongs to the guard; Prism listens on a private loopback port behind it.
  let prismAnswers!: () => void;
  let prismFailed!: (error: unknown) => void;
  const prismReady = new Promise<void>((resolve, reject) => ([prismAnswers, prismFailed] = [resolve, reject]));
  const drift = new DriftLog();
  const guard = await listenGuard({
    host,
    port: options.port ?? 0,
    prismPort,
    prismReady,
    transparent: options.proxy !== undefined,
    onAnswer: (method, path, status, violations) => {
      if (options.proxy === undefined) return;
      const entry = drift.record(method, path, status, violations);
      if (entry) options.onOutput?.(`p100-mock: ${describeEntry(entry)}\n`);
    },
  }).catch((error: NodeJS.ErrnoException) => {
    throw new MockStartError(
      error.code === "EADDRINUSE"
        ? `port ${options.port} on ${host} is already in use; choose another with --port (or the port option)`
        : `cannot listen on ${host}:${options.port ?? 0}: ${error.code ?? error.message}`,
    );
  });
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${guard.port}`;

  const spec = options.spec ?? bundledSpec;
  const mode = options.proxy === undefined ? ["mock", spec] : ["proxy", spec, options.proxy];
  const args = [cli, ...mode, "--host", "127.0.0.1", "--port", String(prismPort)];
  if (options.dynamic) args.push("--dynamic");
  if (options.errors) args.push("--errors");
  const child = spawn(process.execPath, ["--import", orphanWatch, ...args], { stdio: ["ignore", "pipe", "pipe"] });

  // Prism's startup output names its private port, so it is only kept (to explain a failed
  // start); once Prism is listening, each later line goes to `onOutput` with the public URL.
  let output = "";
  let ready = false;
  let partial = "";
  let listening!: () => void;
  const prismListening = new Promise<void>((resolve) => (listening = resolve));
  const keep = (chunk: Buffer) => {
    const text = chunk.toString();
    output = (output + text).slice(-4000);
    const lines = (partial + text).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      if (ready) options.onOutput?.(`${line.replaceAll(prismUrl, url)}\n`);
      else if (line.includes(`Prism is listening on ${prismUrl}`)) {
        ready = true;
        listening();
      }
    }
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);

  // If this process exits without close(), do not leave Prism behind.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const close = async () => {
    process.removeListener("exit", killOnExit);
    await guard.close();
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    }
  };

  try {
    await untilListening(prismListening, child, () => output, options.startTimeoutMs ?? 20_000, options.signal);
    prismAnswers();
  } catch (error) {
    prismFailed(error);
    await close();
    throw error;
  }
  return { url, drift, close };
}

/** Resolves when Prism says it is listening (no probe request, so its log starts clean). */
async function untilListening(
  listening: Promise<void>,
  child: ChildProcess,
  output: () => string,
  timeoutMs: number,
  signal?: AbortSignal,
) {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  let onExit: (() => void) | undefined;
  try {
    await Promise.race([
      listening,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new MockStartError(`Prism did not start within ${timeoutMs} ms: ${reason(output())}`)),
          timeoutMs,
        );
        onExit = () => reject(new MockStartError(`Prism exited before answering: ${reason(output())}`));
        child.once("exit", onExit);
        if (child.exitCode !== null || child.signalCode !== null) onExit();
        onAbort = () => reject(new MockStartError("the start was aborted"));
        if (signal?.aborted) onAbort();
        signal?.addEventListener("abort", onAbort, { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onExit) child.removeListener("exit", onExit);
    if (onAbort) signal?.removeEventListener("abort", onAbort);
  }
}

/** Prism's most telling line (its error, else its last line), without colours, time or tags. */
function reason(text: string): string {
  const lines = text
    // biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes
    .replace(/\u001b\[[0-9;]*m/g, "")
    .split("\n")
    .map((line) => line.replace(/^\[[^\]]*\]\s*›\s*(\[[^\]]*\]\s*)?[^\w"]*(fatal|error)?\s*/i, "").trim())
    .filter(Boolean);
  return lines.find((line) => /error/i.test(line)) ?? lines.at(-1) ?? "(no output)";
}
