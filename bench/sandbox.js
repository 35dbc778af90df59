// npm run bench:sandbox — the stateful sandbox at scale: one world grown to 1 000, 10 000 and 100 000
// users (each created with Create user and given one POA upload, so one delivery each), with a state
// file. At each size the mock is stopped (SIGTERM: its last write of the state file) and started
// again from the file, and then measured: the time to save (SIGTERM to exit) and to load (spawn to
// the first answer), its RSS once loaded, and, with autocannon, Get User Balances and one page of
// GET /_sandbox/deliveries (the first, and one from the middle). The mock, the load generator
// (autocannon) and this script (which creates the users) each run in a process of their own.
// Prints one table. Not a test.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Agent, FormData, fetch } from "undici";
import { startMock, stopMock } from "./mock-process.js";

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
const sizes = (process.env.BENCH_SIZES ?? "1000,10000,100000").split(",").map(Number);
const concurrency = 32;
// Users made through the API; beyond, a size is reached by copying the API-made users' records in
// the state file (new ids, the same shape), when growing through the API takes too long here.
const apiUsers = Number(process.env.BENCH_API_USERS ?? Number.POSITIVE_INFINITY);
const apiKey = "bench-sandbox";
const work = fs.mkdtempSync(path.join(os.tmpdir(), "p100-bench-sandbox-"));
const stateFile = path.join(work, "sandbox.state");
const most = String(Math.max(...sizes));
const args = (port) => [
  "bin/p100-mock.js",
  "--stateful",
  "--port",
  String(port),
  "--state",
  stateFile,
  "--max-users-per-world",
  most,
  "--max-deliveries-per-world",
  most,
];
const bundled = JSON.parse(fs.readFileSync(new URL("../generated/openapi.json", import.meta.url), "utf8"));
const documented =
  bundled.paths["/v1/user/balances/crypto-and-fiat"].post.requestBody.content["application/json"].examples;
const personOf = (externalUserId) => ({ ...Object.values(documented)[0].value, externalUserId });
const pdf = new TextEncoder().encode(
  "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
    "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
);

const start = () => startMock(args, apiKey);
const stop = stopMock;

const rssMiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))[1]) / 1024;

/** Creates users [from, to): Create user, then one POA upload (one delivery), `concurrency` at a time. */
async function grow(url, from, to) {
  let next = from;
  const headers = { "x-api-key": apiKey };
  // A pool of its own, so that no connection left idle by an earlier run is reused.
  const dispatcher = new Agent({ connections: concurrency });
  const one = async (i) => {
    const id = `user-${i}`;
    const created = await fetch(`${url}/v1/user/balances/crypto-and-fiat`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify(personOf(id)),
      dispatcher,
    });
    const form = new FormData();
    form.append("files", new Blob([pdf], { type: "application/pdf" }), "bill.pdf");
    const uploaded = await fetch(`${url}/v1/user/poa-files/${id}`, { method: "POST", headers, body: form, dispatcher });
    await Promise.all([created.arrayBuffer(), uploaded.arrayBuffer()]);
    if (created.status !== 200 || uploaded.status !== 201)
      throw new Error(`user ${i}: create ${created.status}, upload ${uploaded.status}`);
  };
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < to) await one(next++);
    }),
  );
  await dispatcher.close();
}

function cannon(target) {
  const result = JSON.parse(
    execFileSync(
      "node_modules/.bin/autocannon",
      ["--json", "-c", String(connections), "-d", String(seconds), "-H", `x-api-key=${apiKey}`, target],
      { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 64 * 1024 * 1024 },
    ),
  );
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    bad: result.errors + result.non2xx,
  };
}

/**
 * Grows the (stopped) sandbox's state file from `from` to `to` users by copying the records of
 * user-0 .. user-(from-1) (the user and its delivery) under new ids.
 */
