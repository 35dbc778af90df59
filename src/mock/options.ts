// Every `startMock` option and `p100-mock` flag, in one table: start-mock.ts and bin/p100-mock.js
// both check what they are given against it (with the same messages), and the bin's --help is
// printed from it, so an option cannot mean one thing in code and another on the command line.
import { defaultSettings, settingRanges } from "../client/settings.js";
import type { MockOptions } from "./start-mock.js";

/** The mode an option needs: a stateful-only option without `stateful` is refused, not ignored. */
export type OptionMode = "any" | "stateful" | "proxy";

interface Kind {
  /** What a value must be, as the messages say it (`a positive integer`). */
  range: string;
  /** The same, for the command line, when its form differs (`<ms> or <min>-<max> ...`). */
  flagRange?: string;
  fits(value: unknown): boolean;
  /** The value a flag's text gives (a flag without a value is a boolean; a repeatable one a list). */
  fromFlag?(text: string): unknown;
  /** `needs` rather than `must be`: `--proxy needs an absolute http(s) URL`. */
  needs?: boolean;
}

const maxLatencyMs = 60_000;
const isInteger = (value: unknown): value is number => Number.isInteger(value);
const wholeNumber = (text: string) => (/^\d+$/.test(text) ? Number(text) : Number.NaN);
const latencyFits = (ms: unknown) => isInteger(ms) && ms >= 0 && ms <= maxLatencyMs;

const kinds = {
  port: {
    range: "a whole number from 0 to 65535",
    fits: (v) => isInteger(v) && v >= 0 && v <= 65535,
    fromFlag: wholeNumber,
  },
  count: { range: "a positive integer", fits: (v) => isInteger(v) && v >= 1, fromFlag: wholeNumber },
  bytes: {
    range: `a whole number of bytes from 1 to ${settingRanges.maxResponseBytes.max}`,
    fits: (v) => isInteger(v) && v >= 1 && v <= settingRanges.maxResponseBytes.max,
    fromFlag: wholeNumber,
  },
  minutes: {
    range: "a positive number",
    fits: (v) => typeof v === "number" && v > 0,
    fromFlag: (text) => (/^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN),
  },
  switch: { range: "true or false", fits: (v) => typeof v === "boolean" },
  text: { range: "a non-empty string", fits: (v) => typeof v === "string" && v !== "", fromFlag: (text) => text },
  url: {
    range: "an absolute http(s) URL, e.g. https://partner-api-stage.p100.io",
    fits: (v) => typeof v === "string" && /^https?:\/\/[^/]/.test(v),
    fromFlag: (text) => text,
    needs: true,
  },
  origins: { range: "a list of origins", fits: (v) => Array.isArray(v) && v.every((o) => typeof o === "string") },
  latency: {
    range: `a whole number of ms from 0 to ${maxLatencyMs}, or { min, max } with min <= max`,
    flagRange: `<ms> or <min>-<max> in ms, at most ${maxLatencyMs}`,
    fits: (v) => {
      const { min, max } = (typeof v === "number" ? { min: v, max: v } : (v ?? {})) as { min?: unknown; max?: unknown };
      return latencyFits(min) && latencyFits(max) && (min as number) <= (max as number);
    },
    fromFlag: (text) => {
      const range = /^(\d+)(?:-(\d+))?$/.exec(text);
      return range ? { min: Number(range[1]), max: Number(range[2] ?? range[1]) } : Number.NaN;
    },
  },
  callback: { range: "a function", fits: (v) => typeof v === "function" },
  signal: { range: "an AbortSignal", fits: (v) => typeof v === "object" && v !== null && "aborted" in v },
} satisfies Record<string, Kind>;

export interface OptionSpec {
  /** The p100-mock flag, without its dashes; none: startMock's only. */
  flag?: string;
  /** How the usage names the flag's value (`<n>`); none: a switch. */
  arg?: string;
  /** The bin's only (no startMock option of that name). */
  flagOnly?: true;
  /** A flag given more than once adds to a list. */
  repeatable?: true;
  kind: keyof typeof kinds;
  mode: OptionMode;
  /** The default as the usage says it; `flagDefault` is the bin's when it differs. */
  default?: string | number;
  flagDefault?: string | number;
  help: string;
}

