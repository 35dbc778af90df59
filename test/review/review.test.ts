// npm run review: fixture revisions for each class of change, graded breaking, warning or info;
// webhooks judged from the receiver's side; the exceptions file, the version check and the
// CHANGELOG entry. (The run against a git base, as the workflow runs it, is in workflows.test.ts.)
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readExceptions } from "../../scripts/review.js";
import { bundleWorkingTree, type Change, compareSpecs } from "../../scripts/review-compare.js";
import { actualBump, changelogEntry, formatReport, neededBump, verdict } from "../../scripts/review-report.js";
import { spec } from "../support/spec.js";

const compare = compareSpecs;

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
      "a removed optional request field",
      (d) => delete d.components.schemas.UpdateUserRequest.properties.city,
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
      /Field `documentNumber` was renamed to `docNumber`/,
    ],
    [
      "a renamed field of a shared response schema",
      (d) => {
        const s = d.components.schemas.Message;
        s.properties.text = s.properties.message;
        delete s.properties.message;
        s.required = ["text"];
      },
      "Responses",
      /Field `message` was renamed to `text`/,
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
      expect.objectContaining({ level: "breaking", section, details: expect.stringMatching(details) }),
    );
  });

  // The cases of issue 23: redocly diff reports a shared schema's change once, at the first use.
  const operationsOf = (details: RegExp) =>
    review.changes.filter((c) => details.test(c.details)).map((c) => c.where.split(" › ")[0]);
  it("a narrowed shared enum is listed under every operation that uses it, where it is required too", () => {
    expect(operationsOf(/lost values: 'RESIDENCE_PERMIT'/).sort()).toEqual([
      "POST /v1/user/balances/crypto",
      "POST /v1/user/kyc-files/{externalUserId}",
      "POST /v1/user/verification",
    ]);
  });
  it("a renamed field of a shared schema is one row under each operation that returns it", () => {
    // (Other cases here move `/v1/user/suspend` and `DELETE /v1/user`, which use it too.)
    const uses = operationsOf(/`message`|`text`/);
    expect(uses).toEqual(
      expect.arrayContaining([
        "PATCH /v1/user",
        "PATCH /v1/user/unsuspend",
        "POST /v1/user/balances/extended",
        "POST /v1/user/verification",
      ]),
    );
    expect(new Set(uses).size).toBe(uses.length);
    expect(review.changes.filter((c) => /`documentNumber`|`docNumber`/.test(c.details))).toEqual([
      expect.objectContaining({ kind: "renamed", where: expect.stringMatching(/^POST \/v1\/user\/verification › /) }),
    ]);
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
  it("all of them are info, none breaking", () => {
    expect(review.changes.map((c) => c.level)).not.toContain("breaking");
    expect(review.changes.length).toBeGreaterThanOrEqual(cases.length);
  });
  it.each(cases)("%s is reported as info", (_, _edit, section) => {
    expect(review.changes).toContainEqual(expect.objectContaining({ level: "info", section }));
  });

  it("no change, no report rows", () => {
    const result = verdict(reviewOf(() => {}));
    expect(result.changes).toEqual([]);
    expect(result.needed).toBe("none");
    expect(formatReport(result, "main")).toContain("No changes to the contract.");
  });
});

