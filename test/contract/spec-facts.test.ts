// Facts the docs state that the spec carries as data (`x-p100-*`, see openapi/README.md), and the
// runtime table generated from them (generated/facts.js, read by the sandbox): each value is the
// docs' own, and the spec's prose says the same.
import { describe, expect, it } from "vitest";
import { examples, poaCountries, webhookRetrySchedule } from "../../generated/facts.js";
import { operationsOf } from "../../scripts/spec-walk.js";
import { deref, spec } from "../support/spec.js";

// From the docs (../shared/p100/): "Proof of address (POA) additionally required for: AM AR AZ GE
// IL MD UA" (V1's country list); "Retries after a failed delivery: 2nd ~8 s, 3rd ~16 s, 4th ~32 s,
// 5th ~64 s (final)" (Webhooks page and FAQ, V2–V4).
const documented = { poaCountries: ["AM", "AR", "AZ", "GE", "IL", "MD", "UA"], retries: [8, 16, 32, 64] };

describe("facts the spec states as data", () => {
  it("x-p100-poa-countries (on Add POA File) is V1's list, and the operation's description names it", () => {
    const [addPoaFile, ...others] = operationsOf(spec).filter(({ operation }) => operation["x-p100-poa-countries"]);
    expect(others).toEqual([]);
    expect(addPoaFile?.operation.operationId).toBe("addPoaFile");
    expect(addPoaFile?.operation["x-p100-poa-countries"]).toEqual(documented.poaCountries);
    expect(addPoaFile?.operation.description.replace(/\s+/g, " ")).toContain("AM, AR, AZ, GE, IL, MD and UA (V1)");
    expect(poaCountries).toEqual(documented.poaCountries);
  });

  it("x-p100-webhook-retries is the Webhooks page's schedule, and every webhook's description says so", () => {
    expect(spec["x-p100-webhook-retries"]).toEqual(documented.retries);
    expect(webhookRetrySchedule).toEqual(documented.retries);
    const said = `retries about ${documented.retries.slice(0, -1).join(", ")} and ${documented.retries.at(-1)} seconds`;
    for (const [name, item] of Object.entries<any>(spec.webhooks))
      expect(item.post.description.replace(/\s+/g, " "), name).toContain(`${said} later (5 attempts in all)`);
    expect(spec.tags.find((tag: any) => tag.name === "Webhooks").description.replace(/\s+/g, " ")).toContain(said);
  });

  it("generated/facts.js's examples are components.examples' values", () => {
    for (const [name, entry] of Object.entries<any>(spec.components.examples))
      expect(examples[name], name).toEqual(deref(entry).value);
    expect(Object.keys(examples)).toEqual(Object.keys(spec.components.examples));
  });
});
