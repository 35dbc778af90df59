// Each of our configurable rules in redocly.yaml must report on a fixture that breaks it: a rule
// that never fires would let a convention slip through review silently.
import { describe, expect, it } from "vitest";
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
  ])("%s reports at %s", (ruleId, pointer) => {
    expect(reported(ruleId)).toContain(pointer);
  });
  // The real spec is `npm run lint:spec`, part of npm test: recommended-strict and our rules make
  // every problem an error, so a warning fails it too.
});
