// The proxy's recording (`startMock({ proxy, record })`, src/mock/proxy/har-recorder.ts) against a
// local fake upstream: a valid HAR 1.2 document (har-schema, with Ajv) after every call, with
// neither the API key nor the webhook token nor any personal value in it, the masked values'
// shapes kept (the requests still fit the spec), binary bodies as their size and type only,
// compressed answers decoded; and `learn` reads the recording (the loop of docs/learn.md).
import fs from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { Ajv } from "ajv";
import { fullFormats } from "ajv-formats/dist/formats.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { learn, packagedBundle, Spec } from "../../../src/contract/index.js";
import { MockStartError } from "../../../src/errors.js";
import { type RunningMock, startMock } from "../../../src/mock/index.js";

const apiKey = "sk_stage_record-secret-4242";
const webhookToken = "whk_token-record-9f8e7d6c5b";
const id = "f47ac10b-58cc-4372-a567-0e02b2c3d479";
const personal = {
  firstName: "Zażółć",
  lastName: "Gęślą-Jaźń",
  email: "zazolc.gesla@example.pl",
  phone: "48601999888",
  birthDate: "1987-11-23",
  street: "ul. Długa",
  number: "17/4",
  city: "Gdańsk",
  postCode: "80-831",
  userIdentificationNumber: "870112345",
};
const createUser = {
  externalUserId: id,
  ...personal,
  country: "PL",
  citizenship: "PL",
  birthCountry: "PL",
  nationality: "PL",
  hasAcceptedP100Tc: true,
};
const balances = { userId: id, poaRequired: false, fiatBalances: [], cryptoBalances: [] };
const pdf = Buffer.concat([Buffer.from("%PDF-1.7\n"), Buffer.alloc(300, 0xa5)]);
const require = createRequire(import.meta.url);
const work = fs.mkdtempSync(path.join(os.tmpdir(), "p100-record-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** har-schema's schemas (draft-06, each by its `$id`), with Ajv: the HAR 1.2 document's validator. */
function harValidator() {
  const ajv = new Ajv({ allErrors: true, strict: false, formats: fullFormats });
  const read = (file: string) => JSON.parse(fs.readFileSync(file, "utf8"));
  ajv.addMetaSchema(read(path.join(path.dirname(require.resolve("ajv")), "refs/json-schema-draft-06.json")));
  const folder = path.join(path.dirname(require.resolve("har-schema/package.json")), "lib");
  for (const name of fs.readdirSync(folder).filter((f) => f.endsWith(".json")))
    ajv.addSchema(read(path.join(folder, name)));
  return ajv.getSchema("har.json#") as NonNullable<ReturnType<typeof ajv.getSchema>>;
}

/** A fake P100 that echoes what it was sent (the key and the token among it) in several places. */
function answer(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) {
  const url = req.url ?? "";
  res.setHeader("x-echo-key", String(req.headers["x-api-key"]));
  res.setHeader("set-cookie", `session=${webhookToken}; HttpOnly`);
  if (url.startsWith("/v1/user/balances/crypto-and-fiat")) {
    const sent = JSON.parse(body.toString("utf8"));
    res.setHeader("content-type", "application/json");
    // The user's email echoed (an undocumented field), and the key in a text.
    res.end(
      JSON.stringify({
        userId: id,
        poaRequiredForExtended: false,
        email: sent.email,
        note: `created with key ${req.headers["x-api-key"]}`,
      }),
    );
  } else if (url.startsWith(`/v1/user/balances/${id}`)) {
    res.setHeader("content-type", "application/json");
    res.setHeader("content-encoding", "gzip");
    res.end(zlib.gzipSync(JSON.stringify(balances)));
  } else if (url.startsWith(`/v1/user/kyc-files/${id}`)) {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ message: "Files uploaded successfully" }));
  } else {
    res.setHeader("content-type", "application/pdf");
    res.end(pdf);
  }
}

