// The stateful mock's control API under /_sandbox (openapi/sandbox.yaml, bundled into
// generated/sandbox.json): reset a world (cancelling its deliveries in flight), set its webhook
// endpoint (a loopback host unless remote webhooks are allowed), decide pending
// verifications, move its clock, read its deliveries (paged) and users (one, or all of them), seed
// balances and transactions, set faults, read the journal, resend a delivery. Requests are
// validated against that spec with its validators, compiled at build time
// (generated/sandbox-validators.js); every call acts on its x-api-key's world.
import { randomUUID } from "node:crypto";
import operations from "../../../generated/operations.js";
import validators, { type Validate } from "../../../generated/sandbox-validators.js";
import webhooks from "../../../generated/webhooks.js";
import { type Answer, answer, decisions, kycDecisions } from "./rules.js";
import type { Sandbox } from "./sandbox.js";
import { type Delivery, type JournalEntry, pageLimits, pageOf, publicUser, type World } from "./world.js";

/** The most transactions one user keeps (seeded through the control API). */
export const maxTransactionsPerUser = 1000;

/** The P100 API's operations, which faults name. */
const operationIds = Object.values(operations).map((o) => o.operationId);

const problem = (status: number, message: string): Answer => ({ status, body: { message } });

/** The validator of a request part of the sandbox spec, by `METHOD path` (a missing one fails at import). */
function validatorOf(route: string, part: "body" | string): Validate {
  const found = part === "body" ? validators[route]?.body : validators[route]?.parameters?.[part];
  if (!found) throw new Error(`sandbox: generated/sandbox-validators.js has no ${part} of ${route}`);
  return found;
}

/** The schemas requests are checked against. */
const schemas = {
  endpoint: validatorOf("PUT /_sandbox/webhook-endpoint", "body"),
  advance: validatorOf("POST /_sandbox/clock/advance", "body"),
  verification: validatorOf("POST /_sandbox/users/{externalUserId}/verification/{decision}", "decision"),
  poa: validatorOf("POST /_sandbox/users/{externalUserId}/poa/{decision}", "decision"),
  kyc: validatorOf("POST /_sandbox/users/{externalUserId}/kyc/{decision}", "decision"),
  kycBody: validatorOf("POST /_sandbox/users/{externalUserId}/kyc/{decision}", "body"),
  fault: validatorOf("POST /_sandbox/faults", "body"),
  balances: validatorOf("PUT /_sandbox/users/{externalUserId}/balances", "body"),
  transactions: validatorOf("POST /_sandbox/users/{externalUserId}/transactions", "body"),
};

/** The query parameters of a paged list, each checked against the sandbox spec (numbers as numbers). */
function queryOf(
  route: string,
  query: URLSearchParams | undefined,
): { values: Record<string, string | number> } | { problem: Answer } {
  const values: Record<string, string | number> = {};
  for (const [name, text] of query ?? []) {
    const validate = validators[route]?.parameters?.[name];
    if (!validate) return { problem: problem(400, `${name}: not a query parameter of ${route}`) };
    const value = numeric.has(name) && /^-?\d+$/.test(text) ? Number(text) : text;
    if (!validate(value))
      return { problem: problem(400, `${name}: ${validate.errors?.[0]?.message ?? "is not valid"}`) };
    values[name] = value;
  }
  return { values };
}

/** The query parameters that are numbers. */
const numeric = new Set(["limit", "status"]);

/** One page of a list, as the control API answers it: the items, and the next page's cursor in `x-next-cursor`. */
function page<T extends { id: number }>(
  route: string,
  query: URLSearchParams | undefined,
  items: T[],
  keep: (item: T, wanted: Record<string, string | number>) => boolean,
): Answer & { headers?: Record<string, string> } {
  const checked = queryOf(route, query);
  if ("problem" in checked) return checked.problem;
  const { limit, cursor, ...filters } = checked.values;
  if (cursor !== undefined && !/^\d+$/.test(String(cursor)))
    return problem(400, "cursor: must be the x-next-cursor of a previous page");
  const found = pageOf(items, {
    limit: Number(limit ?? pageLimits.default),
    cursor: cursor === undefined ? undefined : Number(cursor),
    keep: Object.keys(filters).length ? (item) => keep(item, filters) : undefined,
  });
  return { status: 200, body: found.items, ...(found.next ? { headers: { "x-next-cursor": found.next } } : {}) };
}

const deliveryKept = (d: Delivery, w: Record<string, string | number>) =>
  (w.externalUserId === undefined || d.payload.externalUserId === w.externalUserId) &&
  (w.webhook === undefined || d.webhook === w.webhook) &&
  (w.state === undefined || d.state === w.state);