/** The largest body of an upstream's answer the proxy reads, decoded: the client's own default cap. */
export const defaultMaxUpstreamBytes = defaultSettings.maxResponseBytes;
/** Distinct entries each record of calls keeps (the proxy's differences, the mock's invalid answers). */
export const defaultMaxDiffEntries = 1000;

/** Every option and flag, in the order the usage lists them. */
export const mockOptions = {
  port: {
    flag: "port",
    arg: "<n>",
    kind: "port",
    mode: "any",
    default: "a free port",
    flagDefault: 4010,
    help: "port to listen on",
  },
  host: { flag: "host", arg: "<h>", kind: "text", mode: "any", default: "127.0.0.1", help: "host to listen on" },
  spec: { kind: "text", mode: "any", default: "the bundled spec", help: "the spec file to serve" },
  dynamic: {
    flag: "dynamic",
    kind: "switch",
    mode: "any",
    help: "generate response data from the schemas instead of the spec's examples",
  },
  errors: {
    flag: "errors",
    kind: "switch",
    mode: "any",
    help: "answer 500 with Prism's findings when an answer breaks the spec (Prism --errors)",
  },
  stateful: {
    flag: "stateful",
    kind: "switch",
    mode: "any",
    help: "keep each API key's users across calls and deliver webhooks; control the world under /_sandbox (see the lifecycle table in docs/sandbox.md)",
  },
  allowRemoteWebhooks: {
    flag: "allow-remote-webhooks",
    kind: "switch",
    mode: "stateful",
    help: "let webhook endpoints be hosts other than loopback ones (127.0.0.0/8, localhost, [::1])",
  },
  maxWorlds: {
    flag: "max-worlds",
    arg: "<n>",
    kind: "count",
    mode: "stateful",
    default: 10_000,
    help: "worlds (API keys) kept at once; a new key beyond it gets 507",
  },
  maxUsersPerWorld: {
    flag: "max-users-per-world",
    arg: "<n>",
    kind: "count",
    mode: "stateful",
    default: 10_000,
    help: "users per world; a create call beyond it gets 507",
  },
  maxDeliveriesPerWorld: {
    flag: "max-deliveries-per-world",
    arg: "<n>",
    kind: "count",
    mode: "stateful",
    default: 10_000,
    help: "webhook deliveries kept per world; beyond it the oldest is forgotten",
  },
  maxJournalPerWorld: {
    flag: "max-journal-per-world",
    arg: "<n>",
    kind: "count",
    mode: "stateful",
    default: 1000,
    help: "calls each world's journal keeps (GET /_sandbox/requests)",
  },
  maxIdleMinutes: {
    flag: "max-idle-minutes",
    arg: "<n>",
    kind: "minutes",
    mode: "stateful",
    default: "1440, a day",
    help: "drop a world unused this long",
  },
  stateFile: {
    flag: "state",
    arg: "<file>",
    kind: "text",
    mode: "stateful",
    help: "keep every world in <file> across restarts (read at start, written soon after each change and on exit); a file that is not a state file stops the start and is left as it is",
  },
  latency: {
    flag: "latency",
    arg: "<ms>|<min>-<max>",
    kind: "latency",
    mode: "any",
    help: "hold every answer of the API back <ms>, or a random time from <min> to <max> (the control API is never slowed)",
  },
  proxy: {
    flag: "proxy",
    arg: "<url>",
    kind: "url",
    mode: "any",
    help: "forward every call to <url> (e.g. https://partner-api-stage.p100.io), check each answer against the spec, log each difference and write a report of them on exit (honours HTTPS_PROXY, HTTP_PROXY and NO_PROXY); not with --stateful",
  },
  report: {
    flag: "report",
    arg: "<file>",
    flagOnly: true,
    kind: "text",
    mode: "proxy",
    default: "p100-contract-report.md",
    help: "where the proxy writes its Markdown report",
  },
  record: {
    flag: "record",
    arg: "<file.har>",
    kind: "text",
    mode: "proxy",
    help: "write every exchange with the upstream to <file.har> (HAR 1.2) as it happens, without the API key, the webhook token or personal data (the spec's x-p100-personal fields masked); binary bodies as their size and type only",
  },
  maxUpstreamBytes: {
    flag: "max-upstream-bytes",
    arg: "<n>",
    kind: "bytes",
    mode: "proxy",
    default: `${defaultMaxUpstreamBytes}, 10 MiB`,
    help: "the largest body of an upstream's answer, decoded (gzip, br, deflate undone); a larger one is answered 502, naming the cap",
  },
  maxDiffEntries: {
    flag: "max-diff-entries",
    arg: "<n>",
    kind: "count",
    mode: "any",
    default: defaultMaxDiffEntries,
    help: "distinct entries kept of the proxy's differences (and of the mock's answers that break the spec); a call beyond it is counted, and the report says how many",
  },
  corsOrigins: {
    flag: "cors",
    arg: "<o>",
    repeatable: true,
    kind: "origins",
    mode: "any",
    help: "let web pages from origin <o> call the mock too (repeatable; * for any); pages on loopback hosts (localhost, 127.0.0.1, [::1]) always may",
  },
  onOutput: { kind: "callback", mode: "any", help: "receives each log line" },
  signal: { kind: "signal", mode: "any", help: "aborting it during startup stops the mock" },
} as const satisfies Record<keyof MockOptions | "report", OptionSpec>;

