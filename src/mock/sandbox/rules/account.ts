// The lifecycle rules of an onboarded user, in the P100 API's order: Extend user, Update user,
// Delete user, the suspension (Suspend, Unsuspend), and the reads (Get User Balances, Get User
// Transaction History). Gathered with the others in src/mock/sandbox/rules.ts.

import { moveCountry, poaCountryList } from "./effects.js";
import type { RuleContext } from "./kit.js";
import { error, known, message, type Rule, send, suspendedUser, unknown, unknownUser } from "./kit.js";

/** A query parameter as a whole number, else `fallback` (Prism has checked its range). */
function whole(query: RuleContext["query"], name: string, fallback: number): number {
  const value = Number(query?.[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

export const accountRules: Rule[] = [
  {
    operation: "extendUser",
    when: "the user does not exist",
    result: "400 P459 (Extend user documents no P412: the closest documented answer)",
    source: "inferred",
    applies: unknown,
    outcome: "refused",
    refuse: () => error("P459"),
  },
  suspendedUser("extendUser"),
  {
    operation: "extendUser",
    when: "the user is not verified",
    result: "400 P459",
    source: "documented",
    applies: (ctx) => known(ctx).verification !== "approved",
    outcome: "refused",
    refuse: () => error("P459"),
  },
  {
    operation: "extendUser",
    when: "the user is already extended",
    result: "400 P458",
    source: "documented",
    applies: (ctx) => known(ctx).extended,
    outcome: "refused",
    refuse: () => error("P458"),
  },
  {
    operation: "extendUser",
    when: "a POA is required and none was uploaded (or it was questioned)",
    result: "202 P210",
    source: "documented",
    applies: (ctx) => known(ctx).poaRequired && ["none", "QUESTIONED"].includes(known(ctx).poa),
    outcome: "refused",
    refuse: () => error("P210", 202),
  },
  {
    operation: "extendUser",
    when: "the required POA is waiting for review",
    result: "202 P211",
    source: "documented",
    applies: (ctx) => known(ctx).poaRequired && known(ctx).poa === "WAITING",
    outcome: "refused",
    refuse: () => error("P211", 202),
  },
  {
    operation: "extendUser",
    when: "the required POA was rejected",
    result: "400 P444",
    source: "documented",
    applies: (ctx) => known(ctx).poaRequired && known(ctx).poa === "REJECTED",
    outcome: "refused",
    refuse: () => error("P444"),
  },
  {
    operation: "extendUser",
    when: "otherwise",
    result:
      "201; the extension completes, reported by a User Balance Generation webhook ACTIVE (the spec's inferred candidate)",
    source: "inferred",
    applies: () => true,
    outcome: "changed",
    change: (ctx) => {
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
    outcome: "changed",
    change: (ctx) => {
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
    outcome: "changed",
    change: (ctx) => {
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
    outcome: "refused",
    refuse: () => error("P455"),
  },
  {
    operation: "suspendUser",
    when: "otherwise",
    result: "200; the user is suspended",
    source: "inferred",
    applies: () => true,
    outcome: "changed",
    change: (ctx) => {
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
    outcome: "changed",
    change: (ctx) => {
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
    outcome: "unchanged",
    read: (ctx) => {
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
    outcome: "unchanged",
    read: (ctx) => {
      const limit = whole(ctx.query, "limit", 20);
      const page = whole(ctx.query, "page", 1);
      const newestFirst = [...(known(ctx).transactions as { createdAt: string }[])].sort((a, b) =>
        b.createdAt.localeCompare(a.createdAt),
      );
      return { status: 200, body: newestFirst.slice((page - 1) * limit, page * limit) };
    },
  },
];
