// The stateful mock's lifecycle rules, as one table: for each operation, the first rule whose
// condition holds gives the answer (and changes the user, and sends webhooks). Each rule says
// whether the docs state it or it is chosen here; docs/sandbox.md shows the same table (a test keeps
// them in step). Error bodies are the spec's own catalogue entries, and the POA countries the
// spec's `x-p100-poa-countries`, both from generated/facts.js; webhook payloads are checked with
// the generated validators, so nothing here parses the spec.
import { randomUUID } from "node:crypto";
import { examples, poaCountries } from "../../../generated/facts.js";
import webhookValidators from "../../../generated/webhook-validators.js";
import { defaultRejectionReason, kycSessionUrl, loadingPage } from "./kyc-pages.js";
import { publicUser, type StoredUser, type World } from "./world.js";

/** "AM, AR, ... or UA". */
const poaCountryList = `${poaCountries.slice(0, -1).join(", ")} or ${poaCountries.at(-1)}`;

export interface RuleContext {
  world: World;
  externalUserId: string;
  body: Record<string, unknown>;
  user: StoredUser | undefined;
  /** The request's path parameters by name (`verificationId`). */
  params?: Record<string, string>;
  /** The request's Host header: the loading page sends the browser to this origin's hosted page. */
  host?: string;
  /** The query parameters, as Prism read them. */
  query?: Record<string, string | string[]>;
}

export interface Answer {
  status: number;
  body?: unknown;
  /** The body's media type when it is not JSON (the loading page's `text/html`). */
  contentType?: string;
}

export interface Rule {
  operation: string;
  when: string;
  result: string;
  source: "documented" | "inferred";
  /** Where the rule comes from, when the source needs saying (docs/sandbox.md shows it after the source). */
  evidence?: string;
  applies(ctx: RuleContext): boolean;
  answer(ctx: RuleContext): Answer;
}

/** A P-code's body from the spec's catalogue. */
const error = (code: string, status = 400): Answer => ({ status, body: examples[code] });
const message = (status: number, text: string): Answer => ({ status, body: { message: text } });

/** Sends a webhook after checking its payload against the spec's schema for it. */
function send(world: World, webhook: string, payload: Record<string, unknown>) {
  const validate = webhookValidators[webhook]?.payload;
  if (validate === undefined) throw new Error(`sandbox: the spec has no webhook ${webhook}`);
  if (!validate(payload))
    throw new Error(
      `sandbox: a ${webhook} payload breaks the spec: ${(validate.errors ?? []).map((e) => `${e.instancePath || "the payload"} ${e.message}`).join("; ")}`,
    );
  world.deliver(webhook, payload);
}

/** New balances in the shape of the spec's Get User Balances example, with ids of their own. */
function newBalances() {
  const example = examples.UserBalancesFound;
  const fresh = (items: Record<string, unknown>[]) => items.map((item) => ({ ...item, id: randomUUID() }));
  return { fiatBalances: fresh(example.fiatBalances), cryptoBalances: fresh(example.cryptoBalances) };
}

function newUser(ctx: RuleContext, model: StoredUser["model"]): StoredUser {
  const country = typeof ctx.body.country === "string" ? ctx.body.country : undefined;
  const user: StoredUser = {
    externalUserId: ctx.externalUserId,
    userId: randomUUID(),
    model,
    country,
    kycFiles: 0,
    verification: "none",
    poaRequired: model === "kyc" && poaCountries.includes(country ?? ""),
    poa: "none",
    extended: false,
    suspended: false,
    balancesGenerated: model === "nonKyc",
    data: ctx.body,
    balances: model === "nonKyc" ? newBalances() : { fiatBalances: [], cryptoBalances: [] },
    transactions: [],
  };
  ctx.world.users.set(user.externalUserId, user);
  return user;
}

/** The user's new country, when an update changes it: whether it needs a POA follows. */
function moveCountry(user: StoredUser, country: unknown) {
  if (typeof country !== "string" || country === user.country) return;
  user.country = country;
  if (user.model === "kyc") user.poaRequired = poaCountries.includes(country);
}

