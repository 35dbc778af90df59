// learn without sockets: a fake upstream's HAR against the bundled spec gives exactly the
// expected proposals, each with its evidence, and nothing for the garbage.
import fs from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { compareExchange } from "../../src/contract/compare.js";
import { learn, learnSummary } from "../../src/contract/learn.js";
import { applyOverlay } from "../../src/contract/overlay-apply.js";
import { packagedBundle, Spec } from "../../src/contract/spec.js";
import { readTraffic } from "../../src/contract/traffic.js";
import {
  apiKey,
  differing,
  fitting,
  garbage,
  host,
  personal,
  removeTempFolder,
  writeHar,
} from "../support/fake-upstream.js";

afterAll(removeTempFolder);

const spec = Spec.fromFile(packagedBundle);
const today = "2026-12-01";
const har = writeHar([...fitting, ...Object.values(differing), ...garbage]);
const result = learn(spec, [har], today);
const { overlay, learned } = result;
const balances200 = "$['components']['schemas']['UserBalances']";

describe("learn, on a fake upstream's HAR", () => {
  it("proposes exactly one action per change, and tightening last", () => {
    expect(overlay.overlay).toBe("1.0.0");
    expect(overlay.actions.map((a) => [a["x-p100-proposal"].kind, a.target, a.remove ?? a.update])).toEqual([
      ["enum-value", "$['components']['schemas']['KycVerificationStatus']['enum']", "ON_HOLD"],
      [
        "extra-field",
        `${balances200}['properties']`,
        { tier: expect.objectContaining({ type: "string", "x-p100-observed": true }) },
      ],
      ["missing-field", "$['components']['schemas']['KycStatus']['required'][?@ == 'attemptStatus']", true],
      [
        "p-code",
        "$['paths']['/v1/user/balances/crypto-and-fiat']['post']['responses']['400']['content']['application/json']['schema']['allOf'][1]['properties']['errorCode']['enum']",
        "P455",
      ],
      [
        "p-code",
        "$['paths']['/v1/user/balances/crypto-and-fiat']['post']['responses']['400']['content']['application/json']['examples']",
        { P455: { $ref: "#/components/examples/P455" } },
      ],
      [
        "catalogue-entry",
        "$['components']['examples']",
        { P999: expect.objectContaining({ "x-p100-error": expect.objectContaining({ httpStatus: 400 }) }) },
      ],
      [
        "p-code",
        "$['paths']['/v1/user/balances/{externalUserId}']['get']['responses']['400']['content']['application/json']['schema']['allOf'][1]['properties']['errorCode']['enum']",
        "P999",
      ],
      [
        "p-code",
        "$['paths']['/v1/user/balances/{externalUserId}']['get']['responses']['400']['content']['application/json']['examples']",
        { P999: { $ref: "#/components/examples/P999" } },
      ],
      [
        "catalogue-entry",
        "$['components']['examples']",
        { P997: expect.objectContaining({ "x-p100-error": expect.objectContaining({ httpStatus: 409 }) }) },
      ],
      ["status", "$['paths']['/v1/user/balances/{externalUserId}']['get']['responses']", { "409": expect.any(Object) }],
      ["tighten-enum", "$['components']['schemas']['BalanceStatus']['enum'][?@ == 'ACTIVE']", true],
      ["tighten-required", `${balances200}['required']`, "userId"],
    ]);
  });

  it("gives each action its evidence: how many, first and last seen, the host, one exchange to look at", () => {
    const extra = overlay.actions.find((a) => a["x-p100-proposal"].kind === "extra-field")!;
    expect(extra["x-p100-proposal"]).toEqual({
      kind: "extra-field",
      operations: ["/paths/~1v1~1user~1balances~1{externalUserId}/get"],
      evidence: {
        exchanges: 1,
        first: "2026-11-02T09:11:00.000Z",
        last: "2026-11-02T09:11:00.000Z",
        hosts: [host],
        example: "stage.har entry 12: GET /v1/user/balances/{externalUserId} → 200",
        operations: ["getUserBalances"],
      },
    });
    const tighten = overlay.actions.at(-1)!["x-p100-proposal"].evidence;
    expect(tighten.exchanges).toBe(6);
  });

  it("documents a new status with the catalogue's example, and a new P-code's catalogue entry without personal data", () => {
    const status = overlay.actions.find((a) => a["x-p100-proposal"].kind === "status")!.update as any;
    expect(status["409"].content["application/json"].examples).toEqual({
      P997: { $ref: "#/components/examples/P997" },
    });
    expect(status["409"].content["application/json"].schema.allOf[1].properties.errorCode.enum).toEqual(["P997"]);
    const entry = (overlay.actions.find((a) => a["x-p100-proposal"].kind === "catalogue-entry")!.update as any).P999;
    expect(entry.value).toEqual({ errorCode: "P999", errorMessage: "Daily limit reached for <email> (<number>)" });
  });

  it("flags for a person a request the spec refuses but the upstream accepted, and a P-code under another status", () => {
    expect(learned.forReview.map((f) => [f.kind, f.evidence.operations])).toEqual([
      ["other", ["getKycStatus"]],
      ["request-refused", ["createUser"]],
    ]);
    expect(learned.forReview[0]!.summary).toBe(
      "getKycStatus 404: P412 came with HTTP 404, but the P-code catalogue gives it HTTP 400",
    );
    expect(learned.forReview[1]!.summary).toContain('/email must match format "email"');
    expect(overlay["x-p100-for-review"]).toHaveLength(2);
    expect(
      overlay.actions.filter((a) => a.target.includes("requestBody") || a.target.includes("CreateUserRequest")),
    ).toEqual([]);
  });

  it("lists the garbage apart and proposes nothing from it", () => {
    expect(learned.notP100.map((g) => [g.reason, g.evidence.exchanges])).toEqual([
      ["a 200 whose JSON body does not parse", 1],
      ["a 503 from a gateway or server, which P100 does not document", 1],
      ["an HTML page answered 200, not P100's JSON", 1],
      ["an HTML page answered 502, not P100's JSON", 1],
      ["GET /favicon.ico is not an operation of the spec", 1],
    ]);
    const garbageOnly = learn(spec, [writeHar(garbage)], today);
    expect(garbageOnly.overlay.actions).toEqual([]);
    expect(garbageOnly.learned.forReview).toEqual([]);
  });

  it("proposes nothing for answers that fit, and tightens only after enough observations", () => {
    expect(learn(spec, [writeHar(fitting)], today).overlay.actions.map((a) => a["x-p100-proposal"].kind)).toEqual([
      "tighten-enum",
      "tighten-required",
    ]);
    expect(learn(spec, [writeHar(fitting)], today, { minObservations: 6 }).overlay.actions).toEqual([]);
    // One answer with the other balance status is the counterexample: the enum stays as wide.
    const active = structuredClone(fitting[1]!);
    (active.answer as any).fiatBalances[0].status = "ACTIVE";
    const kinds = learn(spec, [writeHar([...fitting, active])], today).overlay.actions.map(
      (a) => a["x-p100-proposal"].kind,
    );
    expect(kinds).toEqual(["tighten-required"]);
    expect(() => learn(spec, [har], today, { minObservations: 1 })).toThrow(/at least 2 observations/);
  });

  it("fits every differing answer once its overlay is applied", () => {
    const applied = new Spec(applyOverlay(spec.bundle, overlay).doc);
    expect(applyOverlay(spec.bundle, overlay).unmatched).toEqual([]);
    const again = readTraffic(writeHar(Object.values(differing)))
      .exchanges.map((e) => compareExchange(applied, e))
      .flatMap((c) =>
        c.observations.filter((o) => !["present", "enum-seen", "request-refused", "other"].includes(o.kind)),
      );
    expect(again).toEqual([]);
  });

  it("writes neither the key nor personal data", () => {
    const written = JSON.stringify(overlay) + learnSummary(result);
    for (const secret of [apiKey, personal.email, personal.phone]) expect(written).not.toContain(secret);
  });

  it("refuses what is not a HAR file, in one line", () => {
    const file = `${har}.txt`;
    fs.writeFileSync(file, "[]");
    expect(() => learn(spec, [file], today)).toThrow(/is none of: har$/);
    expect(() => learn(spec, [], today)).toThrow("learn needs at least one HAR file");
  });
});
