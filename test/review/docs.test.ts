// The rendered docs, checked in a real browser: Redocly's build-docs output opened in headless
// Chromium (see support/browser.ts, driven by playwright-core): every operation and webhook summary is visible
// and the page logs no errors. A screenshot is kept in test-results/docs.png.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { launchChromium } from "../support/browser.js";
import { operations } from "../support/cases.js";
import { spec } from "../support/spec.js";

const docs = path.resolve("build/docs.html");
let browser: Browser;

beforeAll(async () => {
  execFileSync("npm", ["run", "--silent", "docs"], {
    stdio: "pipe",
    env: { ...process.env, REDOCLY_TELEMETRY: "off" },
  });
  browser = await launchChromium();
}, 120_000);
afterAll(() => browser?.close());

it("renders every operation's and webhook's summary, with no errors logged", { timeout: 120_000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const problems: string[] = [];
  page.on("console", (message) => message.type() === "error" && problems.push(`console: ${message.text()}`));
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("requestfailed", (request) => problems.push(`request failed: ${request.url()}`));
  // The page is self-contained (--inlineBundle) but Redoc's footer always shows Redocly's logo
  // from its CDN; this machine has no internet, so that one image is served locally. Any other
  // request leaving the page fails and is reported.
  await page.route(/^https?:/, (route) =>
    route.request().url().startsWith("https://cdn.redoc.ly/redoc/logo")
      ? route.fulfill({
          contentType: "image/svg+xml",
          body: '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>',
        })
      : route.abort(),
  );

  await page.goto(`file://${docs}`, { waitUntil: "load" });
  // Redoc lists a tag's operations in the sidebar once the tag is opened (its first mention).
  const items = [
    ...operations.map((op) => op.operation),
    ...Object.values<any>(spec.webhooks).map((item) => item.post),
  ];
  const seen: string[] = [];
  for (const tag of spec.tags as { name: string }[]) {
    await page.getByText(tag.name, { exact: true }).first().click();
    for (const { summary } of items.filter((item) => item.tags.includes(tag.name))) {
      const entry = page.getByText(summary, { exact: true }).first();
      await expect.poll(() => entry.isVisible(), { message: summary, timeout: 30_000 }).toBe(true);
      seen.push(summary);
    }
  }
  expect(seen).toHaveLength(items.length);
  // An operation opens with its documented responses.
  await page.getByText("User Accounts", { exact: true }).first().click();
  await page.getByText("Extend user", { exact: true }).first().click();
  await expect
    .poll(() => page.getByRole("heading", { name: "Extend user" }).first().isVisible(), { timeout: 30_000 })
    .toBe(true);
  for (const status of ["201", "202", "400", "401"]) {
    await expect
      .poll(() => page.getByText(status, { exact: true }).first().isVisible(), { message: status, timeout: 30_000 })
      .toBe(true);
  }
  fs.mkdirSync("test-results", { recursive: true });
  await page.waitForTimeout(500); // let the scroll to the operation settle before the picture
  await page.screenshot({ path: "test-results/docs.png" });
  expect(problems).toEqual([]);
});
