// The sandbox as one state machine: every change of a user is a rule of one table, the P100 API's
// operations (rules/onboarding.ts, rules/account.ts) and the control API's decisions and seeds
// (rules/control-api.ts). For each operation, the first rule whose condition holds gives the
// outcome, typed (rules/kit.ts): `changed`, `unchanged` or `refused`. docs/sandbox.md's tables are
// written from this one (scripts/generate-rules-table.js; `npm run check:generated` fails when stale).
// The rules import no node: module (Web Crypto's randomUUID), for the in-browser mocks to come.

import { accountRules } from "./rules/account.js";
import { controlRules } from "./rules/control-api.js";
import type { Outcome, Rule, RuleContext } from "./rules/kit.js";
import { onboardingRules } from "./rules/onboarding.js";
import type { StoredUser, World } from "./world.js";

export type { Answer, Outcome, Refusal, Rule, RuleContext } from "./rules/kit.js";

export const rules: Rule[] = [...onboardingRules, ...accountRules, ...controlRules];

/** The rules of each operation, in the table's order. */
const byOperation = new Map<string, Rule[]>();
for (const rule of rules) byOperation.set(rule.operation, [...(byOperation.get(rule.operation) ?? []), rule]);

/** The first rule of `operation` that applies, if the operation has rules. */
export function ruleFor(operation: string, ctx: RuleContext): Rule | undefined {
  return byOperation.get(operation)?.find((r) => r.applies(ctx));
}

/** The rule's outcome: it changes the world when its kind is `changed`. */
function run(rule: Rule, ctx: RuleContext): Outcome {
  switch (rule.outcome) {
    case "changed":
      return { kind: "changed", answer: rule.change(ctx) };
    case "unchanged":
      return { kind: "unchanged", answer: rule.read(ctx) };
    case "refused": {
      const { reason, ...answer } = rule.refuse(ctx);
      return { kind: "refused", answer, reason };
    }
  }
}

/** The first rule that applies and its outcome (which holds the answer); undefined for an operation without rules. */
export function decide(operation: string, ctx: RuleContext): { rule: Rule; outcome: Outcome } | undefined {
  const rule = ruleFor(operation, ctx);
  if (!rule) return undefined;
  return { rule, outcome: run(rule, ctx) };
}

/**
 * The decisions of the control API (its path's `{decision}`, as openapi/sandbox.yaml's enums list
 * them; a test keeps them equal), by the path's kind, with the operation that takes them.
 */
export const decisionKinds = {
  verification: { operation: "decideVerification", decisions: ["approve", "reject"] },
  poa: { operation: "decidePoa", decisions: ["approve", "reject", "question"] },
  kyc: { operation: "decideKycVerification", decisions: ["approve", "reject", "expire"] },
} as const;

export type DecisionKind = keyof typeof decisionKinds;

/** Each decision of `kind` with the rule that would take it for this user now (nothing is changed). */
function rulesNow(world: World, user: StoredUser, kind: DecisionKind) {
  const { operation, decisions } = decisionKinds[kind];
  return decisions.map((decision) => {
    const ctx: RuleContext = { world, externalUserId: user.externalUserId, user, body: {}, params: { decision } };
    return { decision, ctx, rule: ruleFor(operation, ctx) };
  });
}

/** The decisions the rules take for this user now, by kind: those whose rule is no refusal. */
export function decisionsNow(world: World, user: StoredUser): Record<DecisionKind, string[]> {
  const taken = (kind: DecisionKind) =>
    rulesNow(world, user, kind).flatMap(({ decision, rule }) => (rule && rule.outcome !== "refused" ? [decision] : []));
  return { verification: taken("verification"), poa: taken("poa"), kyc: taken("kyc") };
}

/**
 * Which KYC by P100 decisions the rules take for this user now, and why the others are refused
 * (their refusals' reasons): the hosted page shows a button for each decision taken, and says why
 * the rest are not. Nothing is changed: a refusal has no effect.
 */
export function kycDecisionsNow(world: World, user: StoredUser): { taken: string[]; refused: string[] } {
  const taken: string[] = [];
  const refused = new Set<string>();
  for (const { decision, ctx, rule } of rulesNow(world, user, "kyc")) {
    if (rule?.outcome === "refused") refused.add(rule.refuse(ctx).reason);
    else taken.push(decision);
  }
  return { taken, refused: [...refused] };
}
