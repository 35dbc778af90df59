// The package as an application team gets it: `npm pack`, installed into an empty project with
// only its declared dependencies, type-checked as a consumer would, and called against the mock.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { prismUrl } from "./support/prism.js";

const repo = path.resolve(import.meta.dirname, "..");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "p100-consumer-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const run = (command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) =>
  execFileSync(command, args, { cwd, encoding: "utf8", stdio: "pipe", env: { ...process.env, ...env } });

it("installs from the packed tarball, type-checks a consumer and calls the mock through it", { timeout: 120_000 }, () => {
  const tarball = run("npm", ["pack", "--silent", "--pack-destination", work], repo).trim().split("\n").pop()!;
  const listed = run("tar", ["-tzf", path.join(work, tarball)], work).split("\n");
  expect(listed).toEqual(expect.arrayContaining(["package/dist/index.js", "package/dist/index.d.ts", "package/generated/openapi.yaml", "package/generated/schema.d.ts"]));
  expect(listed.filter((f) => f.startsWith("package/src/") || f.startsWith("package/test/"))).toEqual([]);

  const project = path.join(work, "app");
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
  run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", path.join(work, tarball)], project);
  const installed = fs.readdirSync(path.join(project, "node_modules")).filter((name) => !name.startsWith("."));
  expect(installed.sort()).toEqual(["openapi-fetch", "openapi-typescript-helpers", "p100-user-accounts"]);

  fs.copyFileSync(path.join(repo, "test/fixtures/consumer/consumer.ts"), path.join(project, "consumer.ts"));
  fs.writeFileSync(
    path.join(project, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, skipLibCheck: false,
        lib: ["ES2023", "DOM"], types: ["node"], typeRoots: [path.join(repo, "node_modules/@types")], outDir: ".",
      },
      files: ["consumer.ts"],
    }),
  );
  run(process.execPath, [path.join(repo, "node_modules/typescript/bin/tsc"), "-p", "."], project);

  const output = JSON.parse(run(process.execPath, ["consumer.js"], project, { P100_BASE_URL: prismUrl() }));
  expect(output).toEqual({ outcome: "pending", status: 202, pending: true, fiatStatus: "WAITING_TO_BE_ACTIVATED", configError: "P100ConfigError", specVersion: "0.1.0" });
});
