// The redactor (src/client/redact.ts) in memory: every form a server may echo the API key in
// (as sent, JSON-escaped, percent-encoded, mixed), the rule for short keys, and what a parsed
// body keeps (strings and property names redacted, numbers never rewritten).
import { describe, expect, it } from "vitest";
import { createRedactor, minKeyLengthForSubstrings, redacted } from "../../src/client/redact.js";

describe("the forms of the key", () => {
  // Characters that JSON escapes (`"`, `/`) and URLs encode (`/`, `"`, `+`, space).
  const key = 'sk_test/"secret"+key 42';
  const redactor = createRedactor(key);

  it.each<[string, string]>([
    ["as sent", key],
    ["JSON's short escapes", 'sk_test\\/\\"secret\\"+key 42'],
    ["JSON's \\u escapes, either case", "\\u0073k_test\\u002F\\u0022secret\\u0022+key\\u002042"],
    ["percent-encoded, upper case", "sk_test%2F%22secret%22%2Bkey%2042"],
    ["percent-encoded, lower case, + for the space", "sk_test%2f%22secret%22%2bkey+42"],
    ["a mixture, character by character", "sk_test\\/%22secret\\u0022+key%2042"],
  ])("%s", (_, echoed) => {
    const text = `before ${echoed} after`;
    expect(redactor.found(text)).toBe(true);
    expect(redactor.text(text)).toBe(`before ${redacted} after`);
  });

  it("finds nothing in a text without the key, and leaves it as it was", () => {
    const text = 'sk_test/"secret"+key 43 and sk_test';
    expect(redactor.found(text)).toBe(false);
    expect(redactor.text(text)).toBe(text);
  });

  it("a key with characters special to regular expressions, and one outside the BMP", () => {
    const odd = createRedactor("a.b*c(d)[e]$^|?\\😀");
    expect(odd.text("x a.b*c(d)[e]$^|?\\😀 y")).toBe(`x ${redacted} y`);
    expect(odd.text("x aXb*c(d)[e]$^|?\\😀 y")).toBe("x aXb*c(d)[e]$^|?\\😀 y");
    expect(odd.text("a.b*c(d)[e]$^|?\\\\\\ud83d\\ude00")).toBe(redacted); // JSON: one \u per UTF-16 unit
    expect(odd.text("a.b*c(d)[e]$^|?%5C%F0%9F%98%80")).toBe(redacted); // URL: one %XX per UTF-8 byte
  });
});

describe("the rule for short keys", () => {
  it(`a key of ${minKeyLengthForSubstrings}+ characters is redacted inside words too`, () => {
    const redactor = createRedactor("sk_live_abc");
    expect(redactor.text("xxsk_live_abcyy and sk_live_abc")).toBe("xx[redacted]yy and [redacted]");
  });

  it.each([
    ["k", "kyc check for k failed; token=k&next=back", "kyc check for [redacted] failed; token=[redacted]&next=back"],
    ["k", '{"seen":"k","kind":"kyc"}', '{"seen":"[redacted]","kind":"kyc"}'],
    ["test", "a test, testing, retest, test-1, test_2", "a [redacted], testing, retest, test-1, test_2"],
    ["abc1234", "abc1234 abc12345 xabc1234 (abc1234)", "[redacted] abc12345 xabc1234 ([redacted])"],
  ])("the short key %j is redacted only where it stands alone", (key, text, expected) => {
    expect(createRedactor(key).text(text)).toBe(expected);
  });

  it("`found` ignores word boundaries (decoding JSON may change what stands next to the key)", () => {
    expect(createRedactor("k").found("kyc")).toBe(true);
    expect(createRedactor("k").text("kyc")).toBe("kyc");
  });
});

describe("a parsed body", () => {
  it("redacts every string and property name, however deep, and never rewrites a number", () => {
    const redactor = createRedactor("1234");
    expect(
      redactor.value({ userId: "1234", 1234: "key", list: [1234, "x 1234", { deep: ["1234"] }], n: null, t: true }),
    ).toEqual({
      userId: redacted,
      [redacted]: "key",
      list: [1234, `x ${redacted}`, { deep: [redacted] }],
      n: null,
      t: true,
    });
  });
});