export type OptionName = keyof typeof mockOptions;
const names = Object.keys(mockOptions) as OptionName[];
const specOf = (name: OptionName): OptionSpec => mockOptions[name];

/** startMock's option names, sorted (the bin's own flags are not among them). */
export const optionNames = names.filter((name) => !specOf(name).flagOnly).sort();

const modeFlag = {
  stateful: "the stateful mode: --stateful (stateful: true)",
  proxy: "the proxy mode: --proxy <url> (proxy)",
};

/** How a message names an option: the same words whether it came from code or the command line. */
function both(name: OptionName): string {
  const { flag, flagOnly } = specOf(name);
  return flag === undefined ? name : flagOnly ? `--${flag}` : `--${flag} (${name})`;
}

/**
 * Why `options` cannot start a mock, in one line; undefined when they can. `via` says how the
 * caller named them (startMock's option names, or the bin's flags, whose text is in `given`).
 */
export function optionProblem(
  options: Record<string, unknown>,
  via: "option" | "flag" = "option",
  given: Record<string, string | undefined> = {},
): string | undefined {
  const known: readonly string[] = via === "flag" ? names : optionNames;
  const unknown = Object.keys(options).filter((name) => !known.includes(name));
  if (unknown.length) return `unknown option ${unknown.join(", ")}; the options are ${optionNames.join(", ")}`;
  const set = (name: OptionName) => options[name] !== undefined && options[name] !== false;
  for (const name of names) {
    const spec = specOf(name);
    if (!set(name) || spec.mode === "any" || set(spec.mode)) continue;
    return `${both(name)} needs ${modeFlag[spec.mode]}`;
  }
  for (const name of names) {
    const value = options[name];
    if (value === undefined) continue;
    const spec = specOf(name);
    const kind: Kind = kinds[spec.kind];
    if (kind.fits(value)) continue;
    const label = via === "flag" && spec.flag ? `--${spec.flag}` : name;
    const range = via === "flag" ? (kind.flagRange ?? kind.range) : kind.range;
    const text = given[name];
    const got = text !== undefined ? JSON.stringify(text) : typeof value === "number" ? String(value) : shown(value);
    return `${label} ${kind.needs ? "needs" : "must be"} ${range} (got ${got})`;
  }
  if (set("proxy") && set("stateful")) return "--proxy and --stateful do not go together";
  return undefined;
}

const shown = (value: unknown) =>
  typeof value === "function" ? "a function" : (JSON.stringify(value) ?? String(value));