describe("warnings and the receiver's side", () => {
  const payload = (d: any) => d.components.schemas.KycFileAddedWebhook;
  let review: ReturnType<typeof compare>;
  beforeAll(() => {
    review = reviewOf((d) => {
      extend(d).responses["400"].content["application/json"].schema.allOf[1].properties.errorCode.enum.push("P412");
      payload(d).properties.status.enum.push("PENDING");
      payload(d).properties.fileCount = { type: "integer" };
      payload(d).required.push("fileCount");
      d.components.schemas.DocumentType.enum.push("DRIVING_LICENCE"); // a request enum
    });
  });
  const find = (where: RegExp) => review.changes.filter((c) => where.test(c.where)).map((c) => c.level);

  it("a new response P-code is a warning: exhaustive switches in clients break", () => {
    expect(find(/extended › responses\/400.*errorCode · enum/)).toEqual(["warning"]);
  });
  it("a new webhook payload value is a warning for the receiver", () => {
    expect(find(/webhook kycFileAdded .*status · enum/)).toEqual(["warning"]);
  });
  it("a new required payload field is info for the receiver (more data, nothing lost)", () => {
    expect(find(/webhook kycFileAdded .*fileCount/)).toEqual(["info"]);
  });
  it("a new request enum value is info for a client", () => {
    expect(find(/requestBody.*documentType · enum/).every((level) => level === "info")).toBe(true);
  });
});

describe("a change to a shared component, under every operation and webhook that uses it", () => {
  // The fixture (test/fixtures/review): `Kind` is reached from a request directly, from another
  // request through two schemas, and from a webhook payload; `Note` from two responses and the
  // payload; `ErrorBody` through a shared response. Both versions are real bundles of real edits.
  const fixture = path.resolve(import.meta.dirname, "../fixtures/review");
  let review: ReturnType<typeof compare>;
  beforeAll(() => {
    const edited = path.join(work, "fixture-revision");
    fs.cpSync(fixture, edited, { recursive: true });
    const file = path.join(edited, "openapi/openapi.yaml");
    const text = fs.readFileSync(file, "utf8");
    const revised = text
      .replace("enum: [BIG, SMALL, ROUND]", "enum: [BIG, SMALL, FLAT]")
      .replace("required: [message]", "required: [text]")
      .replace(/( {8})message:\n( {10}type: string)/, "$1text:\n$2")
      .replace("enum: [P403, P411]", "enum: [P403, P411, P412]");
    expect(revised.match(/FLAT|text:|P412/g)).toHaveLength(3);
    fs.writeFileSync(file, revised);
    const [base, revision] = [path.join(work, "fixture-base.json"), path.join(work, "fixture-revision.json")];
    bundleWorkingTree(fixture, base);
    bundleWorkingTree(edited, revision);
    review = compare(base, revision);
  });
  const rows = (shared: string) =>
    review.changes.filter((c) => c.shared === shared).map(({ level, kind, where }) => ({ level, kind, where }));

  it("a narrowed enum is breaking under each request that reaches it, however deep; its new value a warning for the webhook", () => {
    expect(rows("components/schemas/Kind · enum")).toEqual([
      {
        level: "breaking",
        kind: "modified",
        where: "POST /things › requestBody/content/application/json/schema/properties/kind · enum",
      },
      {
        level: "breaking",
        kind: "modified",
        where:
          "PUT /things/{id} › requestBody/content/application/json/schema/properties/details/properties/kind · enum",
      },
      {
        level: "warning",
        kind: "modified",
        where: "POST webhook thingAdded › requestBody/content/application/json/schema/properties/kind · enum",
      },
    ]);
    const details = (where: RegExp) => review.changes.find((c) => where.test(c.where))!.details;
    expect(details(/^PUT .*kind · enum/)).toBe("Enum of `kind` lost values: 'ROUND'."); // the request's side only
    expect(details(/^POST webhook .*kind · enum/)).toBe("Enum of `kind` gained values: 'FLAT'.");
  });

  it("a rename is one row per use: no removed, added or `required` rows besides", () => {
    expect(rows("components/schemas/Note/properties/message")).toEqual(
      [
        "POST /things › responses/200/content/application/json/schema/properties/message",
        "PUT /things/{id} › responses/200/content/application/json/schema/properties/message",
        "POST webhook thingAdded › requestBody/content/application/json/schema/properties/note/properties/message",
      ].map((where) => ({ level: "breaking", kind: "renamed", where })),
    );
    expect(review.changes.filter((c) => /Note|message|text/.test(`${c.shared} ${c.details}`))).toHaveLength(3);
  });

  it("a new P-code in a shared response is a warning under each operation", () => {
    expect(rows("components/schemas/ErrorBody/properties/errorCode · enum").map((r) => [r.level, r.where])).toEqual([
      ["warning", "POST /things › responses/400/content/application/json/schema/properties/errorCode · enum"],
      ["warning", "PUT /things/{id} › responses/400/content/application/json/schema/properties/errorCode · enum"],
    ]);
    expect(review.changes).toHaveLength(8);
  });
});

