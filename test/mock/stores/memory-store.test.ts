// Unit tests of the memory store (src/mock/stores/memory-store.ts): the store's contract
// (test/support/store-contract.ts), which every store passes. No socket, no timer.
import { describe } from "vitest";
import { MemoryStore } from "../../../src/mock/stores/memory-store.js";
import { storeContract } from "../../support/store-contract.js";

describe("MemoryStore", () => {
  storeContract(async (options) => new MemoryStore(options));
});
