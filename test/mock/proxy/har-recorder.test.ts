// The recording's pieces, with no socket: the mask keeps each value's shape, personal fields are
// found at any depth, an entry has no secret in any place a server may echo it, and the file is a
// whole HAR document after each entry.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { jsonReply, newCall } from "../../../src/mock/pipeline/call.js";
import { createHarRecorder, entryOf, maskPersonal, maskValue } from "../../../src/mock/proxy/har-recorder.js";

const token = "Bearer whk_unit-token-0042";
const key = "sk_unit-key-123456";
const work = fs.mkdtempSync(path.join(os.tmpdir(), "p100-har-unit-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function callOf(body: string, contentType: string, answer?: { headers: Record<string, string>; bytes: Buffer }) {
  const headers = { "x-api-key": key, authorization: token, "content-type": contentType };
  const rawHeaders = ["X-Api-Key", key, "Authorization", token, "Content-Type", contentType];
  const call = newCall(
    { method: "POST", target: `/v1/user?k=${encodeURIComponent(key)}`, headers, rawHeaders, bytes: Buffer.from(body) },
    true,
  );
  // As the forwarding leaves it: these answers are not encoded, so decoded they are the same bytes.
  if (answer) call.upstream = { status: 302, ...answer, decoded: answer.bytes };
  return call;
}

describe("maskValue and maskPersonal", () => {
  it("mask letters as x and digits as 1, keep the rest, the type and the length", () => {
    expect(maskValue("Łukasz Żółć-Nowak")).toBe("xxxxxx xxxx-xxxxx");
    expect(maskValue("+48 601-222")).toBe("+11 111-111");
    expect(maskValue(1987)).toBe(0);
    expect(maskValue(true)).toBe(true);
    expect(maskValue(null)).toBe(null);
    expect(maskValue({ line: ["ul. A 1"] })).toEqual({ line: ["xx. x 1"] });
  });

  it("mask the spec's personal properties at any depth, and nothing else", () => {
    expect(
      maskPersonal({ users: [{ email: "a@b.pl", country: "PL", externalUserId: "u-1" }], lastName: "Nowak" }),
    ).toEqual({ users: [{ email: "x@x.xx", country: "PL", externalUserId: "u-1" }], lastName: "xxxxx" });
  });
});

describe("entryOf", () => {
  it("writes neither the key nor the token, in a header, the URL, a text body or an answer's redirect", () => {
    const call = callOf(`token ${token.slice(7)} and key ${key}`, "text/plain", {
      headers: {
        "content-type": "application/pdf",
        location: `https://x.example/back?k=${key}`,
        "x-seen": token.slice(7),
        "x-p100-mock-source": "upstream",
      },
      bytes: Buffer.from("%PDF-"),
    });
    const entry = entryOf(call, "https://partner-api-stage.p100.io/base/", "2026-12-05T00:00:00.000Z", 3) as any;
    const text = JSON.stringify(entry);
    expect(text).not.toContain(key);
    expect(text).not.toContain("whk_unit-token-0042");
    expect(entry.request.url).toBe("https://partner-api-stage.p100.io/base/v1/user?k=%5Bredacted%5D");
    expect(entry.request.headers.map((h: any) => h.name)).toEqual(["X-Api-Key", "Authorization", "Content-Type"]);
    expect(entry.request.postData).toEqual({ mimeType: "text/plain", text: "token [redacted] and key [redacted]" });
    expect(entry.response.redirectURL).toBe("https://x.example/back?k=%5Bredacted%5D");
    expect(entry.response.headers).toEqual([
      { name: "content-type", value: "application/pdf" },
      { name: "location", value: "https://x.example/back?k=[redacted]" },
      { name: "x-seen", value: "[redacted]" },
    ]);
    expect(entry.response.content).toEqual({
      size: 5,
      mimeType: "application/pdf",
      comment: "binary: kept as its size and media type only (5 bytes)",
    });
  });

  it("keeps a JSON body that does not parse as its size only, and skips a call the upstream never answered", () => {
    const call = callOf('{"email": "a@b.pl"', "application/json", {
      headers: { "content-type": "application/json" },
      bytes: Buffer.from("{}"),
    });
    const entry = entryOf(call, "http://127.0.0.1:1", "2026-12-05T00:00:00.000Z", 0) as any;
    expect(entry.request.postData).toEqual({
      mimeType: "application/json",
      comment: "not valid JSON: kept as its size only (18 bytes)",
    });
    expect(entryOf(callOf("", "text/plain"), "http://127.0.0.1:1", "", 0)).toBeUndefined();
  });
});

describe("createHarRecorder", () => {
  it("leaves a whole HAR document after each entry, and closes twice safely", async () => {
    const file = path.join(work, "unit.har");
    const recorder = createHarRecorder({ file, upstream: "http://127.0.0.1:1", version: "0", onError: () => {} });
    expect(JSON.parse(fs.readFileSync(file, "utf8")).log.entries).toEqual([]);
    for (const n of [1, 2]) {
      const call = callOf("{}", "application/json", { headers: {}, bytes: Buffer.alloc(0) });
      await recorder.step(call, async () => jsonReply(200, {}));
      expect(JSON.parse(fs.readFileSync(file, "utf8")).log.entries).toHaveLength(n);
    }
    // The mock's own answer (no upstream on the call) is not an exchange.
    await recorder.step(callOf("", "text/plain"), async () => jsonReply(404, {}));
    recorder.close();
    recorder.close();
    expect(JSON.parse(fs.readFileSync(file, "utf8")).log.entries).toHaveLength(2);
  });

  it("says in one line why it cannot write the file", () => {
    const file = path.join(work, "missing", "x.har");
    expect(() => createHarRecorder({ file, upstream: "http://127.0.0.1:1", version: "0", onError: () => {} })).toThrow(
      `cannot write the recording to ${file}: ENOENT`,
    );
  });
});
