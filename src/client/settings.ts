// The client's numeric settings: their defaults and the ranges they must fall in. Each is checked
// once (at construction, or when a call brings its own), so that a typo or an unset variable
// fails loudly instead of misfiring (NaN delays that never add up, a timer Node fires at 1 ms).

/** setTimeout's limit: Node fires a longer (or non-finite) delay after 1 ms. */
const maxTimerMs = 2 ** 31 - 1;

interface Range {
  min: number;
  max: number;
  integer?: boolean;
  unit: string;
}

export const settingRanges = {
  timeoutMs: { min: 1, max: maxTimerMs, unit: "ms" },
  totalTimeoutMs: { min: 1, max: maxTimerMs, unit: "ms" },
  maxResponseBytes: { min: 1, max: 256 * 1024 * 1024, integer: true, unit: "bytes" },
  "retry.attempts": { min: 1, max: 10, integer: true, unit: "tries, the first included" },
  "retry.baseDelayMs": { min: 0, max: 60_000, unit: "ms" },
  "retry.maxTotalDelayMs": { min: 0, max: maxTimerMs, unit: "ms" },
} satisfies Record<string, Range>;

export type SettingName = keyof typeof settingRanges;

export const defaultSettings = {
  timeoutMs: 30_000,
  totalTimeoutMs: 60_000,
  maxResponseBytes: 10 * 1024 * 1024,
};

/** Builds the error for a setting that cannot work (P100ConfigError at construction, P100RequestError per call). */
export type SettingFailure = (message: string) => Error;

/** The value, or `fallback` when it is undefined; anything outside its range fails, naming the setting and the range. */
export function checkedNumber(name: SettingName, value: unknown, fallback: number, fail: SettingFailure): number {
  if (value === undefined) return fallback;
  const range: Range = settingRanges[name];
  const fits =
    typeof value === "number" &&
    value >= range.min &&
    value <= range.max &&
    (!range.integer || Number.isInteger(value));
  if (fits) return value;
  // Only a number is quoted back: a string here might be the key passed in the wrong place.
  const got = typeof value === "number" ? String(value) : value === null ? "null" : `a ${typeof value}`;
  throw fail(
    `\`${name}\` must be ${range.integer ? "a whole number" : "a number"} from ${range.min} to ${range.max} (${range.unit}); got ${got}.`,
  );
}
