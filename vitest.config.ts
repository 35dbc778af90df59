import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/prism-setup.ts", "test/support/packed-app.ts"],
    reporters: ["default", "./test/support/coverage-reporter.ts"],
    // Type-level tests (*.test-d.ts) are compiled by `npm run typecheck` (tsconfig.json includes
    // test/), where a failed expectTypeOf or an unused @ts-expect-error fails the run: vitest's
    // own typecheck would run the same compiler over the same files a second time.
    testTimeout: 15_000,
    // Set-up hooks start mocks, browsers, runtimes or bundle review fixtures: on a busy 2-core
    // machine one took longer than vitest's 10 s (a hang guard, not a speed check).
    hookTimeout: 60_000,
    // Most test files wait on child processes (Prism, npm, Redocly, Chromium) or on timeouts, so
    // three workers keep this 2-core machine busy (two left a core idle: npm test 46 s, not 43 s).
    maxWorkers: 3,
    // Test files share a worker's modules (Prism, Ajv and the bundled spec load once per worker,
    // not once per file): no test relies on module state of its own.
    isolate: false,
  },
});
