// The lifecycle rules of the control API's operations that change a user (openapi/sandbox.yaml):
// the decisions a test or a page takes in the provider's or P100's place (Method A's
// verification, KYC by P100, the POA) and the seeded state (balances, transactions, a failing
// KYC upload). Each decision is a path's `{decision}`, in ctx.params. Gathered with the P100
// API's rules in src/mock/sandbox/rules.ts; src/mock/sandbox/control/ validates and routes.
import { defaultRejectionReason } from "../kyc-pages.js";
import { publicUser } from "../world.js";
import { decidePoa, generateBalances, processKycAttempt, sendKycStatus } from "./effects.js";
import { known, kycOf, noSandboxUser, type Rule, type RuleContext, refusal } from "./kit.js";

/** The most transactions one user keeps (seeded through the control API). */
const maxTransactionsPerUser = 1000;

const decision = (ctx: RuleContext) => ctx.params?.decision;
const userState = (ctx: RuleContext) => ({ status: 200, body: publicUser(known(ctx)) });
/** A user's balances, fiat then crypto, as seeding reads and writes them. */
const balancesOf = (ctx: RuleContext) =>
  [...known(ctx).balances.fiatBalances, ...known(ctx).balances.cryptoBalances] as { name: string; amount: string }[];
/** A KYC attempt still open: the provider has not decided it. */
const attemptOpen = (ctx: RuleContext) => ["PENDING", "VERIFICATION"].includes(kycOf(known(ctx)).attemptStatus);

