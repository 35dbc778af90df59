// npm run bench:client — what the client costs: median/p99 latency of the P100 client against
// bare fetch on the same loopback server (2000 calls each), and the size of the "." entry
// bundled, minified and gzipped with esbuild. Prints a table; not a test.
import http from "node:http";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { createP100Client } from "../dist/index.js";

const calls = Number(process.env.BENCH_CALLS ?? 2000);
const body = JSON.stringify({ userId: "f63064b1-c26b-4c9e-af22-0b483262751f", fiatBalances: [], cryptoBalances: [] });
const server = http.createServer((_req, res) => {
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${server.address().port}`;
const path = "/v1/user/balances/f47ac10b-58cc-4372-a567-0e02b2c3d479";

const client = createP100Client({ apiKey: "bench-key", baseUrl: base });
const viaClient = async () => {
  const result = await client.GET("/v1/user/balances/{externalUserId}", {
    params: { path: { externalUserId: "f47ac10b-58cc-4372-a567-0e02b2c3d479" } },
  });
  if (result.outcome !== "success") throw new Error(`unexpected ${result.outcome}`);
};
const viaFetch = async () => {
  const response = await fetch(`${base}${path}`, { headers: { "x-api-key": "bench-key" } });
  if (response.status !== 200) throw new Error(`status ${response.status}`);
  await response.json();
};

/** Median and p99 of each call, measured in alternating batches so neither gets a warmer machine. */
async function measure(calls, ...variants) {
  for (const call of variants) for (let i = 0; i < 200; i++) await call(); // warm-up
  const times = variants.map(() => []);
  for (let done = 0; done < calls; done += 100) {
    for (const [v, call] of variants.entries()) {
      for (let i = 0; i < 100; i++) {
        const started = process.hrtime.bigint();
        await call();
        times[v].push(Number(process.hrtime.bigint() - started) / 1e6);
      }
    }
  }
  return times.map((t) => {
    t.sort((a, b) => a - b);
    return { p50: t[Math.floor(t.length / 2)], p99: t[Math.floor(t.length * 0.99)] };
  });
}

const [bare, typed] = await measure(calls, viaFetch, viaClient);
server.close();

const bundle = await build({
  entryPoints: [new URL("../dist/index.js", import.meta.url).pathname],
  bundle: true,
  minify: true,
  format: "esm",
  platform: "neutral",
  write: false,
  logLevel: "silent",
});
const minified = bundle.outputFiles[0].contents;

const ms = (n) => `${n.toFixed(3)} ms`;
console.log(`| measure (${calls} calls each, loopback) | bare fetch | P100 client | ratio |`);
console.log("|---|---|---|---|");
console.log(`| median latency | ${ms(bare.p50)} | ${ms(typed.p50)} | ${(typed.p50 / bare.p50).toFixed(2)}× |`);
console.log(`| p99 latency | ${ms(bare.p99)} | ${ms(typed.p99)} | ${(typed.p99 / bare.p99).toFixed(2)}× |`);
console.log();
console.log(`| "." entry (esbuild, ESM) | bytes |`);
console.log("|---|---|");
console.log(`| minified | ${minified.byteLength} |`);
console.log(`| minified + gzipped | ${gzipSync(minified).byteLength} |`);
