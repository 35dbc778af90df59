// The webhook receivers of README.md and docs/webhooks.md, run as their users run them: each ts
// block that imports p100-user-accounts/webhooks is written into the packed application and run
// in its runtime (Node, a Next.js-style route server, Bun, Deno, workerd through miniflare), then
// the stateful mock (p100-mock --stateful from the application) delivers real webhooks to it, and
// a few strangers' requests check the answers a public endpoint gives. One process per recipe,
// started once; one sandbox world (API key) per recipe.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { build, transform } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/free-port.js";
import { createP100Client } from "../../src/index.js";
import { type MockProcess, spawnBin } from "../acceptance/processes.js";
import { waitForPort } from "../acceptance/raw-http.js";
import { type Transcript, transcript, watch } from "./spawned.js";

const repo = path.resolve(import.meta.dirname, "../..");
export const webhookToken = "whsec_recipes-test";

export type Runner = "node" | "next" | "bun" | "deno" | "workerd";

export interface Recipe {
  doc: string;
  /** The block's first comment (`receiver.ts: Express 5`), or the doc's name. */
  label: string;
  code: string;
  runner: Runner;
  /** File-safe name. */
  name: string;
  /** Does it route V1's documented paths (the handler does; the by-hand example does not)? */
  routesV1: boolean;
}

const runners: [RegExp, Runner][] = [
  [/Next\.js|by hand/, "next"],
  [/Hono|Bun/, "bun"],
  [/Deno/, "deno"],
  [/Cloudflare Workers/, "workerd"],
  [/node:http|Express|Fastify|^README/, "node"],
];

/** Every receiver in the user docs (the sandbox page's vitest example runs in test/package/). */
export function webhookRecipes(): Recipe[] {
  return ["README.md", "docs/webhooks.md"].flatMap((doc) => {
    const text = fs.readFileSync(path.join(repo, doc), "utf8");
    return [...text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)]
      .map(([, code]) => code!)
      .filter((code) => code.includes('from "p100-user-accounts/webhooks"'))
      .map((code, index) => {
        const label = /^\/\/ ([^\n]+)/.exec(code)?.[1] ?? `${doc} #${index}`;
        const runner = runners.find(([pattern]) => pattern.test(label))?.[1];
        if (!runner) throw new Error(`${doc}: no runtime known for the receiver "${label}"`);
        const name = `${doc}-${label}`.replace(/\W+/g, "-");
        return { doc, label, code, runner, name, routesV1: !label.includes("by hand") };
      });
  });
}

/** Links this repository's copies of the frameworks the recipes import into the application. */
function linkFrameworks(app: string) {
  for (const name of ["express", "fastify", "hono"]) {
    const link = path.join(app, "node_modules", name);
    try {
      fs.symlinkSync(path.join(repo, "node_modules", name), link, "dir");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
}

export interface RunningReceiver {
  url: string;
  /** What the receiver printed so far (its callbacks log one line per delivery). */
  output(): string;
  /** Whether its output (from `from`) holds `pattern`, waiting at most `guardMs` for it. */
  shows: Transcript["shows"];
  stop(): Promise<void>;
}

const bin = (name: string) => path.join(repo, "node_modules", ".bin", name);

/** A receiver process, once it takes connections (a user's program need not say when it is ready). */
async function spawned(child: ChildProcess, url: string): Promise<RunningReceiver> {
  const watched = watch(child, url);
  try {
    await waitForPort(url, () => child.exitCode === null && child.signalCode === null);
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`${(error as Error).message}; it said:\n${watched.all.text()}`);
  }
  return {
    url,
    output: watched.all.text,
    shows: watched.all.shows,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await watched.closed;
    },
  };
}

