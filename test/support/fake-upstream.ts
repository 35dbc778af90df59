// A fake P100 upstream's traffic, written as HAR 1.2 (what `p100-mock --proxy --record` writes and
// browsers export): answers that fit the spec, answers that differ from it in each way
// `p100-contract learn` proposes a change for, and garbage no proposal may come from.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { exampleValue } from "./spec.js";

export const apiKey = "sk_live_fake-upstream-key-0123456789";
export const host = "partner-api-stage.p100.io";
/** Personal data the upstream echoes: it must not reach the overlay or any report. */
export const personal = { email: "jan.kowalski@example.pl", phone: "486012334567" };

export interface FakeCall {
  method: string;
  path: string;
  body?: unknown;
  status: number;
  answer?: unknown;
  /** The answer's media type (application/json unless said). */
  mediaType?: string;
  /** Raw answer text (garbage). */
  text?: string;
  headers?: Record<string, string>;
}

/** HAR 1.2 for calls made one minute apart from 2026-11-02T09:00Z. */
export function harOf(calls: FakeCall[], { key = apiKey }: { key?: string } = {}) {
  const start = Date.parse("2026-11-02T09:00:00.000Z");
  return {
    log: {
      version: "1.2",
      creator: { name: "p100-user-accounts tests", version: "0" },
      entries: calls.map((call, i) => {
        const text = call.text ?? (call.answer === undefined ? "" : JSON.stringify(call.answer));
        const requestText = call.body === undefined ? undefined : JSON.stringify(call.body);
        return {
          startedDateTime: new Date(start + i * 60_000).toISOString(),
          time: 12,
          request: {
            method: call.method,
            url: `https://${host}${call.path}`,
            httpVersion: "HTTP/1.1",
            headers: [
              { name: "x-api-key", value: key },
              ...(requestText ? [{ name: "content-type", value: "application/json" }] : []),
              ...Object.entries(call.headers ?? {}).map(([name, value]) => ({ name, value })),
            ],
            queryString: [],
            cookies: [],
            headersSize: -1,
            bodySize: requestText?.length ?? 0,
            ...(requestText && { postData: { mimeType: "application/json", text: requestText } }),
          },
          response: {
            status: call.status,
            statusText: "",
            httpVersion: "HTTP/1.1",
            headers: [{ name: "content-type", value: call.mediaType ?? "application/json" }],
            cookies: [],
            content: { size: text.length, mimeType: call.mediaType ?? "application/json", text },
            redirectURL: "",
            headersSize: -1,
            bodySize: text.length,
          },
          cache: {},
          timings: { send: 0, wait: 12, receive: 0 },
        };
      }),
    },
  };
}

/** One temp folder for the files a test file writes: each file removes it in its `afterAll`. */
let folder: string | undefined;
export function tempFolder(): string {
  folder ??= fs.mkdtempSync(path.join(os.tmpdir(), "p100-traffic-"));
  return fs.mkdtempSync(path.join(folder, "f-"));
}

export function removeTempFolder() {
  if (folder) fs.rmSync(folder, { recursive: true, force: true });
  folder = undefined;
}

/** Writes a HAR file into a new temp folder; returns its path. */
export function writeHar(calls: FakeCall[], name = "stage.har", options?: { key?: string }): string {
  const file = path.join(tempFolder(), name);
  fs.writeFileSync(file, JSON.stringify(harOf(calls, options)));
  return file;
}

const balancesPath = "/v1/user/balances/{externalUserId}";
const statusPath = "/v1/kyc/status/{externalUserId}";
const balances = () => structuredClone(exampleValue(balancesPath, "get", "200", "success")) as Record<string, unknown>;
const kycStatus = () => structuredClone(exampleValue(statusPath, "get", "200", "success")) as Record<string, unknown>;
/** Create User Account's request for `u-1`, with the personal values the recording must mask. */
export const createUserRequest = () => ({
  externalUserId: "u-1",
  email: personal.email,
  phone: personal.phone,
  firstName: "Jan",
  lastName: "Kowalski",
  street: "ul. Marszałkowska",
  city: "Warszawa",
  postCode: "00-001",
  country: "PL",
  citizenship: "PL",
  birthDate: "1990-05-15",
  hasAcceptedP100Tc: true,
});