function copyUsers(from, to) {
  const lines = fs.readFileSync(stateFile, "utf8").split("\n").filter(Boolean);
  const users = lines.filter((l) => l.includes('"f":"users"')).map((l) => JSON.parse(l));
  const deliveries = lines.filter((l) => l.includes('"f":"deliveries"')).map((l) => JSON.parse(l));
  let nextId = Math.max(...deliveries.map((d) => d.i.id)) + 1;
  const added = [];
  for (let i = from; i < to; i++) {
    const id = `user-${i}`;
    const user = users[i % users.length];
    const delivery = deliveries[i % deliveries.length];
    const copy = structuredClone(user.v);
    Object.assign(copy, { externalUserId: id, userId: crypto.randomUUID() });
    copy.data.externalUserId = id;
    added.push(JSON.stringify({ ...user, k: id, v: copy }));
    const sent = structuredClone(delivery.i);
    Object.assign(sent, { id: nextId++ });
    sent.payload.externalUserId = id;
    added.push(JSON.stringify({ ...delivery, i: sent }));
  }
  const kept = lines.filter((l) => !l.includes('"f":"nextId"'));
  const world = users[0].w;
  fs.writeFileSync(
    stateFile,
    `${[...kept, ...added, JSON.stringify({ w: world, f: "nextId", v: nextId })].join("\n")}\n`,
  );
}

const rows = [];
let mock = await start();
// The empty sandbox, warmed as the loaded ones are (a call of the API, a second of rest).
await fetch(`${mock.url}/v1/user/balances/nobody`, { headers: { "x-api-key": apiKey } }).then((r) => r.arrayBuffer());
await new Promise((resolve) => setTimeout(resolve, 1000));
const empty = { loadMs: mock.loadMs, rss: rssMiB(mock.child.pid) };
let users = 0;
for (const size of sizes) {
  const byApi = Math.min(size, Math.max(users, apiUsers));
  await grow(mock.url, users, byApi);
  await stop(mock.child);
  if (byApi < size) copyUsers(byApi, size);
  const copied = size - byApi;
  users = size;
  const bytes = fs.statSync(stateFile).size;
  mock = await start();
  await fetch(`${mock.url}/v1/user/balances/nobody`, { headers: { "x-api-key": apiKey } }).then((r) => r.arrayBuffer());
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const rss = rssMiB(mock.child.pid);
  const read = cannon(`${mock.url}/v1/user/balances/user-${Math.floor(size / 2)}`);
  const first = cannon(`${mock.url}/_sandbox/deliveries?limit=100`);
  const middle = cannon(`${mock.url}/_sandbox/deliveries?limit=100&cursor=${Math.floor(size / 2)}`);
  const loadMs = mock.loadMs;
  const saveMs = await stop(mock.child); // the whole sandbox of this size, written at exit
  rows.push({ size, copied, saveMs, loadMs, bytes, rss, read, first, middle });
  console.error(`${size} users done`);
  mock = await start();
}
await stop(mock.child);
if (process.env.BENCH_KEEP) console.error(`state file kept: ${stateFile}`);
else fs.rmSync(work, { recursive: true, force: true });

const ms = (n) => `${n.toFixed(0)} ms`;
const lat = (r) => `${r.p50} / ${r.p99} ms, ${r.rps.toFixed(0)}/s${r.bad ? `, ${r.bad} bad` : ""}`;
console.log(
  `Empty sandbox: start ${ms(empty.loadMs)}, RSS ${empty.rss.toFixed(0)} MiB. autocannon: ${connections} connections, ${seconds} s each.\n`,
);
console.log(
  "| users in one world (one delivery each) | Get User Balances p50 / p99 | deliveries, first page of 100 | deliveries, a page from the middle | RSS once loaded | RSS per user | state file | save (SIGTERM to exit) | load (spawn to first answer) |",
);
console.log("|---|---|---|---|---|---|---|---|---|");
for (const r of rows) {
  const perUser = ((r.rss - empty.rss) * 1024) / r.size;
  console.log(
    `| ${r.size}${r.copied ? ` (${r.copied} copied)` : ""} | ${lat(r.read)} | ${lat(r.first)} | ${lat(r.middle)} | ${r.rss.toFixed(0)} MiB | ${perUser.toFixed(1)} KiB | ${(r.bytes / 1048576).toFixed(1)} MiB | ${ms(r.saveMs)} | ${ms(r.loadMs)} |`,
  );
}
