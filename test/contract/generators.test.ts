// The contract in partners' code generators: @hey-api/openapi-ts and openapi-zod-client generate
// clients from the shipped bundle, and a call of Creating KYC Verification and of Get User
// Balances type-checks under `strict` with a typed body and `string` ids
// (test/fixtures/generators/calls.ts). They write into node_modules/.cache, so that the generated
// code's imports (zod, @zodios/core) resolve from this package's node_modules.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { root } from "../../scripts/toolchain.js";

const bin = (name: string) => path.join(root, "node_modules", ".bin", name);
const bundle = path.join(root, "generated", "openapi.json");
const cache = path.join(root, "node_modules", ".cache");
fs.mkdirSync(cache, { recursive: true });
const work = fs.mkdtempSync(path.join(cache, "p100-generators-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** Runs a tool in the work folder; its output is the failure message. */
function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { cwd: work, encoding: "utf8" });
  expect(result.status, `${path.basename(command)} ${args.join(" ")}\n${result.stdout}${result.stderr}`).toBe(0);
}

it("generated clients type a call of Creating KYC Verification and Get User Balances under strict", {
  timeout: 180_000,
}, () => {
  run(bin("openapi-ts"), ["--input", bundle, "--output", path.join(work, "hey")]);
  run(bin("openapi-zod-client"), [bundle, "--output", path.join(work, "zod.ts")]);
  fs.copyFileSync(path.join(root, "test", "fixtures", "generators", "calls.ts"), path.join(work, "calls.ts"));
  const strict = ["--strict", "--noEmit", "--skipLibCheck", "--target", "es2022", "--module", "esnext"];
  run(bin("tsc"), [...strict, "--moduleResolution", "bundler", "--types", "node", "calls.ts"]);
});
