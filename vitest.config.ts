import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/prism-setup.ts", "test/support/packed-app.ts"],
    reporters: ["default", "./test/support/coverage-reporter.ts"],
    typecheck: {
      enabled: true,
      include: ["test/**/*.test-d.ts"],
      tsconfig: "tsconfig.json",
    },
    testTimeout: 15_000,
    // Most test files wait on child processes (Prism, npm, Redocly, Chromium), so two workers
    // keep this 2-core machine busy where the default (cores - 1) would leave one idle.
    maxWorkers: 2,
    // Test files share a worker's modules (Prism, Ajv and the bundled spec load once per worker,
    // not once per file): no test relies on module state of its own.
    isolate: false,
  },
});
