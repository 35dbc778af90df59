// npm run bench:mock — the mock's cost: how long Prism takes to start on the bundled spec, and
// its throughput and latency on loopback against a bare node:http server (also a child process)
// serving the same example body. Prints a table; not a test.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { freePort } from "../dist/free-port.js";
import { startMock } from "../dist/mock.js";

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);
const path = "/v1/user/balances/f47ac10b-58cc-4372-a567-0e02b2c3d479";
const headers = { "x-api-key": "bench-key" };

// Start time: median of 3 cold starts, from spawn until the mock answers HTTP.
const starts = [];
for (let i = 0; i < 3; i++) {
  const started = performance.now();
  const mock = await startMock();
  starts.push(performance.now() - started);
  await mock.close();
}
starts.sort((a, b) => a - b);

/** Requests per second and latency percentiles with `concurrency` callers for `seconds`. */
async function load(url) {
  for (let i = 0; i < 200; i++) await (await fetch(url, { headers })).arrayBuffer(); // warm-up
  const times = [];
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const started = performance.now();
        const response = await fetch(url, { headers });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`status ${response.status}`);
        times.push(performance.now() - started);
      }
    }),
  );
  times.sort((a, b) => a - b);
  return {
    rps: times.length / seconds,
    p50: times[Math.floor(times.length * 0.5)],
    p99: times[Math.floor(times.length * 0.99)],
  };
}

const mock = await startMock();
const viaMock = await load(`${mock.url}${path}`);
const exampleBody = await (await fetch(`${mock.url}${path}`, { headers })).text();
await mock.close();

// The baseline: the same body from a bare node:http server in its own process.
const port = await freePort();
const bare = spawn(
  process.execPath,
  [
    "-e",
    `
  const body = ${JSON.stringify(exampleBody)};
  require("node:http").createServer((req, res) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  }).listen(${port}, "127.0.0.1", () => console.log("ready"));
`,
  ],
  { stdio: ["ignore", "pipe", "inherit"] },
);
await new Promise((resolve) => bare.stdout.once("data", resolve));
const viaBare = await load(`http://127.0.0.1:${port}${path}`);
bare.kill();

const spec = readFileSync(new URL("../generated/openapi.yaml", import.meta.url), "utf8");
const ms = (n) => `${n.toFixed(2)} ms`;
console.log(
  `Prism start on the bundled spec (${(spec.length / 1024).toFixed(0)} KiB): median ${ms(starts[1])} of 3 (${starts.map((s) => s.toFixed(0)).join(", ")} ms)`,
);
console.log();
console.log(`| ${concurrency} concurrent callers, ${seconds} s, loopback | bare node:http | Prism mock | ratio |`);
console.log("|---|---|---|---|");
console.log(
  `| requests/s | ${viaBare.rps.toFixed(0)} | ${viaMock.rps.toFixed(0)} | ${(viaMock.rps / viaBare.rps).toFixed(3)}× |`,
);
console.log(`| p50 latency | ${ms(viaBare.p50)} | ${ms(viaMock.p50)} | ${(viaMock.p50 / viaBare.p50).toFixed(1)}× |`);
console.log(`| p99 latency | ${ms(viaBare.p99)} | ${ms(viaMock.p99)} | ${(viaMock.p99 / viaBare.p99).toFixed(1)}× |`);