describe("the verdict", () => {
  const change = (level: Change["level"], where: string): Change => ({
    section: "Responses",
    level,
    kind: "removed",
    where,
    details: `${where} went.`,
  });
  const breaking = { changes: [change("breaking", "a"), change("info", "b")], versions: ["1.4.2", "1.4.3"] };
  const label = ["breaking-change-approved"];

  it("fails on a breaking change without approval, and names what is missing: the label and the bump", () => {
    const result = verdict(breaking);
    expect(result).toMatchObject({ passes: false, open: 1, needed: "major", actual: "patch", bumped: false });
    expect(result.missing).toEqual([
      expect.stringMatching(/^the `breaking-change-approved` label for 1 breaking change\(s\), or an entry for each/),
      expect.stringMatching(/^the major bump the breaking change\(s\) need: set 2\.0\.0 in package\.json/),
    ]);
    expect(formatReport(result, "main")).toContain("Still missing:\n- the `breaking-change-approved` label");
  });

  it("with the label but no bump, says only that the bump is missing", () => {
    const result = verdict(breaking, { labels: label });
    expect(result.passes).toBe(false);
    expect(result.missing).toEqual([
      "the major bump the breaking change(s) need: set 2.0.0 in package.json and openapi/openapi.yaml (now 1.4.3, a patch bump); the label is there",
    ]);
  });

  it("with the bump but no label, says only that the label is missing", () => {
    const result = verdict({ ...breaking, versions: ["1.4.2", "2.0.0"] });
    expect(result.passes).toBe(false);
    expect(result.missing).toHaveLength(1);
    expect(result.missing[0]).toMatch(/^the `breaking-change-approved` label .*\(the version bump is there\)/);
  });

  it("passes with the label and the bump it needs", () => {
    const result = verdict({ ...breaking, versions: ["1.4.2", "2.0.0"] }, { labels: label });
    expect(result).toMatchObject({ passes: true, approved: true, missing: [] });
    expect(formatReport(result, "main")).toContain("The breaking changes are approved");
  });

  it("needs the bump for warnings too: a minor from 1.0.0, a patch before", () => {
    const warning = change("warning", "w");
    expect(verdict({ changes: [warning], versions: ["1.4.2", "1.4.2"] })).toMatchObject({
      passes: false,
      needed: "minor",
      missing: [
        "the minor bump that 1 warning(s) need (new values clients may not handle): set 1.5.0 in package.json and openapi/openapi.yaml (now 1.4.2)",
      ],
    });
    expect(verdict({ changes: [warning], versions: ["1.4.2", "1.5.0"] }).passes).toBe(true);
    expect(verdict({ changes: [warning], versions: ["0.2.0", "0.2.0"] })).toMatchObject({
      passes: false,
      needed: "patch",
    });
    expect(verdict({ changes: [warning], versions: ["0.2.0", "0.2.1"] }).passes).toBe(true);
    // Info changes get a recommended bump, not a failure.
    expect(
      verdict({ changes: [{ ...change("info", "d"), kind: "modified" }], versions: ["0.2.0", "0.2.0"] }),
    ).toMatchObject({ passes: true, needed: "patch", bumped: false });
  });

  it("knows the bump each change needs, and semver's rule before 1.0.0", () => {
    expect(neededBump([change("breaking", "x")], "1.0.0")).toBe("major");
    expect(neededBump([change("breaking", "x")], "0.2.0")).toBe("minor");
    expect(neededBump([{ ...change("breaking", "x"), accepted: "Never sent." }], "0.2.0")).toBe("patch");
    expect(neededBump([change("warning", "x")], "1.0.0")).toBe("minor");
    expect(neededBump([change("warning", "x")], "0.2.0")).toBe("patch");
    expect(neededBump([{ ...change("info", "x"), kind: "modified" }], "1.0.0")).toBe("patch");
    expect(actualBump("0.2.0", "0.3.0")).toBe("minor");
    expect(actualBump("0.2.0", "0.2.0")).toBe("none");
    expect(actualBump("1.2.0", "1.1.9")).toBe("none");
  });

  it("writes a CHANGELOG entry: breaking first, then new values, additions, and a count of the rest", () => {
    const entry = changelogEntry({
      changes: [
        { ...change("info", "d"), kind: "modified", details: "Operation modified" },
        { ...change("warning", "w"), details: "Enum of `errorCode` gained values: 'P412'." },
        change("breaking", "a"),
        { ...change("breaking", "a2"), details: "a went." },
      ],
      versions: ["1.4.2", "2.0.0"],
    });
    expect(entry).toBe(
      [
        "## 2.0.0",
        "",
        "- **Breaking:** `a`, `a2`: a went.",
        "- New values: `w`: enum of `errorCode` gained values: 'P412'.",
        "- 1 other change(s): descriptions, examples and schema details (see the review).",
      ].join("\n"),
    );
  });

  it("heads the CHANGELOG entry with the version the change needs, not the current one", () => {
    const heading = (changes: Change[], versions: string[]) => changelogEntry({ changes, versions }).split("\n")[0];
    expect(heading([change("breaking", "a")], ["0.2.0", "0.2.0"])).toBe("## 0.3.0");
    expect(heading([change("breaking", "a")], ["1.4.2", "1.4.3"])).toBe("## 2.0.0");
    expect(heading([change("warning", "w")], ["0.2.0", "0.2.0"])).toBe("## 0.2.1");
    expect(heading([change("warning", "w")], ["0.2.0", "0.3.0"])).toBe("## 0.3.0"); // already enough
    expect(formatReport(verdict(breaking), "main")).toContain("```markdown\n## 2.0.0\n");
  });
});

