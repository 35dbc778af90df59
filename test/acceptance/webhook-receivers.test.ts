// The webhook receivers of README.md and docs/webhooks.md that run on Node (node:http, Express 5,
// Fastify 5, Next.js-style route modules), each started once as its own process from the packed
// application, on the Node running this suite (scripts/node-matrix.js runs it on 22 and 24 too).
// The stateful mock delivers real webhooks to each; strangers' requests get the documented answers.
// Deno, Bun (Hono) and workerd: test/webhooks/runtimes.test.ts.
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { expect, inject, it } from "vitest";
import { describeRecipes, webhookRecipes, webhookToken } from "../support/webhook-recipes.js";

const app = inject("packedApp");
const recipes = webhookRecipes().filter((recipe) => recipe.runner === "node" || recipe.runner === "next");

it("runs every Node receiver of the docs: node:http, Express 5, Fastify 5, two Next.js-style routes, the README's", () => {
  expect(recipes.map((recipe) => recipe.label)).toEqual([
    "README.md #0",
    "receiver.ts: node:http (Node 20, 22, 24)",
    "receiver.ts: Express 5",
    "receiver.ts: Fastify 5",
    "app/webhooks/[webhook]/route.ts: Next.js (App Router)",
    "app/webhooks/[webhook]/route.ts: by hand, with the lower-level functions",
  ]);
});

const running = describeRecipes(app, recipes, "$label ($doc)");

/** Every `p100-webhook send` command of README.md and docs/webhooks.md, as its argument list. */
const sendCommands = ["README.md", "docs/webhooks.md"].flatMap((doc) => {
  const text = fs.readFileSync(path.resolve(import.meta.dirname, "../..", doc), "utf8").replaceAll("\\\n", " ");
  return [...text.matchAll(/npx (p100-webhook send [^`\n]+)/g)].map(([, command]) => ({
    doc,
    command: command!.trim(),
  }));
});

it.each(sendCommands)("$doc's `$command` is accepted by the README's receiver", async ({ command }) => {
  const receiver = running.receiver(recipes[0]!);
  const before = receiver.output();
  const [bin, ...args] = command.replaceAll("http://127.0.0.1:3000", receiver.url).split(/\s+/);
  const { stdout } = await promisify(execFile)(path.join(app, "node_modules/.bin", bin!), args, {
    env: { ...process.env, P100_WEBHOOK_TOKEN: webhookToken },
  });
  expect(stdout).toContain("HTTP 200 {}");
  // The receiver logs the delivery before it answers 200: the line is on its way.
  const line = /^poaVerificationStatus bca65c48-df49-4831-a7b2-de7903321581 (WAITING|APPROVED)$/m;
  expect(await receiver.shows(line, before.length, 30_000), receiver.output().slice(before.length)).toBe(true);
});

it("tries every p100-webhook command of the docs", () => {
  expect(sendCommands.map(({ doc }) => doc)).toEqual(["README.md", "docs/webhooks.md"]);
});
