// Vitest global setup: one Prism mock of the bundled spec for the whole run, on a free loopback
// port, stopped in teardown whether the tests pass or fail.
import type { TestProject } from "vitest/node";
import { startMock } from "../../src/mock/index.js";

declare module "vitest" {
  export interface ProvidedContext {
    prismUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const started = performance.now();
  const mock = await startMock();
  console.log(`Prism answered on ${mock.url} after ${Math.round(performance.now() - started)} ms`);
  project.provide("prismUrl", mock.url);
  return () => mock.close();
}
