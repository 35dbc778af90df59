// The webhook verifier as the tarball ships it: validators compiled at build time
// (generated/webhook-validators.js), so that `./webhooks` reads no file, loads no spec and
// generates no code at run time, and imports no `node:` module (Web Crypto for the token), so
// that it bundles for a browser or a worker as it stands.

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { build } from "esbuild";
import ts from "typescript";
import { describe, expect, inject, it } from "vitest";

const installed = path.join(inject("packedApp"), "node_modules", "p100-user-accounts");

/** Every file reachable from `entry` by static imports, and the bare specifiers they import. */
function moduleGraph(entry: string) {
  const files = new Set<string>();
  const bare = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest);
    for (const node of source.statements) {
      if (!(ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) || !node.moduleSpecifier) continue;
      if (
        (ts.isImportDeclaration(node) && node.importClause?.isTypeOnly) ||
        (ts.isExportDeclaration(node) && node.isTypeOnly)
      )
        continue;
      const specifier = (node.moduleSpecifier as ts.StringLiteral).text;
      if (specifier.startsWith(".")) visit(path.resolve(path.dirname(file), specifier));
      else bare.add(specifier);
    }
  };
  visit(entry);
  return { files: [...files].map((file) => path.relative(installed, file)).sort(), bare: [...bare].sort() };
}

describe("./webhooks from the tarball", () => {
  const graph = moduleGraph(path.join(installed, "dist/webhooks/index.js"));

  it("imports no node: module (nor a bare builtin), only Ajv's runtime helpers and ajv-formats' formats: no spec", () => {
    expect(graph.files).toEqual(
      expect.arrayContaining(["dist/webhooks/handler.js", "dist/webhooks/node.js", "generated/webhook-validators.js"]),
    );
    expect(graph.files.filter((file) => file.endsWith(".json"))).toEqual([]);
    for (const specifier of graph.bare) {
      expect(specifier).not.toMatch(/^node:/);
      expect(builtinModules).not.toContain(specifier.split("/")[0]);
      expect(specifier).toMatch(/^(ajv\/dist\/runtime\/[\w-]+\.js|ajv-formats\/dist\/formats\.js)$/);
    }
    for (const file of graph.files) {
      const text = fs.readFileSync(path.join(installed, file), "utf8");
      expect(text, file).not.toMatch(/readFileSync|openapi\.json|new Function|\beval\(|ajv\/dist\/(2020|core|ajv)\b/);
    }
  });

  it("bundles for a browser and for a worker with esbuild, nothing marked external, no Node API in the output", async () => {
    for (const conditions of [["browser"], ["worker"]]) {
      const result = await build({
        entryPoints: [path.join(installed, "dist/webhooks/index.js")],
        bundle: true,
        format: "esm",
        platform: "browser",
        conditions,
        write: false,
        logLevel: "silent",
      });
      expect(result.errors).toEqual([]);
      const code = result.outputFiles[0]!.text;
      expect(code).toContain("crypto.subtle.digest");
      expect(code).not.toMatch(/\bnode:|\brequire\(|\bprocess\.|\bBuffer\b|new Function|\beval\(/);
    }
  });

  it("verifies with code generation from strings disallowed (as under a strict CSP)", () => {
    const script = `
      import { verifyAndParseWebhook } from "p100-user-accounts/webhooks";
      const send = (body) => verifyAndParseWebhook("userBalanceGeneration",
        { headers: { authorization: "t" }, rawBody: JSON.stringify(body) }, { tokens: "t" });
      const id = "bca65c48-df49-4831-a7b2-de7903321581";
      const results = await Promise.all([
        send({ externalUserId: id, status: "ACTIVE" }),
        send({ externalUserId: id, status: "PENDING" }),
        send({ status: "ACTIVE" }),
      ]);
      console.log(JSON.stringify(results.map((r) => [r.ok, r.recognised, r.status])));`;
    const output = execFileSync(
      process.execPath,
      ["--disallow-code-generation-from-strings", "--input-type=module", "-e", script],
      { cwd: inject("packedApp"), encoding: "utf8" },
    );
    expect(JSON.parse(output)).toEqual([
      [true, true, null],
      [true, false, null],
      [false, null, 400],
    ]);
  });
});
