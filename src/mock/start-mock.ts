// The consumer mock: its options, and its steps wired in order (pipeline/pipeline.ts): pages,
// the log line (log-line.ts), /_sandbox, routing and Prism's answer (prism/index.ts), with the
// sandbox's steps between them in the stateful mode (sandbox/handlers.ts); served over node:http
// (pipeline/node-server.ts) and in process (pipeline/fetch.ts). `startMock` takes its port at once
// (so a taken port fails fast), resolves once Prism is ready, and rejects with a one-line reason
// when it cannot start; `close()` stops it. With `proxy`, every call goes to the real API instead
// and each answer is checked against the spec (`diffs`), and with `record` written to a HAR file
// (proxy/har-recorder.ts).
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { MockStartError } from "../errors.js";
import { logLines } from "./log-line.js";
import { isLoopbackHost } from "./loopback.js";
import { latencyRange, optionProblem } from "./options.js";
import { createPages } from "./pages/pages.js";
import type { Answer, Call } from "./pipeline/call.js";
import { fetchOf } from "./pipeline/fetch.js";
import { nodeListener } from "./pipeline/node-server.js";
import { createPipeline, latency as delay, observing } from "./pipeline/pipeline.js";
import { route } from "./pipeline/routes.js";
import { createPrism } from "./prism/index.js";
import { type DiffEntry, DiffLog } from "./proxy/diff-log.js";
import { createHarRecorder, type HarRecorder } from "./proxy/har-recorder.js";
import type { SandboxSteps } from "./sandbox/handlers.js";
import { Sandbox } from "./sandbox/sandbox.js";

export interface MockOptions {
  /** Port to listen on; a free one by default. */
  port?: number;
  /** Host to listen on; 127.0.0.1 by default. */
  host?: string;
  /** Spec file to serve; the bundled spec of this package by default. */
  spec?: string;
  /** Generate response data from the schemas instead of serving the spec's examples. */
  dynamic?: boolean;
  /** Prism's `--errors`: an answer that breaks the spec becomes a 500 problem+json naming why. */
  errors?: boolean;
  /**
   * Proxy mode: forward every request to this upstream (e.g. `https://partner-api-stage.p100.io`),
   * check each answer against the spec, and record where they differ (`RunningMock.diffs`).
   */
  proxy?: string;
  /**
   * Stateful mode: each API key's world keeps its users' lifecycle and delivers webhooks; the
   * control API is under `/_sandbox` (see `createSandboxClient`). Not together with `proxy`.
   */
  stateful?: boolean;
  /**
   * Origins besides loopback ones (`http://localhost:3000`, `http://127.0.0.1:5173`, ...) whose
   * pages may call the mock from a browser; `["*"]` allows any. None by default.
   */
  corsOrigins?: string[];
  /** Stateful mode: let PUT /_sandbox/webhook-endpoint name hosts other than loopback ones. */
  allowRemoteWebhooks?: boolean;
  /** Stateful mode: worlds (API keys) kept at once, 10 000 by default; a new key beyond it gets 507. */
  maxWorlds?: number;
  /** Stateful mode: users per world, 10 000 by default; a create call beyond it gets 507. */
  maxUsersPerWorld?: number;
  /** Stateful mode: deliveries kept per world, 10 000 by default; beyond it the oldest is forgotten. */
  maxDeliveriesPerWorld?: number;
  /**
   * Hold every answer of the API back this long (ms), or a random time from `min` to `max`: to see
   * how a client copes with a slow API. The control API under /_sandbox is never slowed.
   */
  latency?: number | { min: number; max: number };
  /**
   * Stateful mode: keep every world (users, deliveries, clocks, faults, journals) in this file,
   * read at start and written soon after each change and on close (whole, then renamed over the
   * old one). A file that is not a state file stops the start and is left as it is.
   */
  stateFile?: string;
  /** Stateful mode: a world unused this long (minutes) is dropped; 1440 (24 hours) by default. */
  maxIdleMinutes?: number;
  /** Stateful mode: calls each world's journal keeps (GET /_sandbox/requests); 1000 by default. */
  maxJournalPerWorld?: number;
  /**
   * Proxy mode: write every exchange with the upstream to this file as HAR 1.2, each as soon as it is
   * answered (the file is a whole HAR document after each call). Never written: the API key, the
   * webhook token, other credentials' headers, and the values of the spec's `x-p100-personal`
   * properties (masked: letters as `x`, digits as `1`); a binary body is kept as its size and type.
   */
  record?: string;
  /**
   * Proxy mode: the largest body of an upstream's answer read, decoded (gzip, br, deflate undone);
   * a larger one is answered `502`, naming the cap. 10 MiB (the client's `maxResponseBytes`) by default.
   */
  maxUpstreamBytes?: number;
  /**
   * Distinct entries kept of the proxy's differences, unreached calls, broken and local answers
   * (`diffs`), and of `invalidAnswers`; 1000 of each by default. A call beyond it is counted
   * (`diffs.dropped`), and the report says how many.
   */
  maxDiffEntries?: number;
  /** Receives one log line per answer (`POST /v1/user/balances/extended → 201`), and each contract difference found. */
  onOutput?: (text: string) => void;
  /** Aborting it during startup stops the mock and rejects (e.g. on Ctrl-C before the mock is up). */
  signal?: AbortSignal;
}

