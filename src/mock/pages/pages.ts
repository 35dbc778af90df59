// The mock's own web pages, on its own port:
// - /: the front door (front-page.ts), a link to each of the others and to the control API's
//   description (/docs/sandbox.json);
// - /docs: the spec it serves, rendered by Swagger UI (swagger-ui-dist, an optional peer like
//   Prism's packages), whose try-it console calls this mock and nothing else, and can send any
//   documented `Prefer` choice (/docs/prefer.json, from Prism's reading of the spec);
// - /_sandbox/ui: the stateful mode's dashboard (dashboard.js), built on the control API alone.
// Every asset comes from this package or swagger-ui-dist. A Content-Security-Policy keeps each
// page to its own origin: a page that tried to load or call anything elsewhere would be refused
// by the browser. The pages hold no data and no key: the dashboard asks the control API with the
// key the tab was given.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import type { Reply } from "../pipeline/call.js";
import { dashboardCss, dashboardHtml, noDashboardHtml } from "./dashboard-page.js";
import { docsCss, docsHtml, noRendererHtml } from "./docs-page.js";
import { frontHtml } from "./front-page.js";

export interface PagesOptions {
  /** The spec file the mock serves, shown at /docs. */
  spec: string;
  /** Whether the control API (and so the dashboard) is there. */
  stateful: boolean;
  /** Whether the mock forwards to an upstream (the front page says so). */
  proxy?: boolean;
  /** Where swagger-ui-dist is; found from this package by default (tests name a missing one). */
  swaggerUiDir?: string | undefined;
  /**
   * What `Prefer` can pick, by `method path` (prism/index.ts' `preferChoices`), for /docs' console;
   * none (the proxy mode, where `Prefer` goes on to the upstream): /docs offers no choice.
   */
  preferChoices?: () => Promise<Record<string, string[]>>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
/** The control API's description (openapi/sandbox.yaml, bundled), which the package ships. */
const sandboxSpec = path.join(here, "../../../generated/sandbox.json");

/** Same origin for everything; inline script and style are not needed, so they are not allowed. */
const policy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

interface Asset {
  type: string;
  body: () => Buffer | Promise<Buffer>;
  /** Whether the page's answer may be revalidated rather than fetched again (assets, not pages). */
  asset?: boolean;
}

const html = "text/html; charset=utf-8";
const js = "text/javascript; charset=utf-8";
const css = "text/css; charset=utf-8";
const jsonType = "application/json";

function swaggerUiDir(): string | undefined {
  try {
    return path.dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
  } catch {
    return undefined;
  }
}

/** A spec as /docs shows it: its servers are this mock (the page's own origin), so try-it calls it. */
function docsSpec(file: string): { type: string; text: string } {
  const text = readFileSync(file, "utf8");
  try {
    const spec = JSON.parse(text);
    spec.servers = [{ url: "/", description: "This mock (p100-mock)" }];
    return { type: jsonType, text: JSON.stringify(spec) };
  } catch {
    return { type: "application/yaml", text }; // a YAML spec: docs.js points try-it at the mock anyway
  }
}

/** Lazily read and kept: files are read at their first request, each once. */
function once<T>(make: () => T): () => T {
  let value: T | undefined;
  let made = false;
  return () => {
    if (!made) {
      value = make();
      made = true;
    }
    return value as T;
  };
}

/** A request as the pages read it: the method in lower case, the path, the headers (names in lower case). */
export interface PageRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
}

/** The mock's pages: a function that answers a GET or HEAD of one (a reply), else undefined. */
export function createPages(options: PagesOptions) {
  const renderer = "swaggerUiDir" in options ? options.swaggerUiDir : swaggerUiDir();
  const file = (name: string) => once(() => readFileSync(path.join(here, name)));
  const text = (value: string) => once(() => Buffer.from(value));
  const fromRenderer = (name: string) => once(() => readFileSync(path.join(renderer as string, name)));
  const spec = once(() => docsSpec(options.spec));
  const choices = once(async () => Buffer.from(JSON.stringify((await options.preferChoices?.()) ?? {})));
  const assets = new Map<string, Asset>([
    ["/", { type: html, body: text(frontHtml({ stateful: options.stateful, proxy: options.proxy ?? false })) }],
    ["/docs", { type: html, body: text(renderer ? docsHtml : noRendererHtml) }],
    [
      "/docs/openapi",
      {
        get type() {
          return spec().type;
        },
        body: once(() => Buffer.from(spec().text)),
      },
    ],
    ["/docs/sandbox.json", { type: jsonType, body: once(() => Buffer.from(docsSpec(sandboxSpec).text)) }],
    ["/docs/prefer.json", { type: jsonType, body: choices }],
    ["/docs/docs.js", { type: js, body: file("docs.js"), asset: true }],
    ["/docs/docs.css", { type: css, body: text(docsCss), asset: true }],
    ["/_sandbox/ui", { type: html, body: text(options.stateful ? dashboardHtml : noDashboardHtml) }],
    ["/_sandbox/ui/dashboard.js", { type: js, body: file("dashboard.js"), asset: true }],
    ["/_sandbox/ui/dashboard.css", { type: css, body: text(dashboardCss), asset: true }],
  ]);
  if (renderer) {
    assets.set("/docs/swagger-ui-bundle.js", { type: js, body: fromRenderer("swagger-ui-bundle.js"), asset: true });
    assets.set("/docs/swagger-ui.css", { type: css, body: fromRenderer("swagger-ui.css"), asset: true });
  }
  const gzipped = new Map<string, Buffer>();

  /** The reply to a `GET`/`HEAD` of a page or asset; undefined for another request. */
  return async function serve(request: PageRequest): Promise<Reply | undefined> {
    const { method, path: pathname } = request;
    if (method !== "get" && method !== "head") return undefined;
    // `/docs/` is /docs; `//` is not the front door (it is Prism's 404).
    const name = pathname.length > 2 && pathname.endsWith("/") ? pathname.slice(0, -1) : pathname;
    const found = assets.get(name);
    if (!found) return undefined;
    const missing = (name === "/docs" && !renderer) || (name === "/_sandbox/ui" && !options.stateful);
    let body = await found.body();
    const headers: Record<string, string> = {
      "content-type": found.type,
      "content-security-policy": policy,
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "cache-control": found.asset ? "no-cache" : "no-store",
      vary: "Origin, Accept-Encoding", // Origin: CORS (pipeline/gate.ts) answers per origin
    };
    // The renderer's bundle is 1.7 MB: gzip makes it about a quarter of that. Each answer is gzipped once.
    if (/\bgzip\b/.test(String(request.headers["accept-encoding"] ?? "")) && body.length > 1024) {
      const zipped = gzipped.get(name) ?? gzipSync(body);
      gzipped.set(name, zipped);
      body = zipped;
      headers["content-encoding"] = "gzip";
    }
    headers["content-length"] = String(body.length);
    return { status: missing ? 404 : 200, headers, body };
  };
}
