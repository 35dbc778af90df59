// The processes and servers of the acceptance suite: p100-mock spawned from the application's
// node_modules/.bin, the stateful mock started by a plain Node script, a webhook receiver and a
// proxy upstream, each on 127.0.0.1.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import http, { type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { freePort } from "../../scripts/free-port.js";
import { waitForPort } from "./raw-http.js";

export interface MockProcess {
  url: string;
  /** Everything the process wrote to stdout so far (the log lines go there). */
  stdout(): string;
  /** stdout and stderr together, for failure messages. */
  output(): string;
  /** Sends the signal and resolves with the exit code once the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

async function watch(child: ChildProcess, url: string): Promise<MockProcess> {
  let stdout = "";
  let all = "";
  child.stdout!.on("data", (chunk) => {
    stdout += chunk;
    all += chunk;
  });
  child.stderr!.on("data", (chunk) => (all += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  try {
    await waitForPort(url, () => child.exitCode === null && child.signalCode === null);
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`${(error as Error).message}; it said:\n${all}`);
  }
  return {
    url,
    stdout: () => stdout,
    output: () => all,
    stop: (signal = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** `p100-mock <args>` as installed in the application (node_modules/.bin), on a free port. */
export async function spawnBin(app: string, args: string[]): Promise<MockProcess> {
  const port = await freePort();
  const child = spawn(path.join(app, "node_modules", ".bin", "p100-mock"), ["--port", String(port), ...args], {
    cwd: app,
    stdio: ["ignore", "pipe", "pipe"],
  });
  return watch(child, `http://127.0.0.1:${port}`);
}

/** test/fixtures/acceptance/stateful-mock.mjs, copied into the application and run with `node`. */
export async function spawnStatefulScript(app: string): Promise<MockProcess> {
  const script = path.join(app, "acceptance-stateful-mock.mjs");
  fs.copyFileSync(path.resolve(import.meta.dirname, "../fixtures/acceptance/stateful-mock.mjs"), script);
  const port = await freePort();
  const child = spawn("node", [script, String(port)], { cwd: app, stdio: ["ignore", "pipe", "pipe"] });
  return watch(child, `http://127.0.0.1:${port}`);
}

export interface Heard {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface LocalServer {
  url: string;
  /** Every request it received, whole. */
  heard: Heard[];
  close(): Promise<void>;
}

async function listen(handler: (heard: Heard, res: http.ServerResponse) => void): Promise<LocalServer> {
  const heard: Heard[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const one = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) };
      heard.push(one);
      handler(one, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    heard,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The partner's webhook receiver: answers 200 to everything and keeps what it got. */
export const startReceiver = () =>
  listen((_, res) => res.writeHead(200, { "content-type": "application/json" }).end("{}"));

/**
 * The real API, as far as the proxy can tell: GET /v1/user/balances/<framing> answers `balances`
 * pretty-printed, framed as the id says (`pretty` with Content-Length, `gzip`, `br`, `chunked`);
 * any other call answers 201 without a body once the whole request has arrived.
 */
export function startUpstream(balances: unknown): Promise<LocalServer> {
  return listen(({ method, path: where }, res) => {
    const pretty = Buffer.from(JSON.stringify(balances, null, 2));
    const framing = method === "GET" ? where.split("/").pop() : undefined;
    const json = { "content-type": "application/json; charset=utf-8" };
    if (framing === "pretty") res.writeHead(200, { ...json, "content-length": pretty.length }).end(pretty);
    else if (framing === "gzip") {
      const body = gzipSync(pretty);
      res.writeHead(200, { ...json, "content-encoding": "gzip", "content-length": body.length }).end(body);
    } else if (framing === "br") {
      const body = brotliCompressSync(pretty);
      res.writeHead(200, { ...json, "content-encoding": "br", "content-length": body.length }).end(body);
    } else if (framing === "chunked") {
      res.writeHead(200, json);
      for (let at = 0; at < pretty.length; at += 7) res.write(pretty.subarray(at, at + 7));
      res.end();
    } else res.writeHead(201).end();
  });
}
