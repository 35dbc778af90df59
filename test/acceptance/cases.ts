// The acceptance table: per request, the documented answer it must get, in each mode of the mock.
// The expectations come from the docs (/work/shared/p100: errors.md for P403's class-validator
// style, auth.md for 401, the Add POA File page for the upload limits and codes), the spec and the
// README, never from what the mock happens to answer. Every row runs in process
// (test/mock/answer-table.test.ts, through createMockFetch); the rows marked `outside` run again
// from outside, one per concern (stateless.test.ts, stateful.test.ts, stateful-script.test.ts), and
// the proxy's rows there alone (proxy.test.ts). Rows run in table order within a mode (the
// stateful ones build on the users created above them).
import operationTable from "../../generated/operations.js";
import { documentedRequest, operations, parametersOf, requestBodyOf } from "../support/cases.js";
import { deref, exampleValue, mediaTypeOf } from "../support/spec.js";
import { file, type Part } from "./multipart.js";
import type { Framing } from "./raw-http.js";

/**
 * `stateless`: `p100-mock`; `stateful`: `p100-mock --stateful`; `script`: `startMock({ stateful: true })`
 * in a plain Node script; `proxy`: `p100-mock --proxy <a local upstream>`; `proxy-dead`: `--proxy` to
 * a closed port.
 */
export type Mode = "stateless" | "stateful" | "script" | "proxy" | "proxy-dead";

export type Body =
  /** Sent as application/json. A string `{RECEIVER}` inside becomes the webhook receiver's URL. */
  | { json: unknown }
  | { raw: string; contentType: string }
  /** Built by hand as bytes; with `padTo`, exactly that many bytes in all. */
  | { multipart: Part[]; padTo?: number };

export interface Expectation {
  status: number | number[];
  /** The JSON body's `errorCode`. */
  errorCode?: string;
  /** Facts about the JSON body's `errorMessage`. */
  errorMessage?: { includes?: string[]; excludes?: string[]; matches?: RegExp[] };
  /** The JSON body's `message` (401s). */
  message?: string;
  /** Keys the JSON body must not have (P403 has no `errorName`). */
  absentKeys?: string[];
  /** Keys the JSON body must have. */
  keys?: string[];
  /** The JSON body, exactly. */
  json?: unknown;
  contentType?: RegExp;
  /** Substrings of the body text. */
  bodyIncludes?: string[];
  /** The body says something (a message, not an empty answer). */
  explained?: boolean;
  /** Header values (lower-case names); null: the header is absent. */
  headers?: Record<string, string | null>;
  /** Stateful: a webhook that must reach the receiver after this request. */
  webhook?: { name: string; authorization: string; payload: Record<string, unknown> };
  /** Proxy: the upstream received this request's body byte for byte, with its Content-Type. */
  upstreamGotTheBytes?: boolean;
}

export interface Row {
  name: string;
  modes: Mode[];
  method: string;
  /** Sent as it stands (percent-encoding included). */
  path: string;
  /** On top of `x-api-key: <apiKey>`; null removes a header. */
  headers?: Record<string, string | null>;
  body?: Body;
  framing?: Framing;
  expect: Expectation;
  /** The modes in which this row also runs from outside (a spawned bin or script, raw HTTP): one row per concern. */
  outside?: Mode[];
}

export const apiKey = "acceptance-key";
export const webhookToken = "whsec_acceptance";
/** The spec's example externalUserId; stateful rows create it first. */
export const userId = "f47ac10b-58cc-4372-a567-0e02b2c3d479";

const MiB = 1024 * 1024;
const maxFileBytes = 5 * MiB;
const uploadLimits = Object.values(operationTable).flatMap((op) => (op.upload ? [op.upload] : []));
/** The mock's body cap: the spec's upload limits (maxFiles × maxFileBytes) plus 1 MiB of multipart overhead. */
export const bodyCap = Math.max(...uploadLimits.map((u) => u.maxFiles * u.maxFileBytes)) + MiB;