describe("exceptions", () => {
  const change = (where: string, shared?: string): Change => ({
    section: "Responses",
    level: "breaking",
    kind: "removed",
    where,
    details: `${where} went.`,
    ...(shared ? { shared } : {}),
  });
  const changes = [
    change("POST /v1/user › responses/202"),
    change("POST /v1/user/verification › requestBody/documentType · enum", "components/schemas/DocumentType · enum"),
    change("POST /v1/user/kyc-files › requestBody/documentType · enum", "components/schemas/DocumentType · enum"),
  ];
  const at = (version: string) => ({ changes, versions: ["0.2.0", version] });

  it("accepts a break for the version it names, showing the reason; a shared component's entry covers every use", () => {
    const result = verdict(at("0.2.0"), {
      exceptions: [
        { where: "POST /v1/user › responses/202", reason: "The API never sent it.", version: "0.2.0" },
        { where: "components/schemas/DocumentType · enum", reason: "Never accepted.", version: "0.2.0" },
      ],
    });
    expect(result).toMatchObject({ passes: true, open: 0, unused: [] });
    expect(formatReport(result, "main")).toContain(
      "| breaking (accepted) | removed | `POST /v1/user › responses/202` | POST /v1/user › responses/202 went. Accepted: The API never sent it. |",
    );
  });

  it("stops matching after its version: the break is open again and the stale entry fails the check", () => {
    const exception = { where: "POST /v1/user › responses/202", reason: "Old.", version: "0.2.0" };
    const result = verdict(at("0.3.0"), { exceptions: [exception] });
    expect(result).toMatchObject({ passes: false, open: 3 });
    expect(result.missing).toContain(
      "the removal of 1 exception(s) in openapi/review-exceptions.yaml that match no change",
    );
    expect(formatReport(result, "main")).toContain(
      "- `POST /v1/user › responses/202` (0.2.0): it was accepted for version 0.2.0 and this change is 0.3.0",
    );
  });

  it("reads a commit id of digits alone, leading zero and all, as the text it is", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "p100-exceptions-")), "review-exceptions.yaml");
    fs.writeFileSync(file, "- where: POST /v1/user › responses/202\n  reason: Never sent.\n  commit: 0396203\n");
    expect(readExceptions(file)).toEqual([
      { where: "POST /v1/user › responses/202", reason: "Never sent.", commit: "0396203" },
    ]);
  });

  it("names a commit of the change instead, and stops matching once that commit is in the base", () => {
    const exceptions = [{ where: "POST /v1/user › responses/202", reason: "Never sent.", commit: "abc1234" }];
    expect(verdict(at("0.2.0"), { exceptions, inChange: (c) => c === "abc1234" }).open).toBe(2);
    const later = verdict(at("0.2.0"), { exceptions, inChange: () => false });
    expect(later.open).toBe(3);
    expect(later.unused[0]!.hint).toMatch(/^commit abc1234 is not part of this change/);
  });

  it("fails on an exception that matches no change, even with nothing else open", () => {
    const result = verdict(
      { changes: [], versions: ["0.2.0", "0.2.0"] },
      { exceptions: [{ where: "gone", reason: "Old.", version: "0.2.0" }] },
    );
    expect(result.passes).toBe(false);
    expect(formatReport(result, "main")).toContain(
      "Exceptions that match no change (remove them):\n- `gone` (0.2.0)\n",
    );
  });

  it("hints at the change a near-miss meant: same operation another location, or a typo", () => {
    const result = verdict(at("0.2.0"), {
      exceptions: [
        { where: "POST /v1/user › responses/204", reason: "Typo.", version: "0.2.0" },
        { where: "POST /v1/user/verification › responses/400", reason: "Elsewhere.", version: "0.2.0" },
        { where: "components/schemas/DocumentTyp · enum", reason: "Typo.", version: "0.2.0" },
      ],
    });
    expect(result.unused.map((e) => e.hint)).toEqual([
      "same operation, another location: did you mean `POST /v1/user › responses/202`?",
      "same operation, another location: did you mean `POST /v1/user/verification › requestBody/documentType · enum`?",
      "did you mean `components/schemas/DocumentType · enum`?",
    ]);
  });
});

