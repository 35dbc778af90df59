// Upload inputs at the type level: the bytes of a file may be any Uint8Array (a Buffer, one over a
// SharedArrayBuffer, one read from a file), an ArrayBuffer, a Blob or a File, with no cast; other
// values do not compile.
import { readFileSync } from "node:fs";
import { describe, expectTypeOf, it } from "vitest";
import { createP100Client, type UploadData, type UploadFile } from "../../src/index.js";

const client = createP100Client({ apiKey: "k" });
const params = { path: { externalUserId: "f47ac10b-58cc-4372-a567-0e02b2c3d479" } };
const named = (data: UploadData): UploadFile => ({ data, filename: "bill.pdf", contentType: "application/pdf" });
declare const plain: Uint8Array;
declare const shared: Uint8Array<SharedArrayBuffer>;

describe("upload data", () => {
  it("takes any Uint8Array, an ArrayBuffer, a Blob or a File without casts", () => {
    const buffer = readFileSync("bill.pdf");
    expectTypeOf(buffer).toExtend<UploadData>();
    expectTypeOf(plain).toExtend<UploadData>();
    expectTypeOf(shared).toExtend<UploadData>();
    expectTypeOf(new ArrayBuffer(8)).toExtend<UploadData>();
    expectTypeOf(new Blob(["%PDF"])).toExtend<UploadData>();
    expectTypeOf(new File(["%PDF"], "bill.pdf")).toExtend<UploadData>();
    void client.POST("/v1/user/poa-files/{externalUserId}", {
      params,
      body: { files: [{ data: buffer, filename: "bill.pdf", contentType: "application/pdf" }] },
    });
    void client.POST("/v1/user/poa-files/{externalUserId}", { params, body: { files: [named(plain), named(shared)] } });
  });

  it("rejects what is not bytes", () => {
    // @ts-expect-error -- a string is not a file's bytes
    named("%PDF-1.4");
    // @ts-expect-error -- nor is an array of numbers
    named([37, 80, 68, 70]);
    // @ts-expect-error -- nor another typed array
    named(new Uint16Array(4));
    // @ts-expect-error -- bytes need a filename and a content type
    void client.POST("/v1/user/poa-files/{externalUserId}", { params, body: { files: [{ data: plain }] } });
  });
});
