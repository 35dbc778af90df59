// Vitest global setup: the package as an application team gets it, built once per run and shared
// by every test file that needs it (test/package/, test/acceptance/). `npm pack` of this
// repository, installed into an empty application as the README says (the package, then Prism,
// its optional peers, for the mock), in a temp folder removed in teardown.
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** The application folder: package.json, node_modules/p100-user-accounts, node_modules/.bin/p100-mock. */
    packedApp: string;
    /** The files in the tarball, as `tar -tzf` lists them. */
    packedFiles: string[];
    /** The top-level folders of node_modules after installing the tarball alone (before Prism). */
    installedAlone: string[];
    /** The tarball `npm pack` wrote (removed in teardown). */
    packedTarball: string;
    /** The client-only install (the tarball alone): its packages, their bytes on disk, npm's stderr. */
    installedAloneSize: { packages: number; bytes: number; npmStderr: string };
  }
}

const repo = path.resolve(import.meta.dirname, "../..");
const exec = promisify(execFile);
const runWithStderr = (command: string, args: string[], cwd: string) =>
  exec(command, args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
const run = async (command: string, args: string[], cwd: string) => (await runWithStderr(command, args, cwd)).stdout;
const npmInstall = ["install", "--no-audit", "--no-fund", "--prefer-offline"];

/** The packages installed under `modules` (nested ones too), and the bytes of every file there. */
function measure(modules: string) {
  let packages = 0;
  let bytes = 0;
  const walk = (dir: string, holdsPackages: boolean) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isFile()) bytes += fs.statSync(full).size;
      if (!entry.isDirectory()) continue;
      if (holdsPackages && entry.name.startsWith("@")) walk(full, true);
      else {
        if (holdsPackages && !entry.name.startsWith(".")) packages++;
        walk(full, entry.name === "node_modules");
      }
    }
  };
  walk(modules, true);
  return { packages, bytes };
}

/** npm test builds dist/ just before the tests; the tarball is packed from it as it is. */
function requireFreshDist() {
  const sources = fs.readdirSync(path.join(repo, "src"), { recursive: true, encoding: "utf8" });
  const stale = sources.filter((file) => {
    if (fs.statSync(path.join(repo, "src", file)).isDirectory()) return false;
    const built = path.join(repo, "dist", file.replace(/\.ts$/, ".js"));
    return !fs.existsSync(built) || fs.statSync(built).mtimeMs < fs.statSync(path.join(repo, "src", file)).mtimeMs;
  });
  if (stale.length) throw new Error(`dist/ is older than src/ (${stale.join(", ")}): run npm run build:dist`);
}

export default async function setup(project: TestProject) {
  requireFreshDist();
  const started = performance.now();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "p100-consumer-"));
  const app = path.join(work, "app");
  try {
    const tarball = path.join(
      work,
      (await run("npm", ["pack", "--silent", "--ignore-scripts", "--pack-destination", work], repo)).trim(),
    );
    const packedFiles = (await run("tar", ["-tzf", tarball], work)).split("\n");
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
    const { stderr: npmStderr } = await runWithStderr("npm", [...npmInstall, tarball], app);
    const installedAlone = fs.readdirSync(path.join(app, "node_modules")).filter((name) => !name.startsWith("."));
    const installedAloneSize = { ...measure(path.join(app, "node_modules")), npmStderr };
    // Then Prism, the optional peers. npm links this repository's locked copies rather than fetching
    // them again: npm's registry install is not what this tests (and costs ~13 s of CPU).
    const peers = JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8")).peerDependencies;
    const linked = Object.entries<string>(peers).map(([name, version]) => {
      const dir = path.join(repo, "node_modules", name);
      const found = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).version;
      // An exact pin must be what is installed; a range (@opentelemetry/api's) is checked by npm below.
      if (/^\d+\.\d+\.\d+$/.test(version) && found !== version)
        throw new Error(`${name} is ${found} in node_modules, the peer range says ${version}`);
      return dir;
    });
    // --ignore-scripts: a linked folder would otherwise run its own repository scripts (undici: husky).
    await run("npm", [...npmInstall, "-D", "--install-links=false", "--ignore-scripts", ...linked], app);
    project.provide("packedApp", app);
    project.provide("packedFiles", packedFiles);
    project.provide("installedAlone", installedAlone);
    project.provide("packedTarball", tarball);
    project.provide("installedAloneSize", installedAloneSize);
  } catch (error) {
    fs.rmSync(work, { recursive: true, force: true });
    throw error;
  }
  console.log(`packed and installed into ${app} in ${Math.round(performance.now() - started)} ms`);
  return () => fs.rmSync(work, { recursive: true, force: true });
}
