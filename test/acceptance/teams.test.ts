// Acceptance, the sandbox for teams: `p100-mock --stateful` with --latency and --state, spawned from
// the packed package installed in an application, driven by raw HTTP (node:http, no client of this
// package): what only a process or a connection shows. Faults as bytes on the wire (429 with
// Retry-After, a reset, a truncated body), the journal with its cursor and the faults it noted,
// the state file across a SIGTERM and a SIGKILL restart, the flags wired; a state file that is
// not one, and flags it cannot take, stop the bin with one line. The model, paging and resend are
// test/mock/sandbox/teams.test.ts's, in process.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { validBody } from "../support/cases.js";
import { untilFile } from "../support/spawned.js";
import { file, multipart } from "./multipart.js";
import { type LocalServer, type MockProcess, spawnBin, startReceiver } from "./processes.js";
import { send } from "./raw-http.js";

const apiKey = "sk_teams_acceptance_secret";
const work = fs.mkdtempSync(path.join(os.tmpdir(), "p100-accept-teams-"));
const stateFile = path.join(work, "sandbox.state");
let app: string;
let mock: MockProcess;
let receiver: LocalServer;
const running: MockProcess[] = [];

/** The bin, once its banner is printed (spawnBin waits for it): the first request need not wait for Prism. */
async function start(args: string[]) {
  const started = await spawnBin(app, args);
  running.push(started);
  return started;
}

beforeAll(async () => {
  app = inject("packedApp");
  receiver = await startReceiver();
  mock = await start(["--stateful", "--latency", "5-20", "--state", stateFile]);
}, 180_000);
afterAll(async () => {
  await Promise.all([...running.map((m) => m.stop()), receiver?.close()]);
  fs.rmSync(work, { recursive: true, force: true });
});

/** One raw request with the key; a JSON body when given. */
async function call(on: MockProcess, method: string, where: string, json?: unknown) {
  const headers: Record<string, string> = { "x-api-key": apiKey };
  if (json !== undefined) headers["content-type"] = "application/json";
  const answer = await send(on.url, {
    method,
    path: where,
    headers,
    ...(json === undefined ? {} : { body: Buffer.from(JSON.stringify(json)) }),
  });
  let body: any;
  try {
    body = answer.text ? JSON.parse(answer.text) : undefined;
  } catch {
    body = undefined;
  }
  return { ...answer, body };
}

const person = (externalUserId: string, country = "PL") =>
  validBody("createUser", { externalUserId, country, citizenship: country });

function upload(on: MockProcess, externalUserId: string) {
  const form = multipart([
    { name: "documentType", value: "ID_CARD" },
    file("front.png", 2048),
    file("selfie.png", 2048),
  ]);
  return send(on.url, {
    method: "POST",
    path: `/v1/user/kyc-files/${externalUserId}`,
    headers: { "x-api-key": apiKey, "content-type": form.contentType },
    body: form.body,
  });
}

