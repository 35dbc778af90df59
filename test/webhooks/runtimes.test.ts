// The webhook receivers of docs/webhooks.md that run outside Node: Bun (the Bun recipe and the
// Hono 4 app), Deno (`deno serve`) and Cloudflare's workerd (bundled by esbuild, run by
// miniflare's Node API), each binary from its npm package, each runtime started once, with the
// stateful mock delivering real webhooks to it. The Node receivers:
// test/acceptance/webhook-receivers.test.ts (on each supported Node line).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect, inject, it } from "vitest";
import { describeRecipes, webhookRecipes } from "../support/webhook-recipes.js";

const app = inject("packedApp");
const repo = path.resolve(import.meta.dirname, "../..");
const recipes = webhookRecipes().filter((recipe) => recipe.runner !== "node" && recipe.runner !== "next");

it("every receiver in the docs has a runtime this suite or the acceptance suite runs it in", () => {
  expect(webhookRecipes().map((recipe) => recipe.runner)).toEqual([
    "node",
    "node",
    "node",
    "node",
    "next",
    "bun",
    "bun",
    "deno",
    "workerd",
    "next",
  ]);
  expect(recipes.map((recipe) => recipe.label)).toEqual([
    "receiver.ts: Hono 4",
    "receiver.ts: Bun (bun run receiver.ts)",
    "receiver.ts: Deno 2 (deno serve --allow-env --host 127.0.0.1 --port 3000 receiver.ts)",
    "worker.ts: Cloudflare Workers (workerd)",
  ]);
});

it("runs the runtimes pinned in package.json, from their npm packages", () => {
  const pinned = (name: string) =>
    JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8")).devDependencies[name] as string;
  const version = (bin: string, ...args: string[]) =>
    execFileSync(path.join(repo, "node_modules/.bin", bin), args, { encoding: "utf8" });
  expect(version("bun", "--version").trim()).toBe(pinned("bun"));
  expect(version("deno", "--version")).toContain(`deno ${pinned("deno")} `);
  expect(pinned("miniflare")).toMatch(/^4\.\d{8}\.\d+$/);
});

describeRecipes(app, recipes, "$label");