const createUserPath = "/v1/user/balances/crypto-and-fiat";
const createUserOp = operations.find((o) => o.operationId === "createUser")!;
const validCreateUser = (changes: Record<string, unknown> = {}) => ({
  ...(documentedRequest(createUserOp).body as object),
  ...changes,
});
const p403: Expectation = {
  status: 400,
  errorCode: "P403",
  absentKeys: ["errorName"],
  contentType: /^application\/json/,
};

/** Every documented status and example name of one operation, as a wrong `Prefer` must list them. */
function choicesOf(operationId: string): string[] {
  const [, op] = Object.entries(operationTable).find(([, o]) => o.operationId === operationId)!;
  return Object.entries(op.responses).flatMap(([status, r]) => [status, ...(r.examples ?? r.errorCodes ?? [])]);
}

// --- stateless: each operation's documented request → its first documented 2xx, the first example

function validRequestRow(op: (typeof operations)[number]): Row {
  const parameters = parametersOf(op);
  const filled = op.path.replace(/\{(\w+)\}/g, (_, name) =>
    encodeURIComponent(String(parameters.find((p) => p.name === name).example)),
  );
  const query = new URLSearchParams(
    parameters.filter((p) => p.in === "query").map((p): [string, string] => [p.name, String(p.example)]),
  ).toString();
  const requestBody = requestBodyOf(op);
  let body: Body | undefined;
  if (requestBody?.mediaType === "multipart/form-data") {
    const value = deref(Object.values<any>(requestBody.examples)[0]).value as Record<string, unknown>;
    body = {
      multipart: Object.entries(value).flatMap(([name, entry]) =>
        (Array.isArray(entry) ? entry : [entry]).map((item): Part => {
          const placeholder = /^\((.+)\)$/.exec(String(item));
          return placeholder ? { ...file(placeholder[1]!, 2048), name } : { name, value: String(item) };
        }),
      ),
    };
  } else if (requestBody) body = { json: documentedRequest(op).body };
  const status = Object.keys(op.operation.responses).find((s) => /^2\d\d$/.test(s))!;
  const mediaType = mediaTypeOf(op.path, op.method, status);
  const examples = deref(op.operation.responses[status]).content?.[mediaType]?.examples;
  const first = examples && Object.keys(examples)[0];
  // A text answer (Redirect to Verification's HTML page) is compared as text.
  const text = mediaType !== "application/json";
  return {
    name: `${op.operationId}: its documented request → ${status}${first ? ` with the example "${first}"` : ""}`,
    modes: ["stateless"],
    // The bin starts and answers: one documented request is enough from outside.
    ...(op.operationId === "getUserBalances" ? { outside: ["stateless"] as Mode[] } : {}),
    method: op.method.toUpperCase(),
    path: query ? `${filled}?${query}` : filled,
    ...(body ? { body } : {}),
    expect:
      first && text
        ? {
            status: Number(status),
            contentType: new RegExp(`^${mediaType}`),
            bodyIncludes: [String(exampleValue(op.path, op.method, status, first))],
          }
        : first
          ? {
              status: Number(status),
              contentType: /^application\/json/,
              json: exampleValue(op.path, op.method, status, first),
            }
          : { status: Number(status) },
  };
}

// --- uploads (Add POA File, Add KYC File): the documented limits, with Content-Length and chunked

type UploadOp = "addPoaFile" | "addKycFile";
const uploadPath = (op: UploadOp, id: string) =>
  `/v1/user/${op === "addPoaFile" ? "poa" : "kyc"}-files/${encodeURIComponent(id)}`;
/** Add KYC File's form also names the document (optional in the spec; sent as the docs' example does). */
const formFields = (op: UploadOp): Part[] => (op === "addKycFile" ? [{ name: "documentType", value: "ID_CARD" }] : []);