describe("npm run review, on a git repository", () => {
  // A repository like a PR's checkout (as in workflows.test.ts): `main` holds today's spec.
  const repo = path.resolve(import.meta.dirname, "../..");
  const pr = path.join(work, "pr");
  const git = (...args: string[]) => execFileSync("git", args, { cwd: pr, stdio: "pipe", encoding: "utf8" }).trim();
  const review = (...args: string[]) =>
    spawnSync(process.execPath, ["scripts/review.js", ...args], { cwd: pr, encoding: "utf8" });
  const documentType = path.join(pr, "openapi/components/schemas/DocumentType.yaml");
  const exceptions = path.join(pr, "openapi/review-exceptions.yaml");
  beforeAll(() => {
    fs.mkdirSync(pr);
    for (const entry of ["openapi", "redocly.yaml", "package.json"])
      fs.cpSync(path.join(repo, entry), path.join(pr, entry), { recursive: true });
    for (const entry of ["scripts", "src", "node_modules"])
      fs.symlinkSync(path.join(repo, entry), path.join(pr, entry));
    fs.writeFileSync(path.join(pr, ".gitignore"), "scripts\nsrc\nnode_modules\n");
    git("init", "-q", "-b", "main");
    git("add", ".");
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "base");
    git("checkout", "-q", "-b", "pr");
  });

  it("prints the usage for --help, and one line without a stack for each bad argument", () => {
    const help = review("--help");
    expect(help).toMatchObject({ status: 0, stderr: "" });
    expect(help.stdout).toMatch(/^Usage: npm run review -- --base <git-ref> \[options\]\n/);
    expect(help.stdout).toContain("--exceptions <file>");
    for (const [args, message] of [
      [["--bogus"], "unknown option --bogus"],
      [["--base"], "Option '--base <value>' argument missing"],
      [["--base", "main", "extra"], "unexpected argument extra"],
      [[], "--base <git-ref> is required"],
      [["--base", "no-such-ref"], "cannot read the spec at no-such-ref"],
    ] as const) {
      const result = review(...args);
      expect(result.status, args.join(" ")).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr).toMatch(new RegExp(`^review: ${message.replace(/[[\]<>()-]/g, "\\$&")}.*\n$`));
    }
  });

  it("rejects an exception without the version or commit it is accepted for, in one line", () => {
    fs.writeFileSync(exceptions, "- where: POST /v1/user › responses/201\n  reason: Never sent.\n");
    const result = review("--base", "main");
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^review: .*entry 1 needs exactly one of `version` .* or `commit`.*\n$/);
    git("checkout", "--", "openapi/review-exceptions.yaml");
  });

  it("a commit exception accepts its change, and stops matching once that commit is in the base", {
    timeout: 120_000,
  }, () => {
    fs.writeFileSync(documentType, fs.readFileSync(documentType, "utf8").replace("  - RESIDENCE_PERMIT\n", ""));
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "Narrow DocumentType");
    const commit = git("rev-parse", "--short", "HEAD");
    fs.writeFileSync(
      exceptions,
      `- where: components/schemas/DocumentType · enum\n  reason: P100 never accepted it.\n  commit: ${commit}\n`,
    );
    const accepted = review("--base", "main");
    expect(accepted.stderr).toBe("");
    expect(accepted.status).toBe(0);
    expect(accepted.stdout).toContain("**✅ passes**: 3 breaking (3 accepted in openapi/review-exceptions.yaml)");
    expect(accepted.stdout.match(/\| breaking \(accepted\) \|.*Accepted: P100 never accepted it\. \|/g)).toHaveLength(
      3,
    );

    // The change is merged; a later, different break at the same place is not accepted by the old entry.
    git("update-ref", "refs/heads/main", "HEAD");
    fs.writeFileSync(documentType, fs.readFileSync(documentType, "utf8").replace("  - PASSPORT\n", ""));
    const later = review("--base", "main");
    expect(later.status).toBe(1);
    expect(later.stdout).toContain("**❌ fails**: 3 breaking (3 neither accepted nor approved)");
    expect(later.stdout).toContain(
      `- \`components/schemas/DocumentType · enum\` (${commit}): commit ${commit} is not part of this change`,
    );
    expect(later.stderr).toContain("review: missing the removal of 1 exception(s)");
  });
});

describe("CODEOWNERS", () => {
  it("gives the spec and the exceptions file owners, the exceptions file after openapi/ (the last match wins)", () => {
    const lines = fs
      .readFileSync(path.resolve(import.meta.dirname, "../../.github/CODEOWNERS"), "utf8")
      .split("\n")
      .filter((line) => line.trim() && !line.startsWith("#"))
      .map((line) => line.trim().split(/\s+/));
    const owners = (pattern: string) => lines.findLastIndex(([p, ...o]) => p === pattern && o.length > 0);
    expect(owners("/openapi/")).toBeGreaterThanOrEqual(0);
    expect(owners("/openapi/review-exceptions.yaml")).toBeGreaterThan(owners("/openapi/"));
    for (const [, ...o] of lines) for (const owner of o) expect(owner).toMatch(/^@[\w.-]+(\/[\w.-]+)?$/);
  });
});
