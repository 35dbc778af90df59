// The project's own Redocly rules that an assertion in redocly.yaml cannot express (a plugin:
// redocly.yaml `plugins`). `p100/field-has-provenance`: openapi/README.md promises that a field no
// docs version states goes in only as a guess, so a property whose name is not in the rule's
// `documented` list (names some docs version states, ../shared/p100) must carry `x-p100-inferred`,
// itself or on the object (an `allOf` part) that holds it, or `x-p100-observed: true` (recorded
// traffic showed it: `p100-contract learn --apply`, docs/learn.md).

/** @param {{ documented?: string[] }} options */
function fieldHasProvenance({ documented = [] }) {
  const known = new Set(documented);
  return {
    Schema: {
      /** @param {any} schema @param {any} ctx */
      enter(schema, ctx) {
        if (!schema?.properties || typeof schema.properties !== "object" || schema["x-p100-inferred"] !== undefined)
          return;
        for (const [name, property] of Object.entries(schema.properties)) {
          if (known.has(name) || property?.["x-p100-inferred"] !== undefined || property?.["x-p100-observed"] === true)
            continue;
          ctx.report({
            message:
              `Field \`${name}\` is in no docs version that redocly.yaml's field-has-provenance lists: add it to ` +
              "`documented` if a docs version states it, else mark it `x-p100-inferred: <what is guessed>` and name it " +
              "under its operations' x-p100-source `inferred`.",
            location: ctx.location.child(["properties", name]).key(),
          });
        }
      },
    },
  };
}

export default function p100RedoclyRules() {
  return {
    id: "p100",
    rules: { oas3: { "field-has-provenance": fieldHasProvenance } },
  };
}