describe("startMock({ proxy, record })", () => {
  let upstream: http.Server;
  let upstreamUrl: string;
  let mock: RunningMock;
  const file = path.join(work, "stage.har");
  const log: string[] = [];
  let during: any;
  let har: any;

  beforeAll(async () => {
    upstream = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => answer(req, Buffer.concat(chunks), res));
    });
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    mock = await startMock({ proxy: upstreamUrl, record: file, onOutput: (text) => log.push(text) });
    const headers = { "x-api-key": apiKey, authorization: webhookToken };
    const json = { ...headers, "content-type": "application/json" };
    const calls = [
      () =>
        fetch(`${mock.url}/v1/user/balances/crypto-and-fiat`, {
          method: "POST",
          headers: json,
          body: JSON.stringify(createUser),
        }),
      () => fetch(`${mock.url}/v1/user/balances/${id}?key=${encodeURIComponent(apiKey)}`, { headers }),
      () => {
        const form = new FormData();
        form.append("documentType", "PASSPORT");
        form.append("files", new Blob([pdf], { type: "application/pdf" }), "passport.pdf");
        return fetch(`${mock.url}/v1/user/kyc-files/${id}`, { method: "POST", headers, body: form });
      },
      () => fetch(`${mock.url}/v1/kyc/status/${id}`, { headers }),
    ];
    for (const call of calls) expect((await call()).status).toBeLessThan(500);
    during = JSON.parse(fs.readFileSync(file, "utf8")); // whole before close
    await mock.close();
    har = JSON.parse(fs.readFileSync(file, "utf8"));
  });
  afterAll(async () => {
    await mock?.close();
    await new Promise<void>((resolve) => upstream?.close(() => resolve()));
  });

  it("writes a HAR 1.2 document, whole after every call and on close, one entry per exchange", () => {
    expect(during).toEqual(har);
    const validate = harValidator();
    expect(validate(har), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ log: { ...har.log, entries: [{ ...har.log.entries[0], response: undefined }] } })).toBe(false);
    expect(har.log.version).toBe("1.2");
    expect(har.log.creator.name).toBe("p100-mock");
    expect(har.log.entries.map((e: any) => `${e.request.method} ${new URL(e.request.url).pathname}`)).toEqual([
      "POST /v1/user/balances/crypto-and-fiat",
      `GET /v1/user/balances/${id}`,
      `POST /v1/user/kyc-files/${id}`,
      `GET /v1/kyc/status/${id}`,
    ]);
    expect(har.log.entries[0].request.url).toBe(`${upstreamUrl}/v1/user/balances/crypto-and-fiat`);
    expect(har.log.entries.map((e: any) => e.response.status)).toEqual([200, 200, 200, 200]);
  });

  it("holds neither the API key nor the webhook token nor any personal value, in any form", () => {
    const text = fs.readFileSync(file, "utf8");
    for (const secret of [apiKey, encodeURIComponent(apiKey), webhookToken, ...Object.values(personal)])
      expect(text).not.toContain(secret);
    const [create, read] = har.log.entries;
    const header = (list: any[], name: string) => list.find((h) => h.name.toLowerCase() === name)?.value;
    expect(header(create.request.headers, "x-api-key")).toBe("[redacted]");
    expect(header(create.request.headers, "authorization")).toBe("[redacted]");
    expect(header(create.response.headers, "x-echo-key")).toBe("[redacted]");
    expect(header(create.response.headers, "set-cookie")).toBe("[redacted]");
    expect(header(create.response.headers, "x-p100-mock-source")).toBeUndefined();
    expect(read.request.url).toBe(`${upstreamUrl}/v1/user/balances/${id}?key=%5Bredacted%5D`);
    expect(read.request.queryString).toEqual([{ name: "key", value: "[redacted]" }]);
    expect(JSON.parse(create.response.content.text).note).toBe("created with key [redacted]");
  });

  it("masks the spec's personal fields in requests and answers, keeping each value's type, length and format", () => {
    const [create] = har.log.entries;
    const sent = JSON.parse(create.request.postData.text);
    expect(sent).toEqual({
      ...createUser,
      firstName: "xxxxxx",
      lastName: "xxxxx-xxxx",
      email: "xxxxxx.xxxxx@xxxxxxx.xx",
      phone: "11111111111",
      birthDate: "1111-11-11",
      street: "xx. xxxxx",
      number: "11/1",
      city: "xxxxxx",
      postCode: "11-111",
      userIdentificationNumber: "111111111",
    });
    for (const [name, value] of Object.entries(personal)) expect(sent[name]).toHaveLength(value.length);
    expect(JSON.parse(create.response.content.text)).toMatchObject({ userId: id, email: "xxxxxx.xxxxx@xxxxxxx.xx" });
  });

  it("keeps binary bodies as their size and media type only, and decodes compressed answers", () => {
    const [, read, upload, status] = har.log.entries;
    expect(read.response.content).toEqual({
      size: JSON.stringify(balances).length,
      compression: JSON.stringify(balances).length - read.response.bodySize,
      mimeType: "application/json",
      text: JSON.stringify(balances),
    });
    expect(upload.request.postData.mimeType).toMatch(/^multipart\/form-data; boundary=/);
    expect(upload.request.postData.text).toBeUndefined();
    expect(upload.request.postData.comment).toMatch(/^binary: kept as its size and media type only \(\d+ bytes\)$/);
    expect(upload.request.bodySize).toBeGreaterThan(pdf.length);
    expect(status.response.content).toEqual({
      size: pdf.length,
      mimeType: "application/pdf",
      comment: `binary: kept as its size and media type only (${pdf.length} bytes)`,
    });
  });

  it("is read by p100-contract's learn: the echoed field proposed, the masked request still fits the spec", () => {
    const { learned, overlay } = learn(Spec.fromFile(packagedBundle), [file], "2026-12-05");
    expect(learned.exchanges).toBe(4);
    expect(learned.forReview).toEqual([]);
    const targets = overlay.actions.map((action) => action.target);
    expect(targets.some((target) => target.includes("CreateUserResponse"))).toBe(true);
    expect(JSON.stringify(overlay)).not.toContain(apiKey);
  });
});

describe("the record option", () => {
  it("needs the proxy mode, and a file it can write", async () => {
    await expect(startMock({ record: path.join(work, "x.har") })).rejects.toThrow(
      new MockStartError("--record (record) needs the proxy mode: --proxy <url> (proxy)"),
    );
    const nowhere = path.join(work, "no-such-folder", "x.har");
    await expect(startMock({ proxy: "http://127.0.0.1:9", record: nowhere })).rejects.toThrow(
      new MockStartError(`cannot write the recording to ${nowhere}: ENOENT`),
    );
  });
});
