// The package as an application team gets it: `npm pack`, installed into an empty project with
// only its declared dependencies, type-checked as a consumer would, and called against the mock.
import { execFile, execFileSync, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { transform } from "esbuild";
import { describe, expect, inject, it } from "vitest";
import { freePort } from "../../scripts/free-port.js";
import { answerProblems, garbage, type LooseClient, plausible } from "../support/answer-tables.js";
import { startHostileServer } from "../support/hostile-server.js";
import { prismUrl } from "../support/prism.js";
import { watch } from "../support/spawned.js";

const repo = path.resolve(import.meta.dirname, "../..");

const run = (command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) =>
  execFileSync(command, args, { cwd, encoding: "utf8", stdio: "pipe", env: { ...process.env, ...env } });

// Packed and installed once per run by the global setup (test/support/packed-app.ts), shared with
// test/acceptance/: this file adds only files of its own (consumer.*, tsconfig.json, readme-example/).
const project = inject("packedApp");
const listed = inject("packedFiles");
const installedAlone = inject("installedAlone");

// The Node matrix (scripts/node-matrix.js) runs this file under each supported Node and says which.
it("runs on the Node the matrix asked for (if any), and so do the npm and npx it spawns", () => {
  if (process.env.P100_EXPECT_NODE) expect(process.version).toBe(`v${process.env.P100_EXPECT_NODE}`);
  expect(run("node", ["--version"], repo).trim()).toBe(process.version);
});

it("packs dist/ and generated/, and no sources or tests", () => {
  expect(listed).toEqual(
    expect.arrayContaining([
      "package/dist/index.js",
      "package/dist/index.d.ts",
      "package/generated/openapi.yaml",
      "package/generated/schema.d.ts",
    ]),
  );
  expect(listed.filter((f) => f.startsWith("package/src/") || f.startsWith("package/test/"))).toEqual([]);
});

it("brings only its declared runtime dependencies into an application", () => {
  expect(installedAlone).toEqual(expect.arrayContaining(["openapi-fetch", "ajv", "ajv-formats", "p100-user-accounts"]));
  for (const tool of ["@stoplight", "@redocly", "typescript", "vitest", "openapi-typescript", "esbuild"])
    expect(installedAlone).not.toContain(tool);
});

// The TypeScript versions a consumer's project is checked with: the lowest the README states (the
// types use `Uint8Array<ArrayBuffer>`: 5.6 fails), the newest major, and this repository's own.
const tsc = {
  lowest: path.join(repo, "node_modules/typescript-5.7/bin/tsc"),
  newest: path.join(repo, "node_modules/typescript-7/bin/tsc"),
  repository: path.join(repo, "node_modules/typescript/bin/tsc"),
};
const tscVersion = (which: keyof typeof tsc) =>
  JSON.parse(fs.readFileSync(path.join(path.dirname(tsc[which]), "../package.json"), "utf8")).version as string;

it("checks consumers with the lowest TypeScript the README states and with TypeScript 7", () => {
  const readme = fs.readFileSync(path.join(repo, "README.md"), "utf8");
  const [, stated] = /\*\*TypeScript (\d+\.\d+) or later\*\* \(tested with \1 and (\d+)\)/.exec(readme) ?? [];
  expect(stated).toBeDefined();
  expect(tscVersion("lowest")).toMatch(new RegExp(`^${stated!.replace(".", "\\.")}\\.\\d+$`));
  expect(tscVersion("newest")).toMatch(/^7\./);
  // The aliases install a `tsc` bin too; the repository's own must keep it (npm ci links by path order).
  expect(fs.realpathSync(path.join(repo, "node_modules/.bin/tsc"))).toBe(fs.realpathSync(tsc.repository));
});

const execAsync = promisify(execFile);

/**
 * Type-checks `files` in `dir` with `compiler` as a strict NodeNext consumer project would, with
 * these options on top; `config` names the tsconfig file, so that checks can run side by side.
 */
async function typeCheck(
  dir: string,
  files: string[],
  options: Record<string, unknown>,
  { compiler = tsc.repository, config = "tsconfig.json" } = {},
) {
  const compilerOptions = {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    lib: ["ES2023", "DOM"],
    types: ["node"],
    typeRoots: [path.join(repo, "node_modules/@types")],
    ...options,
  };
  fs.writeFileSync(path.join(dir, config), JSON.stringify({ compilerOptions, files }));
  try {
    await execAsync(process.execPath, [compiler, "-p", config], { cwd: dir, encoding: "utf8" });
  } catch (error) {
    const { stdout, stderr } = error as { stdout: string; stderr: string };
    throw new Error(`${path.relative(repo, compiler)} -p ${config} failed:\n${stdout}${stderr}`);
  }
}

it("type-checks a consumer under TypeScript 5.7 and 7, and calls the mock through it", {
  timeout: 120_000,
}, async () => {
  fs.copyFileSync(path.join(repo, "test/fixtures/consumer/consumer.ts"), path.join(project, "consumer.ts"));
  const strict = { skipLibCheck: false, skipDefaultLibCheck: true }; // TypeScript's own lib files are not what this checks
  await Promise.all([
    typeCheck(project, ["consumer.ts"], { ...strict, outDir: "." }, { compiler: tsc.lowest }),
    typeCheck(
      project,
      ["consumer.ts"],
      { ...strict, noEmit: true },
      { compiler: tsc.newest, config: "tsconfig.7.json" },
    ),
  ]);

  const output = JSON.parse(run(process.execPath, ["consumer.js"], project, { P100_BASE_URL: prismUrl() }));
  expect(output).toEqual({
    outcome: "pending",
    status: 202,
    pending: true,
    fiatStatus: "WAITING_TO_BE_ACTIVATED",
    configError: "P100ConfigError",
    webhookStatus: "ADDED",
    specVersion: JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8")).version,
    node: process.version,
  });
});

it("imports the bundled spec and the sandbox's control API as JSON from the installed package", () => {
  const script = [
    'import spec from "p100-user-accounts/openapi.json" with { type: "json" };',
    'import sandbox from "p100-user-accounts/sandbox.json" with { type: "json" };',
    'console.log(spec.info.title, "/", Object.keys(sandbox.paths).includes("/_sandbox/requests"));',
  ].join("\n");
  const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: project,
    encoding: "utf8",
  });
  const { info } = JSON.parse(fs.readFileSync(path.join(repo, "generated/openapi.json"), "utf8"));
  expect(output.trim()).toBe(`${info.title} / true`);
});

