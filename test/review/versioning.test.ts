// The spec version and the package version move together, and each version has a changelog entry.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { spec } from "../support/spec.js";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
const changelog = readFileSync(new URL("../../CHANGELOG.md", import.meta.url), "utf8");

it("info.version in the spec equals the package version", () => {
  expect(spec.info.version).toMatch(/^\d+\.\d+\.\d+(-[\w.]+)?$/);
  expect(spec.info.version).toBe(pkg.version);
});

it("CHANGELOG.md has an entry for the current version, newest first", () => {
  const versions = [...changelog.matchAll(/^## (\S+)/gm)].map((m) => m[1]).filter((v) => v !== "Unreleased");
  expect(versions[0]).toBe(pkg.version);
});
