// A network failure's message (src/client/network-failure.ts): the error code found along `cause`
// (and inside an AggregateError), worded for what to fix, with the host and the port.
import { describe, expect, it } from "vitest";
import { describeNetworkFailure } from "../../src/client/network-failure.js";

const coded = (code: unknown, message = "x") => Object.assign(new Error(message), { code });
const fetchFailed = (cause: unknown) => new TypeError("fetch failed", { cause });

describe("describeNetworkFailure", () => {
  it.each<[string, unknown, string]>([
    ["a code on the error itself", coded("ECONNREFUSED"), "connection refused by 127.0.0.1:4010 (ECONNREFUSED)"],
    ["one cause deep (fetch's TypeError)", fetchFailed(coded("ENOTFOUND")), "no such host: 127.0.0.1:4010 (ENOTFOUND)"],
    [
      "two causes deep (undici's connect timeout)",
      fetchFailed(new Error("connect", { cause: coded("UND_ERR_CONNECT_TIMEOUT") })),
      "connecting timed out to 127.0.0.1:4010 (UND_ERR_CONNECT_TIMEOUT)",
    ],
    [
      "inside an AggregateError (happy eyeballs)",
      fetchFailed(new AggregateError([new Error("no code"), coded("EHOSTUNREACH")])),
      "no route to 127.0.0.1:4010 (EHOSTUNREACH)",
    ],
    ["a TLS code", fetchFailed(coded("ERR_TLS_CERT_ALTNAME_INVALID")), "TLS failed with 127.0.0.1:4010"],
    ["an OpenSSL certificate code", fetchFailed(coded("SELF_SIGNED_CERT_IN_CHAIN")), "TLS failed with"],
    ["a code it has no words for", fetchFailed(coded("EWHATEVER")), "could not reach 127.0.0.1:4010 (EWHATEVER)"],
    ["no code anywhere", fetchFailed(new Error("boom")), "could not reach 127.0.0.1:4010 (no error code)"],
    ["a thrown string", "boom", "could not reach 127.0.0.1:4010 (no error code)"],
  ])("%s", (_, error, message) => {
    expect(describeNetworkFailure("http://127.0.0.1:4010/v1/user", error)).toContain(message);
  });

  it("quotes only a code-shaped value: a custom fetch's odd `code` is not echoed", () => {
    for (const code of ["sk_live_secret key", "lower", 42, "A".repeat(80)]) {
      expect(describeNetworkFailure("http://h:1/", coded(code))).toBe("could not reach h:1 (no error code)");
    }
  });

  it("stops looking after a few causes (a cycle ends)", () => {
    const loop: { cause?: unknown } = {};
    loop.cause = loop;
    expect(describeNetworkFailure("http://h:1/", loop)).toBe("could not reach h:1 (no error code)");
    let deep: unknown = coded("ECONNRESET");
    for (let i = 0; i < 10; i++) deep = new Error("wrap", { cause: deep });
    expect(describeNetworkFailure("http://h:1/", deep)).toBe("could not reach h:1 (no error code)");
  });

  it("names the default port of the scheme", () => {
    expect(describeNetworkFailure("https://partner-api.p100.io/v1", coded("ECONNRESET"))).toBe(
      "connection reset by partner-api.p100.io:443 (ECONNRESET)",
    );
    expect(describeNetworkFailure("http://example.test/v1", coded("EPIPE"))).toBe(
      "connection closed while sending to example.test:80 (EPIPE)",
    );
  });
});
