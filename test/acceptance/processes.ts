// The processes and servers of the acceptance suite: p100-mock spawned from the application's
// node_modules/.bin, the stateful mock started by a plain Node script, a webhook receiver and a
// proxy upstream, each on 127.0.0.1.
import { spawn } from "node:child_process";
import { EventEmitter } from "node:events";
import fs from "node:fs";
import http, { type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { type Watched, watch } from "../support/spawned.js";

export interface MockProcess {
  /** The URL its banner names (it listens on a port of its own choosing: --port 0). */
  url: string;
  /** Everything the process wrote to stdout so far (the log lines go there). */
  stdout(): string;
  /** stdout and stderr together, for failure messages. */
  output(): string;
  /** Whether stdout (from `from`) holds `text`, waiting at most `guardMs` for it. */
  shows(text: string, from: number, guardMs: number): Promise<boolean>;
  /** Sends the signal and resolves with the exit code once the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Ready once the banner naming its URL is printed (the first request then needs no Prism to load). */
async function ready(watched: Watched, banner: RegExp): Promise<MockProcess> {
  const { child, stdout, all } = watched;
  let url: string;
  try {
    url = (await watched.ready(banner))[1]!;
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  return {
    url,
    stdout: stdout.text,
    output: all.text,
    shows: stdout.shows,
    stop: (signal = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return watched.closed;
    },
  };
}

/** The bin's banner, serving or proxying: its first line names the URL. */
export const binBanner = /^p100-mock: (?:serving the P100 User Accounts spec on|proxying) (http:\/\/[\d.:]+)/m;

/** `p100-mock <args>` as installed in the application (node_modules/.bin), on a port it picks. */
export function spawnBin(app: string, args: string[]): Promise<MockProcess> {
  const child = spawn(path.join(app, "node_modules", ".bin", "p100-mock"), ["--port", "0", ...args], {
    cwd: app,
    stdio: ["ignore", "pipe", "pipe"],
  });
  return ready(watch(child, `p100-mock ${args.join(" ")}`), binBanner);
}

/** test/fixtures/acceptance/stateful-mock.mjs, copied into the application and run with `node`. */
export function spawnStatefulScript(app: string): Promise<MockProcess> {
  const script = path.join(app, "acceptance-stateful-mock.mjs");
  fs.copyFileSync(path.resolve(import.meta.dirname, "../fixtures/acceptance/stateful-mock.mjs"), script);
  const child = spawn("node", [script, "0"], { cwd: app, stdio: ["ignore", "pipe", "pipe"] });
  return ready(watch(child, "stateful-mock.mjs"), /^stateful-mock\.mjs: serving on (http:\/\/[\d.:]+)/m);
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
  /** The first request `matches` takes, as soon as it has come whole; undefined after `guardMs` without one. */
  hears(matches: (heard: Heard) => boolean, guardMs: number): Promise<Heard | undefined>;
  close(): Promise<void>;
}

async function listen(handler: (heard: Heard, res: http.ServerResponse) => void): Promise<LocalServer> {
  const heard: Heard[] = [];
  const arrivals = new EventEmitter();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const one = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) };
      heard.push(one);
      arrivals.emit("heard");
      handler(one, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    heard,
    hears: (matches, guardMs) =>
      new Promise((resolve) => {
        const check = () => {
          const found = heard.find(matches);
          if (!found) return;
          arrivals.off("heard", check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          arrivals.off("heard", check);
          resolve(heard.find(matches));
        }, guardMs);
        arrivals.on("heard", check);
        check();
      }),
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
