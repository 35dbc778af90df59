// npm run bench:client — what the client costs, against its peers side by side in one run on
// the same loopback server (in its own process): bare fetch, openapi-fetch alone (the same
// call, the same body parsing) and the P100 client (tracing off, and on without an SDK), in
// alternating batches so that none gets a warmer machine. Then the "." entry's size, the heap over many calls, and the webhook verifier
// against a bare Ajv validation of the same payload. Prints tables; not a test.
import { spawn } from "node:child_process";
import { gzipSync } from "node:zlib";
import { trace } from "@opentelemetry/api";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { build } from "esbuild";
import createClient from "openapi-fetch";
import { createP100Client, openTelemetry } from "../dist/index.js";
import { verifyAndParseWebhook } from "../dist/webhooks/index.js";

const calls = Number(process.env.BENCH_CALLS ?? 3000);
const heapCalls = Number(process.env.BENCH_HEAP_CALLS ?? 100_000);
const id = "f47ac10b-58cc-4372-a567-0e02b2c3d479";
const body = JSON.stringify({ userId: "f63064b1-c26b-4c9e-af22-0b483262751f", fiatBalances: [], cryptoBalances: [] });

// The server runs in its own process, so that its work does not share the client's event loop.
const server = spawn(
  process.execPath,
  [
    "-e",
    `const body = ${JSON.stringify(body)};
     const s = require("node:http").createServer((req, res) => {
       res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
       res.end(body);
     }).listen(0, "127.0.0.1", () => console.log(s.address().port));`,
  ],
  { stdio: ["ignore", "pipe", "inherit"] },
);
const port = await new Promise((resolve) => server.stdout.once("data", (chunk) => resolve(Number(String(chunk)))));
const base = `http://127.0.0.1:${port}`;
const path = "/v1/user/balances/{externalUserId}";
const params = { params: { path: { externalUserId: id } } };

const p100 = createP100Client({ apiKey: "bench-key", baseUrl: base });
// Tracing on, with OpenTelemetry's API alone (no SDK registered: its tracer makes no-op spans), to
// show what the adapter itself costs; the client above has tracing off and runs none of its code.
const traced = createP100Client({
  apiKey: "bench-key",
  baseUrl: base,
  tracing: openTelemetry(trace.getTracer("bench")),
});
const plain = createClient({ baseUrl: base, headers: { "x-api-key": "bench-key" } });
const variants = {
  "bare fetch": async () => {
    const response = await fetch(`${base}/v1/user/balances/${id}`, { headers: { "x-api-key": "bench-key" } });
    if (response.status !== 200) throw new Error(`status ${response.status}`);
    await response.json();
  },
  "openapi-fetch alone": async () => {
    const { data } = await plain.GET(path, params);
    if (!data) throw new Error("no data");
  },
  "P100 client": async () => {
    const result = await p100.GET(path, params);
    if (result.outcome !== "success") throw new Error(`unexpected ${result.outcome}`);
  },
  "P100 client, tracing on (OpenTelemetry API, no SDK)": async () => {
    const result = await traced.GET(path, params);
    if (result.outcome !== "success") throw new Error(`unexpected ${result.outcome}`);
  },
};

/** Median and p99 of each variant's calls, measured in alternating batches of 100. */
async function measure() {
  const entries = Object.entries(variants);
  for (const [, call] of entries) for (let i = 0; i < 300; i++) await call(); // warm-up
  const times = entries.map(() => []);
  for (let done = 0; done < calls; done += 100) {
    for (const [v, [, call]] of entries.entries()) {
      for (let i = 0; i < 100; i++) {
        const started = process.hrtime.bigint();
        await call();
        times[v].push(Number(process.hrtime.bigint() - started) / 1e6);
      }
    }
  }
  return Object.fromEntries(
    entries.map(([name], v) => {
      const t = times[v].sort((a, b) => a - b);
      return [name, { p50: t[Math.floor(t.length / 2)], p99: t[Math.floor(t.length * 0.99)] }];
    }),
  );
}

const latency = await measure();
const ms = (n) => `${n.toFixed(3)} ms`;
const bare = latency["bare fetch"];
const alone = latency["openapi-fetch alone"];
console.log(
  `| ${calls} calls each, loopback | median | p99 | median vs bare fetch | median vs openapi-fetch | p99 vs openapi-fetch |`,
);
console.log("|---|---|---|---|---|---|");
for (const [name, { p50, p99 }] of Object.entries(latency)) {
  console.log(
    `| ${name} | ${ms(p50)} | ${ms(p99)} | ${(p50 / bare.p50).toFixed(2)}× | ${(p50 / alone.p50).toFixed(2)}× | ${(p99 / alone.p99).toFixed(2)}× |`,
  );
}

// Heap: many calls, then a full GC; a leak would grow with the number of calls.
const heap = () => {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
};
const before = heap();
for (let i = 0; i < heapCalls; i++) await variants["P100 client"]();
const after = heap();
console.log();
console.log(
  `Heap over ${heapCalls} client calls: ${(before / 1048576).toFixed(1)} MiB → ${(after / 1048576).toFixed(1)} MiB (${(((after - before) / heapCalls) * 1).toFixed(1)} bytes per call)${globalThis.gc ? "" : " — run with --expose-gc for exact figures"}`,
);
server.kill();

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
console.log();
console.log(
  `"." entry (esbuild, ESM): ${minified.byteLength} bytes minified, ${gzipSync(minified).byteLength} bytes minified + gzipped`,
);

const webhooksBundle = await build({
  entryPoints: [new URL("../dist/webhooks/index.js", import.meta.url).pathname],
  bundle: true,
  minify: true,
  format: "esm",
  platform: "browser",
  write: false,
  logLevel: "silent",
});
const webhooksMinified = webhooksBundle.outputFiles[0].contents;
console.log(
  `"./webhooks" entry (esbuild, ESM, browser platform): ${webhooksMinified.byteLength} bytes minified, ${gzipSync(webhooksMinified).byteLength} bytes minified + gzipped`,
);

// The webhook verifier against a bare Ajv validation of the same payload.
const payload = { externalUserId: "bca65c48-df49-4831-a7b2-de7903321581", status: "ADDED" };
const raw = JSON.stringify(payload);
const delivery = { headers: { authorization: "whsec_bench" }, rawBody: raw };
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
const validate = ajv.compile({
  type: "object",
  required: ["externalUserId", "status"],
  properties: { externalUserId: { type: "string" }, status: { enum: ["ADDED", "ERROR"] } },
});
const rate = async (fn) => {
  for (let i = 0; i < 10_000; i++) await fn();
  const n = 200_000;
  const started = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return n / ((performance.now() - started) / 1000);
};
// Web Crypto's digest is asynchronous: the verifier is awaited, and so is the bare check, so that
// the ratio compares the work and not the await.
const verifier = await rate(() => verifyAndParseWebhook("kycFileAdded", delivery, { tokens: "whsec_bench" }));
const ajvOnly = await rate(async () => validate(JSON.parse(raw)));
console.log();
console.log("| webhook check | verifications/s | ratio |");
console.log("|---|---|---|");
console.log(`| JSON.parse + bare Ajv validate | ${ajvOnly.toFixed(0)} | 1.00× |`);
console.log(
  `| verifyAndParseWebhook (token, JSON, documented and inferred parts) | ${verifier.toFixed(0)} | ${(verifier / ajvOnly).toFixed(2)}× |`,
);
