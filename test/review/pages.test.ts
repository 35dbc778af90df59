// The mock's own web pages, in a real browser (one Chromium for the file, support/browser.ts):
// the front door (/) links each of them; /docs (Swagger UI over the bundled spec) sends Extend
// user from its console to the mock and shows the documented answer, sends a documented `Prefer`
// choice, shows every path parameter as a string and the webhooks with their payload examples; /_sandbox/ui
// (stateful mode) shows a user created through the API, approves its verification by a click and
// shows the webhook delivery and its attempt. Every request either page makes is recorded: none
// goes to a host other than the mock. axe-core finds no serious or critical violation on either.
// Screenshots are kept in test-results/ (mock-docs.png, mock-dashboard.png).
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createP100Client } from "../../src/index.js";
import { createSandboxClient, type RunningMock, startMock } from "../../src/mock/index.js";
import { createPages } from "../../src/mock/pages/pages.js";
import { launchChromium } from "../support/browser.js";
import { operations, validBody } from "../support/cases.js";
import { exampleValue, spec } from "../support/spec.js";

const axeSource = fs.readFileSync(new URL("../../node_modules/axe-core/axe.min.js", import.meta.url), "utf8");

let browser: Browser;
let stateless: RunningMock;
let stateful: RunningMock;
const statefulLog: string[] = [];

beforeAll(async () => {
  [browser, stateless, stateful] = await Promise.all([
    launchChromium(),
    startMock(),
    // A journal longer than a page of the control API (1 000), for the paging test.
    startMock({ stateful: true, maxJournalPerWorld: 1200, onOutput: (line) => statefulLog.push(line) }),
  ]);
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await Promise.all([stateless?.close(), stateful?.close()]);
});

/**
 * A page in a context of its own (its own sessionStorage), recording every request it makes and
 * every error. Contexts stay open until the browser closes: with @sparticuz/chromium's
 * --single-process, closing one ends the browser.
 */
async function open(url: string) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1200 } });
  const page = await context.newPage();
  const requested: string[] = [];
  const problems: string[] = [];
  page.on("request", (request) => requested.push(request.url()));
  page.on("console", (message) => message.type() === "error" && problems.push(`console: ${message.text()}`));
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("requestfailed", (request) => problems.push(`request failed: ${request.url()}`));
  await page.goto(url);
  return { page, requested, problems };
}

