// The control API's operations on users (openapi/sandbox.yaml): read them, each with the
// decisions the rules take for it now, and change them through the same rules as the P100 API
// (src/mock/sandbox/rules.ts: the decisions, the seeded balances and transactions, a failing KYC
// upload). Routed and checked by control/router.ts.
import type { SandboxOperationId } from "../../../../generated/sandbox-routes.js";
import { decide, decisionsNow } from "../rules.js";
import { publicUser, type StoredUser, type World } from "../world.js";
import type { ControlCall, Handler } from "./router.js";
import { problem } from "./router.js";

/** A user as the control API shows it: its state, and the decisions the rules take for it now. */
const userView = (world: World, user: StoredUser) => ({
  ...publicUser(user),
  decisions: decisionsNow(world, user),
});

/** The operations whose answer is the user's state (then given with its decisions). */
const answersUserState = new Set<SandboxOperationId>([
  "decideVerification",
  "decidePoa",
  "decideKycVerification",
  "failNextKycFile",
]);

/** Runs the rules of a control operation on the path's user. */
function byRules(operation: SandboxOperationId): Handler {
  return ({ world, params, body }: ControlCall) => {
    const externalUserId = String(params.externalUserId);
    const user = world.users.get(externalUserId);
    const ctx = {
      world,
      externalUserId,
      user,
      body: (body ?? {}) as Record<string, unknown>,
      params: Object.fromEntries(Object.entries(params).map(([name, value]) => [name, String(value)])),
    };
    const decided = decide(operation, ctx);
    if (!decided) throw new Error(`sandbox: no rule decides ${operation}`);
    const { outcome } = decided;
    if (outcome.kind !== "refused" && user && answersUserState.has(operation))
      return { ...outcome.answer, body: userView(world, user) };
    return outcome.answer;
  };
}

export const userHandlers = {
  listSandboxUsers: ({ world }) => ({ status: 200, body: [...world.users.values()].map((u) => userView(world, u)) }),
  getSandboxUser: ({ world, params }) => {
    const user = world.users.get(String(params.externalUserId));
    return user ? { status: 200, body: userView(world, user) } : problem(404, `no user ${params.externalUserId}`);
  },
  decideVerification: byRules("decideVerification"),
  decidePoa: byRules("decidePoa"),
  decideKycVerification: byRules("decideKycVerification"),
  seedBalances: byRules("seedBalances"),
  seedTransactions: byRules("seedTransactions"),
  failNextKycFile: byRules("failNextKycFile"),
} satisfies Record<string, Handler>;
