// The /docs page: Swagger UI's bundle and stylesheet (from swagger-ui-dist), docs.js to start it,
// and a few rules of this package's own (docs.css) where Swagger UI's colours are too faint to read.

export const docsHtml = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>API reference · p100-mock</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/docs/swagger-ui.css">
<link rel="stylesheet" href="/docs/docs.css">
</head>
<body>
<header class="p100-banner">
<p><strong>p100-mock</strong>: “Try it out” sends each request to this mock, with the placeholder key <code>test</code>
(any non-empty key works; in the stateful mode each key has its own world).
<a href="/_sandbox/ui">Sandbox dashboard</a></p>
</header>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script type="module" src="/docs/docs.js"></script>
</body>
</html>
`;

import { readFileSync } from "node:fs";

/** The renderer's version this package is tested with: its optional peer's. */
const { peerDependencies } = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8"));

export const noRendererHtml = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>API reference · p100-mock</title><link rel="icon" href="data:,"></head>
<body>
<main>
<h1>No renderer installed</h1>
<p>The API reference is drawn by Swagger UI, an optional peer of p100-user-accounts. Install it next to the package:</p>
<pre>npm install --save-dev --save-exact swagger-ui-dist@${peerDependencies["swagger-ui-dist"]}</pre>
<p>The spec itself is at <a href="/docs/openapi">/docs/openapi</a>.</p>
</main>
</body>
</html>
`;

// Swagger UI's own colours fall below WCAG AA's 4.5:1 contrast in places (method badges, links,
// greys on grey): these rules darken them. axe-core checks the page in test/review/pages.test.ts.
export const docsCss = `
.p100-banner { font-family: sans-serif; background: #1b1b1b; color: #fff; padding: 8px 20px; margin: 0; }
.p100-banner p { margin: 0; }
.p100-banner a { color: #9fd3ff; }
.p100-banner code { background: #333; padding: 0 4px; }
.swagger-ui .info .title small pre { background: #555c68; }
.swagger-ui .info .title small.version-stamp pre { background: #3f6000; }
.swagger-ui .info .url, .swagger-ui .info a, .swagger-ui .info__contact a, .swagger-ui .info__license a { color: #1f5fbf; }
.swagger-ui .btn.authorize, .swagger-ui .btn.authorize span { color: #146c43; border-color: #146c43; }
.swagger-ui .btn.authorize svg { fill: #146c43; }
.swagger-ui .opblock.opblock-post .opblock-summary-method { background: #146c43; }
.swagger-ui .opblock.opblock-patch .opblock-summary-method { background: #0b6b60; }
.swagger-ui .opblock.opblock-delete .opblock-summary-method { background: #b3261e; }
.swagger-ui .opblock.opblock-get .opblock-summary-method { background: #1f5fbf; }
.swagger-ui .opblock.opblock-put .opblock-summary-method { background: #8a4b00; }
.swagger-ui .btn.try-out__btn.cancel { color: #b3261e; border-color: #b3261e; }
.swagger-ui .btn.execute { background: #1f5fbf; border-color: #1f5fbf; }
.swagger-ui .download-contents { background: #4a4f5c; }
.swagger-ui .json-schema-2020-12-expand-deep-button { color: #4a4a4a; }
.swagger-ui .json-schema-2020-12__constraint--string { background: #7a4f00; }
.swagger-ui .parameter__in { color: #4a4a4a; }
`;
