// The suite in three layers, each a vitest project (CONTRIBUTING.md "Tests"):
// - unit: a test file named after the module it tests (test/client/retry.test.ts for
//   src/client/retry.ts); no sockets, no processes (test/support/unit-guard.ts refuses them), no
//   real timers. `npm run test:unit` runs it alone, without the global setups.
// - outside: the package as users run it (the packed tarball, spawned bins, raw HTTP, browsers,
//   runtimes, the review's command lines).
// - in-process: the rest, against servers in this process (Prism from the global setup, local fakes).
import fs from "node:fs";
import path from "node:path";
import { defineConfig } from "vitest/config";

const testFiles = fs
  .readdirSync("test", { recursive: true, encoding: "utf8" })
  .filter((file) => file.endsWith(".test.ts") && !file.startsWith(`fixtures${path.sep}`))
  .map((file) => file.split(path.sep).join("/"));

/** Named after a module of src/: the unit layer. */
const unit = testFiles.filter((file) => fs.existsSync(`src/${file.replace(/\.test\.ts$/, ".ts")}`));

const outside = [
  "test/acceptance/**/*.test.ts",
  "test/package/**/*.test.ts",
  "test/review/**/*.test.ts",
  "test/webhooks/runtimes.test.ts",
  "test/webhooks/webhook-bin.test.ts",
  "test/mock/mock-bin.test.ts",
  "test/learn/contract-bin.test.ts",
  "test/learn/record-bin.test.ts",
];

const prism = "test/support/prism-setup.ts";
const packedApp = "test/support/packed-app.ts";

export default defineConfig({
  test: {
    reporters: ["default", "./test/support/coverage-reporter.ts"],
    // Type-level tests (*.test-d.ts) are compiled by `npm run typecheck` (tsconfig.json includes
    // test/), where a failed expectTypeOf or an unused @ts-expect-error fails the run: vitest's
    // own typecheck would run the same compiler over the same files a second time.
    // Most test files wait on child processes (Prism, npm, Redocly, Chromium) or on timeouts, so
    // three workers keep this 2-core machine busy (two left a core idle: npm test 46 s, not 43 s).
    maxWorkers: 3,
    // expect.poll's default guard (vitest's is 1 s): a poll of state that a busy machine updates
    // late must not fail the test; an event, where one exists, is better still (test/support/spawned.ts).
    expect: { poll: { timeout: 15_000 } },
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: unit.map((file) => `test/${file}`),
          setupFiles: ["test/support/unit-guard.ts"],
          // Nothing here waits on anything outside the process: vitest's default is plenty.
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: "in-process",
          include: ["test/**/*.test.ts"],
          exclude: [...unit.map((file) => `test/${file}`), ...outside, "test/fixtures/**"],
          globalSetup: [prism],
          // Limits are hang guards, never speed checks: generous, since a busy 2-core machine
          // can be ten times slower than a quiet one.
          testTimeout: 30_000,
          hookTimeout: 120_000,
          // Test files share a worker's modules (Prism, Ajv and the bundled spec load once per
          // worker, not once per file): no test relies on module state of its own.
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: "outside",
          include: outside,
          exclude: ["test/fixtures/**"],
          // package.test.ts calls the in-process Prism through the packed client.
          globalSetup: [prism, packedApp],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          isolate: false,
        },
      },
    ],
  },
});