const callKept = (c: JournalEntry, w: Record<string, string | number>) =>
  (w.externalUserId === undefined || c.externalUserId === w.externalUserId) &&
  (w.operation === undefined || c.operation === w.operation) &&
  (w.status === undefined || c.status === w.status);

/** The faults resource: POST adds one, GET lists them, DELETE clears them. */
function faults(world: World, method: string, body: unknown): Answer {
  if (method === "get") return { status: 200, body: world.faults };
  if (method === "delete") {
    world.faults.length = 0;
    return { status: 204 };
  }
  const bad = invalid(body, schemas.fault);
  if (bad) return bad;
  const request = body as Parameters<World["addFault"]>[0];
  if (!operationIds.includes(request.operation))
    return problem(400, `operation: must be an operationId of the P100 API: ${operationIds.join(", ")}`);
  if (request.status === undefined && !request.delayMs && !request.reset && !request.truncate)
    return problem(400, "body: a fault needs at least one of status, delayMs, reset and truncate");
  if ([request.status !== undefined, request.reset === true, request.truncate === true].filter(Boolean).length > 1)
    return problem(400, "body: status, reset and truncate are each a way to answer: choose one");
  if (request.retryAfterSeconds !== undefined && request.status === undefined)
    return problem(400, "retryAfterSeconds: goes with status (the Retry-After of that answer)");
  return { status: 201, body: world.addFault(request) };
}

/** Checks a value against a schema of the sandbox spec; the problem to answer, if any. */
function invalid(value: unknown, validate: Validate): Answer | undefined {
  if (validate(value)) return undefined;
  const [first] = validate.errors ?? [];
  return problem(400, `${first?.instancePath.slice(1) || "body"}: ${first?.message ?? "is not valid"}`);
}

/** Why this endpoint URL is refused, if it is. */
function refusedEndpoint(sandbox: Sandbox, url: string): Answer | undefined {
  const refusal = sandbox.endpointRefusal(url);
  return refusal === undefined ? undefined : problem(400, `url: ${refusal}`);
}

/** A token the deliveries' Authorization header could never carry (CR, LF, NUL, beyond Latin-1). */
function refusedToken(token: string): Answer | undefined {
  if (/^[\t\x20-\x7e\x80-\xff]*$/.test(token)) return undefined;
  return problem(
    400,
    "token: has a character an HTTP header cannot carry (a line break, a control character or one beyond Latin-1)",
  );
}

/** One call of the control API, answered; a call that may have changed the world is noted for the state file. */
export async function control(...call: Parameters<typeof act>): Promise<Answer & { headers?: Record<string, string> }> {
  const answered = await act(...call);
  const [sandbox, method] = call;
  // Reads change nothing; anything else may have, and the state file is written soon after.
  if (method !== "get") sandbox.changed();
  return answered;
}

