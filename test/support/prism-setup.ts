// Vitest global setup: one Prism mock of the bundled spec for the whole run, on a free loopback
// port, stopped in teardown whether the tests pass or fail. The in-process and the outside
// projects (vitest.config.ts) both list it; they share one mock, kept on globalThis of vitest's
// main process, stopped when the last project that started it tears down.
import type { TestProject } from "vitest/node";
import { startMock } from "../../src/mock/index.js";

declare module "vitest" {
  export interface ProvidedContext {
    prismUrl: string;
  }
}

type Shared = { mock: ReturnType<typeof startMock>; users: number };
const run = globalThis as typeof globalThis & { p100Prism?: Shared };

export default async function setup(project: TestProject) {
  const started = performance.now();
  run.p100Prism ??= { mock: startMock(), users: 0 };
  const shared = run.p100Prism;
  shared.users++;
  const mock = await shared.mock;
  if (shared.users === 1)
    console.log(`Prism answered on ${mock.url} after ${Math.round(performance.now() - started)} ms`);
  project.provide("prismUrl", mock.url);
  return async () => {
    if (--shared.users > 0) return;
    run.p100Prism = undefined;
    await mock.close();
  };
}
