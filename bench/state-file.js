// npm run bench:state — how soon a change of the sandbox reaches its state file, at 1 000 to
// 200 000 users in one world: the file store (src/mock/stores/file-store.ts) appends each commit
// to a log, so the wait should not grow with the state. For each size this script writes a state
// file (one user and one delivery per user: version 1, as 0.x releases wrote it whole), starts
// `p100-mock --stateful --state` from it in a process of its own (the first start rewrites it as
// a log: its load time includes that), stops it, starts it again from the log, then makes changes
// one after the other (alternately PUT /_sandbox/webhook-endpoint and Create user) and times each
// from the request sent until its record is in the file, and then a burst of changes 32 at a time
// (also timed from its answer: the part of the wait that is the store's).
// Prints one table. Not a test.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startMock, stopMock } from "./mock-process.js";

const sizes = (process.env.BENCH_SIZES ?? "1000,10000,100000,200000").split(",").map(Number);
const changes = Number(process.env.BENCH_CHANGES ?? 20);
const burst = Number(process.env.BENCH_BURST ?? 200);
const apiKey = "bench-state";
const work = fs.mkdtempSync(path.join(os.tmpdir(), "p100-bench-state-"));
// The mock runs from a copy of the package, so that a rebuild of dist/ meanwhile changes nothing here.
const root = new URL("..", import.meta.url).pathname;
const copy = path.join(work, "package");
for (const folder of ["bin", "dist", "generated"])
  fs.cpSync(path.join(root, folder), path.join(copy, folder), { recursive: true });
fs.copyFileSync(path.join(root, "package.json"), path.join(copy, "package.json"));
fs.symlinkSync(path.join(root, "node_modules"), path.join(copy, "node_modules"));
const world = (await import("node:crypto")).createHash("sha256").update(apiKey).digest("base64url");
const bundled = JSON.parse(fs.readFileSync(new URL("../generated/openapi.json", import.meta.url), "utf8"));
const documented =
  bundled.paths["/v1/user/balances/crypto-and-fiat"].post.requestBody.content["application/json"].examples;
const personOf = (externalUserId) => ({ ...Object.values(documented)[0].value, externalUserId });

/** A version 1 state file of `size` users, each with one delivery, as a 0.x release wrote it. */
function writeState(file, size) {
  const out = fs.openSync(file, "w", 0o600);
  let chunk = `${JSON.stringify({ format: "p100-mock-sandbox-state", version: 1 })}\n${JSON.stringify({ w: world })}\n`;
  const flush = () => {
    fs.writeSync(out, chunk);
    chunk = "";
  };
  for (let i = 0; i < size; i++) {
    const externalUserId = `user-${i}`;
    const user = {
      externalUserId,
      userId: randomUUID(),
      model: "kyc",
      kycFiles: 0,
      verification: "none",
      poaRequired: true,
      poa: "WAITING",
      extended: false,
      suspended: false,
      balancesGenerated: false,
      data: personOf(externalUserId),
      balances: { fiatBalances: [], cryptoBalances: [] },
      transactions: [],
    };
    chunk += `${JSON.stringify({ w: world, f: "users", k: externalUserId, v: user })}\n`;
    if (chunk.length > 1 << 20) flush();
  }
  for (let i = 0; i < size; i++) {
    const delivery = {
      id: i + 1,
      webhook: "poaVerificationStatus",
      payload: { externalUserId: `user-${i}`, status: "WAITING" },
      attempts: [
        { at: "2026-01-01T00:00:00.000Z", error: "no webhook endpoint: PUT /_sandbox/webhook-endpoint first" },
      ],
      state: "retrying",
      nextAttemptAt: "2026-01-01T00:00:08.000Z",
    };
    chunk += `${JSON.stringify({ w: world, f: "deliveries", i: delivery })}\n`;
    if (chunk.length > 1 << 20) flush();
  }
  chunk += `${JSON.stringify({ w: world, f: "nextId", v: size + 1 })}\n`;
  flush();
  fs.closeSync(out);
}

/** Starts the mock on a state file of `size` users, once it answers. */
function start(file, size) {
  const most = String(size + changes + burst + 10);
  return startMock(
    (port) => [
      path.join(copy, "bin/p100-mock.js"),
      "--stateful",
      "--port",
      String(port),
      "--state",
      file,
      "--max-users-per-world",
      most,
    ],
    apiKey,
  );
}

const stop = stopMock;

/** Resolves when `marker` is in the file's bytes appended after `offset` (polled every 2 ms). */
function onDisk(file, offset, marker) {
  return new Promise((resolve) => {
    let at = offset;
    const look = () => {
      const size = fs.statSync(file).size;
      if (size < at) at = 0; // replaced by a compaction: read it again
      if (size > at) {
        const fd = fs.openSync(file, "r");
        const buffer = Buffer.alloc(size - at);
        fs.readSync(fd, buffer, 0, buffer.length, at);
        fs.closeSync(fd);
        if (buffer.toString("utf8").includes(marker)) return resolve(performance.now());
      }
      setTimeout(look, 2);
    };
    look();
  });
}

