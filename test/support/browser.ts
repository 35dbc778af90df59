// The browser for the rendered-docs test: the one named by CHROMIUM_PATH, else the Chromium
// build shipped inside the locked devDependency @sparticuz/chromium (Linux x64/arm64), so that
// `npm ci && npm test` needs nothing but Node. Anywhere else the test fails with one line
// saying how to provide a browser; it never skips.
import { type Browser, chromium } from "playwright-core";

// Chromium's own connections are refused on a closed network; these keep it from trying.
const quiet = [
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  "--no-first-run",
];

export async function launchChromium(): Promise<Browser> {
  const named = process.env.CHROMIUM_PATH;
  if (named) return chromium.launch({ executablePath: named, args: ["--no-sandbox", "--disable-gpu", ...quiet] });
  if (process.platform !== "linux" || !["x64", "arm64"].includes(process.arch)) {
    throw new Error(
      `no Chromium for ${process.platform}/${process.arch}: set CHROMIUM_PATH to a Chrome or Chromium binary (the bundled one runs on Linux x64/arm64 only)`,
    );
  }
  const { default: bundled } = await import("@sparticuz/chromium");
  return chromium.launch({ executablePath: await bundled.executablePath(), args: [...bundled.args, ...quiet] });
}