/** axe-core's serious and critical findings on the page as it is now (run through CDP: the page's CSP allows no injected script). */
async function accessibilityProblems(page: Page) {
  await page.evaluate(axeSource);
  const { violations } = await page.evaluate(() => (globalThis as any).axe.run());
  return (violations as { id: string; impact: string; nodes: { target: string[] }[] }[])
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

const hostsOf = (urls: string[]) => [...new Set(urls.map((url) => new URL(url).origin))];

async function screenshot(page: Page, name: string) {
  fs.mkdirSync("test-results", { recursive: true });
  await page.screenshot({ path: `test-results/${name}` });
}

describe("/docs", () => {
  it("sends Extend user from the console to the mock and shows the documented answer", {
    timeout: 120_000,
  }, async () => {
    const { page, requested, problems } = await open(`${stateless.url}/docs`);
    const extend = page.locator("#operations-User_Accounts-extendUser");
    await extend.locator(".opblock-summary-control").click();
    // "Try it out" is open: the body holds the documented example, the key is the placeholder.
    const sent = page.waitForRequest((r) => r.url().endsWith("/v1/user/balances/extended") && r.method() === "POST");
    await extend.getByRole("button", { name: "Execute" }).click();
    const request = await sent;
    expect(request.url()).toBe(`${stateless.url}/v1/user/balances/extended`);
    expect(request.headers()["x-api-key"]).toBe("test");
    const answer = extend.locator(".live-responses-table .response");
    await expect.poll(() => answer.locator(".response-col_status").textContent(), { timeout: 30_000 }).toBe("201");
    const body = JSON.parse((await answer.locator(".response-col_description pre").first().textContent()) ?? "");
    expect(body).toEqual(exampleValue("/v1/user/balances/extended", "post", "201", "success"));
    expect(await accessibilityProblems(page)).toEqual([]);
    // The picture: the page's banner, then Extend user from its summary down to the answer shown.
    const top = await extend.evaluate((block) => block.getBoundingClientRect().top + window.scrollY);
    const bottom = await answer.evaluate((row) => row.getBoundingClientRect().bottom + window.scrollY);
    fs.mkdirSync("test-results", { recursive: true });
    await page.screenshot({
      path: "test-results/mock-docs.png",
      fullPage: true,
      clip: { x: 0, y: top - 8, width: 1400, height: bottom - top + 16 },
    });

    // The webhooks, each with its payload example.
    const webhook = page.locator(".opblock", { hasText: "KYC Verification Status" }).first();
    await webhook.locator(".opblock-summary-control").click();
    const { value } =
      spec.webhooks.kycVerificationStatus.post.requestBody.content["application/json"].examples.rejected;
    const shown = async () =>
      JSON.parse((await webhook.locator(".body-param__example, .highlight-code pre").first().textContent()) ?? "");
    await expect.poll(shown, { timeout: 30_000 }).toEqual(value);
    expect(await accessibilityProblems(page)).toEqual([]);

    expect(hostsOf(requested)).toEqual([stateless.url]);
    expect(problems).toEqual([]);
  });

  it("shows every path parameter as a string, and sends the Prefer choice picked in the console", {
    timeout: 120_000,
  }, async () => {
    const { page, problems } = await open(`${stateless.url}/docs`);
    const types: string[] = [];
    for (const { operationId, path } of operations.filter((operation) => operation.path.includes("{"))) {
      const block = page.locator(`#operations-User_Accounts-${operationId}`);
      await block.locator(".opblock-summary-control").click();
      const rows = block.locator(".parameters tr[data-param-in=path]");
      // The block opens after the click: wait for its rows rather than count them at once.
      await expect.poll(() => rows.count(), { message: operationId }).toBe(path.split("{").length - 1);
      types.push(...(await rows.locator(".parameter__type").allTextContents()));
    }
    expect(new Set(types)).toEqual(new Set(["string"])); // never `never` (issue 35)
    const extend = page.locator("#operations-User_Accounts-extendUser");
    await extend.locator(".opblock-summary-control").click();
    await extend.locator("tr[data-param-name=Prefer] select").selectOption("code=202, example=P211");
    const sent = page.waitForRequest((r) => r.url().endsWith("/v1/user/balances/extended"));
    await extend.getByRole("button", { name: "Execute" }).click();
    expect((await sent).headers().prefer).toBe("code=202, example=P211");
    const answer = extend.locator(".live-responses-table .response");
    await expect.poll(() => answer.locator(".response-col_status").textContent(), { timeout: 30_000 }).toBe("202");
    const body = JSON.parse((await answer.locator(".response-col_description pre").first().textContent()) ?? "");
    expect(body).toEqual(exampleValue("/v1/user/balances/extended", "post", "202", "P211"));
    expect(problems).toEqual([]); // (the Prefer field's accessibility: the test above, on the same operation)
  });

  it("names the renderer to install when swagger-ui-dist is missing, and still serves the spec", async () => {
    const serve = createPages({ spec: "generated/openapi.json", stateful: false, swaggerUiDir: undefined });
    const server = http.createServer(async (req, res) => {
      const path = new URL(req.url ?? "/", "http://x").pathname;
      const reply = await serve({ method: (req.method ?? "GET").toLowerCase(), path, headers: req.headers });
      if (!reply) res.writeHead(404).end();
      else res.writeHead(reply.status, reply.headers).end(reply.body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const page = await fetch(`${base}/docs`);
      expect(page.status).toBe(404);
      const { peerDependencies } = JSON.parse(fs.readFileSync("package.json", "utf8"));
      expect(await page.text()).toContain(
        `npm install --save-dev --save-exact swagger-ui-dist@${peerDependencies["swagger-ui-dist"]}</pre>`,
      );
      expect((await fetch(`${base}/docs/swagger-ui-bundle.js`)).status).toBe(404);
      const served = await (await fetch(`${base}/docs/openapi`)).json();
      expect(served.servers).toEqual([{ url: "/", description: "This mock (p100-mock)" }]);
      expect(served.paths).toEqual(spec.paths);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("/", () => {
  it("links each page of the mock, and each link opens", { timeout: 120_000 }, async () => {
    const { page, requested, problems } = await open(`${stateful.url}/`);
    expect(await accessibilityProblems(page)).toEqual([]);
    // Each page drawn (its requests done: none is cut off by going back), then back to the front door.
    for (const [name, drawn] of [
      ["API reference", ".opblock"],
      ["Sandbox dashboard", "#key-form"],
    ] as const) {
      await page.getByRole("link", { name }).click();
      await page.locator(drawn).first().waitFor({ timeout: 30_000 });
      await page.goBack();
    }
    expect(await page.getByRole("link", { name: "Control API description" }).getAttribute("href")).toBe(
      "/docs/sandbox.json",
    );
    expect(hostsOf(requested)).toEqual([stateful.url]);
    expect(problems).toEqual([]);
  });
});

describe("/_sandbox/ui", () => {
  it("shows a user created through the API, approves its verification by a click, and shows the delivery and its attempt", {
    timeout: 120_000,
  }, async () => {
    const apiKey = "dashboard-key";
    const heard: string[] = [];
    const receiver = http.createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        heard.push(`${req.url} ${body}`);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    try {
      const p100 = createP100Client({ apiKey, baseUrl: stateful.url, retry: false });
      const sandbox = createSandboxClient({ apiKey, baseUrl: stateful.url });
      await sandbox.POST("/_sandbox/reset");
      const port = (receiver.address() as AddressInfo).port;
      await sandbox.PUT("/_sandbox/webhook-endpoint", {
        body: { url: `http://127.0.0.1:${port}/{webhook}`, token: "t" },
      });

      const { page, requested, problems } = await open(`${stateful.url}/_sandbox/ui`);
      await page.getByLabel(/API key/).fill(apiKey);
      await page.getByRole("button", { name: "Show", exact: true }).click();
      await expect.poll(() => page.getByText("No users yet").isVisible(), { timeout: 30_000 }).toBe(true);

      const externalUserId = "dash-user-1";
      const body = validBody("createUser", { externalUserId, country: "PL", citizenship: "PL" });
      expect((await p100.POST("/v1/user/balances/crypto-and-fiat", { body })).status).toBe(200);
      const verification = await p100.POST("/v1/user/verification", {
        body: { externalUserId, documentType: "PASSPORT", documentNumber: "FA123456" },
      });
      // It appears while the page is watched (no reload), its verification pending.
      const row = page.getByRole("row", { name: new RegExp(externalUserId) });
      await expect.poll(() => row.textContent(), { timeout: 30_000 }).toContain("pending");

      await row.getByRole("button", { name: `Approve verification: ${externalUserId}` }).click();
      await expect.poll(() => row.textContent(), { timeout: 30_000 }).toContain("approved");
      // Method A's approval generates the balances: a User Balance Generation follows.
      const delivery = page.getByRole("row", { name: /userBalanceGeneration/ });
      await expect.poll(() => delivery.textContent(), { timeout: 30_000 }).toMatch(/delivered[\s\S]*HTTP 200/);
      await delivery.getByText("payload").click();
      expect(JSON.parse((await delivery.locator("pre").textContent()) ?? "")).toEqual({
        externalUserId,
        status: "ACTIVE",
      });
      expect(heard).toContainEqual(`/userBalanceGeneration ${JSON.stringify({ externalUserId, status: "ACTIVE" })}`);

      // KYC by P100 (Method B): a verification opened through the API is decided by a click.
      const kycUser = "dash-user-2";
      const kycBody = validBody("createUser", { externalUserId: kycUser, country: "PL", citizenship: "PL" });
      expect((await p100.POST("/v1/user/balances/crypto-and-fiat", { body: kycBody })).status).toBe(200);
      const opened = await p100.POST("/v1/kyc", {
        body: validBody("createKycVerification", { externalUserId: kycUser }),
      });
      expect(opened.status).toBe(200);
      const kycRow = page.getByRole("row", { name: new RegExp(kycUser) });
      await expect.poll(() => kycRow.textContent(), { timeout: 30_000 }).toContain("NOT_VERIFIED, attempt PENDING");
      await kycRow.getByRole("button", { name: `Approve KYC: ${kycUser}` }).click();
      await expect.poll(() => kycRow.textContent(), { timeout: 30_000 }).toContain("VERIFIED, attempt SUCCESSFUL");
      const successful = { externalUserId: kycUser, verificationStatus: "VERIFIED", attemptStatus: "SUCCESSFUL" };
      await expect
        .poll(() => heard.some((line) => line.startsWith("/kycVerificationStatus ") && line.includes('"SUCCESSFUL"')), {
          timeout: 30_000,
        })
        .toBe(true);
      const kycHeard = heard
        .filter((line) => line.startsWith("/kycVerificationStatus "))
        .map((line) => JSON.parse(line.slice(23)));
      expect(kycHeard).toContainEqual(expect.objectContaining(successful));
      // The journal shows the calls the world received, with the rule that answered.
      const call = page.locator("#journal tr", { hasText: "/v1/user/verification" });
      await expect.poll(() => call.textContent(), { timeout: 30_000 }).toContain("addUserVerification");
      expect(await call.textContent()).toContain(`POST/v1/user/verification${verification.status}`);
      // Resend: a new attempt of the delivery, which the receiver hears again.
      const sent = () => heard.filter((line) => line.startsWith("/userBalanceGeneration ")).length;
      const before = sent();
      await delivery.getByRole("button", { name: /^Resend: delivery \d+$/ }).click();
      await expect.poll(sent, { timeout: 30_000 }).toBe(before + 1);
      await expect.poll(() => delivery.locator(".attempts li").count(), { timeout: 30_000 }).toBe(2);
      expect(await accessibilityProblems(page)).toEqual([]);
      await screenshot(page, "mock-dashboard.png");

      // The key stays in the tab; another key shows only its own world; reset empties it.
      await page.reload();
      await expect.poll(() => row.isVisible(), { timeout: 30_000 }).toBe(true);
      await page.getByLabel(/API key/).fill("another-key");
      await page.getByRole("button", { name: "Show", exact: true }).click();
      await expect.poll(() => page.getByText("No users yet").isVisible(), { timeout: 30_000 }).toBe(true);
      expect(await page.getByText(externalUserId).count()).toBe(0);
      await page.getByLabel(/API key/).fill(apiKey);
      await page.getByRole("button", { name: "Show", exact: true }).click();
      await page.getByRole("button", { name: "Advance" }).click();
      await expect
        .poll(() => page.getByRole("status").textContent(), { timeout: 30_000 })
        .toBe("advance the clock by 8 s: 200");
      await page.getByRole("button", { name: "Reset this world" }).click();
      await expect.poll(() => page.getByText("No users yet").isVisible(), { timeout: 30_000 }).toBe(true);
      // The log has the dashboard's actions, not its refreshes (it polled many times by now).
      expect(statefulLog).toContain(`POST /_sandbox/users/${externalUserId}/verification/approve → 200\n`);
      expect(statefulLog.filter((line) => line === "POST /_sandbox/reset → 204\n")).toHaveLength(2); // this test's, the click's
      expect(statefulLog.filter((line) => line.startsWith("GET /_sandbox/"))).toEqual([]);
      expect((await sandbox.GET("/_sandbox/users")).data).toEqual([]);

      expect(hostsOf(requested)).toEqual([stateful.url]);
      expect(problems).toEqual([]);
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });

  it("shows the newest of a list longer than one page of the control API", { timeout: 120_000 }, async () => {
    const call = (path: string, apiKey = "paged-key") =>
      fetch(`${stateful.url}${path}`, { headers: { "x-api-key": apiKey } });
    // A key's journal is its world's: the first change makes it (reads alone take no world).
    const make = (apiKey: string) =>
      fetch(`${stateful.url}/_sandbox/webhook-endpoint`, {
        method: "PUT",
        headers: { "x-api-key": apiKey, "content-type": "application/json" },
        body: JSON.stringify({ url: "http://127.0.0.1:9/{webhook}", token: "t" }),
      });
    expect((await make("paged-key")).status).toBe(200);
    expect((await make("redirect-key")).status).toBe(200);
    // 21 batches of 50, one batch after another: the journal keeps 1 050, a page holds 1 000.
    const batches = Array.from({ length: 21 }, (_, b) =>
      Array.from({ length: 50 }, (_, i) => `/v1/kyc/status/call-${b * 50 + i}`),
    );
    for (const batch of batches) await Promise.all(batch.map((path) => call(path)));

    const { page, problems } = await open(`${stateful.url}/_sandbox/ui`);
    await page.getByLabel(/API key/).fill("paged-key");
    await page.getByRole("button", { name: "Show", exact: true }).click();
    const paths = () => page.locator("#journal tbody tr td:nth-child(3)").allTextContents();
    await expect.poll(async () => (await paths()).length, { timeout: 60_000 }).toBe(1000);
    const shown = await paths();
    // The newest 1 000: all but the first batch, the last batch on top (within a batch, any order).
    expect(new Set(shown)).toEqual(new Set(batches.slice(1).flat()));
    expect(batches[20]).toContain(shown[0]);
    expect(problems).toEqual([]);

    // The journal names the user of a path whose {externalUserId} is not its last segment, too.
    await call("/v1/kyc/verification/r1/v-1", "redirect-key");
    const redirect = await call(
      "/_sandbox/requests?externalUserId=r1&operation=redirectToVerification",
      "redirect-key",
    );
    expect((await redirect.json()).map((entry: { path: string }) => entry.path)).toEqual([
      "/v1/kyc/verification/r1/v-1",
    ]);
  });

  it("says the stateless mock has no sandbox", async () => {
    const answer = await fetch(`${stateless.url}/_sandbox/ui`);
    expect(answer.status).toBe(404);
    expect(await answer.text()).toContain("p100-mock --stateful");
    // So does its control API, rather than Prism's "no path matched".
    const control = await fetch(`${stateless.url}/_sandbox/reset`, { method: "POST", headers: { "x-api-key": "k" } });
    expect(control.status).toBe(404);
    expect((await control.json()).message).toContain("start the mock with --stateful");
  });
});

describe("safe by default", () => {
  it("keeps both pages to the mock's own origin and answers other origins no CORS", async () => {
    for (const path of ["/", "/docs", "/docs/openapi", "/docs/prefer.json", "/docs/sandbox.json", "/_sandbox/ui"]) {
      const answer = await fetch(`${stateful.url}${path}`, { headers: { origin: "https://evil.example" } });
      expect(answer.status, path).toBe(200);
      expect(answer.headers.get("access-control-allow-origin"), path).toBeNull();
      expect(answer.headers.get("content-security-policy"), path).toMatch(/default-src 'none'.*connect-src 'self'/);
      expect(answer.headers.get("x-content-type-options"), path).toBe("nosniff");
    }
    const local = await fetch(`${stateful.url}/docs/openapi`, { headers: { origin: "http://localhost:3000" } });
    expect(local.headers.get("access-control-allow-origin")).toBe("http://localhost:3000");
  });

  it("answers its pages and control API to a loopback Host only (no DNS rebinding), the API to any", async () => {
    const { port } = new URL(stateful.url);
    const statusFor = (path: string, host: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const request = http.get({ host: "127.0.0.1", port, path, headers: { host, "x-api-key": "k" } }, (res) => {
          let body = "";
          res.on("data", (chunk) => (body += chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        });
        request.on("error", reject);
      });
    for (const path of ["/", "/docs", "/_sandbox/ui", "/_sandbox/users"]) {
      const refused = await statusFor(path, `rebound.example:${port}`);
      expect(refused.status, path).toBe(403);
      expect(JSON.parse(refused.body).message).toContain(
        'only to a loopback Host (localhost, 127.0.0.1 or [::1]), not "rebound.example:',
      );
      for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`])
        expect((await statusFor(path, host)).status, `${path} ${host}`).toBe(200);
    }
    // The P100 API itself answers whatever the Host: a partner's server may name the mock as it likes.
    expect((await statusFor("/v1/user/balances/u-1", "p100.internal")).status).not.toBe(403);
  });
});