function uploadRows(op: UploadOp, framing: Framing, valid: boolean): Row[] {
  // From outside, Add KYC File once per real-HTTP concern: the largest upload and one byte more,
  // each framing, and the body cap's 413 (read by a sender still sending).
  const on = (
    modes: Mode[],
    name: string,
    id: string,
    parts: Part[],
    expect: Expectation,
    padTo?: number,
    outside = false,
  ): Row => ({
    name: `${op}, ${framing === "chunked" ? "chunked" : "Content-Length"}: ${name}`,
    modes,
    ...(outside && op === "addKycFile" ? { outside: ["stateless"] as Mode[] } : {}),
    method: "POST",
    path: uploadPath(op, id),
    body: { multipart: [...formFields(op), ...parts], ...(padTo ? { padTo } : {}) },
    framing,
    expect,
  });
  // The bodies over 1 MiB (the limits themselves) run in every mode with Content-Length, and chunked
  // in the stateless mode only (framing is the HTTP layer's, shared by all modes); the script's
  // rows prove the same stateful engine without them.
  const all: Mode[] = ["stateless", "stateful", "script"];
  const heavy: Mode[] = framing === "length" ? ["stateless", "stateful"] : ["stateless"];
  if (valid)
    return [
      on(
        heavy,
        "3 binary files of exactly 5 MiB each (the documented maximum) → 201",
        userId,
        [file("one.pdf", maxFileBytes), file("two.png", maxFileBytes), file("three.pdf", maxFileBytes)],
        { status: 201 },
        undefined,
        true,
      ),
    ];
  return [
    on(
      heavy,
      "one file of 5 MiB + 1 byte → 400 P440",
      userId,
      [file("big.pdf", maxFileBytes + 1)],
      { status: 400, errorCode: "P440" },
      undefined,
      framing === "length",
    ),
    on(
      all,
      "a .gif (image/gif) → 400 P426 naming the type that arrived and the allowed ones",
      userId,
      [file("scan.gif", 4096)],
      {
        status: 400,
        errorCode: "P426",
        bodyIncludes: ['has type \\"image/gif\\"; allowed: application/pdf, image/jpeg, image/jpg, image/png.'],
      },
    ),
    on(all, "no file → 400 P403", userId, [], p403),
    on(all, "an empty file → 400 P403", userId, [file("empty.pdf", 0)], p403),
    on(
      all,
      "4 files → 400 P403",
      userId,
      ["a.pdf", "b.pdf", "c.png", "d.png"].map((name) => file(name, 4096)),
      p403,
    ),
    on(
      heavy,
      `a body of the cap + 1 byte (${bodyCap + 1} bytes) → 413 with a message`,
      userId,
      [file("huge.pdf", 0)],
      { status: 413, explained: true },
      bodyCap + 1,
      true,
    ),
  ];
}

// --- KYC by P100 (onboarding Method B), stateful: `{kyc:<id>:<field>}` in a path is filled in from
// GET /_sandbox/users/<id> (accept.ts), as the verification's ids are random.

const kycPath = "/v1/kyc";
const kycOp = operations.find((o) => o.operationId === "createKycVerification")!;
const kycRequest = (externalUserId: string) => ({ ...(documentedRequest(kycOp).body as object), externalUserId });
const kycWebhook = (
  externalUserId: string,
  verificationStatus: string,
  attemptStatus: string,
  rejectionReason: string | null = null,
) => ({
  name: "kycVerificationStatus",
  authorization: webhookToken,
  payload: { externalUserId, verificationStatus, attemptStatus, rejectionReason },
});

