// Meta-tests over the bundled spec: the promises the contract tests rely on.
import { describe, expect, it } from "vitest";
import { operationsOf } from "../../scripts/spec-walk.js";
import { spec } from "../support/spec.js";
import { specProblems } from "../support/spec-problems.js";

const copy = () => structuredClone(spec);
const extend = (doc: any) => doc.paths["/v1/user/balances/extended"].post;

describe("the bundled spec", () => {
  it("has an example on every body and parameter, each valid against its own schema, and a consistent P-code catalogue", () => {
    expect(specProblems(spec)).toEqual([]);
  });

  it("lists every P-code in the catalogue with its HTTP status and where it is documented", () => {
    const catalogue = Object.entries<any>(spec.components.examples).filter(([, e]) => e["x-p100-error"]);
    expect(catalogue.map(([code]) => code)).toEqual(
      expect.arrayContaining([
        "P210",
        "P211",
        "P403",
        "P411",
        "P412",
        "P426",
        "P440",
        "P444",
        "P445",
        "P447",
        "P455",
        "P458",
        "P459",
        "P460",
        "P500",
        "P501",
      ]),
    );
    for (const [code, entry] of catalogue) {
      expect(entry.value.errorCode).toBe(code);
      expect(entry["x-p100-error"].documentedOn).toBeTruthy();
    }
  });

  it("lists no 429 or 5xx, and each operation's x-p100-source and info.description say why", () => {
    for (const { operation } of operationsOf(spec)) {
      expect(Object.keys(operation.responses).filter((status) => /^(429|5..|5XX)$/.test(status))).toEqual([]);
      expect(operation["x-p100-source"].inferred).toContainEqual(expect.stringMatching(/^No `429` or `5xx` is listed/));
    }
    expect(spec.info.description).toContain("No operation lists a `429` or a `5xx`");
  });

  describe("the checker catches", () => {
    it("a response without an example", () => {
      const doc = copy();
      delete extend(doc).responses["201"].content["application/json"].examples;
      expect(specProblems(doc)).toContain("extendUser 201: no example");
    });

    it("an example that breaks its schema", () => {
      const doc = copy();
      extend(doc).responses["201"].content["application/json"].examples.success = { value: { message: 42 } };
      expect(specProblems(doc).join("\n")).toMatch(/extendUser 201 example success: .*must be string/);
    });

    it("an errorCode the response does not allow, and an allowed code without an example", () => {
      const doc = copy();
      const examples = extend(doc).responses["400"].content["application/json"].examples;
      examples.P444 = { value: { errorCode: "P411", errorMessage: "x" } };
      expect(specProblems(doc)).toEqual(
        expect.arrayContaining([
          "extendUser 400 example P444: named other than its errorCode P411",
          "extendUser 400: P444 has no example",
        ]),
      );
    });

    it("a deviation that cites a page the operation does not follow", () => {
      const doc = copy();
      extend(doc)["x-p100-source"].deviations = [
        { documented: "externalUserId is a uuid", reason: "r", source: "https://example.org/elsewhere" },
      ];
      expect(specProblems(doc)).toContain(
        'extendUser: the deviation "externalUserId is a uuid" cites https://example.org/elsewhere, not one of its docs',
      );
    });

    it("a P-code used under another status than the catalogue's", () => {
      const doc = copy();
      doc.components.examples.P458["x-p100-error"].httpStatus = 409;
      expect(specProblems(doc)).toContain("extendUser 400: the catalogue gives P458 HTTP 409");
    });
  });
});
