// The principle of tolerance, as two tables of answers from a P100-like server. `plausible`:
// answers the real P100 could give that the docs do not rule out (older docs versions' shapes,
// unknown P-codes, a plain-text 401, extra fields, wrapped lists): each keeps its documented
// outcome, with the difference in `drift`. `garbage`: what cannot be a P100 answer, which must stay
// `unexpected`. Both run whole through `classify` (test/client/outcome.test.ts) and through the
// client from src/ (test/client/tolerance.test.ts); the packed client (test/package) answers a few rows.
import { validBody } from "./cases.js";
import { tinyFile } from "./files.js";
import type { HostileServer } from "./hostile-server.js";
import type { LooseCall } from "./prism.js";

export interface AnswerCase {
  name: string;
  /** `METHOD /path`, with the path filled in. */
  route: string;
  /** The path template and its parameters, when the path holds more than one id at its end. */
  template?: string;
  params?: Record<string, string>;
  body?: unknown;
  answer: { status: number; body: string; contentType?: string };
  expect: {
    outcome: "success" | "pending" | "error" | "unexpected";
    status?: number;
    /** Each must appear in `drift` (and `drift` is empty when this is absent). */
    drift?: string[];
    /** For `unexpected`: the reason. */
    reason?: string;
    /** Picked out of `data` or `error`. */
    fields?: Record<string, unknown>;
    /** `data` as a whole (a text answer). */
    data?: unknown;
  };
}

const id = "f47ac10b-58cc-4372-a567-0e02b2c3d479";
const json = (status: number, body: unknown) => ({ status, body: JSON.stringify(body) });
const extend = { route: "POST /v1/user/balances/extended", body: { externalUserId: id } };
const user = { externalUserId: id };
const createUser = {
  route: "POST /v1/user/balances/crypto-and-fiat",
  body: validBody("createUser", { externalUserId: id }),
};
const kyc = {
  route: "POST /v1/kyc",
  body: validBody("createKycVerification", { externalUserId: id }),
};
const verificationId = "8f2d6c1e-3b7a-4e59-9c0d-5a1b2c3d4e5f";
const redirect = {
  route: `GET /v1/kyc/verification/${id}/${verificationId}`,
  template: "/v1/kyc/verification/{externalUserId}/{verificationId}",
  params: { externalUserId: id, verificationId },
};
const kycStatus = { route: `GET /v1/kyc/status/${id}` };
const loadingPage =
  '<!doctype html><html><body><script>location.replace("https://ui.idenfy.com/?authToken=x&country=pl")</script></body></html>';
const v2Balances = {
  fiatBalances: [{ id, amount: "0.00", name: "eur", rate: 1, iban: null, status: "WAITING_TO_BE_ACTIVATED" }],
  cryptoBalances: [],
};

