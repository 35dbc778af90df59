// Acceptance, stateful: `p100-mock --stateful`, spawned from the packed package installed in an
// application (node_modules/.bin), with a webhook receiver on 127.0.0.1: the table's rows marked
// for outside (it starts and answers, a webhook reaches the receiver). The whole table runs in
// process (test/mock/answer-table.test.ts).
import { afterAll, beforeAll, inject } from "vitest";
import { acceptRows } from "./accept.js";
import { type LocalServer, type MockProcess, spawnBin, startReceiver } from "./processes.js";

let mock: MockProcess;
let receiver: LocalServer;
beforeAll(async () => {
  [mock, receiver] = await Promise.all([spawnBin(inject("packedApp"), ["--stateful"]), startReceiver()]);
}, 180_000);
afterAll(() => Promise.all([mock?.stop(), receiver?.close()]));

acceptRows("stateful", () => ({ mock, receiver }), { outsideOnly: true });
