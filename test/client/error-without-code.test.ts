// A documented 4xx without a P-code (the mock's refusal of a bad `Prefer` is one) keeps its
// outcome, `error`, with `errorCode` undefined and the difference in `drift`: what the types say
// (`errorCode` is optional, test/client/generic-results.test-d.ts).
import { expect, it } from "vitest";
import { createP100Client } from "../../src/index.js";

it("a 400 without errorCode is the documented error, errorCode undefined, drift naming it", async () => {
  const body = { errorMessage: "Prefer: example=P999 is not an example of this response" };
  const client = createP100Client({ apiKey: "k", fetch: async () => Response.json(body, { status: 400 }) });
  const result = await client.POST("/v1/user/balances/extended", { body: { externalUserId: "u" } });
  expect(result).toMatchObject({ outcome: "error", status: 400, error: body, drift: ["`errorCode` is missing"] });
  expect(result.status === 400 && result.error.errorCode).toBeUndefined();
});