export const controlRules: Rule[] = [
  noSandboxUser("decideVerification"),
  {
    operation: "decideVerification",
    when: "no Method A verification is pending",
    result: "409",
    source: "inferred",
    applies: (ctx) => known(ctx).verification !== "pending",
    outcome: "refused",
    refuse: (ctx) => refusal(409, `${ctx.externalUserId} has no pending verification`),
  },
  {
    // No KYC Verification Status webhook: the docs document it for KYC by P100 (Method B) only.
    operation: "decideVerification",
    when: "approve",
    result:
      "200; the user is verified; the balances are generated, and a User Balance Generation webhook ACTIVE follows",
    source: "documented",
    evidence: "V4: balances are generated at verification",
    applies: (ctx) => decision(ctx) === "approve",
    outcome: "changed",
    change: (ctx) => {
      known(ctx).verification = "approved";
      generateBalances(ctx.world, known(ctx));
      return userState(ctx);
    },
  },
  {
    // No webhook reporting a Method A decision is documented, so a rejection sends none.
    operation: "decideVerification",
    when: "reject",
    result: "200; the verification is rejected; no webhook",
    source: "inferred",
    applies: (ctx) => decision(ctx) === "reject",
    outcome: "changed",
    change: (ctx) => {
      known(ctx).verification = "rejected";
      return userState(ctx);
    },
  },
  noSandboxUser("decideKycVerification"),
  {
    operation: "decideKycVerification",
    when: "no verification was created",
    result: "409",
    source: "inferred",
    applies: (ctx) => !known(ctx).kyc,
    outcome: "refused",
    refuse: (ctx) =>
      refusal(
        409,
        `${ctx.externalUserId} has no KYC verification: open one with Creating KYC Verification (POST /v1/kyc)`,
      ),
  },
  {
    operation: "decideKycVerification",
    when: "the verification expired",
    result: "409: the user must verify again, with a new verification (Creating KYC Verification)",
    source: "inferred",
    applies: (ctx) => kycOf(known(ctx)).verificationStatus === "EXPIRED",
    outcome: "refused",
    refuse: (ctx) =>
      refusal(
        409,
        `${ctx.externalUserId}'s verification EXPIRED: open a new one with Creating KYC Verification (POST /v1/kyc)`,
      ),
  },
  {
    operation: "decideKycVerification",
    when: "expire",
    result: "200; the verification is EXPIRED (the user must verify again); a KYC Verification Status webhook",
    source: "documented",
    applies: (ctx) => decision(ctx) === "expire",
    outcome: "changed",
    change: (ctx) => {
      kycOf(known(ctx)).verificationStatus = "EXPIRED";
      sendKycStatus(ctx.world, known(ctx));
      return userState(ctx);
    },
  },
  {
    operation: "decideKycVerification",
    when: "approve or reject, and the attempt is decided (SUCCESSFUL or REJECTED_BY_PROVIDER)",
    result: "409: only expire is left",
    source: "inferred",
    applies: (ctx) => !attemptOpen(ctx),
    outcome: "refused",
    refuse: (ctx) =>
      refusal(
        409,
        `${ctx.externalUserId}'s attempt is already ${kycOf(known(ctx)).attemptStatus}: only expire is left, or open a new verification with Creating KYC Verification (POST /v1/kyc)`,
      ),
  },
  {
    operation: "decideKycVerification",
    when: "approve",
    result:
      "200; the attempt goes VERIFICATION, then SUCCESSFUL, and the verification VERIFIED; a KYC Verification Status webhook for each",
    source: "documented",
    applies: (ctx) => decision(ctx) === "approve",
    outcome: "changed",
    change: (ctx) => {
      const user = known(ctx);
      processKycAttempt(ctx.world, user);
      Object.assign(kycOf(user), {
        attemptStatus: "SUCCESSFUL",
        verificationStatus: "VERIFIED",
        rejectionReason: null,
      });
      sendKycStatus(ctx.world, user);
      return userState(ctx);
    },
  },
  {
    operation: "decideKycVerification",
    when: "reject",
    result: `200; the attempt goes VERIFICATION, then REJECTED_BY_PROVIDER with the reason (${defaultRejectionReason} unless another is given); the verification stays NOT_VERIFIED; a KYC Verification Status webhook for each`,
    source: "documented",
    applies: (ctx) => decision(ctx) === "reject",
    outcome: "changed",
    change: (ctx) => {
      const user = known(ctx);
      const reason = typeof ctx.body.rejectionReason === "string" ? ctx.body.rejectionReason : defaultRejectionReason;
      processKycAttempt(ctx.world, user);
      Object.assign(kycOf(user), { attemptStatus: "REJECTED_BY_PROVIDER", rejectionReason: reason });
      sendKycStatus(ctx.world, user);
      return userState(ctx);
    },
  },
  noSandboxUser("decidePoa"),
  {
    operation: "decidePoa",
    when: "no POA is waiting for review",
    result: "409",
    source: "inferred",
    applies: (ctx) => known(ctx).poa !== "WAITING",
    outcome: "refused",
    refuse: (ctx) => refusal(409, `${ctx.externalUserId} has no pending POA`),
  },
  ...(
    [
      ["approve", "APPROVED"],
      ["reject", "REJECTED"],
      ["question", "QUESTIONED"],
    ] as const
  ).map(
    ([name, status]): Rule => ({
      operation: "decidePoa",
      when: name,
      result: `200; the POA is ${status}; a POA Verification Status webhook ${status}`,
      source: "documented",
      applies: (ctx) => decision(ctx) === name,
      outcome: "changed",
      change: (ctx) => {
        decidePoa(ctx.world, known(ctx), status);
        return userState(ctx);
      },
    }),
  ),
  noSandboxUser("seedBalances"),
  {
    operation: "seedBalances",
    when: "the balances are not generated yet",
    result: "409",
    source: "inferred",
    applies: (ctx) => balancesOf(ctx).length === 0,
    outcome: "refused",
    refuse: (ctx) =>
      refusal(409, `${ctx.externalUserId} has no balances yet (they are generated when the verification is approved)`),
  },
  {
    operation: "seedBalances",
    when: "a currency is not one of the user's balances",
    result: "400 naming the currencies the user has",
    source: "inferred",
    applies: (ctx) => amountsOf(ctx).some(([name]) => !balancesOf(ctx).some((b) => b.name === name)),
    outcome: "refused",
    refuse: (ctx) => {
      const all = balancesOf(ctx);
      const missing = amountsOf(ctx)
        .map(([name]) => name)
        .filter((name) => !all.some((b) => b.name === name));
      return refusal(
        400,
        `amounts: ${ctx.externalUserId} has no balance in ${missing.join(", ")}; it has ${all.map((b) => b.name).join(", ")}`,
      );
    },
  },
  {
    operation: "seedBalances",
    when: "otherwise",
    result: "200; the amounts are set, as Get User Balances answers them",
    source: "inferred",
    applies: () => true,
    outcome: "changed",
    change: (ctx) => {
      const all = balancesOf(ctx);
      for (const [name, amount] of amountsOf(ctx)) for (const b of all) if (b.name === name) b.amount = amount;
      return { status: 200, body: known(ctx).balances };
    },
  },
  noSandboxUser("seedTransactions"),
  {
    operation: "seedTransactions",
    when: `the user would keep more than ${maxTransactionsPerUser} transactions`,
    result: "400",
    source: "inferred",
    applies: (ctx) => known(ctx).transactions.length + transactionsOf(ctx).length > maxTransactionsPerUser,
    outcome: "refused",
    refuse: (ctx) =>
      refusal(
        400,
        `transactions: a user keeps at most ${maxTransactionsPerUser}; ${ctx.externalUserId} has ${known(ctx).transactions.length}`,
      ),
  },
  {
    operation: "seedTransactions",
    when: "otherwise",
    result: "201; the transactions are added (a new id, and the world's clock as createdAt, unless given)",
    source: "inferred",
    applies: () => true,
    outcome: "changed",
    change: (ctx) => {
      const added = transactionsOf(ctx).map((t) => ({ id: crypto.randomUUID(), createdAt: ctx.world.at(), ...t }));
      known(ctx).transactions.push(...added);
      return { status: 201, body: added };
    },
  },
  noSandboxUser("failNextKycFile"),
  {
    operation: "failNextKycFile",
    when: "otherwise",
    result: "200; the next Add KYC File's webhook says ERROR",
    source: "documented",
    evidence: "KYC File Added: ERROR, could not be processed (webhooks.md)",
    applies: () => true,
    outcome: "changed",
    change: (ctx) => {
      known(ctx).nextKycFileError = true;
      return userState(ctx);
    },
  },
];

/** The amounts to seed, by currency (the body is checked against the spec before the rules run). */
function amountsOf(ctx: RuleContext): [string, string][] {
  return Object.entries((ctx.body as { amounts?: Record<string, string> }).amounts ?? {});
}

/** The transactions to seed (checked against the spec before the rules run). */
function transactionsOf(ctx: RuleContext): Record<string, unknown>[] {
  return (ctx.body as { transactions?: Record<string, unknown>[] }).transactions ?? [];
}