function kycByP100Rows(): Row[] {
  const modes: Mode[] = ["stateful", "script"];
  const post = (name: string, path: string, json: unknown, expect: Expectation): Row => ({
    name,
    modes,
    method: "POST",
    path,
    body: { json },
    expect,
  });
  const get = (name: string, path: string, expect: Expectation, headers?: Row["headers"]): Row => ({
    name,
    modes,
    method: "GET",
    path,
    ...(headers ? { headers } : {}),
    expect,
  });
  const open = (id: string): Row[] => [
    post(`createUser ${id} → 200`, createUserPath, validCreateUser({ externalUserId: id }), { status: 200 }),
    post(
      `createKycVerification for ${id} → 200 with a verificationId, and a KYC Verification Status PENDING`,
      kycPath,
      kycRequest(id),
      {
        status: 200,
        keys: ["verificationId"],
        webhook: kycWebhook(id, "NOT_VERIFIED", "PENDING"),
      },
    ),
  ];
  const html = /^text\/html/;
  return [
    // Approved, the whole way: the redirect's page, the hosted page, the decision, the status, step 5.
    post("createUser kyc-approve → 200", createUserPath, validCreateUser({ externalUserId: "kyc-approve" }), {
      status: 200,
    }),
    get("getKycStatus before any verification → 404 P445", "/v1/kyc/status/kyc-approve", {
      status: 404,
      errorCode: "P445",
    }),
    post("createKycVerification for an unknown user → 400 P412", kycPath, kycRequest("kyc-nobody"), {
      status: 400,
      errorCode: "P412",
    }),
    ...open("kyc-approve").slice(1),
    get(
      "redirectToVerification → 200 text/html: a loading page whose script goes on to the hosted page",
      "/v1/kyc/verification/kyc-approve/{kyc:kyc-approve:verificationId}",
      { status: 200, contentType: html, bodyIncludes: ["<script>location.replace(", "/_sandbox/kyc-session/"] },
    ),
    get("redirectToVerification with another verificationId → 404 P445", "/v1/kyc/verification/kyc-approve/other", {
      status: 404,
      errorCode: "P445",
    }),
    get(
      "the hosted page, without a key → 200 text/html with the user and the Approve, Reject and Expire buttons",
      "/_sandbox/kyc-session/{kyc:kyc-approve:sessionToken}",
      {
        status: 200,
        contentType: html,
        bodyIncludes: [
          "kyc-approve",
          '<input name="reason" value="NO_FACE_FOUND">',
          ">Approve</button>",
          ">Reject</button>",
          ">Expire</button>",
        ],
        headers: { "referrer-policy": "no-referrer" },
      },
      { "x-api-key": null },
    ),
    post(
      "POST /_sandbox/users/kyc-approve/kyc/approve → 200, and a KYC Verification Status VERIFIED SUCCESSFUL",
      "/_sandbox/users/kyc-approve/kyc/approve",
      {},
      {
        status: 200,
        webhook: kycWebhook("kyc-approve", "VERIFIED", "SUCCESSFUL"),
      },
    ),
    get("getKycStatus after the approval → 200 VERIFIED SUCCESSFUL", "/v1/kyc/status/kyc-approve", {
      status: 200,
      json: {
        externalUserId: "kyc-approve",
        verificationStatus: "VERIFIED",
        attemptStatus: "SUCCESSFUL",
        rejectionReason: null,
      },
    }),
    post(
      "addUserVerification of the verified user → 201, and a User Balance Generation ACTIVE",
      "/v1/user/verification",
      { externalUserId: "kyc-approve", documentType: "ID_CARD", documentNumber: "ABC123456" },
      {
        status: 201,
        webhook: {
          name: "userBalanceGeneration",
          authorization: webhookToken,
          payload: { externalUserId: "kyc-approve", status: "ACTIVE" },
        },
      },
    ),
    // Rejected on the hosted page (its form, the default reason), and through the control API with a reason.
    ...open("kyc-page"),
    {
      name: "the hosted page's form, decision=reject → 200 text/html, and a KYC Verification Status REJECTED_BY_PROVIDER NO_FACE_FOUND",
      modes,
      method: "POST",
      path: "/_sandbox/kyc-session/{kyc:kyc-page:sessionToken}",
      headers: { "x-api-key": null },
      body: { raw: "reason=NO_FACE_FOUND&decision=reject", contentType: "application/x-www-form-urlencoded" },
      expect: {
        status: 200,
        contentType: html,
        bodyIncludes: ["Verification rejected"],
        webhook: kycWebhook("kyc-page", "NOT_VERIFIED", "REJECTED_BY_PROVIDER", "NO_FACE_FOUND"),
      },
    },
    ...open("kyc-reject"),
    post(
      "POST /_sandbox/users/kyc-reject/kyc/reject { rejectionReason } → 200, and a KYC Verification Status with that reason",
      "/_sandbox/users/kyc-reject/kyc/reject",
      { rejectionReason: "FACE_MISMATCH" },
      { status: 200, webhook: kycWebhook("kyc-reject", "NOT_VERIFIED", "REJECTED_BY_PROVIDER", "FACE_MISMATCH") },
    ),
    get("getKycStatus after the rejection → 200 with the reason", "/v1/kyc/status/kyc-reject", {
      status: 200,
      json: {
        externalUserId: "kyc-reject",
        verificationStatus: "NOT_VERIFIED",
        attemptStatus: "REJECTED_BY_PROVIDER",
        rejectionReason: "FACE_MISMATCH",
      },
    }),
    // Expired: the user must verify again; nothing is left to approve.
    ...open("kyc-expire"),
    post(
      "POST /_sandbox/users/kyc-expire/kyc/expire → 200, and a KYC Verification Status EXPIRED",
      "/_sandbox/users/kyc-expire/kyc/expire",
      {},
      {
        status: 200,
        webhook: kycWebhook("kyc-expire", "EXPIRED", "PENDING"),
      },
    ),
    post(
      "POST /_sandbox/users/kyc-expire/kyc/approve after it expired → 409 with a message",
      "/_sandbox/users/kyc-expire/kyc/approve",
      {},
      {
        status: 409,
        explained: true,
      },
    ),
    post(
      "POST /_sandbox/users/kyc-expire/kyc/accept → 400 naming the decisions",
      "/_sandbox/users/kyc-expire/kyc/accept",
      {},
      {
        status: 400,
        bodyIncludes: ["approve, reject, expire"],
      },
    ),
  ];
}

