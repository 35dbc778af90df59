// The mock's front door (GET /): what this port serves, one link each, so that a browser pointed
// at the mock finds /docs, the stateful mode's dashboard and the control API's description.
// Plain HTML, no script and no style: pages.ts serves it with the other pages' headers.

/** The front page for a mock in its mode: stateful, proxy (to its upstream), or neither. */
export function frontHtml({ stateful, proxy }: { stateful: boolean; proxy: boolean }): string {
  const dashboard = stateful
    ? `<li><a href="/_sandbox/ui">Sandbox dashboard</a>: one API key's world, its users, webhook deliveries and journal, with buttons that decide what the sandbox waits for.</li>`
    : `<li>Sandbox dashboard (<code>/_sandbox/ui</code>): in the stateful mode only (<code>p100-mock --stateful</code>, <code>startMock({ stateful: true })</code>).</li>`;
  const control = stateful
    ? "the sandbox's control API under <code>/_sandbox</code> on this mock"
    : "the sandbox's control API, under <code>/_sandbox</code> in the stateful mode";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>p100-mock</title>
<link rel="icon" href="data:,">
</head>
<body>
<main>
<h1>p100-mock</h1>
<p>${
    proxy
      ? "This port forwards the P100 User Accounts API to the upstream it was started with, and checks each answer against the spec."
      : `This port answers the P100 User Accounts API as its spec documents it${stateful ? ", each API key in a world of its own (the stateful mode)" : ""}.
Every call needs an <code>x-api-key</code> header (any value).`
  }</p>
<ul>
<li><a href="/docs">API reference</a>: every operation, and a console whose “Try it out” calls this mock${proxy ? "" : "; its <code>Prefer</code> field picks any documented answer"}.</li>
${dashboard}
<li><a href="/docs/sandbox.json">Control API description</a> (OpenAPI 3.1, JSON): ${control}.</li>
<li><a href="/docs/openapi">The spec this mock serves</a>.</li>
</ul>
</main>
</body>
</html>
`;
}