it("runs a CommonJS consumer: require() of the package and its subpaths, with no warning", () => {
  fs.copyFileSync(path.join(repo, "test/fixtures/consumer/consumer.cjs"), path.join(project, "consumer.cjs"));
  const child = spawnSync(process.execPath, ["consumer.cjs"], {
    cwd: project,
    encoding: "utf8",
    env: { ...process.env, P100_BASE_URL: prismUrl() },
  });
  expect(child.stderr).toBe("");
  expect(child.status).toBe(0);
  expect(JSON.parse(child.stdout)).toEqual({
    outcome: "pending",
    pending: true,
    webhookStatus: "ADDED",
    startMock: "function",
    version: JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8")).version,
    node: process.version,
  });
});

// The user docs: README.md and the pages under docs/. Every code block in them is a program a new
// user copies as it stands: each TypeScript block is a module of its own (an undefined name, a
// missing import fails), each sh block parses, each yaml block parses, each mermaid block is a
// sequence diagram whose calls and webhooks are the spec's; no other kind is written.
const userDocs = [
  "README.md",
  ...fs
    .readdirSync(path.join(repo, "docs"))
    .filter((file) => file.endsWith(".md"))
    .map((file) => `docs/${file}`),
];
const codeBlocks = userDocs.flatMap((doc) => {
  const text = fs.readFileSync(path.join(repo, doc), "utf8");
  return [...text.matchAll(/^( *)```(\w*)\n([\s\S]*?)^\1```$/gm)].map(([, indent, lang, code], index) => ({
    doc,
    index,
    lang: lang!,
    code: code!.replace(new RegExp(`^${indent}`, "gm"), ""),
    name: `${doc.replace(/\W/g, "-")}-${index}`,
  }));
});
const blocksOf = (lang: string) => codeBlocks.filter((block) => block.lang === lang);

