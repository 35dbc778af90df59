// The MSW handlers from the packed package (p100-user-accounts/msw, docs/msw.md): the page's
// vitest example runs as it stands in a consumer project made from the tarball (test/support/packed-app.ts),
// with setupServer and the package's client; msw is this repository's, linked as the optional peer is.
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { expect, inject, it } from "vitest";

const repo = path.resolve(import.meta.dirname, "../..");
const project = inject("packedApp");
const execAsync = promisify(execFile);

it("runs docs/msw.md's vitest example with setupServer and the client: it passes", { timeout: 240_000 }, async () => {
  const page = fs.readFileSync(path.join(repo, "docs/msw.md"), "utf8");
  const block = /```ts\n(\/\/ msw\.test\.ts[^\n]*\n[\s\S]*?)```/.exec(page)?.[1];
  expect(block).toBeDefined();
  const example = path.join(project, "msw-example");
  fs.mkdirSync(example, { recursive: true });
  fs.writeFileSync(path.join(example, "msw.test.ts"), block!);
  const vitest = path.join(project, "node_modules", "vitest");
  try {
    fs.symlinkSync(path.join(repo, "node_modules", "vitest"), vitest, "dir");
  } catch (error) {
    // Linked already (by test/package/package.test.ts in another worker).
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  expect(fs.existsSync(path.join(project, "node_modules", "msw", "package.json"))).toBe(true);
  // A vitest of its own, as the example's user runs it: none of this run's settings leak in.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("VITEST")));
  const { stdout } = await execAsync(process.execPath, [path.join(repo, "node_modules/vitest/vitest.mjs"), "run"], {
    cwd: example,
    encoding: "utf8",
    env: { ...env, NO_COLOR: "1" },
  });
  expect(stdout).toMatch(/Tests +1 passed \(1\)/);
});
