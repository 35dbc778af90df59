// The option schema (src/mock/options.ts): startMock and p100-mock's flags are checked by the same
// table with the same messages, the usage and docs/mock.md list every flag. No socket, no process.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { describe, expect, it } from "vitest";
import { MockStartError } from "../../src/errors.js";
import {
  flagUsage,
  fromFlags,
  mockOptions,
  type OptionName,
  type OptionSpec,
  optionNames,
  optionProblem,
  optionsMarkdown,
  parseArgsOptions,
} from "../../src/mock/options.js";
import { startMock } from "../../src/mock/start-mock.js";

/** The bin's reading of a command line: parseArgs from the table, then the table's checks. */
const flags = (args: string[]) => fromFlags(parseArgs({ args, options: parseArgsOptions() }).values);

/** A value each kind takes, as an option and as a flag's text. */
const samples: Record<string, [unknown, string | true]> = {
  count: [5, "5"],
  bytes: [1024, "1024"],
  minutes: [5, "5"],
  switch: [true, true],
  text: ["x.state", "x.state"],
};
const moded = (Object.keys(mockOptions) as OptionName[]).filter((name) => mockOptions[name].mode !== "any");

describe("an option that needs a mode", () => {
  it.each(moded)("%s without its mode: the same message from startMock and from the bin", (name) => {
    const spec: OptionSpec = mockOptions[name];
    const [value, text] = samples[spec.kind] ?? [];
    expect(value).toBeDefined();
    const args = text === true ? [`--${spec.flag}`] : [`--${spec.flag}`, String(text)];
    const said = flags(args).problem;
    expect(said).toMatch(new RegExp(`^--${spec.flag}\\b.* needs the ${spec.mode} mode: --${spec.mode}`));
    if (!spec.flagOnly) expect(optionProblem({ [name]: value })).toBe(said);
    // With its mode, it is taken.
    const mode = spec.mode === "proxy" ? ["--proxy", "https://p100.test"] : ["--stateful"];
    expect(flags([...mode, ...args]).problem).toBeUndefined();
  });

  it("startMock refuses it before anything starts (it was ignored before)", async () => {
    await expect(startMock({ maxWorlds: 5 })).rejects.toThrow(
      new MockStartError("--max-worlds (maxWorlds) needs the stateful mode: --stateful (stateful: true)"),
    );
    await expect(startMock({ maxUpstreamBytes: 1024 })).rejects.toThrow(
      new MockStartError("--max-upstream-bytes (maxUpstreamBytes) needs the proxy mode: --proxy <url> (proxy)"),
    );
  });

  it("a switch set to false, or an option left undefined, needs no mode", () => {
    expect(optionProblem({ allowRemoteWebhooks: false, maxWorlds: undefined })).toBeUndefined();
  });
});

describe("a value out of its range", () => {
  it.each<[Record<string, unknown>, string]>([
    [{ port: 65536 }, "port must be a whole number from 0 to 65535 (got 65536)"],
    [{ stateful: true, maxWorlds: 0 }, "maxWorlds must be a positive integer (got 0)"],
    [{ stateful: true, maxIdleMinutes: -1 }, "maxIdleMinutes must be a positive number (got -1)"],
    [
      { latency: { min: 5, max: 1 } },
      'latency must be a whole number of ms from 0 to 60000, or { min, max } with min <= max (got {"min":5,"max":1})',
    ],
    [
      { proxy: "p100.test" },
      'proxy needs an absolute http(s) URL, e.g. https://partner-api-stage.p100.io (got "p100.test")',
    ],
    [
      { proxy: "https://p100.test", maxUpstreamBytes: 2 ** 40 },
      "maxUpstreamBytes must be a whole number of bytes from 1 to 268435456 (got 1099511627776)",
    ],
    [{ maxDiffEntries: 1.5 }, "maxDiffEntries must be a positive integer (got 1.5)"],
    [{ dynamic: "yes" }, 'dynamic must be true or false (got "yes")'],
    [{ corsOrigins: "https://a.example" }, 'corsOrigins must be a list of origins (got "https://a.example")'],
    [{ onOutput: "log" }, 'onOutput must be a function (got "log")'],
    [{ proxy: "https://p100.test", stateful: true }, "--proxy and --stateful do not go together"],
  ])("startMock(%j): %s", (options, message) => {
    expect(optionProblem(options)).toBe(message);
  });

  it.each<[string[], string]>([
    [["--port", "abc"], '--port must be a whole number from 0 to 65535 (got "abc")'],
    [["--stateful", "--max-worlds", "0"], '--max-worlds must be a positive integer (got "0")'],
    [["--stateful", "--max-worlds", "5x"], '--max-worlds must be a positive integer (got "5x")'],
    [["--latency", "fast"], '--latency must be <ms> or <min>-<max> in ms, at most 60000 (got "fast")'],
    [["--latency", "9-3"], '--latency must be <ms> or <min>-<max> in ms, at most 60000 (got "9-3")'],
    [
      ["--proxy", "p100.test"],
      '--proxy needs an absolute http(s) URL, e.g. https://partner-api-stage.p100.io (got "p100.test")',
    ],
    [["--proxy", "https://p100.test", "--stateful"], "--proxy and --stateful do not go together"],
  ])("p100-mock %j: %s", (args, message) => {
    expect(flags(args).problem).toBe(message);
  });
});

describe("names", () => {
  it("refuses a name it does not know; the bin's --report is no startMock option", () => {
    const list = optionNames.join(", ");
    expect(optionProblem({ statefull: true })).toBe(`unknown option statefull; the options are ${list}`);
    expect(optionProblem({ report: "r.md", proxy: "https://p100.test" })).toBe(
      `unknown option report; the options are ${list}`,
    );
    expect(optionNames).not.toContain("report");
  });

  it("reads each flag as its option: numbers, a latency range, a repeated --cors, the report", () => {
    const read = flags([
      ...["--proxy", "https://p100.test", "--port", "4020", "--latency", "100-200", "--report", "r.md"],
      ...["--cors", "https://a.example", "--cors", "*", "--max-upstream-bytes", "2048", "--max-diff-entries", "10"],
    ]);
    expect(read).toEqual({
      options: {
        proxy: "https://p100.test",
        port: 4020,
        latency: { min: 100, max: 200 },
        report: "r.md",
        corsOrigins: ["https://a.example", "*"],
        maxUpstreamBytes: 2048,
        maxDiffEntries: 10,
      },
    });
  });

  it("the usage and docs/mock.md list every flag, as the table says", () => {
    const usage = flagUsage();
    for (const spec of Object.values(mockOptions) as { flag?: string }[])
      if (spec.flag) expect(usage).toMatch(new RegExp(`^  --${spec.flag}\\b`, "m"));
    for (const line of usage.split("\n")) expect(line.length).toBeLessThanOrEqual(100);
    const docs = readFileSync("docs/mock.md", "utf8");
    const section =
      /<!-- generated by optionsMarkdown\(\)[^\n]*-->\n([\s\S]*?)\n<!-- end of the generated table -->/.exec(docs);
    // Stale: paste optionsMarkdown()'s output between the two comments of docs/mock.md.
    expect(section?.[1]).toBe(optionsMarkdown());
  });
});
