// Uploads: files given as File, Blob or bytes go out as multipart through openapi-fetch's
// bodySerializer; the documented limits stop a bad upload before any request is sent.
import { describe, expect, it } from "vitest";
import { createP100Client, P100UploadError, type UploadFile } from "../../src/index.js";
import { tinyPdf, tinyPng } from "../support/files.js";
import { prismUrl } from "../support/prism.js";

const params = { path: { externalUserId: "f47ac10b-58cc-4372-a567-0e02b2c3d479" } };

/** A client against the mock whose fetch records what was sent. */
function recordingClient() {
  const sent: Request[] = [];
  const client = createP100Client({
    apiKey: "k",
    baseUrl: prismUrl(),
    fetch: async (request) => {
      sent.push(request.clone());
      return fetch(request);
    },
  });
  return { client, sent };
}

/** The same bytes in a view over a SharedArrayBuffer (which a Blob cannot take as it is). */
function sharedCopy(bytes: Uint8Array): Uint8Array<SharedArrayBuffer> {
  const shared = new Uint8Array(new SharedArrayBuffer(bytes.byteLength));
  shared.set(bytes);
  return shared;
}

const png = () => new File([tinyPng()], "front.png", { type: "image/png" });

describe("uploads", () => {
  it.each<[string, UploadFile]>([
    ["a File", new File([tinyPdf()], "bill.pdf", { type: "application/pdf" })],
    ["a Blob", new Blob([tinyPng()], { type: "image/png" })],
    ["bytes with a name and a type", { data: tinyPdf(), filename: "bill.pdf", contentType: "application/pdf" }],
    ["a Buffer", { data: Buffer.from(tinyPdf()), filename: "bill.pdf", contentType: "application/pdf" }],
    ["an ArrayBuffer", { data: tinyPdf().buffer, filename: "bill.pdf", contentType: "application/pdf" }],
    [
      "bytes over a SharedArrayBuffer",
      { data: sharedCopy(tinyPdf()), filename: "bill.pdf", contentType: "application/pdf" },
    ],
    ["a File as data", { data: new File([tinyPng()], "x"), filename: "front.png", contentType: "image/png" }],
  ])("addPoaFile sends %s as a multipart `files` part and the mock accepts it", async (_, file) => {
    const { client, sent } = recordingClient();
    const result = await client.POST("/v1/user/poa-files/{externalUserId}", { params, body: { files: [file] } });
    expect(result).toMatchObject({ outcome: "success", status: 201 });
    expect(sent[0]!.headers.get("content-type")).toMatch(/^multipart\/form-data; boundary=/);
    const form = await sent[0]!.formData();
    const part = form.get("files") as File;
    expect(part.size).toBeGreaterThan(0);
    expect(["application/pdf", "image/png"]).toContain(part.type);
  });

  it("addKycFile sends the document type and three files", async () => {
    const { client, sent } = recordingClient();
    const result = await client.POST("/v1/user/kyc-files/{externalUserId}", {
      params,
      body: { documentType: "ID_CARD", files: [png(), png(), png()] },
    });
    expect(result).toMatchObject({ outcome: "success", status: 201 });
    const form = await sent[0]!.formData();
    expect(form.get("documentType")).toBe("ID_CARD");
    expect(form.getAll("files")).toHaveLength(3);
  });

  const big = new File([new Uint8Array(5 * 1024 * 1024 + 1)], "scan.pdf", { type: "application/pdf" });
  it.each<[string, UploadFile[], RegExp]>([
    ["no file", [], /addPoaFile: 0 file\(s\) given; 1 to 3 allowed/],
    ["four files", [png(), png(), png(), png()], /addPoaFile: 4 file\(s\) given; 1 to 3 allowed/],
    [
      "an empty file",
      [new File([], "empty.png", { type: "image/png" })],
      /addPoaFile: file 1 \(empty\.png\) is empty\./,
    ],
    ["a file over 5 MB", [big], /addPoaFile: file 1 \(scan\.pdf\) has 5242881 bytes; at most 5242880 \(5 MB\) allowed/],
    [
      "a GIF",
      [new File(["GIF89a"], "a.gif", { type: "image/gif" })],
      /file 1 \(a\.gif\) has type "image\/gif"; allowed: application\/pdf, image\/jpeg, image\/jpg, image\/png/,
    ],
  ])("rejects %s before any request is sent", async (_, files, message) => {
    const { client, sent } = recordingClient();
    const call = client.POST("/v1/user/poa-files/{externalUserId}", { params, body: { files } });
    await expect(call).rejects.toThrow(P100UploadError);
    await expect(call).rejects.toThrow(message);
    expect(sent).toHaveLength(0);
  });
});