export interface RunningMock {
  /** Base URL of the mock, e.g. `http://127.0.0.1:43125`. */
  url: string;
  /**
   * Proxy mode: the calls, the differences from the contract found so far (`diffs.entries`, paths
   * templated), the calls that never reached the upstream (`diffs.failures`); `diffs.report()`
   * gives Markdown.
   */
  diffs: DiffLog;
  /**
   * The mock's answers that break the spec (Prism checks each one), one entry per distinct way with
   * the `calls` that met it (at most `maxDiffEntries`); empty when all is well.
   */
  invalidAnswers: DiffEntry[];
  /** Answers a request in this process, through the same handlers as the server (no socket, no Host gate). */
  fetch(request: Request): Promise<Response>;
  /** Stops the mock, cancelling the stateful mode's webhook deliveries in flight. Safe to call twice. */
  close(): Promise<void>;
}

/** The mock in this process (`createMockFetch`): no port, no url. */
export type InProcessMock = Pick<RunningMock, "fetch" | "diffs" | "invalidAnswers" | "close">;

// The JSON bundle: Prism reads it several times faster than the YAML one.
const bundledSpec = fileURLToPath(new URL("../../generated/openapi.json", import.meta.url));
/** The bundled spec's `info.version`, which is always the package's version (a test checks it). */
const { version: bundledVersion } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));

export async function startMock(options: MockOptions = {}): Promise<RunningMock> {
  return start(options, true);
}

/**
 * The mock without a port: each `fetch(request)` is answered in this process, by the same
 * handlers as `startMock`'s server (a `reset` fault rejects as fetch does on a network error; a
 * `truncate` fault gives a body that breaks off half way). `port` and `host` do not apply.
 */
export async function createMockFetch(options: Omit<MockOptions, "port" | "host"> = {}): Promise<InProcessMock> {
  const { fetch, diffs, invalidAnswers, close } = await start(options, false);
  return { fetch, diffs, invalidAnswers, close };
}