// --- the table

/** The stateful mode, both ways users start it. */
const stateful: Mode[] = ["stateful", "script"];
const both: Mode[] = ["stateless", ...stateful];

export const rows: Row[] = [
  // Stateful: the world this key starts from, and a short lifecycle (from outside too: each way of
  // starting the stateful mode answers, and a webhook reaches a receiver).
  {
    name: "PUT /_sandbox/webhook-endpoint → 200",
    modes: stateful,
    outside: stateful,
    method: "PUT",
    path: "/_sandbox/webhook-endpoint",
    body: { json: { url: "{RECEIVER}/{webhook}", token: webhookToken } },
    expect: { status: 200 },
  },
  {
    name: "createUser → 200 with a userId",
    modes: stateful,
    outside: stateful,
    method: "POST",
    path: createUserPath,
    body: { json: validCreateUser({ externalUserId: userId }) },
    expect: { status: 200, contentType: /^application\/json/, keys: ["userId", "poaRequiredForExtended"] },
  },
  {
    name: "createUser with the same externalUserId → 400 P411",
    modes: stateful,
    method: "POST",
    path: createUserPath,
    body: { json: validCreateUser({ externalUserId: userId }) },
    expect: { status: 400, errorCode: "P411" },
  },
  {
    name: "addKycFile → 201, and a kycFileAdded webhook ADDED reaches the receiver with the token",
    modes: stateful,
    outside: stateful,
    method: "POST",
    path: uploadPath("addKycFile", userId),
    body: { multipart: [...formFields("addKycFile"), file("front.png", 2048), file("selfie.png", 2048)] },
    expect: {
      status: 201,
      webhook: {
        name: "kycFileAdded",
        authorization: webhookToken,
        payload: { externalUserId: userId, status: "ADDED" },
      },
    },
  },

  // Stateful: KYC by P100 (Method B), approved, rejected (the hosted page's form; the control
  // API with a reason) and expired, each decision's KYC Verification Status webhook checked.
  ...kycByP100Rows(),

  // Stateless: every operation's documented request.
  ...operations.map(validRequestRow),

  // Both: the documented answers to mistakes.
  {
    name: "createKycVerification with incomeSource SALARY and no occupation → 400 P403 naming occupation",
    modes: both,
    method: "POST",
    path: "/v1/kyc",
    body: { json: { ...kycRequest(userId), occupation: undefined } },
    expect: { ...p403, errorMessage: { includes: ["occupation"] } },
  },
  {
    name: "createKycVerification with the full spelling INVESTMENTS_OR_CRYPTOCURRENCIES → 400 P403 (the docs spell it without the S)",
    modes: both,
    method: "POST",
    path: "/v1/kyc",
    body: { json: { ...kycRequest(userId), openAccountReason: "INVESTMENTS_OR_CRYPTOCURRENCIES" } },
    expect: { ...p403, errorMessage: { includes: ["openAccountReason"] } },
  },
  {
    name: "no x-api-key → 401 Access Denied. xo1",
    modes: both,
    method: "POST",
    path: createUserPath,
    headers: { "x-api-key": null },
    body: { json: validCreateUser() },
    expect: { status: 401, message: "Access Denied. xo1" },
  },
  {
    name: "createUser {} → 400 P403 naming the missing fields",
    modes: both,
    method: "POST",
    path: createUserPath,
    body: { json: {} },
    expect: { ...p403, errorMessage: { includes: ["externalUserId", "country", "hasAcceptedP100Tc"] } },
  },
  {
    name: 'createUser with country "pl" → 400 P403 "country must ...", not the canned email text',
    modes: both,
    method: "POST",
    path: createUserPath,
    body: { json: validCreateUser({ country: "pl" }) },
    expect: { ...p403, errorMessage: { matches: [/\bcountry must /], excludes: ["email must be an email"] } },
  },
  {
    name: 'createUser with country "pl" and email "nope" → 400 P403 naming both, joined',
    modes: both,
    method: "POST",
    path: createUserPath,
    body: { json: validCreateUser({ country: "pl", email: "nope" }) },
    expect: { ...p403, errorMessage: { matches: [/\bcountry must /, /\bemail must /] } },
  },
  {
    name: "malformed JSON → 400 P403",
    modes: both,
    method: "POST",
    path: createUserPath,
    body: { raw: '{"externalUserId": "f47ac10b",', contentType: "application/json" },
    expect: p403,
  },
  {
    name: "extendUser with Prefer: code=202, example=P211 → 202 P211",
    modes: both,
    method: "POST",
    path: "/v1/user/balances/extended",
    headers: { prefer: "code=202, example=P211" },
    body: { json: { externalUserId: userId } },
    expect: { status: 202, json: { errorCode: "P211", errorMessage: "POA pending" } },
  },
  {
    name: "extendUser with Prefer: code=202; example=P211 (a semicolon) → 400 saying the mock cannot read it",
    modes: both,
    method: "POST",
    path: "/v1/user/balances/extended",
    headers: { prefer: "code=202; example=P211" },
    body: { json: { externalUserId: userId } },
    expect: { status: 400, bodyIncludes: ["The mock cannot read this Prefer header", ...choicesOf("extendUser")] },
  },
  ...["example=P999", "code=404"].map(
    (prefer): Row => ({
      name: `extendUser with Prefer: ${prefer} → 400 listing extendUser's codes and examples`,
      modes: both,
      method: "POST",
      path: "/v1/user/balances/extended",
      headers: { prefer },
      body: { json: { externalUserId: userId } },
      expect: { status: 400, bodyIncludes: choicesOf("extendUser") },
    }),
  ),
  {
    name: "GET /v1/user/balances/%E0%A4%A (malformed percent-encoding) → 400 P403",
    modes: both,
    method: "GET",
    path: "/v1/user/balances/%E0%A4%A",
    expect: p403,
  },
  {
    name: "GET /_sandbox/users/%E0%A4%A (malformed percent-encoding) → 400 or 404",
    modes: stateful,
    method: "GET",
    path: "/_sandbox/users/%E0%A4%A",
    expect: { status: [400, 404], explained: true },
  },

  // Both: CORS for loopback origins only.
  {
    name: "CORS preflight from http://localhost:3000 → allowed, the origin echoed",
    modes: both,
    method: "OPTIONS",
    path: createUserPath,
    headers: {
      origin: "http://localhost:3000",
      "access-control-request-method": "POST",
      "access-control-request-headers": "content-type, x-api-key",
    },
    expect: { status: [200, 204], headers: { "access-control-allow-origin": "http://localhost:3000" } },
  },
  {
    name: "CORS preflight from https://evil.example → no Access-Control-Allow-Origin",
    modes: both,
    method: "OPTIONS",
    path: createUserPath,
    headers: {
      origin: "https://evil.example",
      "access-control-request-method": "POST",
      "access-control-request-headers": "content-type, x-api-key",
    },
    expect: { status: [200, 204, 403], headers: { "access-control-allow-origin": null } },
  },
  {
    name: "a request from http://localhost:3000 → its answer, the origin echoed",
    modes: both,
    method: "POST",
    path: createUserPath,
    headers: { origin: "http://localhost:3000" },
    body: { json: {} },
    expect: { ...p403, headers: { "access-control-allow-origin": "http://localhost:3000" } },
  },
  {
    name: "a request from https://evil.example → its answer, no Access-Control-Allow-Origin",
    modes: both,
    method: "POST",
    path: createUserPath,
    headers: { origin: "https://evil.example" },
    body: { json: {} },
    expect: { ...p403, headers: { "access-control-allow-origin": null } },
  },

  // Both: uploads, the refused ones first (a stateful user's POA is then still to be uploaded; the one
  // valid POA upload of the stateful mode comes last).
  ...[false, true].flatMap((valid) =>
    (["addPoaFile", "addKycFile"] as const).flatMap((op) =>
      (["length", "chunked"] as const).flatMap((framing) => uploadRows(op, framing, valid)),
    ),
  ),

  // Proxy: answers keep their bytes or get correct framing; request bodies go on byte for byte.
  ...(["pretty", "gzip", "br", "chunked"] as const).map(
    (framing): Row => ({
      name: `getUserBalances, the upstream answering pretty-printed JSON ${
        { pretty: "with Content-Length", gzip: "gzipped", br: "in br", chunked: "chunked" }[framing]
      } → 200 and that JSON`,
      modes: ["proxy"],
      method: "GET",
      path: `/v1/user/balances/${framing}`,
      expect: {
        status: 200,
        json: exampleValue("/v1/user/balances/{externalUserId}", "get", "200", "success"),
      },
    }),
  ),
  ...(["length", "chunked"] as const).map(
    (framing): Row => ({
      name: `addKycFile, ${framing === "chunked" ? "chunked" : "Content-Length"}: 3 binary files of 5 MiB → 201, and the upstream gets the same bytes`,
      modes: ["proxy"],
      method: "POST",
      path: uploadPath("addKycFile", userId),
      body: {
        multipart: [
          ...formFields("addKycFile"),
          file("front.png", 300_000),
          file("back.png", 300_000),
          file("selfie.jpg", 300_000),
        ],
      },
      framing,
      expect: { status: 201, upstreamGotTheBytes: true },
    }),
  ),
  {
    name: "getUserBalances, the upstream down → 502 with a message",
    modes: ["proxy-dead"],
    method: "GET",
    path: `/v1/user/balances/${userId}`,
    expect: { status: 502, explained: true },
  },
  {
    name: "createUser, the upstream down → 502 with a message",
    modes: ["proxy-dead"],
    method: "POST",
    path: createUserPath,
    body: { json: validCreateUser() },
    expect: { status: 502, explained: true },
  },
];
