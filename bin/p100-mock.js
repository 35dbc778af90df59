#!/usr/bin/env node
// p100-mock — serves the P100 User Accounts spec shipped in this package as a Prism mock, or, with
// --proxy, checks a real P100 host against it and writes a report of the differences on exit.
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { startMock } from "../dist/mock/index.js";
import { flagUsage, fromFlags, mockOptions, parseArgsOptions } from "../dist/mock/options.js";
import operations from "../generated/operations.js";

const usage = `Usage: p100-mock [options]

Serves the P100 User Accounts API spec of this package as a mock (Prism, in this process).

Options:
${flagUsage()}

Pick a documented response per request with the header
  Prefer: code=<status>, example=<example name>     e.g. Prefer: code=202, example=P211`;

// The flags are startMock's options (src/mock/options.ts, one table): read and checked as it checks them.
let values;
try {
  values = parseArgs({ options: parseArgsOptions() }).values;
} catch (error) {
  fail(`${error.message}\n\n${usage}`);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const flags = fromFlags(values);
if (flags.problem) fail(flags.problem);
const { report = mockOptions.report.default, ...given } = flags.options;
const options = { ...given, port: given.port ?? mockOptions.port.flagDefault };

// Stop cleanly on a signal, even one that arrives while Prism is still loading; and when a
// wrapper such as npx dies without passing its signal on (this process is orphaned: its parent
// changes), stop too, so that no mock is left holding the port.
const starting = new AbortController();
let mock;
async function stop() {
  starting.abort();
  if (mock) await mock.close();
  if (mock && options.proxy) writeReport();
  process.exit(0);
}

/** The proxy's findings as Markdown, for the partner to read and send back. */
function writeReport() {
  const { checked, differing, unreached: failed, local } = mock.diffs.counts();
  const unreached = failed ? `, ${failed} never reached the upstream` : "";
  const here = local ? `, ${local} answered by the mock itself` : "";
  try {
    writeFileSync(report, mock.diffs.report());
    console.log(
      `p100-mock: ${checked} call(s) checked, ${differing} with differences${unreached}${here}; report in ${report}`,
    );
  } catch (error) {
    console.error(`p100-mock: cannot write the report to ${report}: ${error.code ?? error.message}`);
    console.error(mock.diffs.report()); // nothing is lost: the report goes to stderr
  }
}
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.once(signal, stop);
const parent = process.ppid;
setInterval(() => process.ppid !== parent && stop(), 500).unref();

try {
  mock = await startMock({
    ...options,
    onOutput: (text) => process.stdout.write(text),
    signal: starting.signal,
  });
} catch (error) {
  if (starting.signal.aborted) process.exit(0);
  fail(error.message);
}
console.log(options.proxy ? proxyMessage(mock.url) : readyMessage(mock.url));

/** The block printed when proxying: what goes where, and where the report goes. */
function proxyMessage(url) {
  return [
    `p100-mock: proxying ${url} to ${options.proxy}, checking every answer against the P100 User Accounts spec`,
    "",
    `Point your client at ${url} with your real x-api-key for ${options.proxy}. Each difference from`,
    `the contract is logged as it happens; on Ctrl-C the report is written to ${report}.`,
    ...(options.record
      ? [`Every exchange is recorded to ${options.record} (HAR 1.2; no key, no token, personal data masked).`]
      : []),
    "Stop with Ctrl-C (from a script: SIGTERM, docs/mock.md). Requests are logged below.",
  ].join("\n");
}

/** The one block printed on a clean start: where to call, what, how to pick an answer, how to stop. */
function readyMessage(url) {
  const routes = Object.entries(operations).map(([route, { operationId }]) => {
    const [method, path] = route.split(" ");
    const call = `  ${method.padEnd(6)} ${url}${path}`;
    return `${call.padEnd(url.length + 60)}  ${operationId}`;
  });
  return [
    `p100-mock: serving the P100 User Accounts spec on ${url}`,
    "",
    ...routes,
    "",
    ...(options.stateful
      ? [
          "Every call needs an x-api-key header (any value): it names the world the call acts on. Each answer",
          "comes from that world's state (docs/sandbox.md's lifecycle table). A Prefer header picks a documented",
          "example instead and changes no state, e.g.",
        ]
      : [
          "Every call needs an x-api-key header (any value). Without Prefer, each answers its first documented 2xx;",
          "pick any documented answer with a Prefer header, e.g.",
        ]),
    `  curl -X POST ${url}/v1/user/balances/extended -H 'x-api-key: k' -H 'content-type: application/json' \\`,
    `       -H 'Prefer: code=202, example=P211' -d '{"externalUserId":"f47ac10b-58cc-4372-a567-0e02b2c3d479"}'`,
    "",
    `In a browser: ${url}/docs (the API reference; "Try it out" calls this mock); ${url}/ links every page`,
    ...(options.stateful ? [`  and ${url}/_sandbox/ui (the dashboard of one key's world)`] : []),
    "",
    ...(options.stateful
      ? [
          "Stateful: each x-api-key has its own world of users and webhooks. Control it under",
          `  ${url}/_sandbox (reset, webhook-endpoint, users/{id}/verification|poa|kyc/{decision}, clock/advance, deliveries,`,
          "  deliveries/{id}/resend, faults, requests, users/{id}/balances|transactions|kyc-files/fail-next)",
          ...(options.stateFile ? [`World state is kept in ${options.stateFile}.`] : []),
          options.allowRemoteWebhooks
            ? "Webhooks may go to any host (--allow-remote-webhooks)."
            : "Webhooks go to loopback hosts only (127.0.0.0/8, localhost, [::1]); --allow-remote-webhooks allows others.",
          "",
        ]
      : []),
    "Stop with Ctrl-C (from a script: SIGTERM, docs/mock.md). Requests are logged below.",
  ].join("\n");
}

function fail(message) {
  console.error(`p100-mock: ${message}`);
  process.exit(1);
}
