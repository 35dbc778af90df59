// npm run review: fixture pairs for each class of breaking change and for harmless ones, and an
// end-to-end run against a git base.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareSpecs, formatReport } from "../../scripts/review.js";
import { spec } from "../support/spec.js";

type Change = { section: string; breaking: boolean; kind: string; where: string; details: string };
const compare = compareSpecs as (
  base: string,
  revision: string,
) => { changes: Change[]; breaking: number; versions: string[] };

const work = fs.mkdtempSync(path.join(os.tmpdir(), "p100-review-test-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
const basePath = path.join(work, "base.json");
fs.writeFileSync(basePath, JSON.stringify(spec));

/** Compares the bundled spec with a copy changed by `edit`. Each redocly diff costs a process, so
 * the cases of one kind are applied together and each case then finds its own row. */
function reviewOf(edit: (doc: any) => void) {
  const revision = structuredClone(spec);
  edit(revision);
  const file = path.join(work, `revision-${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(file, JSON.stringify(revision));
  return compare(basePath, file);
}
const extend = (doc: any) => doc.paths["/v1/user/balances/extended"].post;

describe("breaking changes", () => {
  const cases: [string, (doc: any) => void, string, RegExp][] = [
    [
      "a removed operation",
      (d) => delete d.paths["/v1/user/unsuspend"].patch,
      "Operations",
      /Operation `PATCH \/v1\/user\/unsuspend` was removed/,
    ],
    ["a removed response", (d) => delete extend(d).responses["202"], "Responses", /Response `202` was removed/],
    [
      "a new required request field",
      (d) => d.components.schemas.CreateUserRequest.required.push("nationality"),
      "Request fields",
      /became required: `nationality`/,
    ],
    [
      "a removed response field",
      (d) => delete d.components.schemas.CreateUserResponse.properties.poaRequiredForExtended,
      "Responses",
      /Property `poaRequiredForExtended` .* was removed/,
    ],
    [
      "a removed optional request field (renamed)",
      (d) => {
        const s = d.components.schemas.UpdateUserRequest;
        s.properties.town = s.properties.city;
        delete s.properties.city;
      },
      "Request fields",
      /Field `city` was removed/,
    ],
    [
      "a renamed request field",
      (d) => {
        const s = d.components.schemas.UserVerificationRequest;
        s.properties.docNumber = s.properties.documentNumber;
        delete s.properties.documentNumber;
      },
      "Request fields",
      /Field `documentNumber` was (renamed to `docNumber`|removed)/,
    ],
    [
      "a narrowed request enum",
      (d) => d.components.schemas.DocumentType.enum.pop(),
      "Request fields",
      /lost values: 'RESIDENCE_PERMIT'/,
    ],
    [
      "a narrowed parameter type",
      (d) => (d.paths["/v1/user/transactions/{externalUserId}"].get.parameters[0].schema.maximum = 10),
      "Parameters",
      /Upper bound changed/,
    ],
    [
      "a changed path",
      (d) => {
        d.paths["/v1/user/suspended"] = d.paths["/v1/user/suspend"];
        delete d.paths["/v1/user/suspend"];
      },
      "Operations",
      /renamed to `\/v1\/user\/suspended`/,
    ],
    [
      "a changed method",
      (d) => {
        d.paths["/v1/user"].post = d.paths["/v1/user"].delete;
        delete d.paths["/v1/user"].delete;
      },
      "Operations",
      /DELETE \/v1\/user`.* removed/,
    ],
    ["a removed webhook", (d) => delete d.webhooks.kycFileAdded, "Webhooks", /Webhook `kycFileAdded` was removed/],
  ];
  let review: ReturnType<typeof compare>;
  beforeAll(() => {
    review = reviewOf((doc) => {
      for (const [, edit] of cases) edit(doc);
    });
  });
  it.each(cases)("%s is breaking", (_, _edit, section, details) => {
    expect(review.changes).toContainEqual(
      expect.objectContaining({ breaking: true, section, details: expect.stringMatching(details) }),
    );
  });
});

describe("harmless changes", () => {
  const cases: [string, (doc: any) => void, string][] = [
    [
      "a new optional request field",
      (d) => (d.components.schemas.UserVerificationRequest.properties.issuingCountry = { type: "string" }),
      "Request fields",
    ],
    [
      "a new example",
      (d) =>
        (extend(d).responses["400"].content["application/json"].examples.P411 = { $ref: "#/components/examples/P411" }),
      "Examples",
    ],
    [
      "a changed example value",
      (d) =>
        (extend(d).requestBody.content["application/json"].examples.extendUser.value.externalUserId = "another-id"),
      "Examples",
    ],
    ["a description edit", (d) => (extend(d).description = "Reworded."), "Operations"],
  ];
  let review: ReturnType<typeof compare>;
  beforeAll(() => {
    review = reviewOf((doc) => {
      for (const [, edit] of cases) edit(doc);
    });
  });
  it("none of them is breaking", () => {
    expect(review.breaking).toBe(0);
    expect(review.changes.length).toBeGreaterThanOrEqual(cases.length);
  });
  it.each(cases)("%s is reported as non-breaking", (_, _edit, section) => {
    expect(review.changes).toContainEqual(expect.objectContaining({ breaking: false, section }));
  });

  it("no change, no report rows", () => {
    const result = reviewOf(() => {});
    expect(result.changes).toEqual([]);
    expect(formatReport(result, "main")).toContain("No changes to the contract.");
  });
});

describe("npm run review", () => {
  it("against a git base, reports a removed Extend user response as breaking and exits 1", () => {
    // A throwaway repository: the base commit has today's spec, the working tree removes a response.
    const repo = path.join(work, "repo");
    fs.mkdirSync(repo);
    fs.cpSync("openapi", path.join(repo, "openapi"), { recursive: true });
    fs.copyFileSync("redocly.yaml", path.join(repo, "redocly.yaml"));
    const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, stdio: "pipe", encoding: "utf8" });
    git("init", "-q");
    git("add", ".");
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "base");
    const file = path.join(repo, "openapi/paths/v1_user_balances_extended.yaml");
    const yaml = fs.readFileSync(file, "utf8");
    fs.writeFileSync(file, yaml.replace(/ {4}'202':[\s\S]*?(?= {4}'400':)/, ""));

    let stdout = "";
    let status = 0;
    try {
      stdout = execFileSync(process.execPath, [path.resolve("scripts/review.js"), "--base", "HEAD"], {
        cwd: repo,
        encoding: "utf8",
        stdio: "pipe",
      });
    } catch (error) {
      ({ stdout, status } = error as { stdout: string; status: number });
    }
    expect(status).toBe(1);
    expect(stdout).toContain("**1 breaking**");
    expect(stdout).toContain(
      "## Responses\n\n| impact | change | where | details |\n|---|---|---|---|\n| **breaking** | removed | `POST /v1/user/balances/extended › responses/202` | Response `202` was removed. |",
    );
    expect(git("status", "--porcelain")).toContain("v1_user_balances_extended.yaml"); // the working tree is left as it was

    const accepted = execFileSync(
      process.execPath,
      [path.resolve("scripts/review.js"), "--base", "HEAD", "--allow-breaking"],
      { cwd: repo, encoding: "utf8", stdio: "pipe" },
    );
    expect(accepted).toContain("**1 breaking**"); // still reported, but the exit code is 0
  });
});
