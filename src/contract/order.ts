// The sandbox's onboarding order (docs/sandbox.md's rules table), checked on a consumer's calls
// per user: a call the rules would refuse because an earlier step is missing.
import type { Exchange } from "./exchange.js";

export interface OrderCall {
  exchange: Exchange;
  operationId: string;
  /** `METHOD /template`, for the report. */
  operation: string;
  /** The externalUserId the call is about. */
  user: string;
}

export interface OrderProblem {
  rule: string;
  message: string;
  call: OrderCall;
}

const creates = new Set(["createUser", "createUserWithoutKyc"]);
const ok = (e: Exchange) => e.status >= 200 && e.status < 300;

/** The rules, each a check of one call against the user's calls before it. */
const rules: { id: string; check: (call: OrderCall, before: OrderCall[], after: OrderCall[]) => string | undefined }[] =
  [
    {
      id: "order/created-first",
      check: (call, before, after) =>
        !creates.has(call.operationId) &&
        !before.some((c) => creates.has(c.operationId)) &&
        after.some((c) => creates.has(c.operationId))
          ? `${call.operationId} before the user was created (Create User Account comes first)`
          : undefined,
    },
    {
      id: "order/verified-before-extend",
      check: (call, before, after) =>
        call.operationId === "extendUser" &&
        !before.some((c) => c.operationId === "addUserVerification") &&
        (after.some((c) => c.operationId === "addUserVerification") ||
          before.some((c) => c.operationId === "createUser"))
          ? "Extend user before Add User Verification (the sandbox answers 400 P459: the user is not verified)"
          : undefined,
    },
    {
      id: "order/balances-after-verification",
      check: (call, before) =>
        call.operationId === "getUserBalances" &&
        before.some((c) => c.operationId === "createUser") &&
        !before.some((c) => c.operationId === "addUserVerification" || c.operationId === "createUserWithoutKyc")
          ? "Get User Balances before the balances exist (a KYC user's balances are generated at Add User Verification)"
          : undefined,
    },
    {
      id: "order/kyc-verification-first",
      check: (call, before) =>
        (call.operationId === "redirectToVerification" || call.operationId === "getKycStatus") &&
        before.some((c) => c.operationId === "createUser") &&
        !before.some((c) => c.operationId === "createKycVerification")
          ? `${call.operationId} before Creating KYC Verification (the sandbox answers 404 P445)`
          : undefined,
    },
    {
      id: "order/deleted-user",
      check: (call, before) => {
        const deleted = before.findLastIndex((c) => c.operationId === "deleteUser" && ok(c.exchange));
        return deleted >= 0 &&
          !creates.has(call.operationId) &&
          !before.slice(deleted).some((c) => creates.has(c.operationId))
          ? `${call.operationId} after the user was deleted (the sandbox answers 400 P412)`
          : undefined;
      },
    },
  ];

/** The order problems in calls given oldest first; users are named by their order of appearance, never by id. */
export function orderProblems(calls: OrderCall[]): OrderProblem[] {
  const byUser = new Map<string, OrderCall[]>();
  for (const call of calls) byUser.set(call.user, [...(byUser.get(call.user) ?? []), call]);
  const problems: OrderProblem[] = [];
  let n = 0;
  for (const userCalls of byUser.values()) {
    n++;
    userCalls.forEach((call, i) => {
      for (const rule of rules) {
        const message = rule.check(call, userCalls.slice(0, i), userCalls.slice(i + 1));
        if (message) problems.push({ rule: rule.id, message: `user #${n}: ${message}`, call });
      }
    });
  }
  return problems;
}
