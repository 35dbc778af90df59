// npm run bench:mock — the mock against its peers, side by side in one run: a bare node:http
// server serving the same body, Prism's own CLI (`prism mock`) on the same spec, and p100-mock
// stateless and stateful. Each server runs in its own process, and so does the load generator
// (autocannon), so that neither shares an event loop with what it measures. Prints start times
// (spawn → first HTTP answer, median of 3) and requests/s with p50/p99 latency. Not a test.
import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { freePort } from "../scripts/free-port.js";

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
const id = "f47ac10b-58cc-4372-a567-0e02b2c3d479";
const path = `/v1/user/balances/${id}`;
const headers = { "x-api-key": "bench-key" };
const spec = new URL("../generated/openapi.yaml", import.meta.url).pathname;
const bundled = JSON.parse(readFileSync(new URL("../generated/openapi.json", import.meta.url), "utf8"));
const body = JSON.stringify(bundled.components.examples.UserBalancesFound.value);
// The stateful mock needs the user first: the spec's documented request creates it.
const newUser = {
  ...bundled.paths["/v1/user/balances/crypto"].post.requestBody.content["application/json"].examples.docs.value,
  externalUserId: id,
};

const peers = {
  "bare node:http": (port) => [
    "-e",
    `require("node:http").createServer((req, res) => { res.writeHead(200, { "content-type": "application/json" }); res.end(${JSON.stringify(body)}); }).listen(${port}, "127.0.0.1");`,
  ],
  "prism mock (CLI)": (port) => [
    "node_modules/.bin/prism",
    "mock",
    spec,
    "--port",
    String(port),
    "--host",
    "127.0.0.1",
  ],
  "p100-mock": (port) => ["bin/p100-mock.js", "--port", String(port)],
  "p100-mock --stateful": (port) => ["bin/p100-mock.js", "--port", String(port), "--stateful"],
};

/** Starts a peer and resolves once it answers HTTP, with how long that took. */
async function start(args) {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, args(port), { stdio: "ignore" });
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    try {
      await fetch(`${url}${path}`, { headers, signal: AbortSignal.timeout(1000) });
      return { child, url, ms: performance.now() - started };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", resolve);
    child.kill();
  });
}

const rows = [];
for (const [name, args] of Object.entries(peers)) {
  const starts = [];
  for (let i = 0; i < 3; i++) {
    const peer = await start(args);
    starts.push(peer.ms);
    await stop(peer.child);
  }
  starts.sort((a, b) => a - b);
  const peer = await start(args);
  if (name.includes("stateful")) {
    // The stateful mock answers Get User Balances for a user it knows: create one, verified.
    const call = (method, route, json) =>
      fetch(`${peer.url}${route}`, {
        method,
        headers: { ...headers, "content-type": "application/json" },
        body: json && JSON.stringify(json),
      });
    await call("POST", "/v1/user/balances/crypto", newUser);
  }
  const status = (await fetch(`${peer.url}${path}`, { headers })).status;
  const result = JSON.parse(
    execFileSync(
      "node_modules/.bin/autocannon",
      ["--json", "-c", String(connections), "-d", String(seconds), "-H", "x-api-key=bench-key", `${peer.url}${path}`],
      {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      },
    ),
  );
  await stop(peer.child);
  rows.push({
    name,
    start: starts[1],
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    status,
    errors: result.errors + result.non2xx,
  });
}

const cli = rows.find((r) => r.name === "prism mock (CLI)");
console.log(
  `| ${connections} connections, ${seconds} s, loopback (autocannon in its own process) | start (median of 3) | requests/s | vs prism CLI | p50 | p99 | non-2xx or errors |`,
);
console.log("|---|---|---|---|---|---|---|");
for (const r of rows) {
  console.log(
    `| ${r.name} | ${r.start.toFixed(0)} ms | ${r.rps.toFixed(0)} | ${(r.rps / cli.rps).toFixed(2)}× | ${r.p50} ms | ${r.p99} ms | ${r.errors} |`,
  );
}
