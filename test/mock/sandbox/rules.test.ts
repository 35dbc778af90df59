// The sandbox's rules as a unit (src/mock/sandbox/rules.ts): a World built in memory, no endpoint
// (so a delivery's attempt opens no socket), each operation decided directly. Covers each typed
// outcome (changed, unchanged, refused) of the P100 API's rules and of the control API's decisions
// and seeds, the decisions the hosted page and the dashboard read, and the decision lists
// against openapi/sandbox.yaml's enums.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  decide,
  decisionKinds,
  decisionsNow,
  kycDecisionsNow,
  type Outcome,
  type RuleContext,
  ruleFor,
  rules,
} from "../../../src/mock/sandbox/rules.js";
import { World } from "../../../src/mock/sandbox/world.js";

const sandboxSpec = JSON.parse(readFileSync(new URL("../../../generated/sandbox.json", import.meta.url), "utf8")) as {
  paths: Record<string, unknown>;
};

/** A person as Create user takes it. */
const person = (externalUserId: string, country = "PL") => ({ externalUserId, country, firstName: "Ada" });

/** Decides `operation` for the user, as the P100 API or the control API would. */
function run(
  world: World,
  operation: string,
  externalUserId: string,
  { body = {}, decision }: { body?: Record<string, unknown>; decision?: string } = {},
): Outcome {
  const ctx: RuleContext = {
    world,
    externalUserId,
    body,
    user: world.users.get(externalUserId),
    params: decision ? { decision } : {},
  };
  const decided = decide(operation, ctx);
  if (!decided) throw new Error(`no rule for ${operation}`);
  return decided.outcome;
}

/** A world with one KYC user, created through the rules. */
function withUser(externalUserId = "u1", country = "PL") {
  const world = new World("test-world");
  expect(run(world, "createUser", externalUserId, { body: person(externalUserId, country) }).kind).toBe("changed");
  return { world, user: () => world.users.get(externalUserId)! };
}

const webhooksOf = (world: World) => world.deliveries.map((d) => `${d.webhook} ${String(d.payload.status ?? "")}`);

describe("the table", () => {
  it("gives every rule one of the three outcomes, and a refusal no effect", () => {
    expect(new Set(rules.map((r) => r.outcome))).toEqual(new Set(["changed", "unchanged", "refused"]));
    const { world, user } = withUser();
    run(world, "createKycVerification", "u1");
    const before = structuredClone(user());
    const deliveries = world.deliveries.length;
    let refusals = 0;
    for (const operation of new Set(rules.map((r) => r.operation)))
      for (const externalUserId of ["u1", "nobody"])
        for (const decision of ["approve", "reject", "expire", "question"]) {
          const ctx: RuleContext = {
            world,
            externalUserId,
            body: {},
            user: world.users.get(externalUserId),
            params: { decision },
          };
          const rule = ruleFor(operation, ctx);
          if (rule?.outcome !== "refused") continue;
          expect(rule.refuse(ctx).reason).not.toBe("");
          refusals++;
        }
    expect(refusals).toBeGreaterThan(20);
    expect(user()).toEqual(before);
    expect(world.deliveries).toHaveLength(deliveries);
  });

  it("lists the control API's decisions exactly as openapi/sandbox.yaml's enums", () => {
    for (const [kind, { operation, decisions }] of Object.entries(decisionKinds)) {
      const [, item] = Object.entries(sandboxSpec.paths).find(([p]) => p.endsWith(`/${kind}/{decision}`)) ?? [];
      const post = (item as { post: { operationId: string; parameters: unknown[] } }).post;
      expect(post.operationId).toBe(operation);
      const parameter = post.parameters.find((p) => (p as { name?: string }).name === "decision") as {
        schema: { enum: string[] };
      };
      expect([...decisions]).toEqual(parameter.schema.enum);
    }
  });
});

describe("the P100 API's rules", () => {
  it("changes: creates a user; refuses the same externalUserId again with P411, changing nothing", () => {
    const { world, user } = withUser();
    const before = structuredClone(user());
    expect(run(world, "createUser", "u1", { body: person("u1", "UA") })).toMatchObject({
      kind: "refused",
      reason: "P411",
      answer: { status: 400, body: { errorCode: "P411" } },
    });
    expect(user()).toEqual(before);
  });

  it("answers unchanged: Get User Balances reads the state", () => {
    const { world, user } = withUser();
    const before = structuredClone(user());
    const outcome = run(world, "getUserBalances", "u1");
    expect(outcome).toMatchObject({ kind: "unchanged", answer: { status: 200, body: { userId: user().userId } } });
    expect(user()).toEqual(before);
  });

  it("refuses an unknown user with P412", () => {
    expect(run(new World("test-world"), "updateUser", "nobody")).toMatchObject({ kind: "refused", reason: "P412" });
  });

  it("suspends: a suspended user's change is refused with P455, a second suspension too; unsuspend lifts it", () => {
    const { world, user } = withUser();
    expect(run(world, "suspendUser", "u1").kind).toBe("changed");
    expect(user().suspended).toBe(true);
    expect(run(world, "updateUser", "u1", { body: { country: "UA" } })).toMatchObject({
      kind: "refused",
      reason: "P455",
    });
    expect(user().country).toBe("PL");
    expect(run(world, "suspendUser", "u1")).toMatchObject({ kind: "refused", reason: "P455" });
    expect(run(world, "unsuspendUser", "u1").kind).toBe("changed");
    expect(user().suspended).toBe(false);
  });
});

