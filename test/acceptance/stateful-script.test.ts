// Acceptance, stateful, as a consumer's own script starts it: `startMock({ stateful: true })`
// imported from the installed package by a plain .mjs run with `node` (test/fixtures/acceptance/
// stateful-mock.mjs), never through vitest's module loader. The same rows as `--stateful` (those
// marked for outside; the whole table runs in process, test/mock/answer-table.test.ts).
import { afterAll, beforeAll, inject } from "vitest";
import { acceptRows } from "./accept.js";
import { type LocalServer, type MockProcess, spawnStatefulScript, startReceiver } from "./processes.js";

let mock: MockProcess;
let receiver: LocalServer;
beforeAll(async () => {
  [mock, receiver] = await Promise.all([spawnStatefulScript(inject("packedApp")), startReceiver()]);
}, 180_000);
afterAll(() => Promise.all([mock?.stop(), receiver?.close()]));

acceptRows("script", () => ({ mock, receiver }), { outsideOnly: true });