export const plausible: AnswerCase[] = [
  {
    name: "create user in V4's shape",
    ...createUser,
    answer: json(200, { userId: id, poaRequiredForExtended: false }),
    expect: { outcome: "success", status: 200, fields: { poaRequiredForExtended: false } },
  },
  {
    name: "create user in V2's shape (poaRequired and balances)",
    ...createUser,
    answer: json(200, { userId: id, poaRequired: false, balances: v2Balances }),
    expect: {
      outcome: "success",
      status: 200,
      drift: ["`poaRequiredForExtended` is missing"],
      fields: { poaRequired: false },
    },
  },
  {
    name: "an undocumented P-code on a documented 400 (P412 on Extend user)",
    ...extend,
    answer: json(400, { errorCode: "P412", errorName: "invalid-user", errorMessage: "User not exist" }),
    expect: {
      outcome: "error",
      status: 400,
      drift: ["errorCode P412 is not documented for HTTP 400"],
      fields: { errorCode: "P412", errorName: "invalid-user" },
    },
  },
  {
    name: "an undocumented P-code on Update user (P451, a card code)",
    route: "PATCH /v1/user",
    body: { ...user, email: "new@example.pl" },
    answer: json(400, { errorCode: "P451", errorMessage: "Forbidden country card" }),
    expect: { outcome: "error", status: 400, drift: ["errorCode P451 is not documented for HTTP 400"] },
  },
  {
    name: "a P-code nobody has seen yet",
    ...extend,
    answer: json(400, { errorCode: "P999", errorName: "brand-new", errorMessage: "New rule" }),
    expect: {
      outcome: "error",
      status: 400,
      drift: ["errorCode P999 is not documented for HTTP 400"],
      fields: { errorCode: "P999" },
    },
  },
  {
    name: "a P100 error under a status the operation does not list (404 P412)",
    route: `GET /v1/user/balances/${id}`,
    answer: json(404, { errorCode: "P412", errorMessage: "User not exist" }),
    expect: {
      outcome: "error",
      drift: ["HTTP 404 is not documented for getUserBalances"],
      fields: { errorCode: "P412" },
    },
  },
  {
    name: "a 401 whose body is the plain text of the docs",
    ...extend,
    answer: { status: 401, body: "Access Denied. xo2", contentType: "text/plain" },
    expect: {
      outcome: "error",
      status: 401,
      drift: ["the body is not JSON"],
      fields: { message: "Access Denied. xo2" },
    },
  },
  {
    name: "a 401 with the JSON wrapper",
    ...extend,
    answer: json(401, { message: "Access Denied. xo3" }),
    expect: { outcome: "error", status: 401, fields: { message: "Access Denied. xo3" } },
  },
  {
    name: "an unknown code on the 202 (still pending)",
    ...extend,
    answer: json(202, { errorCode: "P212", errorMessage: "POA under second review" }),
    expect: { outcome: "pending", status: 202, drift: ["errorCode P212 is not documented for HTTP 202"] },
  },
  {
    name: "a transaction history wrapped in an object",
    route: `GET /v1/user/transactions/${id}`,
    answer: json(200, { items: [], page: 1 }),
    expect: { outcome: "success", status: 200, drift: ["the body is not an array"], fields: { page: 1 } },
  },
  {
    name: "balances with fields the spec does not know",
    route: `GET /v1/user/balances/${id}`,
    answer: json(200, { userId: id, poaRequired: false, ...v2Balances, tier: "gold" }),
    expect: { outcome: "success", status: 200, fields: { tier: "gold" } },
  },
  {
    name: "a body on Add POA File's 201 (documented without one)",
    route: `POST /v1/user/poa-files/${id}`,
    body: { files: [tinyFile("bill.pdf")] },
    answer: json(201, { message: "Created" }),
    expect: { outcome: "success", status: 201, drift: ["a body where none is documented"] },
  },
  {
    name: "Creating KYC Verification answering 201 (its success status is not documented)",
    ...kyc,
    answer: json(201, { verificationId }),
    expect: { outcome: "success", status: 201, fields: { verificationId } },
  },
  {
    name: "Creating KYC Verification naming the id otherwise",
    ...kyc,
    answer: json(200, { id: verificationId, redirectUrl: "https://ui.idenfy.com/" }),
    expect: { outcome: "success", status: 200, drift: ["`verificationId` is missing"], fields: { id: verificationId } },
  },
  {
    name: "Redirect to Verification's HTML loading page",
    ...redirect,
    answer: { status: 200, body: loadingPage, contentType: "text/html" },
    expect: { outcome: "success", status: 200, data: loadingPage },
  },
  {
    name: "Redirect to Verification's HTML under another content type",
    ...redirect,
    answer: { status: 200, body: loadingPage, contentType: "text/plain" },
    expect: { outcome: "success", status: 200, data: loadingPage },
  },
  {
    name: "Redirect to Verification's documented P412, with its errorName",
    ...redirect,
    answer: json(400, { errorCode: "P412", errorMessage: "User does not exist", errorName: "invalid-user" }),
    expect: { outcome: "error", status: 400, fields: { errorCode: "P412", errorName: "invalid-user" } },
  },
  {
    name: "Get KYC Status's documented 404 P445 (no KYC yet)",
    ...kycStatus,
    answer: json(404, { errorCode: "P445", errorMessage: "KYC not found" }),
    expect: { outcome: "error", status: 404, fields: { errorCode: "P445" } },
  },
  {
    name: "Get KYC Status in a shape of its own (its body is not documented)",
    ...kycStatus,
    answer: json(200, { status: "APPROVED", reasons: [] }),
    expect: {
      outcome: "success",
      status: 200,
      drift: ["`attemptStatus` is missing", "`externalUserId` is missing", "`verificationStatus` is missing"],
      fields: { status: "APPROVED" },
    },
  },
  {
    name: "Get KYC Status with a status the spec does not list (no drift: only required keys are checked)",
    ...kycStatus,
    answer: json(200, { externalUserId: id, verificationStatus: "IN_REVIEW", attemptStatus: "PENDING" }),
    expect: { outcome: "success", status: 200, fields: { verificationStatus: "IN_REVIEW" } },
  },
  {
    name: "an error body without errorMessage",
    ...extend,
    answer: json(400, { errorCode: "P500" }),
    expect: { outcome: "error", status: 400, drift: ["`errorMessage` is missing"], fields: { errorCode: "P500" } },
  },
];

