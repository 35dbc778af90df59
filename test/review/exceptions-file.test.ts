// openapi/review-exceptions.yaml as a spec author meets it: the shipped file reads as no entry,
// an entry appended the way its comments show is read, and the usual slip (entries below a `[]`)
// gets an error that says what to do.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { readExceptions } from "../../scripts/review.js";

const shipped = fs.readFileSync(new URL("../../openapi/review-exceptions.yaml", import.meta.url), "utf8");
const entry =
  "- where: GET /v1/kyc/status/{externalUserId} › responses/200\n  reason: Never answered.\n  version: 0.3.0\n";

function withText(text: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "p100-exceptions-")), "review-exceptions.yaml");
  fs.writeFileSync(file, text);
  return file;
}

it("ships with no entry, and an entry appended at its end is read", () => {
  expect(readExceptions(withText(shipped))).toEqual([]);
  expect(readExceptions(withText(`${shipped}${entry}`))).toEqual([
    { where: "GET /v1/kyc/status/{externalUserId} › responses/200", reason: "Never answered.", version: "0.3.0" },
  ]);
});

it("its commented example, uncommented, is a valid entry", () => {
  const example = shipped
    .split("\n")
    .filter((line) => /^# (- where| {2}reason| {2}version):/.test(line))
    .map((line) => line.slice(2))
    .join("\n");
  expect(readExceptions(withText(`${shipped}${example}\n`))).toEqual([
    expect.objectContaining({ reason: "P100 never accepted RESIDENCE_PERMIT there (docs V4).", version: "0.3.0" }),
  ]);
});

it("an entry below a `[]` line gets an error that says to delete it", () => {
  const file = withText(`# Accepted breaks.\n[]\n${entry}`);
  expect(() => readExceptions(file)).toThrow(
    /is not valid YAML \(.*line 3.*\); its `\[\]` line is a whole \(empty\) list, so entries cannot follow it: delete the `\[\]` line$/,
  );
});