describe("p100-mock --stateful --latency --state, by raw HTTP", () => {
  it("sets up the world: its endpoint and two users", async () => {
    expect(mock.stdout()).toContain(`World state is kept in ${stateFile}.`);
    expect(
      (await call(mock, "PUT", "/_sandbox/webhook-endpoint", { url: `${receiver.url}/{webhook}`, token: "whsec_t" }))
        .status,
    ).toBe(200);
    expect((await call(mock, "POST", "/v1/user/balances/crypto-and-fiat", person("acc-1"))).status).toBe(200);
    const noKyc = validBody("createUserWithoutKyc", { externalUserId: "acc-2" });
    expect((await call(mock, "POST", "/v1/user/balances/crypto", noKyc)).status).toBe(200);
  });

  it("answers a fault: 429 with Retry-After, then a reset connection, then a truncated body, then the rules", async () => {
    const add = (fault: Record<string, unknown>) =>
      call(mock, "POST", "/_sandbox/faults", { operation: "getUserBalances", ...fault });
    expect((await add({ status: 429, retryAfterSeconds: 7 })).status).toBe(201);
    expect((await add({ reset: true })).status).toBe(201);
    expect((await add({ truncate: true })).status).toBe(201);
    expect((await call(mock, "GET", "/_sandbox/faults")).body).toHaveLength(3);
    const limited = await call(mock, "GET", "/v1/user/balances/acc-1");
    expect(limited.status).toBe(429);
    expect(limited.headers["retry-after"]).toBe("7");
    expect(limited.body.message).toMatch(/fault 1, set with POST \/_sandbox\/faults/);
    const reset = await call(mock, "GET", "/v1/user/balances/acc-1");
    expect(reset.status).toBe(0);
    expect(reset.error).toMatch(/ECONNRESET|socket hang up/);
    const truncated = await call(mock, "GET", "/v1/user/balances/acc-1");
    expect(truncated.status).toBe(200);
    expect(truncated.error).toMatch(/cut off/);
    expect(truncated.bytes.length).toBeLessThan(Number(truncated.headers["content-length"]));
    expect((await call(mock, "GET", "/v1/user/balances/acc-1")).status).toBe(200);
    expect((await call(mock, "GET", "/_sandbox/faults")).body).toEqual([]);
    expect(mock.stdout()).toMatch(/^GET \/v1\/user\/balances\/acc-1 → 429 p100-mock: fault 1/m);
    expect(mock.stdout()).toMatch(/^GET \/v1\/user\/balances\/acc-1 → 200 body cut off \(fault 3\)$/m);
    await call(mock, "POST", "/_sandbox/faults", { operation: "extendUser", status: 503, times: 3 });
    expect((await call(mock, "DELETE", "/_sandbox/faults")).status).toBe(204);
    expect((await call(mock, "GET", "/_sandbox/faults")).body).toEqual([]);
  });

  it("lists the journal page by page with x-next-cursor, filtered, and without the key", async () => {
    const seen: number[] = [];
    let cursor = "";
    for (let pages = 0; pages < 50; pages++) {
      const page = await call(mock, "GET", `/_sandbox/requests?limit=4${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.status).toBe(200);
      expect(page.body.length).toBeLessThanOrEqual(4);
      seen.push(...page.body.map((entry: { id: number }) => entry.id));
      cursor = String(page.headers["x-next-cursor"] ?? "");
      if (!cursor) break;
    }
    expect(seen).toEqual(seen.map((_, i) => i + 1));
    const faulted = await call(mock, "GET", "/_sandbox/requests?operation=getUserBalances&status=429");
    expect(faulted.body).toMatchObject([
      { method: "GET", path: "/v1/user/balances/acc-1", status: 429, fault: { id: 1, status: 429 } },
    ]);
    const resets = await call(mock, "GET", "/_sandbox/requests?status=0");
    expect(resets.body).toMatchObject([{ operation: "getUserBalances", fault: { reset: true } }]);
    expect(JSON.stringify((await call(mock, "GET", "/_sandbox/requests?limit=1000")).body)).not.toContain(apiKey);
    expect((await call(mock, "GET", "/_sandbox/requests?limit=5000")).status).toBe(400);
  });

  it("keeps every world across a SIGTERM restart, and never writes the key", { timeout: 120_000 }, async () => {
    const before = (await call(mock, "GET", "/_sandbox/requests?limit=1000")).body;
    expect(await mock.stop("SIGTERM")).toBe(0);
    const text = fs.readFileSync(stateFile, "utf8");
    expect(text.split("\n")[0]).toContain('"format":"p100-mock-sandbox-state"');
    expect(text).not.toContain(apiKey);
    expect(mock.output()).not.toContain(apiKey);
    mock = await start(["--stateful", "--state", stateFile]);
    expect((await call(mock, "GET", "/_sandbox/users/acc-1")).status).toBe(200);
    expect((await call(mock, "GET", "/_sandbox/requests?limit=1000")).body).toEqual(before);
    expect((await call(mock, "POST", "/v1/user/balances/crypto-and-fiat", person("acc-1"))).body).toMatchObject({
      errorCode: "P411",
    });
  });

  it("resumes a due delivery after a SIGKILL: written soon after the change, made again at start", {
    timeout: 120_000,
  }, async () => {
    const dead = `http://127.0.0.1:${await import("../../scripts/free-port.js").then((m) => m.freePort())}/{webhook}`;
    await call(mock, "PUT", "/_sandbox/webhook-endpoint", { url: dead, token: "whsec_t" });
    await call(mock, "POST", "/v1/user/balances/crypto-and-fiat", person("acc-kill"));
    expect((await upload(mock, "acc-kill")).status).toBe(201);
    await call(mock, "PUT", "/_sandbox/webhook-endpoint", { url: `${receiver.url}/{webhook}`, token: "whsec_t" });
    await call(mock, "POST", "/_sandbox/clock/advance", { seconds: 1 }); // the retry is due at 8 s
    // The state file is written soon after each change: wait until it holds the endpoint set last.
    await untilFile(stateFile, (text) => text.includes(receiver.url) && text.includes('"clock","v":1'));
    await mock.stop("SIGKILL");
    mock = await start(["--stateful", "--state", stateFile]);
    const [delivery] = (await call(mock, "GET", "/_sandbox/deliveries?externalUserId=acc-kill")).body;
    expect(delivery).toMatchObject({ state: "retrying", attempts: [{ error: "ECONNREFUSED" }] });
    await call(mock, "POST", "/_sandbox/clock/advance", { seconds: 10 });
    const [after] = (await call(mock, "GET", "/_sandbox/deliveries?externalUserId=acc-kill")).body;
    expect(after).toMatchObject({ state: "delivered", attempts: [{ error: "ECONNREFUSED" }, { status: 200 }] });
    expect(receiver.heard.some((h) => h.body.toString().includes('"acc-kill"'))).toBe(true);
  });
});

// The flags are wired, without waiting: latency and the idle expiry themselves are tested in process
// (test/mock/sandbox/teams.test.ts, the idle expiry on a fake Date).
it("--latency holds an answer of the API back, never the control API", { timeout: 120_000 }, async () => {
  const slow = await start(["--stateful", "--latency", "60000"]); // longer than any run of this test
  const { hostname, port } = new URL(slow.url);
  const held = await new Promise<string>((resolve) => {
    const req = http.get(
      { hostname, port, path: "/v1/user/balances/anyone", headers: { "x-api-key": apiKey } },
      (res) => resolve(`answered ${res.statusCode}`),
    );
    req.setTimeout(300, () => {
      req.destroy();
      resolve("no answer yet");
    });
    req.on("error", () => undefined);
  });
  expect(held).toBe("no answer yet");
  expect((await call(slow, "GET", "/_sandbox/faults")).status).toBe(200);
});

it("--max-journal-per-world keeps the last calls; --max-idle-minutes is taken", { timeout: 120_000 }, async () => {
  const bounded = await start(["--stateful", "--max-journal-per-world", "2", "--max-idle-minutes", "0.03"]);
  for (const id of ["j1", "j2", "j3"]) await call(bounded, "POST", "/v1/user/balances/crypto-and-fiat", person(id));
  const journal = (await call(bounded, "GET", "/_sandbox/requests")).body;
  expect(journal.map((entry: { externalUserId: string }) => entry.externalUserId)).toEqual(["j2", "j3"]);
});

describe("what stops the bin with one line", () => {
  function run(args: string[]) {
    const child = spawn(path.join(app, "node_modules", ".bin", "p100-mock"), args, { cwd: app });
    let output = "";
    child.stdout.on("data", (c) => (output += c));
    child.stderr.on("data", (c) => (output += c));
    return new Promise<{ code: number | null; output: string }>((resolve) =>
      child.once("exit", (code) => resolve({ code, output })),
    );
  }

  it("a state file that is not one, left as it is", { timeout: 120_000 }, async () => {
    const foreign = path.join(work, "package.json");
    const text = '{"name":"not-a-state-file"}\n';
    fs.writeFileSync(foreign, text);
    const { code, output } = await run(["--stateful", "--port", "0", "--state", foreign]);
    expect(code).toBe(1);
    expect(output.trim().split("\n")).toEqual([
      `p100-mock: the state file ${foreign} is not a p100-mock state file (its first line does not say "p100-mock-sandbox-state"); it is left as it is: move it away, or name another file with --state (startMock's stateFile)`,
    ]);
    expect(fs.readFileSync(foreign, "utf8")).toBe(text);
  });

  it("a state file whose records the world could not hold (the finding's file), left as it is", {
    timeout: 120_000,
  }, async () => {
    const bad = path.join(work, "bad.state");
    const w = createHash("sha256").update("k").digest("base64url");
    const text = [
      { format: "p100-mock-sandbox-state", version: 1 },
      { w },
      { w, f: "users", k: "u1", v: { bogus: 1 } },
      { w, f: "clock", v: "yesterday" },
    ]
      .map((line) => `${JSON.stringify(line)}\n`)
      .join("");
    fs.writeFileSync(bad, text);
    const { code, output } = await run(["--stateful", "--port", "0", "--state", bad]);
    expect(code).toBe(1);
    expect(output.trim().split("\n")).toEqual([
      `p100-mock: the state file ${bad} is corrupt (line 3: users "u1": the value must have required property 'externalUserId'); it is left as it is: move it away, or name another file with --state (startMock's stateFile)`,
    ]);
    expect(fs.readFileSync(bad, "utf8")).toBe(text);
    fs.writeFileSync(
      bad,
      text
        .split("\n")
        .filter((_, i) => i !== 2)
        .join("\n"),
    );
    const clock = await run(["--stateful", "--port", "0", "--state", bad]);
    expect(clock.code).toBe(1);
    expect(clock.output).toContain(`${bad} is corrupt (line 3: clock: the value must be number)`);
  });

  it("a latency it cannot read, --state without --stateful", { timeout: 120_000 }, async () => {
    const bad = await run(["--latency", "fast"]);
    expect(bad.code).toBe(1);
    expect(bad.output.trim()).toBe(
      'p100-mock: --latency must be <ms> or <min>-<max> in ms, at most 60000 (got "fast")',
    );
    const alone = await run(["--state", path.join(work, "x.state")]);
    expect(alone.code).toBe(1);
    expect(alone.output.trim()).toBe(
      "p100-mock: --state (stateFile) needs the stateful mode: --stateful (stateful: true)",
    );
  });
});
