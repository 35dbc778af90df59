// The control API's lists (openapi/sandbox.yaml): the webhook deliveries, answered at once as
// they stand (or, given `wait`, once the attempts under way have ended, up to that bound), a
// resend, and the journal of the P100 API's calls; each list one page at a time. Routed and
// checked by control/router.ts.
import webhooks from "../../../../generated/webhooks.js";
import type { Answer } from "../../pipeline/call.js";
import { type Delivery, type JournalEntry, pageLimits, pageOf, type World } from "../world.js";
import { type ControlCall, type Handler, problem } from "./router.js";

type Wanted = Record<string, string | number>;

/** One page of a list, as the control API answers it: the items, and the next page's cursor in `x-next-cursor`. */
function page<T extends { id: number }>(
  { query }: ControlCall,
  items: T[],
  keep: (item: T, wanted: Wanted) => boolean,
  filters: string[],
): Answer {
  const { limit, cursor } = query;
  if (cursor !== undefined && !/^\d+$/.test(String(cursor)))
    return problem(400, "cursor: must be the x-next-cursor of a previous page");
  const wanted = Object.fromEntries(
    filters.flatMap((name) => (query[name] === undefined ? [] : [[name, query[name]]])),
  );
  const found = pageOf(items, {
    limit: Number(limit ?? pageLimits.default),
    cursor: cursor === undefined ? undefined : Number(cursor),
    keep: Object.keys(wanted).length ? (item) => keep(item, wanted) : undefined,
  });
  return { status: 200, body: found.items, ...(found.next ? { headers: { "x-next-cursor": found.next } } : {}) };
}

const deliveryKept = (d: Delivery, w: Wanted) =>
  (w.externalUserId === undefined || d.payload.externalUserId === w.externalUserId) &&
  (w.webhook === undefined || d.webhook === w.webhook) &&
  (w.state === undefined || d.state === w.state);

const callKept = (c: JournalEntry, w: Wanted) =>
  (w.externalUserId === undefined || c.externalUserId === w.externalUserId) &&
  (w.operation === undefined || c.operation === w.operation) &&
  (w.status === undefined || c.status === w.status);

/** Waits for the world's attempts under way to end, `seconds` at most (the spec bounds it). */
async function settledWithin(world: World, seconds: number) {
  if (seconds <= 0) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, seconds * 1000);
  });
  await Promise.race([world.settled(), bound]);
  clearTimeout(timer);
}

export const deliveryHandlers = {
  listDeliveries: async (call) => {
    const webhook = call.query.webhook;
    if (webhook !== undefined && !(webhook in webhooks))
      return problem(400, `webhook: must be a webhook of the P100 spec: ${Object.keys(webhooks).join(", ")}`);
    const world = call.world;
    await settledWithin(world, Number(call.query.wait ?? 0));
    return page(call, world.deliveries, deliveryKept, ["externalUserId", "webhook", "state"]);
  },
  resendDelivery: async ({ world, params }) => {
    const id = params.id as number;
    const delivery = world.delivery(id);
    if (!delivery) return problem(404, `no delivery ${id} in this world (it may have been forgotten beyond the cap)`);
    return { status: 200, body: await world.resend(delivery) };
  },
  listRequests: (call) => page(call, call.world.journal, callKept, ["externalUserId", "operation", "status"]),
} satisfies Record<string, Handler>;
