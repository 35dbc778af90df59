// The stateful mock's control API under /_sandbox (openapi/sandbox.yaml, bundled into
// generated/sandbox.json): a table of operationId → handler, routed from the spec with its
// generated validators (control/router.ts); the handlers by group in control/world-ops.ts (reset,
// webhook endpoint, clock, faults), control/deliveries.ts (deliveries, resend, journal) and
// control/users.ts (users, and the decisions and seeds, which run the sandbox's rules). Every
// call acts on its x-api-key's world.
import type { SandboxOperationId } from "../../../generated/sandbox-routes.js";
import type { Answer } from "../pipeline/call.js";
import { deliveryHandlers } from "./control/deliveries.js";
import { type Handler, problem, routeCall } from "./control/router.js";
import { userHandlers } from "./control/users.js";
import { worldHandlers } from "./control/world-ops.js";
import type { Sandbox } from "./sandbox.js";

/** Every operation of the control API, by operationId: the compiler checks none is missing. */
const handlers: Record<SandboxOperationId, Handler> = { ...worldHandlers, ...deliveryHandlers, ...userHandlers };

/** One call of the control API, answered; a call that may have changed the world is noted for the state file. */
export async function control(
  sandbox: Sandbox,
  method: string,
  path: string,
  key: string | undefined,
  body: unknown,
  query?: URLSearchParams,
): Promise<Answer> {
  if (!key) return problem(401, "x-api-key is required: it names the world to act on");
  const answered = await routeCall(handlers, sandbox, method, path, key, body, query);
  // Reads change nothing; anything else may have, and the state file is written soon after.
  if (method !== "get") sandbox.changed();
  return answered;
}