/** Starts `recipe` in its runtime, in a folder of the packed application, on a free port. */
export async function startRecipe(app: string, recipe: Recipe): Promise<RunningReceiver> {
  linkFrameworks(app);
  const dir = path.join(app, "webhook-recipes");
  fs.mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = { ...process.env, PORT: String(port), P100_WEBHOOK_TOKEN: webhookToken, NO_COLOR: "1" };
  const source = path.join(dir, `${recipe.name}.ts`);
  fs.writeFileSync(source, recipe.code);
  const stdio: ["ignore", "pipe", "pipe"] = ["ignore", "pipe", "pipe"];
  switch (recipe.runner) {
    case "node":
    case "next": {
      // Types stripped as a build step would; the program itself runs as written.
      const { code } = await transform(recipe.code, { loader: "ts", format: "esm" });
      const script = path.join(dir, `${recipe.name}.mjs`);
      fs.writeFileSync(script, code);
      const args =
        recipe.runner === "node"
          ? [script]
          : [path.join(repo, "test/fixtures/webhooks/route-server.mjs"), script, String(port)];
      return spawned(spawn("node", args, { cwd: dir, env, stdio }), url);
    }
    case "bun":
      return spawned(spawn(bin("bun"), ["run", source], { cwd: dir, env, stdio }), url);
    case "deno":
      return spawned(
        spawn(bin("deno"), ["serve", "--allow-env", "--host", "127.0.0.1", "--port", String(port), source], {
          cwd: dir,
          env: { ...env, DENO_DIR: path.join(app, ".deno"), DENO_NO_UPDATE_CHECK: "1" },
          stdio,
        }),
        url,
      );
    case "workerd":
      return startWorker(source, port);
  }
}

/** A Worker as wrangler deploys it: bundled by esbuild for workerd, run by miniflare's Node API. */
async function startWorker(source: string, port: number): Promise<RunningReceiver> {
  const bundle = await build({
    entryPoints: [source],
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["workerd", "worker", "browser"],
    write: false,
    logLevel: "silent",
  });
  const { Miniflare } = await import("miniflare");
  const output = transcript();
  const mf = new Miniflare({
    modules: true,
    script: bundle.outputFiles[0]!.text,
    bindings: { P100_WEBHOOK_TOKEN: webhookToken },
    host: "127.0.0.1",
    port,
    handleRuntimeStdio(stdout: NodeJS.ReadableStream, stderr: NodeJS.ReadableStream) {
      stdout.on("data", (chunk: Buffer) => output.append(chunk));
      stderr.on("data", (chunk: Buffer) => output.append(chunk));
    },
  });
  const ready = await mf.ready;
  return { url: ready.origin, output: output.text, shows: output.shows, stop: () => mf.dispose() };
}

const externalUserId = "bca65c48-df49-4831-a7b2-de7903321581";
const kycFileAdded = { externalUserId, status: "ADDED" };

/** Strangers' requests, each answered as docs/webhooks.md's table says, and nothing called back. */
export async function checkRefusals(receiver: RunningReceiver, recipe: Recipe) {
  const before = receiver.output();
  const post = (pathname: string, body: string, authorization = webhookToken) =>
    fetch(`${receiver.url}${pathname}`, {
      method: "POST",
      headers: { authorization, "content-type": "application/json" },
      body,
    }).then(async (response) => ({ status: response.status, body: await response.text() }));
  const answers = {
    wrongToken: (await post("/webhooks/kycFileAdded", JSON.stringify(kycFileAdded), "whsec_wrong")).status,
    noToken: (await post("/webhooks/kycFileAdded", JSON.stringify(kycFileAdded), "")).status,
    unknownPath: (await post("/favicon.ico", "{}")).status,
    tooLarge: (await post("/webhooks/kycFileAdded", JSON.stringify({ ...kycFileAdded, pad: "x".repeat(70_000) })))
      .status,
    ruledOut: (await post("/webhooks/kycFileAdded", JSON.stringify({ externalUserId, status: "DONE" }))).status,
    notJson: (await post("/webhooks/kycFileAdded", "status=ADDED")).status,
  };
  expect(answers, recipe.label).toEqual({
    wrongToken: 401,
    noToken: 401,
    unknownPath: 404,
    tooLarge: 413,
    ruledOut: 400,
    notJson: 400,
  });
  // No callback ran: no line of a callback's (a runtime's own warnings on stderr may come at any time).
  const after = receiver.output().slice(before.length);
  expect(after, recipe.label).not.toMatch(/^(kycFileAdded|poaVerificationStatus|userBalanceGeneration) /m);
  if (recipe.routesV1) {
    const v1 = await post("/webhook/kyc-files/status", JSON.stringify({ externalUserId: "v1-path", status: "ERROR" }));
    expect(v1, recipe.label).toEqual({ status: 200, body: "{}" });
    expect(await receiver.shows("kycFileAdded v1-path ERROR", before.length, 30_000), recipe.label).toBe(true);
  }
}

/**
 * The sandbox's own deliveries: a user is created, uploads a KYC file and a POA, the POA is
 * approved; the mock delivers KYC File Added ADDED and POA Verification Status WAITING and
 * APPROVED to `receiver` under `/webhooks/{webhook}`, each answered 200 at the first attempt.
 */
