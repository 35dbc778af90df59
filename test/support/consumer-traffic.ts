// A consumer's calls, as the three files `p100-contract verify` reads: HAR (a browser's or the
// proxy's recording), a Pact file (v2, v3 or v4: the consumer's expectations) and the sandbox's
// journal (GET /_sandbox/requests). A clean onboarding, and one with a violation of each kind.
import fs from "node:fs";
import path from "node:path";
import { apiKey, createUserRequest, type FakeCall, harOf, tempFolder } from "./fake-upstream.js";
import { exampleValue } from "./spec.js";

const example = (p: string, method: string, status: string) => exampleValue(p, method, status, "success");
const user = "u-1";
const createUser = createUserRequest();

const call = {
  createUser: (body: object = createUser): FakeCall => ({
    method: "POST",
    path: "/v1/user/balances/crypto-and-fiat",
    body,
    status: 200,
    answer: example("/v1/user/balances/crypto-and-fiat", "post", "200"),
  }),
  verify: (): FakeCall => ({
    method: "POST",
    path: "/v1/user/verification",
    body: { externalUserId: user, documentType: "PASSPORT", documentNumber: "ABC123456" },
    status: 201,
    answer: example("/v1/user/verification", "post", "201"),
  }),
  balances: (): FakeCall => ({
    method: "GET",
    path: `/v1/user/balances/${user}`,
    status: 200,
    answer: example("/v1/user/balances/{externalUserId}", "get", "200"),
  }),
  extend: (): FakeCall => ({
    method: "POST",
    path: "/v1/user/balances/extended",
    body: { externalUserId: user },
    status: 201,
    answer: example("/v1/user/balances/extended", "post", "201"),
  }),
};

/** Create, verify, read the balances, extend: the sandbox's order. */
export const cleanOnboarding: FakeCall[] = [call.createUser(), call.verify(), call.balances(), call.extend()];

/** The rules each seeded call breaks, in the order `verify` reports them. */
export const seededOnboarding: FakeCall[] = [
  call.createUser({ ...createUser, email: "not-an-address" }), // request/body
  call.balances(), // order/balances-after-verification
  call.extend(), // order/verified-before-extend
  call.verify(),
  { ...call.balances(), status: 418, answer: { message: "teapot" } }, // answer/status
  { ...call.balances(), answer: { userId: "f63064b1-c26b-4c9e-af22-0b483262751f" } }, // answer/shape (balances missing)
];

function tempFile(name: string, content: unknown): string {
  const file = path.join(tempFolder(), name);
  fs.writeFileSync(file, JSON.stringify(content));
  return file;
}

export const writeHarOf = (calls: FakeCall[], key = apiKey) => tempFile("consumer.har", harOf(calls, { key }));

/** A Pact file of these calls, in the layout of its specification version (2, 3 or 4). */
export function writePact(calls: FakeCall[], version: 2 | 3 | 4): string {
  const body = (value: unknown) =>
    version === 4 ? { content: value, contentType: "application/json", encoded: false } : value;
  const interactions = calls.map((c, i) => ({
    ...(version === 4 && { type: "Synchronous/HTTP", key: `k${i}` }),
    description: `call ${i + 1}`,
    request: {
      method: c.method,
      path: c.path,
      headers: { "x-api-key": apiKey, ...(c.body !== undefined && { "Content-Type": "application/json" }) },
      ...(c.body !== undefined && { body: body(c.body) }),
    },
    response: {
      status: c.status,
      headers: { "Content-Type": "application/json" },
      ...(c.answer !== undefined && { body: body(c.answer) }),
    },
  }));
  return tempFile(`consumer-v${version}.json`, {
    consumer: { name: "partner-web" },
    provider: { name: "p100-user-accounts" },
    interactions,
    metadata: { pactSpecification: { version: `${version}.0.0` } },
  });
}

/** The sandbox's journal of these calls (openapi/sandbox.yaml's JournalEntry: no bodies). */
export function writeJournal(calls: FakeCall[]): string {
  const operations: Record<string, string> = {
    "POST /v1/user/balances/crypto-and-fiat": "createUser",
    "POST /v1/user/verification": "addUserVerification",
    "POST /v1/user/balances/extended": "extendUser",
  };
  return tempFile(
    "journal.json",
    calls.map((c, i) => ({
      id: i + 1,
      time: new Date(Date.parse("2026-11-02T09:00:00Z") + i * 1000).toISOString(),
      clock: "2026-01-01T00:00:00.000Z",
      method: c.method,
      path: c.path,
      status: c.status,
      operation: operations[`${c.method} ${c.path}`] ?? "getUserBalances",
      externalUserId: user,
    })),
  );
}
