// Acceptance, stateless: `p100-mock` with no flags, spawned from the packed package installed in an
// application (node_modules/.bin), sent raw: the table's rows marked for outside (it starts and
// answers; each upload limit with Content-Length and chunked). The whole table runs in process
// (test/mock/answer-table.test.ts).
import { afterAll, beforeAll, inject } from "vitest";
import { acceptRows } from "./accept.js";
import { type MockProcess, spawnBin } from "./processes.js";

let mock: MockProcess;
beforeAll(async () => {
  mock = await spawnBin(inject("packedApp"), []);
}, 180_000);
afterAll(() => mock?.stop());

acceptRows("stateless", () => ({ mock }), { outsideOnly: true });
