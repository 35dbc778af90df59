// The pinned toolchain, run from this package's node_modules so that every build and check uses
// exactly the locked versions: the repository root, and the one way to run the Redocly CLI.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

// Telemetry is also off in redocly.yaml; the variables cover runs with another config.
const env = { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" };

/**
 * Runs `redocly <args>` in `cwd` (the repository by default) and returns its standard output.
 * Quiet on success (Redocly prints a banner on Node 20); on failure it throws with the tool's
 * output, unless `failureIsAnswer` (e.g. lint reporting problems), when it returns that output.
 */
export function redocly(args, { cwd = root, failureIsAnswer = false } = {}) {
  try {
    return execFileSync(path.join(root, "node_modules", ".bin", "redocly"), args, {
      cwd,
      env,
      stdio: "pipe",
      encoding: "utf8",
    });
  } catch (error) {
    if (failureIsAnswer && typeof error.stdout === "string") return error.stdout;
    throw new Error(`redocly ${args.join(" ")} failed:\n${error.stdout ?? ""}${error.stderr ?? error.message}`);
  }
}

/** Whether the module at `url` is the script node was asked to run (symlinks resolved, as ESM does). */
export function isMain(url) {
  return process.argv[1] !== undefined && url === pathToFileURL(fs.realpathSync(process.argv[1])).href;
}