describe("the control API's decisions", () => {
  it("Method A: refuses while nothing is pending, approves a pending verification and generates the balances", () => {
    const { world, user } = withUser();
    expect(run(world, "decideVerification", "u1", { decision: "approve" })).toEqual({
      kind: "refused",
      reason: "u1 has no pending verification",
      answer: { status: 409, body: { message: "u1 has no pending verification" } },
    });
    expect(decisionsNow(world, user()).verification).toEqual([]);
    expect(run(world, "addUserVerification", "u1").kind).toBe("changed");
    expect(user().verification).toBe("pending");
    expect(decisionsNow(world, user()).verification).toEqual(["approve", "reject"]);
    const approved = run(world, "decideVerification", "u1", { decision: "approve" });
    expect(approved).toMatchObject({ kind: "changed", answer: { status: 200, body: { verification: "approved" } } });
    expect(user()).toMatchObject({ verification: "approved", balancesGenerated: true });
    expect(webhooksOf(world)).toEqual(["userBalanceGeneration ACTIVE"]);
    expect(run(world, "decideVerification", "u1", { decision: "reject" }).kind).toBe("refused");
  });

  it("Method A: a rejection changes the user and sends no webhook", () => {
    const { world, user } = withUser();
    run(world, "addUserVerification", "u1");
    expect(run(world, "decideVerification", "u1", { decision: "reject" }).kind).toBe("changed");
    expect(user().verification).toBe("rejected");
    expect(world.deliveries).toEqual([]);
  });

  it("POA: refuses while none waits; questions a waiting one, with its webhook", () => {
    const { world, user } = withUser("u2", "UA");
    expect(run(world, "decidePoa", "u2", { decision: "approve" })).toMatchObject({
      kind: "refused",
      answer: { status: 409, body: { message: "u2 has no pending POA" } },
    });
    expect(run(world, "addPoaFile", "u2").kind).toBe("changed");
    expect(decisionsNow(world, user()).poa).toEqual(["approve", "reject", "question"]);
    expect(run(world, "decidePoa", "u2", { decision: "question" }).kind).toBe("changed");
    expect(user().poa).toBe("QUESTIONED");
    expect(webhooksOf(world)).toEqual(["poaVerificationStatus WAITING", "poaVerificationStatus QUESTIONED"]);
    expect(decisionsNow(world, user()).poa).toEqual([]);
  });

  it("KYC by P100: the decisions taken and refused follow the attempt, with the refusals' reasons", () => {
    const { world, user } = withUser();
    expect(run(world, "decideKycVerification", "u1", { decision: "approve" })).toMatchObject({
      kind: "refused",
      answer: { status: 409 },
    });
    run(world, "createKycVerification", "u1", { body: { documentType: "PASSPORT" } });
    expect(kycDecisionsNow(world, user())).toEqual({ taken: ["approve", "reject", "expire"], refused: [] });
    const rejected = run(world, "decideKycVerification", "u1", {
      decision: "reject",
      body: { rejectionReason: "FACE_MISMATCH" },
    });
    expect(rejected.kind).toBe("changed");
    expect(user().kyc).toMatchObject({ attemptStatus: "REJECTED_BY_PROVIDER", rejectionReason: "FACE_MISMATCH" });
    const decided = kycDecisionsNow(world, user());
    expect(decided.taken).toEqual(["expire"]);
    expect(decided.refused).toEqual([
      "u1's attempt is already REJECTED_BY_PROVIDER: only expire is left, or open a new verification with Creating KYC Verification (POST /v1/kyc)",
    ]);
    expect(run(world, "decideKycVerification", "u1", { decision: "expire" }).kind).toBe("changed");
    expect(kycDecisionsNow(world, user())).toEqual({
      taken: [],
      refused: ["u1's verification EXPIRED: open a new one with Creating KYC Verification (POST /v1/kyc)"],
    });
    expect(decisionsNow(world, user()).kyc).toEqual([]);
  });

  it("seeds balances only once they exist, in the user's own currencies", () => {
    const { world, user } = withUser();
    const seed = (amounts: Record<string, string>) => run(world, "seedBalances", "u1", { body: { amounts } });
    expect(seed({ eur: "1.00" })).toMatchObject({ kind: "refused", answer: { status: 409 } });
    run(world, "addUserVerification", "u1");
    run(world, "decideVerification", "u1", { decision: "approve" });
    expect(seed({ xyz: "1.00" })).toMatchObject({ kind: "refused", answer: { status: 400 } });
    expect(seed({ eur: "125.50" }).kind).toBe("changed");
    expect(user().balances.fiatBalances).toContainEqual(expect.objectContaining({ name: "eur", amount: "125.50" }));
  });

  it("seeds transactions up to the cap, and refuses more", () => {
    const { world, user } = withUser();
    const seed = (count: number) =>
      run(world, "seedTransactions", "u1", {
        body: { transactions: Array.from({ length: count }, () => ({ amount: 1, currency: "eur", status: "OK" })) },
      });
    expect(seed(1000).kind).toBe("changed");
    expect(seed(1)).toMatchObject({ kind: "refused", answer: { status: 400 } });
    expect(user().transactions).toHaveLength(1000);
  });

  it("refuses an unknown user with 404, as the control API answers it", () => {
    expect(run(new World("test-world"), "failNextKycFile", "nobody")).toMatchObject({
      kind: "refused",
      answer: { status: 404, body: { message: "no user nobody" } },
    });
  });
});