/** A query parameter as a whole number, else `fallback` (Prism has checked its range). */
function whole(query: RuleContext["query"], name: string, fallback: number): number {
  const value = Number(query?.[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

const unknown = (ctx: RuleContext) => !ctx.user;
const known = (ctx: RuleContext) => ctx.user as StoredUser;
/** The user's KYC by P100 verification, where a rule before has found one. */
type Kyc = NonNullable<StoredUser["kyc"]>;
const kycOf = (user: StoredUser) => user.kyc as Kyc;
const unknownUser = (operation: string, source: Rule["source"] = "inferred"): Rule => ({
  operation,
  when: "the user does not exist (never created, or deleted)",
  result: "400 P412",
  source,
  applies: unknown,
  answer: () => error("P412"),
});

/** A suspended user's call of an operation that changes the user: P455 (errors.md lists it, from third-party code). */
const suspendedUser = (operation: string): Rule => ({
  operation,
  when: "the user is suspended",
  result: "400 P455",
  source: "inferred",
  evidence: "P455 user-suspended, third-party code (errors.md)",
  applies: (ctx) => known(ctx).suspended,
  answer: () => error("P455"),
});

export const rules: Rule[] = [
  {
    operation: "createUser",
    when: "the externalUserId is already used",
    result: "400 P411",
    source: "inferred",
    applies: (ctx) => !!ctx.user,
    answer: () => error("P411"),
  },
  {
    operation: "createUser",
    when: "otherwise",
    result: `200 with a new userId; poaRequiredForExtended when the country is ${poaCountryList}`,
    source: "documented",
    applies: () => true,
    answer: (ctx) => {
      const user = newUser(ctx, "kyc");
      return { status: 200, body: { userId: user.userId, poaRequiredForExtended: user.poaRequired } };
    },
  },
  {
    operation: "createUserWithoutKyc",
    when: "the externalUserId is already used",
    result: "400 P411",
    source: "inferred",
    applies: (ctx) => !!ctx.user,
    answer: () => error("P411"),
  },
  {
    operation: "createUserWithoutKyc",
    when: "otherwise",
    result: "200 with a new userId and its balances, created at once",
    source: "documented",
    applies: () => true,
    answer: (ctx) => {
      const user = newUser(ctx, "nonKyc");
      return {
        status: 200,
        body: { userId: user.userId, balances: [...user.balances.fiatBalances, ...user.balances.cryptoBalances] },
      };
    },
  },
  unknownUser("addKycFile"),
  suspendedUser("addKycFile"),
  {
    operation: "addKycFile",
    when: "the upload was set to fail (POST /_sandbox/users/{id}/kyc-files/fail-next)",
    result: "201; a KYC File Added webhook ERROR; the file is not counted",
    source: "documented",
    evidence: "KYC File Added: ERROR, could not be processed (webhooks.md)",
    applies: (ctx) => known(ctx).nextKycFileError === true,
    answer: (ctx) => {
      delete known(ctx).nextKycFileError;
      send(ctx.world, "kycFileAdded", { externalUserId: ctx.externalUserId, status: "ERROR" });
      return { status: 201 };
    },
  },
  {
    operation: "addKycFile",
    when: "otherwise",
    result: "201; a KYC File Added webhook ADDED",
    source: "documented",
    applies: () => true,
    answer: (ctx) => {
      known(ctx).kycFiles++;
      send(ctx.world, "kycFileAdded", { externalUserId: ctx.externalUserId, status: "ADDED" });
      return { status: 201 };
    },
  },
  unknownUser("createKycVerification"),
  {
    operation: "createKycVerification",
    when: "otherwise",
    result:
      "200 with a new verificationId; the verification is NOT_VERIFIED, its attempt PENDING (a KYC Verification Status webhook); it replaces an earlier one",
    source: "inferred",
    applies: () => true,
    answer: (ctx) => {
      const user = known(ctx);
      const { documentType, country } = ctx.body;
      user.kyc = {
        verificationId: randomUUID(),
        verificationStatus: "NOT_VERIFIED",
        attemptStatus: "PENDING",
        rejectionReason: null,
        sessionToken: randomUUID(),
        ...(typeof documentType === "string" ? { documentType } : {}),
        ...(typeof country === "string" ? { country } : {}),
      };
      sendKycStatus(ctx.world, user);
      return { status: 200, body: { verificationId: user.kyc.verificationId } };
    },
  },
  unknownUser("redirectToVerification", "documented"),
  {
    operation: "redirectToVerification",
    when: "the user has no verification with this verificationId",
    result: "404 P445",
    source: "inferred",
    applies: (ctx) => known(ctx).kyc?.verificationId !== ctx.params?.verificationId,
    answer: () => error("P445", 404),
  },
  {
    operation: "redirectToVerification",
    when: "otherwise",
    result:
      "200 text/html: a loading page whose script sends the browser on to the hosted stand-in page /_sandbox/kyc-session/{sessionToken}",
    source: "documented",
    applies: () => true,
    answer: (ctx) => ({
      status: 200,
      contentType: "text/html",
      body: loadingPage(kycSessionUrl(ctx.host, kycOf(known(ctx)))),
    }),
  },
  unknownUser("getKycStatus", "documented"),
  {
    operation: "getKycStatus",
    when: "no verification was created",
    result: "404 P445",
    source: "documented",
    applies: (ctx) => !known(ctx).kyc,
    answer: () => error("P445", 404),
  },
  {
    operation: "getKycStatus",
    when: "otherwise",
    result: "200 with the verification's verificationStatus, attemptStatus and rejectionReason (the body is inferred)",
    source: "inferred",
    applies: () => true,
    answer: (ctx) => ({ status: 200, body: kycStatusOf(known(ctx)) }),
  },
  {
    operation: "decideKycVerification",
    when: "no verification was created",
    result: "409",
    source: "inferred",
    applies: (ctx) => !known(ctx).kyc,
    answer: (ctx) =>
      message(
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
    answer: (ctx) =>
      message(
        409,
        `${ctx.externalUserId}'s verification EXPIRED: open a new one with Creating KYC Verification (POST /v1/kyc)`,
      ),
  },
  {
    operation: "decideKycVerification",
    when: "expire",
    result: "200; the verification is EXPIRED (the user must verify again); a KYC Verification Status webhook",
    source: "documented",
    applies: (ctx) => ctx.body.decision === "expire",
    answer: (ctx) => {
      const user = known(ctx);
      kycOf(user).verificationStatus = "EXPIRED";
      sendKycStatus(ctx.world, user);
      return { status: 200, body: publicUser(user) };
    },
  },
  {
    operation: "decideKycVerification",
    when: "approve or reject, and the attempt is decided (SUCCESSFUL or REJECTED_BY_PROVIDER)",
    result: "409: only expire is left",
    source: "inferred",
    applies: (ctx) => !["PENDING", "VERIFICATION"].includes(kycOf(known(ctx)).attemptStatus),
    answer: (ctx) =>
      message(
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
    applies: (ctx) => ctx.body.decision === "approve",
    answer: (ctx) => {
      const user = known(ctx);
      processKycAttempt(ctx.world, user);
      Object.assign(kycOf(user), {
        attemptStatus: "SUCCESSFUL",
        verificationStatus: "VERIFIED",
        rejectionReason: null,
      });
      sendKycStatus(ctx.world, user);
      return { status: 200, body: publicUser(user) };
    },
  },
  {
    operation: "decideKycVerification",
    when: "reject",
    result: `200; the attempt goes VERIFICATION, then REJECTED_BY_PROVIDER with the reason (${defaultRejectionReason} unless another is given); the verification stays NOT_VERIFIED; a KYC Verification Status webhook for each`,
    source: "documented",
    applies: (ctx) => ctx.body.decision === "reject",
    answer: (ctx) => {
      const user = known(ctx);
      const reason = typeof ctx.body.rejectionReason === "string" ? ctx.body.rejectionReason : defaultRejectionReason;
      processKycAttempt(ctx.world, user);
      Object.assign(kycOf(user), { attemptStatus: "REJECTED_BY_PROVIDER", rejectionReason: reason });
      sendKycStatus(ctx.world, user);
      return { status: 200, body: publicUser(user) };
    },
  },
  unknownUser("addPoaFile", "documented"),
  suspendedUser("addPoaFile"),
  {
    operation: "addPoaFile",
    when: "the POA is approved",
    result: "400 P447",
    source: "documented",
    applies: (ctx) => known(ctx).poa === "APPROVED",
    answer: () => error("P447"),
  },
  {
    operation: "addPoaFile",
    when: "a POA is waiting for review",
    result: "202 P211",
    source: "documented",
    applies: (ctx) => known(ctx).poa === "WAITING",
    answer: () => error("P211", 202),
  },
  {
    operation: "addPoaFile",
    when: "otherwise (none yet, rejected or questioned)",
    result: "201; the POA is WAITING; a POA Verification Status webhook WAITING",
    source: "documented",
    applies: () => true,
    answer: (ctx) => {
      known(ctx).poa = "WAITING";
      send(ctx.world, "poaVerificationStatus", { externalUserId: ctx.externalUserId, status: "WAITING" });
      return { status: 201 };
    },
  },
  unknownUser("addUserVerification"),
  suspendedUser("addUserVerification"),
  {
    operation: "addUserVerification",
    when: "the user is already verified",
    result: "201; the user stays verified (a second submission does not undo the approval)",
    source: "inferred",
    applies: (ctx) => known(ctx).verification === "approved",
    answer: () => message(201, "Verification data accepted"),
  },
  {
    operation: "addUserVerification",
    when: "the KYC by P100 verification is VERIFIED",
    result:
      "201; the user is verified; the balances are generated, and a User Balance Generation webhook ACTIVE follows",
    source: "documented",
    applies: (ctx) => known(ctx).kyc?.verificationStatus === "VERIFIED",
    answer: (ctx) => {
      const user = known(ctx);
      user.verification = "approved";
      generateBalances(ctx.world, user);
      return message(201, "Verification data accepted");
    },
  },
  {
    operation: "addUserVerification",
    when: "otherwise",
    result: "201; the verification is pending until POST /_sandbox/users/{id}/verification/{approve|reject}",
    source: "inferred",
    applies: () => true,
    answer: (ctx) => {
      known(ctx).verification = "pending";
      return message(201, "Verification data accepted");
    },
  },
  {
    operation: "extendUser",
    when: "the user does not exist",
    result: "400 P459 (Extend user documents no P412: the closest documented answer)",
    source: "inferred",
    applies: unknown,
    answer: () => error("P459"),
  },
  suspendedUser("extendUser"),
  {
    operation: "extendUser",
    when: "the user is not verified",
    result: "400 P459",
    source: "documented",
    applies: (ctx) => known(ctx).verification !== "approved",
    answer: () => error("P459"),
  },
  {
    operation: "extendUser",
    when: "the user is already extended",
    result: "400 P458",
    source: "documented",
    applies: (ctx) => known(ctx).extended,
    answer: () => error("P458"),
  },
  {
    operation: "extendUser",
    when: "a POA is required and none was uploaded (or it was questioned)",
    result: "202 P210",
    source: "documented",
    applies: (ctx) => known(ctx).poaRequired && ["none", "QUESTIONED"].includes(known(ctx).poa),
    answer: () => error("P210", 202),
  },
  {
    operation: "extendUser",
    when: "the required POA is waiting for review",
    result: "202 P211",
    source: "documented",
    applies: (ctx) => known(ctx).poaRequired && known(ctx).poa === "WAITING",
    answer: () => error("P211", 202),
  },
  {
    operation: "extendUser",
    when: "the required POA was rejected",
    result: "400 P444",
    source: "documented",
    applies: (ctx) => known(ctx).poaRequired && known(ctx).poa === "REJECTED",
    answer: () => error("P444"),
  },
  {
    operation: "extendUser",
    when: "otherwise",
    result:
      "201; the extension completes, reported by a User Balance Generation webhook ACTIVE (the spec's inferred candidate)",
    source: "inferred",
    applies: () => true,
    answer: (ctx) => {
      known(ctx).extended = true;
      send(ctx.world, "userBalanceGeneration", { externalUserId: ctx.externalUserId, status: "ACTIVE" });
      return message(201, "User in the process of expanding, wait for webhook");
    },
  },
  unknownUser("updateUser"),
  suspendedUser("updateUser"),
  {
    operation: "updateUser",
    when: "otherwise",
    result: `200; the stored user changes; a new country sets poaRequired (${poaCountryList} need a POA)`,
    source: "inferred",
    applies: () => true,
    answer: (ctx) => {
      moveCountry(known(ctx), ctx.body.country);
      Object.assign(known(ctx).data, ctx.body);
      return message(200, "User updated");
    },
  },
  unknownUser("deleteUser"),
  {
    operation: "deleteUser",
    when: "otherwise",
    result: "200; the user is gone",
    source: "inferred",
    applies: () => true,
    answer: (ctx) => {
      ctx.world.users.delete(ctx.externalUserId);
      return message(200, "User deleted");
    },
  },
  unknownUser("suspendUser"),
  {
    operation: "suspendUser",
    when: "the user is suspended",
    result: "400 P455",
    source: "inferred",
    applies: (ctx) => known(ctx).suspended,
    answer: () => error("P455"),
  },
  {
    operation: "suspendUser",
    when: "otherwise",
    result: "200; the user is suspended",
    source: "inferred",
    applies: () => true,
    answer: (ctx) => {
      known(ctx).suspended = true;
      return message(200, "User suspended");
    },
  },
  unknownUser("unsuspendUser"),
  {
    operation: "unsuspendUser",
    when: "otherwise",
    result: "200; the suspension is lifted",
    source: "inferred",
    applies: () => true,
    answer: (ctx) => {
      known(ctx).suspended = false;
      return message(200, "User unsuspended");
    },
  },
  unknownUser("getUserBalances"),
  {
    operation: "getUserBalances",
    when: "otherwise",
    result: "200 with the user's own balances and userId (empty until they are generated)",
    source: "documented",
    applies: () => true,
    answer: (ctx) => {
      const user = known(ctx);
      return {
        status: 200,
        body: { userId: user.userId, poaRequired: user.poaRequired && user.poa !== "APPROVED", ...user.balances },
      };
    },
  },
  unknownUser("getUserTransactionHistory"),
  {
    operation: "getUserTransactionHistory",
    when: "otherwise",
    result:
      "200 with one page of the user's transactions, newest first (page, limit: 20 by default; none unless seeded with POST /_sandbox/users/{id}/transactions)",
    source: "inferred",
    applies: () => true,
    answer: (ctx) => {
      const limit = whole(ctx.query, "limit", 20);
      const page = whole(ctx.query, "page", 1);
      const newestFirst = [...(known(ctx).transactions as { createdAt: string }[])].sort((a, b) =>
        b.createdAt.localeCompare(a.createdAt),
      );
      return { status: 200, body: newestFirst.slice((page - 1) * limit, page * limit) };
    },
  },
];

/** The first rule that applies and its answer; undefined for an operation without rules. */
export function decide(operation: string, ctx: RuleContext): { rule: Rule; answer: Answer } | undefined {
  const rule = rules.find((r) => r.operation === operation && r.applies(ctx));
  return rule && { rule, answer: rule.answer(ctx) };
}

/** The answer of the first rule that applies; undefined for an operation without rules. */
export function answer(operation: string, ctx: RuleContext): Answer | undefined {
  return decide(operation, ctx)?.answer;
}

/** The decisions of a KYC by P100 attempt (the hosted page's buttons, POST /_sandbox/users/{id}/kyc/{decision}). */
export const kycDecisions = ["approve", "reject", "expire"] as const;

/**
 * Which decisions the rules take for this user now, and why the others are refused (their 409s'
 * messages): the hosted page shows a button for each decision taken, and says why the rest are
 * not. Nothing is changed: a refusing rule's answer only words the refusal.
 */
export function kycDecisionsNow(world: World, user: StoredUser): { taken: string[]; refused: string[] } {
  const taken: string[] = [];
  const refused = new Set<string>();
  for (const decision of kycDecisions) {
    const ctx: RuleContext = { world, externalUserId: user.externalUserId, user, body: { decision } };
    const rule = rules.find((r) => r.operation === "decideKycVerification" && r.applies(ctx));
    if (rule?.result.startsWith("409")) refused.add((rule.answer(ctx).body as { message: string }).message);
    else taken.push(decision);
  }
  return { taken, refused: [...refused] };
}

/** Decisions made through the control API, with the webhooks they send. */
export const decisions = {
  verification: {
    // Method A. No KYC Verification Status webhook: the docs document it for KYC by P100
    // (Method B) only, and nothing says it is sent for Method A; no webhook reporting a Method A
    // decision is documented, so a rejection sends none.
    approve(world: World, user: StoredUser) {
      user.verification = "approved";
      generateBalances(world, user);
    },
    reject(_world: World, user: StoredUser) {
      user.verification = "rejected";
    },
  },
  poa: {
    approve: (world: World, user: StoredUser) => decidePoa(world, user, "APPROVED"),
    reject: (world: World, user: StoredUser) => decidePoa(world, user, "REJECTED"),
    question: (world: World, user: StoredUser) => decidePoa(world, user, "QUESTIONED"),
  },
};

/** V4: balances are generated after Add User Verification; the User Balance Generation webhook follows. */
function generateBalances(world: World, user: StoredUser) {
  user.balances = newBalances();
  user.balancesGenerated = true;
  send(world, "userBalanceGeneration", { externalUserId: user.externalUserId, status: "ACTIVE" });
}

/** The KYC by P100 state as the webhook and Get KYC Status carry it. */
function kycStatusOf(user: StoredUser) {
  const { verificationStatus, attemptStatus, rejectionReason } = kycOf(user);
  return { externalUserId: user.externalUserId, verificationStatus, attemptStatus, rejectionReason };
}

function sendKycStatus(world: World, user: StoredUser) {
  send(world, "kycVerificationStatus", kycStatusOf(user));
}

/** The provider takes the attempt up (`VERIFICATION`), before it decides. */
function processKycAttempt(world: World, user: StoredUser) {
  kycOf(user).attemptStatus = "VERIFICATION";
  sendKycStatus(world, user);
}

function decidePoa(world: World, user: StoredUser, status: "APPROVED" | "REJECTED" | "QUESTIONED") {
  user.poa = status;
  send(world, "poaVerificationStatus", { externalUserId: user.externalUserId, status });
}