export const garbage: AnswerCase[] = [
  {
    name: "an HTML page on a 201",
    ...extend,
    answer: { status: 201, body: "<html><body>502 Bad Gateway</body></html>", contentType: "text/html" },
    expect: { outcome: "unexpected", reason: "not-json" },
  },
  {
    name: "truncated JSON on a 200",
    route: `GET /v1/user/balances/${id}`,
    answer: { status: 200, body: '{"userId":"f47ac10b', contentType: "application/json" },
    expect: { outcome: "unexpected", reason: "not-json" },
  },
  {
    name: "an HTML page on a documented 400",
    ...extend,
    answer: { status: 400, body: "<h1>Bad Request</h1>", contentType: "text/html" },
    expect: { outcome: "unexpected", reason: "not-json" },
  },
  {
    name: "an undocumented status",
    ...extend,
    answer: json(418, { message: "I'm a teapot" }),
    expect: { outcome: "unexpected", reason: "undocumented-status" },
  },
  {
    name: "a 5xx even with a P-code",
    ...extend,
    answer: json(500, { errorCode: "P500", errorMessage: "Unknown exception" }),
    expect: { outcome: "unexpected", reason: "undocumented-status" },
  },
  {
    name: "an undocumented 404 without a P-code",
    route: `GET /v1/user/balances/${id}`,
    answer: json(404, { message: "Cannot GET" }),
    expect: { outcome: "unexpected", reason: "undocumented-status" },
  },
  {
    name: "an undocumented 404 whose errorCode is not a P-code",
    route: `GET /v1/user/balances/${id}`,
    answer: json(404, { errorCode: "NOT_FOUND", errorMessage: "x" }),
    expect: { outcome: "unexpected", reason: "undocumented-status" },
  },
  {
    name: "Redirect to Verification answering 302 with a Location (the docs say it answers a page)",
    ...redirect,
    answer: { status: 302, body: "", contentType: "text/html" },
    expect: { outcome: "unexpected", reason: "undocumented-status" },
  },
  {
    name: "Get KYC Status: an HTML page on a 200",
    ...kycStatus,
    answer: { status: 200, body: "<html><body>Maintenance</body></html>", contentType: "text/html" },
    expect: { outcome: "unexpected", reason: "not-json" },
  },
  {
    name: "Creating KYC Verification: truncated JSON on a 200",
    ...kyc,
    answer: { status: 200, body: '{"verificationId":"8f2d', contentType: "application/json" },
    expect: { outcome: "unexpected", reason: "not-json" },
  },
  {
    name: "Get KYC Status: a 5xx even with a P-code",
    ...kycStatus,
    answer: json(503, { errorCode: "P501", errorMessage: "Service temporarily unavailable" }),
    expect: { outcome: "unexpected", reason: "undocumented-status" },
  },
  {
    name: "a 429 (retries off)",
    route: `GET /v1/user/balances/${id}`,
    answer: json(429, { message: "slow down" }),
    expect: { outcome: "unexpected", reason: "rate-limited" },
  },
];

/** The client calls a table needs, typed loosely: the packed client is another module instance. */
export type LooseClient = Record<string, LooseCall>;

/** Scripts the server with the case's answer, calls the route, and returns what differs from `expect`. */
export async function answerProblems(client: LooseClient, server: HostileServer, c: AnswerCase): Promise<string[]> {
  const [method, path] = c.route.split(" ") as [string, string];
  server.script(path.split("/").pop()!, (res) => {
    res.writeHead(c.answer.status, { "content-type": c.answer.contentType ?? "application/json" });
    res.end(c.answer.body);
  });
  // The call names the template path; the id goes in as its parameter.
  const template = c.template ?? path.replace(/\/[0-9a-f-]{36}$/, "/{externalUserId}");
  const params = c.params
    ? { path: c.params }
    : template === path
      ? {}
      : { path: { externalUserId: path.split("/").pop() } };
  const result = await client[method]!(template, { params, body: c.body, retry: false });
  const problems: string[] = [];
  const want = c.expect;
  if (result.outcome !== want.outcome) problems.push(`outcome ${result.outcome}, expected ${want.outcome}`);
  if (result.status !== want.status) problems.push(`status ${result.status}, expected ${want.status}`);
  if (want.outcome === "unexpected") {
    if (result.error?.reason !== want.reason) problems.push(`reason ${result.error?.reason}, expected ${want.reason}`);
    return problems;
  }
  const drift = result.drift ?? [];
  for (const line of want.drift ?? [])
    if (!drift.includes(line)) problems.push(`drift lacks "${line}": ${JSON.stringify(drift)}`);
  if (!want.drift && drift.length) problems.push(`unexpected drift ${JSON.stringify(drift)}`);
  if ("data" in want && result.data !== want.data)
    problems.push(`data is ${JSON.stringify(result.data)}, expected ${JSON.stringify(want.data)}`);
  const body = (result.outcome === "error" ? result.error : result.data) as Record<string, unknown>;
  for (const [key, value] of Object.entries(want.fields ?? {})) {
    if (body?.[key] !== value)
      problems.push(`${key} is ${JSON.stringify(body?.[key])}, expected ${JSON.stringify(value)}`);
  }
  return problems;
}