export async function checkSandboxDeliveries(mockUrl: string, receiver: RunningReceiver, recipe: Recipe) {
  const apiKey = `recipes-${recipe.name}`;
  const control = (method: string, pathname: string, body?: unknown) =>
    fetch(`${mockUrl}/_sandbox${pathname}`, {
      method,
      headers: { "x-api-key": apiKey, ...(body ? { "content-type": "application/json" } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  expect((await control("POST", "/reset")).status).toBe(204);
  const endpoint = await control("PUT", "/webhook-endpoint", {
    url: `${receiver.url}/webhooks/{webhook}`,
    token: webhookToken,
  });
  expect(endpoint.status).toBe(200);
  const p100 = createP100Client({ apiKey, baseUrl: mockUrl });
  const userId = `user-${recipe.name}`.slice(0, 60);
  const created = await p100.POST("/v1/user/balances/crypto-and-fiat", {
    body: {
      externalUserId: userId,
      email: "olena@example.com",
      phone: "380501234567",
      firstName: "Olena",
      lastName: "Shevchenko",
      street: "Khreshchatyk",
      number: "1",
      city: "Kyiv",
      postCode: "01001",
      country: "UA",
      citizenship: "UA",
      nationality: "UA",
      birthCountry: "UA",
      birthDate: "1990-05-15",
      userIdentificationNumber: "1234567890",
      hasAcceptedP100Tc: true,
    },
  });
  expect(created.outcome, JSON.stringify(created)).toBe("success");
  const user = { params: { path: { externalUserId: userId } } };
  const file = (name: string) => new File(["%PDF-1.4\n%%EOF\n"], name, { type: "application/pdf" });
  expect(
    (await p100.POST("/v1/user/kyc-files/{externalUserId}", { ...user, body: { files: [file("id.pdf")] } })).status,
  ).toBe(201);
  expect(
    (await p100.POST("/v1/user/poa-files/{externalUserId}", { ...user, body: { files: [file("bill.pdf")] } })).status,
  ).toBe(201);
  expect((await control("POST", `/users/${userId}/poa/approve`)).status).toBe(200);

  // `wait` makes GET /_sandbox/deliveries answer once the attempts under way have ended.
  const deliveries = (await (await control("GET", "/deliveries?wait=30")).json()) as {
    webhook: string;
    payload: { status: string };
    state: string;
    attempts: { status?: number; error?: string }[];
  }[];
  const summary = deliveries.map(
    (d) => `${d.webhook} ${d.payload.status} ${d.state} ${d.attempts.map((a) => a.status ?? a.error).join(",")}`,
  );
  expect(summary.sort(), `${recipe.label}:\n${receiver.output()}`).toEqual([
    "kycFileAdded ADDED delivered 200",
    "poaVerificationStatus APPROVED delivered 200",
    "poaVerificationStatus WAITING delivered 200",
  ]);
  for (const line of [
    `kycFileAdded ${userId} ADDED`,
    `poaVerificationStatus ${userId} WAITING`,
    `poaVerificationStatus ${userId} APPROVED`,
  ])
    expect(await receiver.shows(line, 0, 30_000), `${recipe.label}: ${line}`).toBe(true);
}

/**
 * Starts each recipe's receiver once, side by side with one stateful mock of the packed
 * application, and checks each: the sandbox's deliveries, and strangers' requests. The running
 * receivers stay reachable for the file's own tests.
 */
export function describeRecipes(app: string, recipes: Recipe[], title: string) {
  let mock: MockProcess;
  const receivers = new Map<string, RunningReceiver>();
  beforeAll(async () => {
    const [started] = await Promise.all([
      spawnBin(app, ["--stateful"]),
      ...recipes.map(async (recipe) => receivers.set(recipe.name, await startRecipe(app, recipe))),
    ]);
    mock = started;
  }, 180_000);
  afterAll(async () => {
    await Promise.all([...receivers.values()].map((receiver) => receiver.stop()));
    await mock?.stop();
  });

  describe.each(recipes)(title, (recipe) => {
    it("receives the sandbox's deliveries, answering 200", { timeout: 120_000 }, async () => {
      await checkSandboxDeliveries(mock.url, receivers.get(recipe.name)!, recipe);
    });

    it("answers strangers 401, 404, 413 and 400 without calling back, and routes V1's paths", async () => {
      await checkRefusals(receivers.get(recipe.name)!, recipe);
    });
  });
  return { receiver: (recipe: Recipe) => receivers.get(recipe.name)! };
}
