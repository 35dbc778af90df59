// The /_sandbox/ui page: plain HTML; dashboard.js fills it from the control API with the key the
// tab was given, and its buttons call the same control API that tests use.

export const dashboardHtml = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sandbox · p100-mock</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/_sandbox/ui/dashboard.css">
<script type="module" src="/_sandbox/ui/dashboard.js"></script>
</head>
<body>
<header>
<h1>p100-mock sandbox</h1>
<nav aria-label="Pages"><a href="/docs">API reference</a></nav>
</header>
<main>
<section aria-labelledby="key-title">
<h2 id="key-title">World</h2>
<form id="key-form">
<label for="key">API key (<code>x-api-key</code>) whose world to show</label>
<input id="key" name="key" autocomplete="off" spellcheck="false" required>
<button type="submit">Show</button>
<button type="button" id="forget">Forget the key</button>
</form>
<p class="note">The key stays in this tab only. Each key has a world of its own.</p>
<p id="status" role="status"></p>
</section>
<div id="world" hidden>
<section aria-labelledby="controls-title">
<h2 id="controls-title">Clock and reset</h2>
<form id="advance-form">
<label for="seconds">Advance the clock by (seconds)</label>
<input id="seconds" name="seconds" type="number" min="1" max="86400" step="1" value="8" required>
<button type="submit">Advance</button>
</form>
<p><button type="button" id="reset">Reset this world</button>
<label class="live"><input type="checkbox" id="live" checked> Live updates</label></p>
</section>
<section aria-labelledby="users-title">
<h2 id="users-title">Users</h2>
<div id="users"></div>
</section>
<section aria-labelledby="deliveries-title">
<h2 id="deliveries-title">Webhook deliveries</h2>
<div id="deliveries"></div>
</section>
<section aria-labelledby="journal-title">
<h2 id="journal-title">Request journal</h2>
<div id="journal"></div>
</section>
</div>
</main>
</body>
</html>
`;

export const noDashboardHtml = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Sandbox · p100-mock</title><link rel="icon" href="data:,"></head>
<body>
<main>
<h1>No sandbox here</h1>
<p>This mock is stateless: the dashboard needs the stateful mode (<code>p100-mock --stateful</code>,
<code>startMock({ stateful: true })</code>). The API reference is at <a href="/docs">/docs</a>.</p>
</main>
</body>
</html>
`;

export const dashboardCss = `
:root { font-family: system-ui, sans-serif; color: #1b1b1b; background: #fff; }
body { margin: 0; }
header { display: flex; align-items: baseline; gap: 2rem; padding: 0.5rem 1.5rem; background: #1b1b1b; color: #fff; }
header h1 { font-size: 1.25rem; margin: 0; }
header a { color: #9fd3ff; }
main { padding: 0 1.5rem 2rem; max-width: 80rem; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 0.5rem; }
form { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem; }
input { font: inherit; padding: 0.2rem 0.4rem; }
#key { min-width: 18rem; }
button { font: inherit; padding: 0.2rem 0.6rem; cursor: pointer; }
.note { color: #4a4a4a; font-size: 0.9rem; }
.live { margin-left: 1rem; }
#status:empty { display: none; }
#status { padding: 0.3rem 0.6rem; background: #eef5ff; border-left: 4px solid #1f5fbf; }
#status.error { background: #fdeeee; border-color: #b00020; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { text-align: left; padding: 0.3rem 0.5rem; border-bottom: 1px solid #d0d0d0; vertical-align: top; }
th { background: #f2f2f2; }
td.actions button { margin: 0 0.25rem 0.25rem 0; }
.state { font-weight: 600; }
.state-delivered, .state-approved, .state-APPROVED { color: #146c2e; }
.state-failed, .state-rejected, .state-REJECTED { color: #b00020; }
.state-retrying, .state-pending, .state-WAITING { color: #8a4b00; }
ol.attempts { margin: 0; padding-left: 1.2rem; }
pre { margin: 0.3rem 0 0; padding: 0.4rem; background: #f6f6f6; overflow-x: auto; font-size: 0.85rem; }
.empty { color: #4a4a4a; font-style: italic; }
`;
