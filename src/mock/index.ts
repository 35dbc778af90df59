// p100-user-accounts/mock: the mock, its proxy mode and its stateful sandbox. Re-exports only.
export { MockStartError } from "../errors.js";
export { prefer, type ResponseExamples } from "./prefer.js";
export { createSandboxClient, type SandboxPaths } from "./sandbox/client.js";
export type { Delivery, SandboxUser } from "./sandbox/world.js";
export { createMockFetch, type InProcessMock, type MockOptions, type RunningMock, startMock } from "./start-mock.js";