/**
 * Links this repository's copies of what the examples import besides the package into the
 * consumer project: vitest (the sandbox example's test runner) and the web frameworks of
 * docs/webhooks.md's recipes, with Express's types.
 */
function linkVitest() {
  for (const name of ["vitest", "express", "fastify", "hono", "@types/express"]) {
    const link = path.join(project, "node_modules", name);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    try {
      fs.symlinkSync(path.join(repo, "node_modules", name), link, "dir");
    } catch (error) {
      // Linked already (by this file, or by test/support/webhook-recipes.ts in another worker).
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
}

it("writes every code block in README.md and docs/*.md as ts, sh, yaml or mermaid", () => {
  expect(userDocs).toEqual(
    expect.arrayContaining(["README.md", "docs/mock.md", "docs/sandbox.md", "docs/webhooks.md"]),
  );
  expect(blocksOf("ts").length).toBeGreaterThanOrEqual(10);
  expect(
    codeBlocks.filter((b) => !["ts", "sh", "yaml", "mermaid"].includes(b.lang)).map((b) => `${b.doc} #${b.index}`),
  ).toEqual([]);
});

// GitHub renders a mermaid block; this keeps a diagram from naming a call or a webhook the spec lacks.
it("every mermaid block in README.md and docs/*.md is a sequence diagram of declared participants, the spec's calls and webhooks", () => {
  const spec = JSON.parse(fs.readFileSync(path.join(repo, "generated/openapi.json"), "utf8"));
  const routes = Object.entries<Record<string, unknown>>(spec.paths).flatMap(([route, item]) =>
    Object.keys(item).map((method) => `${method.toUpperCase()} ${route}`),
  );
  expect(blocksOf("mermaid").length).toBeGreaterThan(0);
  for (const { doc, index, code } of blocksOf("mermaid")) {
    const where = `${doc} #${index}`;
    const lines = code.split("\n").map((line) => line.trim());
    expect(lines[0], where).toBe("sequenceDiagram");
    const declared = lines.flatMap((line) => /^participant (\w+)/.exec(line)?.[1] ?? []);
    const messages = lines.flatMap((line) => /^(\w+)-(?:-)?>>(\w+): (.*)$/.exec(line) ?? []);
    expect(messages.length, where).toBeGreaterThan(0);
    for (const line of lines.filter((l) => l.includes(">>"))) {
      const [, from, to, text] = /^(\w+)-(?:-)?>>(\w+): (.*)$/.exec(line) ?? [];
      expect(declared, `${where}: ${line}`).toEqual(expect.arrayContaining([from, to]));
      const call = /^(GET|POST|PUT|PATCH|DELETE) (\/\S+)/.exec(text ?? "");
      if (call) expect(routes, `${where}: ${line}`).toContain(`${call[1]} ${call[2]}`);
      const webhook = /^webhook (\w+)/.exec(text ?? "");
      if (webhook) expect(Object.keys(spec.webhooks), `${where}: ${line}`).toContain(webhook[1]);
    }
  }
});

it("every sh block in README.md and docs/*.md parses (bash -n), and every yaml block parses", async () => {
  const { parse } = await import("yaml");
  for (const { doc, index, code } of blocksOf("sh")) {
    const check = spawnSync("bash", ["-n"], { input: code, encoding: "utf8" });
    expect(check.status, `${doc} #${index}: ${check.stderr}`).toBe(0);
  }
  for (const { doc, index, code } of blocksOf("yaml")) expect(() => parse(code), `${doc} #${index}`).not.toThrow();
});

// A block is runnable when it is a whole program that ends by itself: it starts its own mock and
// closes it. It runs with its types stripped, and prints what its `console.log(…); // "…"` say.
const runnable = (code: string) => code.includes("startMock(") && code.includes("await mock.close();");

// This test and the next run side by side: each mostly waits on a child process.
it.concurrent("type-checks every TypeScript block in README.md and docs/*.md as written, each a module of its own, and runs the runnable ones", {
  timeout: 120_000,
}, async ({ expect }) => {
  const dir = path.join(project, "doc-blocks");
  fs.mkdirSync(dir, { recursive: true });
  const files = blocksOf("ts").map(({ name, code }) => {
    fs.writeFileSync(path.join(dir, `${name}.ts`), code);
    return `${name}.ts`;
  });
  linkVitest(); // the vitest examples import vitest
  const programs = blocksOf("ts").filter(({ code }) => runnable(code));
  expect(programs.map(({ doc }) => doc)).toContain("README.md");
  const runs = programs.map(async ({ name, code, doc, index }) => {
    const { code: js } = await transform(code, { loader: "ts", format: "esm" });
    fs.writeFileSync(path.join(dir, `${name}.mjs`), js);
    const { stdout } = await execAsync(process.execPath, [`${name}.mjs`], { cwd: dir, encoding: "utf8" });
    const promised = [...code.matchAll(/console\.log\(.*\); \/\/ "([^"]*)"/g)].map(([, value]) => value);
    expect(stdout.trim().split("\n"), `${doc} #${index}`).toEqual(promised);
  });
  // TypeScript 7 is the fast one; the consumer test above covers 5.7 with the same package.
  await Promise.all([typeCheck(dir, files, { noEmit: true, skipLibCheck: true }, { compiler: tsc.newest }), ...runs]);
});

it.concurrent("runs docs/sandbox.md's complete vitest example as it stands: it passes (type-checked above)", {
  timeout: 240_000,
}, async ({ expect }) => {
  const page = fs.readFileSync(path.join(repo, "docs/sandbox.md"), "utf8");
  const section = page.slice(page.indexOf("**A complete vitest example**"));
  const blocks = [...section.matchAll(/```ts\n\/\/ ([\w.]+)[^\n]*\n[\s\S]*?```/g)].slice(0, 3);
  const names = blocks.map(([, name]) => name!);
  expect(names).toEqual(["vitest.config.ts", "vitest.setup.ts", "onboarding.test.ts"]);
  const example = path.join(project, "readme-example");
  fs.mkdirSync(example, { recursive: true });
  for (const [block, name] of blocks) fs.writeFileSync(path.join(example, name!), block.replace(/^```ts\n|```$/g, ""));
  linkVitest(); // the example's project has vitest installed: this repository's own, linked

  // A vitest of its own, as the example's user runs it: none of this run's settings leak in.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("VITEST")));
  const { stdout: output } = await execAsync(
    process.execPath,
    [path.join(repo, "node_modules/vitest/vitest.mjs"), "run"],
    {
      cwd: example,
      encoding: "utf8",
      env: { ...env, NO_COLOR: "1" },
    },
  );
  expect(output).toMatch(/Tests +1 passed \(1\)/);
});

// The full tolerance tables run through the client from src/ (test/client/tolerance.test.ts) and
// through `classify` (test/client/outcome.test.ts); the packed client answers one row per concern.
const packedRows = [
  "create user in V4's shape", // a documented success
  "Redirect to Verification's documented P412, with its errorName", // a documented P-code error
  "an undocumented P-code on a documented 400 (P412 on Extend user)", // an error with drift
  "truncated JSON on a 200", // garbage stays unexpected
];

it("keeps a documented answer, a P-code error and its drift, and leaves garbage and a network failure unexpected, through the packed client", async () => {
  const entry = createRequire(path.join(project, "package.json")).resolve("p100-user-accounts");
  expect(entry).toContain(path.join(project, "node_modules", "p100-user-accounts"));
  const packed = await import(pathToFileURL(entry).href);
  const rows = [...plausible, ...garbage].filter((c) => packedRows.includes(c.name));
  expect(rows.map((c) => c.name).sort()).toEqual([...packedRows].sort());
  const server = await startHostileServer();
  try {
    const client = packed.createP100Client({ apiKey: "packed-key", baseUrl: server.url }) as LooseClient;
    const problems: string[] = [];
    for (const c of rows) {
      for (const problem of await answerProblems(client, server, c)) problems.push(`${c.name}: ${problem}`);
    }
    expect(problems).toEqual([]);
  } finally {
    await server.close();
  }
  const closed = await freePort(); // nothing listens there
  const offline = packed.createP100Client({
    apiKey: "packed-key",
    baseUrl: `http://127.0.0.1:${closed}`,
    retry: false,
  });
  const result = await offline.GET("/v1/user/balances/{externalUserId}", { params: { path: { externalUserId: "u" } } });
  expect(result).toMatchObject({ outcome: "unexpected", error: { reason: "network" } });
  expect(result.error.message).toContain(`connection refused by 127.0.0.1:${closed} (ECONNREFUSED)`);
});

/**
 * Starts `npx p100-mock --port 0` in the consumer project and waits until it says where it is
 * serving: the port it was given (a port picked beforehand may be taken by then). `closed`
 * resolves once npx and p100-mock have both exited: p100-mock holds npx's output pipes too.
 */
async function npxMock() {
  const child = spawn("npx", ["--no-install", "p100-mock", "--port", "0"], {
    cwd: project,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const watched = watch(child, "npx p100-mock");
  const [, port] = await watched.ready(/serving the P100 User Accounts spec on http:\/\/127\.0\.0\.1:(\d+)\b/);
  return { child, closed: watched.closed, port: Number(port) };
}
const portState = (port: number) =>
  fetch(`http://127.0.0.1:${port}`).then(
    () => "open",
    () => "closed",
  );

describe("the p100-mock bin in a consumer project (Prism and swagger-ui-dist, its optional peers, installed)", () => {
  it("`npx p100-mock --port 0` answers as documented on the port it names, and Ctrl-C (SIGINT to the group) stops everything", {
    timeout: 120_000,
  }, async () => {
    const { child, closed, port } = await npxMock();
    const response = await fetch(`http://127.0.0.1:${port}/v1/user/balances/extended`, {
      method: "POST",
      headers: { "x-api-key": "k", "content-type": "application/json", Prefer: "code=202, example=P211" },
      body: JSON.stringify({ externalUserId: "f47ac10b-58cc-4372-a567-0e02b2c3d479" }),
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ errorCode: "P211", errorMessage: "POA pending" });
    // /docs, drawn by the application's own swagger-ui-dist (an optional peer).
    const docs = await fetch(`http://127.0.0.1:${port}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('<script src="/docs/swagger-ui-bundle.js">');
    const bundle = await fetch(`http://127.0.0.1:${port}/docs/swagger-ui-bundle.js`);
    const installed = path.join(project, "node_modules", "swagger-ui-dist", "swagger-ui-bundle.js");
    expect(Buffer.from(await bundle.arrayBuffer()).equals(fs.readFileSync(installed))).toBe(true);
    process.kill(-child.pid!, "SIGINT");
    await closed;
    expect(await portState(port)).toBe("closed");
  });

  it("stops, its port freed, on a SIGTERM to the npx process alone, as docs/mock.md tells scripts (no orphan left)", {
    timeout: 120_000,
  }, async () => {
    const { child, closed, port } = await npxMock();
    // npm passes it to its `sh -c` wrapper, which ends; p100-mock notices it was orphaned, and exits.
    // (A SIGINT to npx alone would wait in that shell until p100-mock exits: docs/mock.md says why.)
    child.kill("SIGTERM");
    await closed;
    expect(await portState(port)).toBe("closed");
  });

  it("says in one line when the port is taken", { timeout: 120_000 }, () => {
    const taken = new URL(prismUrl()).port;
    let stderr = "";
    try {
      run("npx", ["--no-install", "p100-mock", "--port", taken], project);
    } catch (error) {
      stderr = (error as { stderr: string }).stderr;
    }
    const ours = stderr.split("\n").filter((line) => line && !line.startsWith("npm ")); // npm may warn about its own config
    expect(ours).toEqual([
      `p100-mock: port ${taken} on 127.0.0.1 is already in use; choose another with --port (or the port option)`,
    ]);
  });

  it("--help explains the options", () => {
    const help = run("npx", ["--no-install", "p100-mock", "--help"], project);
    for (const option of ["--port", "--host", "--dynamic", "--errors", "Prefer: code="]) expect(help).toContain(option);
  });
});