async function act(
  sandbox: Sandbox,
  method: string,
  path: string,
  key: string | undefined,
  body: unknown,
  query?: URLSearchParams,
): Promise<Answer & { headers?: Record<string, string> }> {
  if (!key) return problem(401, "x-api-key is required: it names the world to act on");
  const route = `${method.toUpperCase()} ${path}`;
  if (route === "POST /_sandbox/reset") {
    sandbox.reset(key); // cancels the deliveries in flight
    return { status: 204 };
  }
  const world = sandbox.world(key);
  if (route === "PUT /_sandbox/webhook-endpoint") {
    const bad =
      invalid(body, schemas.endpoint) ??
      refusedEndpoint(sandbox, (body as { url: string }).url) ??
      refusedToken((body as { token: string }).token);
    if (bad) return bad;
    world.endpoint = body as { url: string; token: string };
    return { status: 200, body: { url: world.endpoint.url } };
  }
  if (route === "POST /_sandbox/clock/advance") {
    const bad = invalid(body, schemas.advance);
    if (bad) return bad;
    return { status: 200, body: await world.advance((body as { seconds: number }).seconds) };
  }
  if (route === "GET /_sandbox/users") return { status: 200, body: [...world.users.values()].map(publicUser) };
  if (route === "GET /_sandbox/deliveries") {
    await world.settled();
    const webhook = query?.get("webhook");
    if (webhook !== null && webhook !== undefined && !(webhook in webhooks))
      return problem(400, `webhook: must be a webhook of the P100 spec: ${Object.keys(webhooks).join(", ")}`);
    return page(route, query, world.deliveries, deliveryKept);
  }
  if (route === "GET /_sandbox/requests") return page(route, query, world.journal, callKept);
  if (path === "/_sandbox/faults" && ["get", "post", "delete"].includes(method)) return faults(world, method, body);
  const resend = /^POST \/_sandbox\/deliveries\/([^/]+)\/resend$/.exec(route);
  if (resend) {
    const id = Number(resend[1]);
    if (!Number.isInteger(id) || id < 1) return problem(400, "id: must be a delivery's id, a whole number from 1");
    const delivery = world.delivery(id);
    if (!delivery) return problem(404, `no delivery ${id} in this world (it may have been forgotten beyond the cap)`);
    return { status: 200, body: await world.resend(delivery) };
  }
  const seed = /^(PUT|POST) \/_sandbox\/users\/([^/]+)\/(balances|transactions|kyc-files\/fail-next)$/.exec(route);
  if (seed && `${seed[1]} ${seed[3]}`.match(/^(PUT balances|POST transactions|POST kyc-files\/fail-next)$/)) {
    const externalUserId = decodeURIComponent(seed[2] as string);
    const stored = world.users.get(externalUserId);
    if (seed[3] === "balances") {
      const bad = invalid(body, schemas.balances);
      if (bad) return bad;
      if (!stored) return problem(404, `no user ${externalUserId}`);
      const all = [...stored.balances.fiatBalances, ...stored.balances.cryptoBalances] as {
        name: string;
        amount: string;
      }[];
      if (!all.length)
        return problem(
          409,
          `${externalUserId} has no balances yet (they are generated when the verification is approved)`,
        );
      const amounts = Object.entries((body as { amounts: Record<string, string> }).amounts);
      const missing = amounts.map(([name]) => name).filter((name) => !all.some((b) => b.name === name));
      if (missing.length)
        return problem(
          400,
          `amounts: ${externalUserId} has no balance in ${missing.join(", ")}; it has ${all.map((b) => b.name).join(", ")}`,
        );
      for (const [name, amount] of amounts) for (const b of all) if (b.name === name) b.amount = amount;
      return { status: 200, body: stored.balances };
    }
    if (seed[3] === "transactions") {
      const bad = invalid(body, schemas.transactions);
      if (bad) return bad;
      if (!stored) return problem(404, `no user ${externalUserId}`);
      const added = (body as { transactions: Record<string, unknown>[] }).transactions.map((t) => ({
        id: randomUUID(),
        createdAt: world.at(),
        ...t,
      }));
      if (stored.transactions.length + added.length > maxTransactionsPerUser)
        return problem(
          400,
          `transactions: a user keeps at most ${maxTransactionsPerUser}; ${externalUserId} has ${stored.transactions.length}`,
        );
      stored.transactions.push(...added);
      return { status: 201, body: added };
    }
    if (!stored) return problem(404, `no user ${externalUserId}`);
    stored.nextKycFileError = true;
    return { status: 200, body: publicUser(stored) };
  }
  const user = /^(GET|POST) \/_sandbox\/users\/([^/]+)(?:\/(verification|poa|kyc)\/([^/]+))?$/.exec(route);
  if (user && (user[1] === "GET") === (user[3] === undefined)) {
    const [, , id, kind, decision] = user as unknown as [
      string,
      string,
      string,
      "verification" | "poa" | "kyc" | undefined,
      string,
    ];
    const externalUserId = decodeURIComponent(id); // the HTTP layer answered a malformed path already
    if (kind) {
      const bad = invalid(decision, schemas[kind]);
      const names = kind === "kyc" ? kycDecisions : Object.keys(decisions[kind]);
      if (bad) return problem(400, `decision must be one of: ${names.join(", ")}`);
    }
    if (kind === "kyc" && body !== undefined) {
      const bad = invalid(body, schemas.kycBody);
      if (bad) return bad;
    }
    const stored = world.users.get(externalUserId);
    if (!stored) return problem(404, `no user ${externalUserId}`);
    if (kind === "kyc") {
      const decided = { decision, ...(body as Record<string, unknown> | undefined) };
      return answer("decideKycVerification", { world, externalUserId, body: decided, user: stored }) as Answer;
    }
    if (kind === "verification") {
      if (stored.verification !== "pending") return problem(409, `${externalUserId} has no pending verification`);
      decisions.verification[decision as "approve" | "reject"](world, stored);
    }
    if (kind === "poa") {
      if (stored.poa !== "WAITING") return problem(409, `${externalUserId} has no pending POA`);
      decisions.poa[decision as "approve" | "reject" | "question"](world, stored);
    }
    return { status: 200, body: publicUser(stored) };
  }
  return problem(
    404,
    `no sandbox endpoint ${route} (the control API is described in the package's generated/sandbox.json)`,
  );
}