/** Answers that fit the spec: no proposal may come from them (five balances with `userId`: a tightening candidate). */
export const fitting: FakeCall[] = [
  {
    method: "POST",
    path: "/v1/user/balances/crypto-and-fiat",
    body: createUserRequest(),
    status: 200,
    answer: { userId: "f63064b1-c26b-4c9e-af22-0b483262751f", poaRequiredForExtended: false },
  },
  { method: "GET", path: "/v1/user/balances/u-1", status: 200, answer: balances() },
  { method: "GET", path: "/v1/user/balances/u-2", status: 200, answer: { ...balances(), poaRequired: undefined } },
  { method: "GET", path: "/v1/user/balances/u-3", status: 200, answer: balances() },
  { method: "GET", path: "/v1/user/balances/u-16", status: 200, answer: balances() },
  { method: "GET", path: "/v1/user/balances/u-17", status: 200, answer: balances() },
  { method: "GET", path: "/v1/kyc/status/u-1", status: 200, answer: kycStatus() },
  {
    method: "GET",
    path: "/v1/user/balances/u-4",
    status: 400,
    answer: { errorCode: "P412", errorMessage: "User not found" },
  },
];

/** Answers that differ from the spec, one way each (the key of each is the finding it must give). */
export const differing: Record<string, FakeCall> = {
  newPCode: {
    method: "GET",
    path: "/v1/user/balances/u-5",
    status: 400,
    answer: { errorCode: "P999", errorMessage: `Daily limit reached for ${personal.email} (${personal.phone})` },
  },
  knownPCodeElsewhere: {
    method: "POST",
    path: "/v1/user/balances/crypto-and-fiat",
    body: { ...createUserRequest(), externalUserId: "u-6" },
    status: 400,
    answer: { errorCode: "P455", errorMessage: "User is suspended" },
  },
  missingField: {
    method: "GET",
    path: "/v1/kyc/status/u-7",
    status: 200,
    answer: { ...kycStatus(), attemptStatus: undefined },
  },
  extraField: { method: "GET", path: "/v1/user/balances/u-8", status: 200, answer: { ...balances(), tier: "gold" } },
  newEnumValue: {
    method: "GET",
    path: "/v1/kyc/status/u-9",
    status: 200,
    answer: { ...kycStatus(), verificationStatus: "ON_HOLD" },
  },
  undocumentedStatus: {
    method: "GET",
    path: "/v1/user/balances/u-10",
    status: 409,
    answer: { errorCode: "P997", errorMessage: "Balances are being generated" },
  },
  catalogueConflict: {
    method: "GET",
    path: "/v1/kyc/status/u-18",
    status: 404,
    answer: { errorCode: "P412", errorMessage: "User not found" },
  },
  refusedRequestAccepted: {
    method: "POST",
    path: "/v1/user/balances/crypto-and-fiat",
    body: { ...createUserRequest(), externalUserId: "u-11", email: "not-an-address" },
    status: 200,
    answer: { userId: "0b6f1f43-6f5e-4c36-9d49-8f1f5f0e1b11", poaRequiredForExtended: false },
  },
};

/** Answers that cannot be P100's: listed apart, never a proposal. */
export const garbage: FakeCall[] = [
  {
    method: "GET",
    path: "/v1/user/balances/u-12",
    status: 502,
    mediaType: "text/html",
    text: "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
  },
  { method: "GET", path: "/v1/user/balances/u-13", status: 503, answer: { message: "Service Unavailable" } },
  {
    method: "GET",
    path: "/v1/kyc/status/u-14",
    status: 200,
    mediaType: "text/html",
    text: "<!doctype html><title>Sign in</title><form>captive portal</form>",
  },
  { method: "GET", path: "/favicon.ico", status: 404, mediaType: "text/plain", text: "not found" },
  { method: "GET", path: "/v1/user/balances/u-15", status: 200, text: '{"userId": "trunc' },
];
