// The upload limits as the mock enforces them (src/mock/uploads.ts), in memory: the codes the docs
// give (P403 for the count, an empty file or a broken form, P426 for a type, P440 for a size), the
// body cap they imply, the answers' bodies, and the slim copy Prism validates.
import { describe, expect, it } from "vitest";
import { checkUpload, maxBodyBytes, slimForm, uploadLimitsOf, uploadProblemBody } from "../../src/mock/uploads.js";
import { tinyPng } from "../support/files.js";

const limits = uploadLimitsOf("post", "/v1/user/poa-files/{externalUserId}")!;

/** A multipart body as bytes, with its content type, as the platform encodes the form. */
async function encoded(parts: [string, string | File][]) {
  const form = new FormData();
  for (const [name, value] of parts) form.append(name, value);
  const response = new Response(form);
  return {
    contentType: response.headers.get("content-type")!,
    raw: new Uint8Array(await response.arrayBuffer()),
  };
}
const file = (bytes: number | Uint8Array<ArrayBuffer>, name = "bill.pdf", type = "application/pdf") =>
  new File([typeof bytes === "number" ? new Uint8Array(bytes) : bytes], name, { type });
const check = async (parts: [string, string | File][]) => {
  const { contentType, raw } = await encoded(parts);
  return checkUpload(limits, contentType, raw);
};

describe("uploadLimitsOf", () => {
  it("finds the limits of the two upload operations, by method in any case, and none elsewhere", () => {
    expect(limits).toMatchObject({ field: "files", minFiles: 1, maxFiles: 3, maxFileBytes: 5 * 1024 * 1024 });
    expect(uploadLimitsOf("POST", "/v1/user/kyc-files/{externalUserId}")).toEqual(limits);
    expect(uploadLimitsOf("get", "/v1/user/balances/{externalUserId}")).toBeUndefined();
    expect(uploadLimitsOf("post", "/nowhere")).toBeUndefined();
  });

  it("caps a body at the largest valid upload plus room for its framing", () => {
    expect(maxBodyBytes).toBe(3 * 5 * 1024 * 1024 + 1024 * 1024);
  });
});

describe("checkUpload", () => {
  it("leaves a body that is not multipart to Prism's own validation", async () => {
    expect(await checkUpload(limits, "application/json", new Uint8Array(2))).toBeUndefined();
    expect(await checkUpload(limits, undefined, new Uint8Array(2))).toBeUndefined();
  });

  it("gives back the parsed form when the files keep the limits, the largest size included", async () => {
    const result = await check([
      ["documentType", "ID_CARD"],
      ["files", file(limits.maxFileBytes)],
      ["files", file(tinyPng(), "p.png", "IMAGE/PNG")],
    ]);
    expect(result && "form" in result && result.form.getAll("files")).toHaveLength(2);
  });

  it.each<[string, [string, string | File][], string, string]>([
    ["no file", [["documentType", "x"]], "P403", "files should not be empty"],
    ["four files", [1, 2, 3, 4].map(() => ["files", file(10)]), "P403", "files must contain no more than 3 elements"],
    ["a text part where a file goes", [["files", "bill.pdf"]], "P403", "each files part must be a file"],
    ["an empty file", [["files", file(0)]], "P403", "file 1 (bill.pdf) is empty"],
    [
      "a type not listed",
      [["files", file(10, "a.gif", "image/gif")]],
      "P426",
      'file 1 (a.gif) has type "image/gif"; allowed: application/pdf, image/jpeg, image/jpg, image/png',
    ],
    [
      "one byte over the size",
      [
        ["files", file(10)],
        ["files", file(5 * 1024 * 1024 + 1, "scan.pdf")],
      ],
      "P440",
      "file 2 (scan.pdf) has 5242881 bytes; at most 5242880 (5 MiB) allowed",
    ],
  ])("answers %s with %s", async (_, parts, code, message) => {
    expect(await check(parts)).toEqual({ problem: { code, message } });
  });

  it("answers a broken multipart body with P403", async () => {
    const broken = new TextEncoder().encode("--x\r\nnot a part");
    expect(await checkUpload(limits, "multipart/form-data; boundary=x", broken)).toEqual({
      problem: { code: "P403", message: "the request body is not a valid multipart/form-data body" },
    });
  });
});

describe("uploadProblemBody", () => {
  const type = 'file 1 (a.gif) has type "image/gif"; allowed: application/pdf, image/png';
  it("keeps the catalogue's P426 and goes on to name the type that arrived and the allowed ones", () => {
    const catalogue = { errorCode: "P426", errorName: "invalid-file-type", errorMessage: "Invalid file type" };
    expect(uploadProblemBody({ code: "P426", message: type }, catalogue)).toEqual({
      errorCode: "P426",
      errorName: "invalid-file-type",
      errorMessage: `Invalid file type: ${type}.`,
    });
    // A spec without the catalogue's example still names the P-code and the type.
    expect(uploadProblemBody({ code: "P426", message: type }, undefined)).toEqual({
      errorCode: "P426",
      errorMessage: `${type}.`,
    });
  });

  it("answers P403 with its failure, and P440 with the catalogue's body as it is", () => {
    expect(uploadProblemBody({ code: "P403", message: "files should not be empty" }, undefined)).toEqual({
      errorCode: "P403",
      errorMessage: "files should not be empty.",
    });
    const tooLarge = { errorCode: "P440", errorMessage: "File too large" };
    expect(uploadProblemBody({ code: "P440", message: "file 1 has 6 bytes" }, tooLarge)).toBe(tooLarge);
  });
});

describe("slimForm", () => {
  it("keeps every field and each file's name and type, cut to its first 64 bytes", async () => {
    const form = new FormData();
    form.append("documentType", "ID_CARD");
    form.append("files", file(100_000, "scan.pdf"));
    const slim = await slimForm(form);
    expect(slim.contentType).toMatch(/^multipart\/form-data; boundary=/);
    const parsed = await new Response(slim.body, { headers: { "content-type": slim.contentType } }).formData();
    expect(parsed.get("documentType")).toBe("ID_CARD");
    const part = parsed.get("files") as File;
    expect([part.name, part.type, part.size]).toEqual(["scan.pdf", "application/pdf", 64]);
  });
});