/** The `latency` option as a range in ms (checked already by `optionProblem`). */
export function latencyRange(latency: MockOptions["latency"]): { min: number; max: number } | undefined {
  if (latency === undefined) return undefined;
  return typeof latency === "number" ? { min: latency, max: latency } : { min: latency.min, max: latency.max };
}

/** node:util's `parseArgs` options for the bin's flags (values as text; each is read by `fromFlags`). */
export function parseArgsOptions(): Record<string, { type: "string" | "boolean"; multiple?: boolean }> {
  const options: Record<string, { type: "string" | "boolean"; multiple?: boolean }> = {};
  for (const name of names) {
    const { flag, arg, repeatable } = specOf(name);
    if (flag) options[flag] = { type: arg ? "string" : "boolean", ...(repeatable && { multiple: true }) };
  }
  return { ...options, help: { type: "boolean" } };
}

/**
 * The bin's flags (as `parseArgs` gives them) as options, checked like startMock's: the options,
 * or the one-line problem. `report` is among them when given.
 */
export function fromFlags(
  values: Record<string, unknown>,
): { options: MockOptions & { report?: string }; problem?: undefined } | { problem: string } {
  const options: Record<string, unknown> = {};
  const given: Record<string, string> = {};
  for (const name of names) {
    const { flag, kind } = specOf(name);
    const value = flag === undefined ? undefined : values[flag];
    if (value === undefined || value === false) continue;
    const read: Kind = kinds[kind];
    if (typeof value === "string") given[name] = value;
    options[name] = typeof value === "string" && read.fromFlag ? read.fromFlag(value) : value;
  }
  const problem = optionProblem(options, "flag", given);
  return problem ? { problem } : { options: options as MockOptions & { report?: string } };
}

/** The usage's list of flags: each with its value, its help (the mode it needs first), its default. */
export function flagUsage(width = 100): string {
  const column = 16;
  const lines: string[] = [];
  for (const name of names) {
    const spec = specOf(name);
    if (!spec.flag) continue;
    const head = `  --${spec.flag}${spec.arg ? ` ${spec.arg}` : ""}`;
    const needs = spec.mode === "any" ? "" : `with --${spec.mode}: `;
    const fallback = spec.flagDefault ?? spec.default;
    const words = `${needs}${spec.help}${fallback === undefined ? "" : ` (default ${fallback})`}`.split(" ");
    const wrapped: string[] = [];
    let line = "";
    for (const word of words) {
      if (line && column + line.length + 1 + word.length > width) {
        wrapped.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    wrapped.push(line);
    const pad = " ".repeat(column);
    if (head.length < column) lines.push(`${head.padEnd(column)}${wrapped.shift()}`);
    else lines.push(head);
    lines.push(...wrapped.map((text) => `${pad}${text}`));
  }
  lines.push(`${"  --help".padEnd(column)}show this help`);
  return lines.join("\n");
}

/** The table of docs/mock.md's "Options" section (a test checks the page has it as written here). */
export function optionsMarkdown(): string {
  // A `<file>` outside code would be an HTML tag to a Markdown renderer.
  const cell = (text: string) => text.replaceAll("|", "\\|");
  const prose = (text: string) => cell(text).replaceAll(/<[a-z][\w-]*>/g, "`$&`");
  const rows = names.map((name) => {
    const spec = specOf(name);
    const kind: Kind = kinds[spec.kind];
    const flag = spec.flag
      ? `\`--${spec.flag}${spec.arg ? ` ${spec.arg}` : ""}\`${spec.repeatable ? " (repeatable)" : ""}`
      : "";
    const option = spec.flagOnly ? "" : `\`${name}\``;
    const fallback =
      spec.flagDefault === undefined ? (spec.default ?? "") : `${spec.default}; p100-mock: ${spec.flagDefault}`;
    const mode = spec.mode === "any" ? "" : spec.mode;
    return `| ${cell(flag)} | ${option} | ${prose(kind.range)} | ${fallback} | ${mode} | ${prose(spec.help)} |`;
  });
  return ["| flag | `startMock` option | value | default | needs | does |", "|---|---|---|---|---|---|", ...rows].join(
    "\n",
  );
}
