// The stateful mock's control API under /_sandbox (openapi/sandbox.yaml, bundled into
// generated/sandbox.json): reset a world (cancelling its deliveries in flight), set its webhook
// endpoint (a loopback host unless remote webhooks are allowed), decide pending
// verifications, move its clock, read its deliveries and users (one, or all of them). Requests
// are validated against that spec with its validators, compiled at build time
// (generated/sandbox-validators.js); every call acts on its x-api-key's world.
import validators, { type Validate } from "../../../generated/sandbox-validators.js";
import { isLoopbackHost } from "../loopback.js";
import { type Answer, answer, decisions } from "./rules.js";
import { publicUser, type Sandbox } from "./world.js";

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
};

/** The KYC by P100 decisions, as the rules name them. */
const kycDecisions = ["approve", "reject", "expire"];

/** Checks a value against a schema of the sandbox spec; the problem to answer, if any. */
function invalid(value: unknown, validate: Validate): Answer | undefined {
  if (validate(value)) return undefined;
  const [first] = validate.errors ?? [];
  return problem(400, `${first?.instancePath.slice(1) || "body"}: ${first?.message ?? "is not valid"}`);
}

/** Why this endpoint URL is refused, if it is. */
function refusedEndpoint(sandbox: Sandbox, url: string): Answer | undefined {
  let hostname: string;
  try {
    // WHATWG URL parsing normalises the host (`127.1`, `0x7f.0.0.1` and `LOCALHOST` alike).
    hostname = new URL(url.replaceAll("{webhook}", "webhook")).hostname;
  } catch {
    return problem(400, "url: must be an absolute http(s) URL");
  }
  if (sandbox.allowRemoteWebhooks || isLoopbackHost(hostname)) return undefined;
  return problem(
    400,
    `url: ${hostname} is not a loopback host; webhooks go to 127.0.0.0/8, localhost or [::1] only, unless the mock is started with --allow-remote-webhooks (startMock's allowRemoteWebhooks)`,
  );
}

/** A token the deliveries' Authorization header could never carry (CR, LF, NUL, beyond Latin-1). */
function refusedToken(token: string): Answer | undefined {
  if (/^[\t\x20-\x7e\x80-\xff]*$/.test(token)) return undefined;
  return problem(
    400,
    "token: has a character an HTTP header cannot carry (a line break, a control character or one beyond Latin-1)",
  );
}

export async function control(sandbox: Sandbox, method: string, path: string, key: string | undefined, body: unknown) {
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
    return { status: 200, body: world.deliveries };
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
