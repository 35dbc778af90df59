// Each of our configurable rules in redocly.yaml must report on a fixture that breaks it: a rule
// that never fires would let a convention slip through review silently.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { redocly } from "../../scripts/toolchain.js";

type Problem = { ruleId: string; severity: string; location: { pointer: string }[] };

/** Every problem Redocly reports for a file, warnings included (exit code ignored). */
function lint(file: string): Problem[] {
  return JSON.parse(redocly(["lint", file, "--format", "json"], { failureIsAnswer: true })).problems;
}

describe("redocly.yaml conventions", () => {
  const problems = lint("test/fixtures/lint/breaks-every-convention.yaml");
  const reported = (ruleId: string) => problems.filter((p) => p.ruleId === ruleId).map((p) => p.location[0]!.pointer);
  const post = "#/paths/~1v1~1no-conventions/post";

  it.each([
    ["rule/operation-has-operation-id", `${post}/operationId`],
    ["rule/operation-has-summary", `${post}/summary`],
    ["rule/operation-has-description", `${post}/description`],
    ["rule/operation-has-tags", `${post}/tags`],
    ["rule/operation-has-p100-source", `${post}/x-p100-source/docs`],
    ["rule/operation-has-p100-source", "#/paths/~1v1~1deviation-without-reason/get/x-p100-source/deviations/0"],
    ["rule/operation-has-p100-source", "#/webhooks/withoutSource/post/x-p100-source"],
    ["rule/operation-has-401", `${post}/responses`],
    ["rule/response-content-has-example", `${post}/requestBody/content/application~1json`],
    [
      "rule/error-example-code-is-p-code",
      `${post}/responses/200/content/application~1json/examples/bad/value/errorCode`,
    ],
    ["rule/server-is-https", "#/servers/0/url"],
    ["rule/operation-has-p100-source", "#/paths/~1v1~1deviation-without-reason/get/x-p100-source/inferredParts/0"],
    ["p100/field-has-provenance", `${post}/requestBody/content/application~1json/schema/properties/nickname`],
  ])("%s reports at %s", (ruleId, pointer) => {
    expect(reported(ruleId)).toContain(pointer);
  });

  it("p100/field-has-provenance passes a documented name and a field or part marked x-p100-inferred", () => {
    expect(reported("p100/field-has-provenance")).toEqual([
      `${post}/requestBody/content/application~1json/schema/properties/nickname`,
    ]);
  });
  // The real spec is `npm run lint:spec`, part of npm test: recommended-strict and our rules make
  // every problem an error, so a warning fails it too.
});

describe("npm run lint:spec lints the bundle as it ships", () => {
  it("with Redocly (redocly.yaml's apis) and Spectral, and both fail a component nothing references", () => {
    const config = parseYaml(readFileSync("redocly.yaml", "utf8"));
    expect(Object.values<{ root: string }>(config.apis).map((api) => api.root)).toContain("generated/openapi.yaml");
    const script = JSON.parse(readFileSync("package.json", "utf8")).scripts["lint:spec"];
    expect(script).toMatch(/spectral lint generated\/openapi\.yaml generated\/openapi\.json --fail-severity warn/);

    const fixture = "test/fixtures/lint/unused-component.yaml";
    expect(lint(fixture).filter((p) => p.ruleId === "no-unused-components")).toHaveLength(1);
    const spectral = spawnSync(
      "node_modules/.bin/spectral",
      ["lint", fixture, "--fail-severity", "warn", "--format", "json", "--quiet"],
      { encoding: "utf8" },
    );
    expect(spectral.status).toBe(1);
    expect(JSON.parse(spectral.stdout).map((p: { code: string }) => p.code)).toEqual(["oas3-unused-component"]);
  });
});
