// The numeric settings' ranges (src/client/settings.ts): a value in range is kept, undefined takes
// the default, anything else fails naming the setting and its range, and only numbers are quoted
// back (a string might be the API key passed in the wrong place).
import { describe, expect, it } from "vitest";
import { checkedNumber, defaultSettings, type SettingName, settingRanges } from "../../src/client/settings.js";

const fail = (message: string) => new Error(message);
const check = (name: SettingName, value: unknown, fallback = 7) => checkedNumber(name, value, fallback, fail);

describe("checkedNumber", () => {
  it("keeps a value in range, the bounds included, and takes the fallback for undefined", () => {
    expect(check("timeoutMs", 1)).toBe(1);
    expect(check("timeoutMs", 2 ** 31 - 1)).toBe(2 ** 31 - 1);
    expect(check("retry.baseDelayMs", 0)).toBe(0);
    expect(check("retry.baseDelayMs", 0.5)).toBe(0.5); // ms need not be whole
    expect(check("retry.attempts", 10)).toBe(10);
    expect(check("timeoutMs", undefined, 30_000)).toBe(30_000);
  });

  it.each<[SettingName, unknown, string]>([
    ["timeoutMs", 0, "`timeoutMs` must be a number from 1 to 2147483647 (ms); got 0."],
    ["timeoutMs", 2 ** 31, "`timeoutMs` must be a number from 1 to 2147483647 (ms); got 2147483648."],
    ["totalTimeoutMs", Number.NaN, "`totalTimeoutMs` must be a number from 1 to 2147483647 (ms); got NaN."],
    ["totalTimeoutMs", Number.POSITIVE_INFINITY, "got Infinity."],
    [
      "retry.attempts",
      2.5,
      "`retry.attempts` must be a whole number from 1 to 10 (tries, the first included); got 2.5.",
    ],
    ["retry.attempts", 11, "got 11."],
    ["retry.baseDelayMs", -1, "`retry.baseDelayMs` must be a number from 0 to 60000 (ms); got -1."],
    ["maxResponseBytes", 256 * 1024 * 1024 + 1, "from 1 to 268435456 (bytes)"],
    ["timeoutMs", null, "got null."],
    ["timeoutMs", "sk_live_secret", "got a string."],
    ["timeoutMs", true, "got a boolean."],
  ])("%s = %j fails: %s", (name, value, message) => {
    expect(() => check(name, value)).toThrow(message);
    try {
      check(name, value);
    } catch (error) {
      expect((error as Error).message).not.toContain("sk_live_secret");
    }
  });

  it("has defaults that fall within their own ranges", () => {
    for (const [name, value] of Object.entries(defaultSettings))
      expect(check(name as SettingName, value), name).toBe(value);
    expect(Object.keys(settingRanges)).toEqual(
      expect.arrayContaining(["timeoutMs", "totalTimeoutMs", "maxResponseBytes", "retry.attempts"]),
    );
  });
});