/** One change (an endpoint, or a new user), timed from the request sent to its record on the disk. */
async function change(url, file, i) {
  const offset = fs.statSync(file).size;
  const headers = { "x-api-key": apiKey, "content-type": "application/json" };
  const marker = i % 2 ? `bench-new-${i}` : `change=${i}`;
  const sent = performance.now();
  const seen = onDisk(file, offset, marker);
  const response =
    i % 2
      ? await fetch(`${url}/v1/user/balances/crypto-and-fiat`, {
          method: "POST",
          headers,
          body: JSON.stringify(personOf(marker)),
        })
      : await fetch(`${url}/_sandbox/webhook-endpoint`, {
          method: "PUT",
          headers,
          body: JSON.stringify({ url: `http://127.0.0.1:9/{webhook}?change=${i}`, token: "t" }),
        });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`change ${i}: ${response.status}`);
  const answered = performance.now();
  const onDiskAt = await seen;
  return { answerMs: answered - sent, diskMs: onDiskAt - sent, afterMs: Math.max(0, onDiskAt - answered) };
}

const quantile = (values, q) =>
  values.toSorted((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))];
const ms = (n) => `${n.toFixed(0)} ms`;
const spread = (list, key) =>
  `${ms(
    quantile(
      list.map((c) => c[key]),
      0.5,
    ),
  )} / ${ms(Math.max(...list.map((c) => c[key])))}`;
console.log(
  `Changes one after the other: ${changes}; in the burst: ${burst}, 32 at a time. "to disk": from the request sent until its record is in the file (polled every 2 ms).\n`,
);
console.log(
  "| users in one world (one delivery each) | first start from a version 1 file (rewritten as a log) | start from the log | one at a time: answer p50 / max | one at a time: to disk p50 / max | burst: to disk p50 / max | burst: on disk after the answer p50 / max | SIGTERM to exit | file: version 1 → log |",
);
console.log("|---|---|---|---|---|---|---|---|---|");
for (const size of sizes) {
  const file = path.join(work, `state-${size}`);
  writeState(file, size);
  const v1Bytes = fs.statSync(file).size;
  let mock = await start(file, size); // rewrites the version 1 file as a log
  const firstLoadMs = mock.loadMs;
  await stop(mock.child);
  mock = await start(file, size);
  const loadMs = mock.loadMs;
  const one = [];
  for (let i = 0; i < changes; i++) one.push(await change(mock.url, file, i));
  let next = changes;
  const many = [];
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < changes + burst) many.push(await change(mock.url, file, next++));
    }),
  );
  const stopMs = await stop(mock.child);
  const bytes = fs.statSync(file).size;
  console.log(
    `| ${size} | ${ms(firstLoadMs)} | ${ms(loadMs)} | ${spread(one, "answerMs")} | ${spread(one, "diskMs")} | ${spread(many, "diskMs")} | ${spread(many, "afterMs")} | ${ms(stopMs)} | ${(v1Bytes / 1048576).toFixed(1)} → ${(bytes / 1048576).toFixed(1)} MiB |`,
  );
  fs.rmSync(file, { force: true });
}

// The store alone, in this process (no HTTP, no Prism): FileStore.open on the log of each size,
// then commits of one changed user each, one after the other, timed until each is on the disk
// (its promise resolves after the write and its fdatasync).
const { FileStore } = await import(path.join(copy, "dist/mock/stores/file-store.js"));
console.log(
  `\nThe file store alone, in process: ${changes * 10} commits of one user each, one after the other, each timed until written and synced.\n`,
);
console.log("| users in one world | open (read the log) | commit to disk p50 / p99 / max |");
console.log("|---|---|---|");
for (const size of sizes) {
  const file = path.join(work, `alone-${size}`);
  writeState(file, size);
  const first = new FileStore({ path: file });
  await first.open(); // rewrites it as a log
  await first.close();
  const store = new FileStore({ path: file });
  const opened = performance.now();
  await store.open();
  const openMs = performance.now() - opened;
  const times = [];
  for (let i = 0; i < changes * 10; i++) {
    const started = performance.now();
    await store.transact(world, (w) => {
      const user = w.users.get(`user-${i % size}`);
      user.kycFiles += 1;
    });
    times.push(performance.now() - started);
  }
  await store.close();
  console.log(
    `| ${size} | ${ms(openMs)} | ${ms(quantile(times, 0.5))} / ${ms(quantile(times, 0.99))} / ${ms(Math.max(...times))} |`,
  );
  fs.rmSync(file, { force: true });
}
fs.rmSync(work, { recursive: true, force: true });