async function start(options: MockOptions, listen: boolean): Promise<RunningMock> {
  // Every option is checked against the one table (options.ts), as p100-mock's flags are.
  const problem = optionProblem(options as Record<string, unknown>);
  if (problem) throw new MockStartError(problem);
  const host = options.host ?? "127.0.0.1";
  const latency = latencyRange(options.latency);
  const sandbox = options.stateful
    ? new Sandbox({
        allowRemoteWebhooks: options.allowRemoteWebhooks,
        maxWorlds: options.maxWorlds,
        maxUsersPerWorld: options.maxUsersPerWorld,
        maxDeliveriesPerWorld: options.maxDeliveriesPerWorld,
        maxJournalPerWorld: options.maxJournalPerWorld,
        maxIdleMinutes: options.maxIdleMinutes,
        stateFile: options.stateFile,
        log: (line) => options.onOutput?.(line),
      })
    : undefined;
  let steps: SandboxSteps | undefined;
  const engine = createPrism({
    spec: options.spec ?? bundledSpec,
    dynamic: options.dynamic,
    errors: options.errors,
    proxy: options.proxy,
    maxUpstreamBytes: options.maxUpstreamBytes,
    // Stateful mode: a valid request is answered by the rules in its key's world (sandbox/rules.ts).
    ...(sandbox && { answerValid: (call: Call) => steps?.answerValid(call) }),
  });
  engine.catch(() => undefined); // a failed start is reported below
  // The sandbox's steps (and the rules' validators) load only for the stateful mode.
  steps = sandbox && (await import("./sandbox/handlers.js")).sandboxSteps(sandbox);
  await sandbox?.load(); // a state file that cannot be read stops the start here, in one line
  let recorder: HarRecorder | undefined;
  if (options.proxy !== undefined && options.record !== undefined) {
    try {
      recorder = createHarRecorder({
        file: options.record,
        upstream: options.proxy,
        version: bundledVersion,
        onError: (message) => options.onOutput?.(`${message}\n`),
      });
    } catch (error) {
      await engine.then((started) => started.close()).catch(() => undefined);
      throw new MockStartError((error as Error).message);
    }
  }
  const diffs = new DiffLog({
    upstream: options.proxy,
    specVersion: options.spec === undefined ? bundledVersion : `of ${options.spec}`,
    maxEntries: options.maxDiffEntries,
  });
  // The mock's own answers, in every mode but proxy: bounded as the proxy's log is.
  const ownAnswers = new DiffLog({ maxEntries: options.maxDiffEntries });
  const observe = logLines({ onOutput: options.onOutput, proxy: options.proxy, diffs, ownAnswers });
  const pages = createPages({
    spec: options.spec ?? bundledSpec,
    stateful: sandbox !== undefined,
    proxy: options.proxy !== undefined,
    // The proxy sends `Prefer` on to the upstream: /docs offers no choice there.
    ...(options.proxy === undefined && { preferChoices: async () => (await engine).preferChoices() }),
  });
  // The steps, in order: pages (never logged), the log line, /_sandbox, routing (once), the
  // latency, the sandbox's journal and faults, the recording (proxy mode), and the answer (Prism, with the rules).
  const pipeline = createPipeline(
    [
      async (call, next) => {
        const page = await pages(call);
        if (!page) return next();
        call.answeredBy = "page";
        return page;
      },
      observing(observe),
      ...(steps ? steps.front : [route("/_sandbox/", async () => noSandbox)]),
      async (call, next) => (await engine).route(call, next),
      ...(latency ? [delay(latency)] : []),
      ...(steps ? steps.back : []),
      // Proxy mode with `record`: each exchange with the upstream, written as it comes back (its time
      // without the latency option's).
      ...(recorder ? [recorder.step] : []),
      async (call, next) => (await engine).answer(call, next),
    ],
    observe,
  );
  const serverOptions = {
    transparent: options.proxy !== undefined,
    corsOrigins: options.corsOrigins,
    loopbackHostOnly: isLoopbackHost(host.includes(":") ? `[${host}]` : host),
    ownPrefixes: ["/_sandbox/"],
    observe,
  };
  // In this process, no page elsewhere can reach the mock: no Host gate.
  const fetch = fetchOf(pipeline, { ...serverOptions, loopbackHostOnly: false });
  const upstream = options.proxy === undefined ? undefined : new URL(options.proxy);
  if (upstream?.protocol === "http:" && !isLoopbackHost(upstream.hostname))
    options.onOutput?.(
      `p100-mock: warning: ${upstream.origin} is plain http and not this machine: the x-api-key of every call goes to it unencrypted; use https\n`,
    );
  const listener = nodeListener(pipeline, serverOptions);
  const server = listen ? http.createServer((req, res) => void listener(req, res)) : undefined;
  if (server)
    await new Promise<void>((resolve, reject) => {
      server.once("error", (error: NodeJS.ErrnoException) =>
        reject(
          new MockStartError(
            error.code === "EADDRINUSE"
              ? `port ${options.port} on ${host} is already in use; choose another with --port (or the port option)`
              : `cannot listen on ${host}:${options.port ?? 0}: ${error.code ?? error.message}`,
          ),
        ),
      );
      server.listen(options.port ?? 0, host, () => resolve());
    });
  const port = server ? (server.address() as AddressInfo).port : 0;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= new Promise<void>((resolve) => {
      if (!server) return resolve();
      server.closeAllConnections();
      server.close(() => resolve());
    })
      // Cancels the webhook deliveries in flight, and writes the state file a last time.
      .then(() => sandbox?.close())
      .then(() => recorder?.close())
      .then(() =>
        engine.then(
          (started) => started.close(),
          () => undefined,
        ),
      ));

  let abort: (() => void) | undefined;
  try {
    await Promise.race([
      engine,
      new Promise<never>((_, reject) => {
        abort = () => reject(new MockStartError("the start was aborted"));
        if (options.signal?.aborted) abort();
        options.signal?.addEventListener("abort", abort, { once: true });
      }),
    ]);
  } catch (error) {
    await close();
    throw error;
  } finally {
    if (abort) options.signal?.removeEventListener("abort", abort);
  }
  return { url, diffs, invalidAnswers: ownAnswers.entries, fetch, close };
}

/** What /_sandbox answers without the stateful mode (rather than Prism's "no path matched"). */
const noSandbox: Answer = {
  status: 404,
  body: { message: "/_sandbox is the stateful mode's control API: start the mock with --stateful (stateful: true)" },
};
