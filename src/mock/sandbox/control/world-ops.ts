// The control API's operations on a whole world (openapi/sandbox.yaml): reset it (cancelling its
// deliveries in flight), set its webhook endpoint (a loopback host unless remote webhooks are
// allowed), move its clock, and its faults. Routed and checked by control/router.ts.
import operations from "../../../../generated/operations.js";
import type { Answer } from "../../pipeline/call.js";
import type { Endpoint, FaultRequest } from "../world.js";
import { type Handler, problem } from "./router.js";

/** The P100 API's operations, which faults name. */
const operationIds = Object.values(operations).map((o) => o.operationId);

/** A token the deliveries' Authorization header could never carry (CR, LF, NUL, beyond Latin-1). */
function refusedToken(token: string): Answer | undefined {
  if (/^[\t\x20-\x7e\x80-\xff]*$/.test(token)) return undefined;
  return problem(
    400,
    "token: has a character an HTTP header cannot carry (a line break, a control character or one beyond Latin-1)",
  );
}

export const worldHandlers = {
  resetSandbox: async ({ sandbox, key }) => {
    await sandbox.reset(key); // cancels the deliveries in flight
    return { status: 204 };
  },
  setWebhookEndpoint: ({ sandbox, world, body }) => {
    const endpoint = body as Endpoint;
    const refusal = sandbox.endpointRefusal(endpoint.url);
    const bad = (refusal === undefined ? undefined : problem(400, `url: ${refusal}`)) ?? refusedToken(endpoint.token);
    if (bad) return bad;
    world.endpoint = endpoint;
    return { status: 200, body: { url: endpoint.url } };
  },
  // The advance makes the retries that fall due in its window, so it waits for their attempts.
  advanceClock: async ({ world, body }) => ({
    status: 200,
    body: await world.advance((body as { seconds: number }).seconds),
  }),
  listFaults: ({ world }) => ({ status: 200, body: world.faults }),
  clearFaults: ({ world }) => {
    world.faults.length = 0;
    return { status: 204 };
  },
  addFault: ({ world, body }) => {
    const request = body as FaultRequest;
    if (!operationIds.includes(request.operation))
      return problem(400, `operation: must be an operationId of the P100 API: ${operationIds.join(", ")}`);
    if (request.status === undefined && !request.delayMs && !request.reset && !request.truncate)
      return problem(400, "body: a fault needs at least one of status, delayMs, reset and truncate");
    if ([request.status !== undefined, request.reset === true, request.truncate === true].filter(Boolean).length > 1)
      return problem(400, "body: status, reset and truncate are each a way to answer: choose one");
    if (request.retryAfterSeconds !== undefined && request.status === undefined)
      return problem(400, "retryAfterSeconds: goes with status (the Retry-After of that answer)");
    return { status: 201, body: world.addFault(request) };
  },
} satisfies Record<string, Handler>;
