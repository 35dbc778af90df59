// The changes that several rules make to a user (src/mock/sandbox/rules/*.ts): a new user and its
// balances, a move of country, the balances generated at verification, the KYC by P100 state as
// its webhook carries it, a POA decided. The POA countries and the balances' shape come from the
// spec (generated/facts.js).
import { examples, poaCountries } from "../../../../generated/facts.js";
import type { StoredUser, World } from "../world.js";
import { kycOf, type RuleContext, send } from "./kit.js";

/** "AM, AR, ... or UA". */
export const poaCountryList = `${poaCountries.slice(0, -1).join(", ")} or ${poaCountries.at(-1)}`;

/** New balances in the shape of the spec's Get User Balances example, with ids of their own. */
function newBalances() {
  const example = examples.UserBalancesFound;
  const fresh = (items: Record<string, unknown>[]) => items.map((item) => ({ ...item, id: crypto.randomUUID() }));
  return { fiatBalances: fresh(example.fiatBalances), cryptoBalances: fresh(example.cryptoBalances) };
}

export function newUser(ctx: RuleContext, model: StoredUser["model"]): StoredUser {
  const country = typeof ctx.body.country === "string" ? ctx.body.country : undefined;
  const user: StoredUser = {
    externalUserId: ctx.externalUserId,
    userId: crypto.randomUUID(),
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
export function moveCountry(user: StoredUser, country: unknown) {
  if (typeof country !== "string" || country === user.country) return;
  user.country = country;
  if (user.model === "kyc") user.poaRequired = poaCountries.includes(country);
}

/** V4: balances are generated after Add User Verification; the User Balance Generation webhook follows. */
export function generateBalances(world: World, user: StoredUser) {
  user.balances = newBalances();
  user.balancesGenerated = true;
  send(world, "userBalanceGeneration", { externalUserId: user.externalUserId, status: "ACTIVE" });
}

/** The KYC by P100 state as the webhook and Get KYC Status carry it. */
export function kycStatusOf(user: StoredUser) {
  const { verificationStatus, attemptStatus, rejectionReason } = kycOf(user);
  return { externalUserId: user.externalUserId, verificationStatus, attemptStatus, rejectionReason };
}

export function sendKycStatus(world: World, user: StoredUser) {
  send(world, "kycVerificationStatus", kycStatusOf(user));
}

/** The provider takes the attempt up (`VERIFICATION`), before it decides. */
export function processKycAttempt(world: World, user: StoredUser) {
  kycOf(user).attemptStatus = "VERIFICATION";
  sendKycStatus(world, user);
}

export function decidePoa(world: World, user: StoredUser, status: "APPROVED" | "REJECTED" | "QUESTIONED") {
  user.poa = status;
  send(world, "poaVerificationStatus", { externalUserId: user.externalUserId, status });
}
