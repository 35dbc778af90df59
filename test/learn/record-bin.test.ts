// The loop of docs/learn.md from the packed tarball's bins, run with plain node: p100-mock
// --proxy --record in front of a fake local upstream, stopped with SIGTERM, writes a HAR file with
// neither the key, the token nor personal data; p100-contract learn proposes from it, and
// Redocly's drift reads it (every exchange matched, no schema error: the masked values fit).
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { watch } from "../support/spawned.js";

const repo = path.resolve(import.meta.dirname, "../..");
const bins = path.join(inject("packedApp"), "node_modules/p100-user-accounts/bin");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "p100-record-bin-"));
const har = path.join(work, "stage.har");
const apiKey = "sk_stage_record-bin-31337";
const webhookToken = "whk_record-bin-token-5150";
const id = "f47ac10b-58cc-4372-a567-0e02b2c3d479";
const personal = {
  firstName: "Bożena",
  lastName: "Wiśniewska",
  email: "b.wisniewska@example.pl",
  phone: "48501222333",
};
const createUser = {
  externalUserId: id,
  ...personal,
  street: "ul. Polna",
  number: "3",
  city: "Poznań",
  postCode: "60-001",
  country: "PL",
  citizenship: "PL",
  birthDate: "1979-02-28",
  hasAcceptedP100Tc: true,
};

let upstream: http.Server;
let upstreamUrl: string;
afterAll(async () => {
  await new Promise<void>((resolve) => (upstream ? upstream.close(() => resolve()) : resolve()));
  fs.rmSync(work, { recursive: true, force: true });
});

describe("p100-mock --proxy --record, then p100-contract learn (docs/learn.md's loop)", () => {
  let exitCode: number | null;
  let output: string;

  beforeAll(async () => {
    // The fake upstream: an extra field (the user's email, echoed) on Create User's answer.
    upstream = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        res.setHeader("content-type", "application/json");
        if (req.method === "POST") {
          const { email } = JSON.parse(Buffer.concat(chunks).toString("utf8"));
          res.end(JSON.stringify({ userId: id, poaRequiredForExtended: false, email }));
        } else res.end(JSON.stringify({ userId: id, poaRequired: false, fiatBalances: [], cryptoBalances: [] }));
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const args = ["--proxy", upstreamUrl, "--record", har, "--report", path.join(work, "report.md"), "--port", "0"];
    const mock = watch(
      spawn(process.execPath, [path.join(bins, "p100-mock.js"), ...args], {
        cwd: work,
        stdio: ["ignore", "pipe", "pipe"],
      }),
      "p100-mock",
    );
    const [, url] = await mock.ready(/proxying (http:\/\/\S+) to /);
    const headers = { "x-api-key": apiKey, authorization: webhookToken, "content-type": "application/json" };
    const created = await fetch(`${url}/v1/user/balances/crypto-and-fiat`, {
      method: "POST",
      headers,
      body: JSON.stringify(createUser),
    });
    expect(created.status).toBe(200);
    expect((await fetch(`${url}/v1/user/balances/${id}`, { headers })).status).toBe(200);
    mock.child.kill("SIGTERM");
    exitCode = await mock.closed;
    output = mock.all.text();
  }, 180_000);

  it("writes the recording on exit: HAR 1.2, without the key, the token or personal data", () => {
    expect(exitCode, output).toBe(0);
    expect(output).toContain(`Every exchange is recorded to ${har}`);
    const text = fs.readFileSync(har, "utf8");
    const recorded = JSON.parse(text);
    expect(recorded.log.version).toBe("1.2");
    expect(recorded.log.entries).toHaveLength(2);
    for (const secret of [apiKey, webhookToken, ...Object.values(personal), "Poznań", "1979-02-28"])
      expect(text + output).not.toContain(secret);
    expect(JSON.parse(recorded.log.entries[0].request.postData.text).email).toBe("x.xxxxxxxxxx@xxxxxxx.xx");
  });

  it("is what p100-contract learn proposes from: the echoed field, nothing for a person", () => {
    const out = path.join(work, "overlay.json");
    const learned = spawnSync(process.execPath, [path.join(bins, "p100-contract.js"), "learn", har, "--out", out], {
      cwd: work,
      encoding: "utf8",
    });
    expect(learned.status, learned.stderr).toBe(0);
    expect(learned.stderr).toMatch(/^# p100-contract learn: 2 exchange\(s\)\n/);
    const overlay = JSON.parse(fs.readFileSync(out, "utf8"));
    expect(overlay.actions.map((action: { target: string }) => action.target)).toEqual([
      expect.stringContaining("CreateUserResponse"),
    ]);
    expect(learned.stderr + fs.readFileSync(out, "utf8")).not.toContain(apiKey);
  });

  // The fake upstream is not one of the spec's servers: --server names it (a stage recording needs none).
  it("is read by Redocly's drift", () => {
    const drift = spawnSync(
      process.execPath,
      [
        path.join(repo, "node_modules/@redocly/cli/bin/cli.js"),
        "drift",
        har,
        "--api",
        path.join(repo, "generated/openapi.json"),
        "--server",
        upstreamUrl,
      ],
      { cwd: work, encoding: "utf8" },
    );
    // Every exchange matched to its operation, and no schema error: the masked request still fits.
    expect(drift.stdout).toMatch(/Exchanges: total=2 documented=2 undocumented=0\n.*Findings: total=\d+ error=0 /);
  });
});
