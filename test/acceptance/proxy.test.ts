// Acceptance, proxy: `p100-mock --proxy <upstream>` spawned from the packed package installed in
// an application, in front of a local upstream (node:http on 127.0.0.1) and in front of a closed
// port; then the report of the differences each writes on SIGTERM.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { freePort } from "../../scripts/free-port.js";
import { exampleValue } from "../support/spec.js";
import { acceptRows } from "./accept.js";
import { type LocalServer, type MockProcess, spawnBin, startUpstream } from "./processes.js";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "p100-accept-proxy-"));
const deadReport = path.join(work, "dead.md");
let upstream: LocalServer;
let proxy: MockProcess;
let dead: MockProcess;
let deadUpstream: string;
beforeAll(async () => {
  const app = inject("packedApp");
  upstream = await startUpstream(exampleValue("/v1/user/balances/{externalUserId}", "get", "200", "success"));
  deadUpstream = `http://127.0.0.1:${await freePort()}`; // nothing listens there
  [proxy, dead] = await Promise.all([
    spawnBin(app, ["--proxy", upstream.url, "--report", path.join(work, "live.md")]),
    spawnBin(app, ["--proxy", deadUpstream, "--report", deadReport]),
  ]);
}, 180_000);
afterAll(async () => {
  await Promise.all([proxy?.stop(), dead?.stop(), upstream?.close()]);
  fs.rmSync(work, { recursive: true, force: true });
});

describe("in front of a live upstream", () => {
  acceptRows("proxy", () => ({ mock: proxy, upstream }));
});

describe("in front of a closed port", () => {
  acceptRows("proxy-dead", () => ({ mock: dead }));

  it("says in the log, with the reason, and in the report on SIGTERM that the calls failed", async () => {
    await dead.stop("SIGTERM");
    const log = dead.stdout();
    expect(log).toMatch(/ECONNREFUSED|connection refused/i);
    const report = fs.readFileSync(deadReport, "utf8");
    expect(report).not.toContain("No differences");
    expect(report).toContain("2 never reached the upstream");
    expect(report).toMatch(/\| GET \| `\/v1\/user\/balances\/\{externalUserId\}` \| ECONNREFUSED/);
  });
});
