// The mock's web pages in headless Chromium: what each page transfers on a cold load (gzip, as the
// mock serves it) and how soon its content is drawn (the operations; the dashboard's user table). A script that prints a table, not a test.
// BENCH_RUNS (default 5) cold loads per page, each in a fresh browser context; medians reported.
import { chromium } from "playwright-core";
import { createSandboxClient, startMock } from "../dist/mock/index.js";

const runs = Number(process.env.BENCH_RUNS ?? 5);
const quiet = ["--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

async function launch() {
  if (process.env.CHROMIUM_PATH)
    return chromium.launch({ executablePath: process.env.CHROMIUM_PATH, args: ["--no-sandbox", ...quiet] });
  const { default: bundled } = await import("@sparticuz/chromium");
  return chromium.launch({ executablePath: await bundled.executablePath(), args: [...bundled.args, ...quiet] });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const mock = await startMock({ stateful: true });
const apiKey = "bench-key";
const sandbox = createSandboxClient({ apiKey, baseUrl: mock.url });
await sandbox.POST("/_sandbox/reset");
const p100 = await import("../dist/index.js").then((m) => m.createP100Client({ apiKey, baseUrl: mock.url }));
await p100.POST("/v1/user/balances/crypto-and-fiat", {
  body: {
    externalUserId: "bench-user",
    email: "bench@example.com",
    phone: "48501234567",
    firstName: "Ada",
    lastName: "Bench",
    street: "Main",
    number: "1",
    city: "Warsaw",
    postCode: "00-001",
    country: "PL",
    citizenship: "PL",
    nationality: "PL",
    birthCountry: "PL",
    birthDate: "1990-05-15",
    userIdentificationNumber: "1234567890",
    hasAcceptedP100Tc: true,
  },
});

const pages = [
  { name: "/docs", path: "/docs", ready: ".opblock" },
  { name: "/_sandbox/ui (one user)", path: "/_sandbox/ui", ready: "#users table", key: apiKey },
];
const browser = await launch();
const rows = [];
for (const { name, path, ready, key } of pages) {
  const measured = { kB: [], requests: [], ready: [] };
  for (let run = 0; run < runs; run++) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    if (key) await context.addInitScript((k) => sessionStorage.setItem("p100-mock:sandbox-key", k), key);
    const page = await context.newPage();
    // Bytes on the wire (headers and gzip-encoded bodies), as Chromium's network stack counts them.
    const cdp = await context.newCDPSession(page);
    let bytes = 0;
    let count = 0;
    cdp.on("Network.loadingFinished", ({ encodedDataLength }) => {
      bytes += encodedDataLength;
      count++;
    });
    await cdp.send("Network.enable");
    await page.goto(`${mock.url}${path}`);
    // Drawn: the page's content is in the document and a frame has been painted after it.
    const readyMs = await page.evaluate(
      (selector) =>
        new Promise((resolve) => {
          const check = () =>
            document.querySelector(selector)
              ? requestAnimationFrame(() => resolve(performance.now()))
              : setTimeout(check, 10);
          check();
        }),
      ready,
    );
    await page.waitForLoadState("networkidle");
    measured.kB.push(bytes / 1000);
    measured.requests.push(count);
    measured.ready.push(readyMs);
    // Contexts stay open until the browser closes: with @sparticuz/chromium's --single-process,
    // closing one ends the browser.
  }
  rows.push({
    page: name,
    "kB transferred": median(measured.kB).toFixed(1),
    requests: median(measured.requests),
    "content drawn after navigation start": `${median(measured.ready).toFixed(0)} ms`,
  });
}
await browser.close();
await mock.close();
console.log(`${runs} cold loads each, medians; loopback, headless Chromium (@sparticuz/chromium)`);
console.table(rows);
