// Acceptance, stateless: `p100-mock` with no flags, spawned from the packed package installed in an
// application (node_modules/.bin), every row of the table for this mode sent raw.
import { afterAll, beforeAll, inject } from "vitest";
import { acceptRows } from "./accept.js";
import { type MockProcess, spawnBin } from "./processes.js";

let mock: MockProcess;
beforeAll(async () => {
  mock = await spawnBin(inject("packedApp"), []);
}, 180_000);
afterAll(() => mock?.stop());

acceptRows("stateless", () => ({ mock }));
