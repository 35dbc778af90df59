// The client's side of uploads (src/client/uploads.ts), in memory: each input form becomes a named,
// typed File in the FormData, the form's other fields go along, and the documented limits stop a
// bad upload with a P100UploadError that names the operation, the file and the limit.
import { describe, expect, it } from "vitest";
import type { UploadLimits } from "../../generated/operations.js";
import { uploadForm } from "../../src/client/uploads.js";
import { P100UploadError } from "../../src/errors.js";
import { operationById } from "../../src/spec/operations.js";
import { tinyPdf, tinyPng } from "../support/files.js";

const limits = operationById("addPoaFile")!.upload!;
const png = (name = "front.png") => new File([tinyPng()], name, { type: "image/png" });
const form = (body: Record<string, unknown>, given: UploadLimits = limits) => uploadForm("addPoaFile", given, body);

describe("the inputs", () => {
  it.each<[string, unknown, string, string]>([
    ["a File, as it is", png(), "front.png", "image/png"],
    ["a Blob, named file", new Blob([tinyPng()], { type: "image/png" }), "file", "image/png"],
    ["bytes", { data: tinyPdf(), filename: "bill.pdf", contentType: "application/pdf" }, "bill.pdf", "application/pdf"],
    [
      "an ArrayBuffer",
      { data: tinyPdf().buffer, filename: "b.pdf", contentType: "application/pdf" },
      "b.pdf",
      "application/pdf",
    ],
    [
      "a Blob as data",
      { data: new Blob([tinyPng()]), filename: "p.png", contentType: "image/png" },
      "p.png",
      "image/png",
    ],
  ])("%s", async (_, input, name, type) => {
    const file = form({ files: [input] }).get("files") as File;
    expect([file.name, file.type]).toEqual([name, type]);
    expect(file.size).toBeGreaterThan(0);
  });

  it("copies bytes over a SharedArrayBuffer (a Blob takes only ArrayBuffers)", async () => {
    const bytes = tinyPdf();
    const shared = new Uint8Array(new SharedArrayBuffer(bytes.byteLength));
    shared.set(bytes);
    const file = form({ files: [{ data: shared, filename: "s.pdf", contentType: "application/pdf" }] }).get("files");
    expect(new Uint8Array(await (file as File).arrayBuffer())).toEqual(bytes);
  });

  it("sends the other fields as text, and leaves out those given as undefined", () => {
    const sent = uploadForm("addKycFile", operationById("addKycFile")!.upload!, {
      documentType: "ID_CARD",
      note: undefined,
      files: [png(), png("back.png")],
    });
    expect([...sent.keys()]).toEqual(["documentType", "files", "files"]);
    expect(sent.get("documentType")).toBe("ID_CARD");
  });

  it.each<[string, unknown, RegExp]>([
    ["a string", "bill.pdf", /^expected a File, a Blob, or \{ data, filename, contentType \}$/],
    ["null", null, /^expected a File, a Blob/],
    [
      "data that is text",
      { data: "%PDF", filename: "b.pdf", contentType: "application/pdf" },
      /^`data` must be a Uint8Array/,
    ],
  ])("refuses %s", (_, input, message) => {
    expect(() => form({ files: [input] })).toThrow(P100UploadError);
    expect(() => form({ files: [input] })).toThrow(message);
  });
});

describe("the documented limits", () => {
  it.each<[string, Record<string, unknown>, RegExp]>([
    ["no files field", {}, /^addPoaFile: `files` must be an array of files\.$/],
    ["files that is not an array", { files: png() }, /^addPoaFile: `files` must be an array of files\.$/],
    ["no file", { files: [] }, /^addPoaFile: 0 file\(s\) given; 1 to 3 allowed\.$/],
    ["four files", { files: [png(), png(), png(), png()] }, /^addPoaFile: 4 file\(s\) given; 1 to 3 allowed\.$/],
    [
      "an empty file",
      { files: [png(), new File([], "e.png", { type: "image/png" })] },
      /^addPoaFile: file 2 \(e\.png\) is empty\.$/,
    ],
    [
      "a type not listed, or none",
      { files: [new Blob(["x"])] },
      /^addPoaFile: file 1 \(file\) has type "unknown"; allowed: application\/pdf, image\/jpeg, image\/jpg, image\/png\.$/,
    ],
  ])("refuses %s", (_, body, message) => {
    expect(() => form(body)).toThrow(message);
  });

  it("takes a file of the largest size exactly, and refuses one byte more", () => {
    const sized = (bytes: number) => new File([new Uint8Array(bytes)], "scan.pdf", { type: "application/pdf" });
    expect(form({ files: [sized(limits.maxFileBytes)] }).getAll("files")).toHaveLength(1);
    expect(() => form({ files: [sized(limits.maxFileBytes + 1)] })).toThrow(
      /^addPoaFile: file 1 \(scan\.pdf\) has 5242881 bytes; at most 5242880 \(5 MB\) allowed\.$/,
    );
  });

  it("says the one number allowed when the least and the most are the same", () => {
    expect(() => form({ files: [] }, { ...limits, minFiles: 2, maxFiles: 2 })).toThrow(
      /0 file\(s\) given; 2 allowed\./,
    );
  });
});
