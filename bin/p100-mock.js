#!/usr/bin/env node
// p100-mock — serves the P100 User Accounts spec shipped in this package as a Prism mock, or, with
// --proxy, checks a real P100 host against it and writes a report of the differences on exit.
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { startMock } from "../dist/mock/index.js";
import operations from "../generated/operations.js";

const usage = `Usage: p100-mock [options]

Serves the P100 User Accounts API spec of this package as a mock (Prism, in this process).

Options:
  --port <n>    port to listen on (default 4010)
  --host <h>    host to listen on (default 127.0.0.1)
  --dynamic     generate response data from the schemas instead of the spec's examples
  --errors      answer 500 with Prism's findings when an answer breaks the spec (Prism --errors)
  --stateful    keep each API key's users across calls and deliver webhooks; control the world
                under /_sandbox (see the lifecycle table in docs/sandbox.md)
  --allow-remote-webhooks
                with --stateful: let webhook endpoints be hosts other than loopback ones
                (127.0.0.0/8, localhost, [::1])
  --max-worlds <n>, --max-users-per-world <n>, --max-deliveries-per-world <n>
                with --stateful: the sandbox's caps (default 10000 each); a new key or user
                beyond its cap gets 507, a delivery beyond its cap drops the oldest
  --max-journal-per-world <n>
                with --stateful: calls each world's journal keeps (default 1000)
  --max-idle-minutes <n>
                with --stateful: drop a world unused this long (default 1440, a day)
  --state <file>
                with --stateful: keep every world in <file> across restarts (read at start,
                written soon after each change and on exit); a file that is not a state file
                stops the start and is left as it is
  --latency <ms>|<min>-<max>
                hold every answer of the API back <ms>, or a random time from <min> to <max>
  --proxy <url> forward every call to <url> (e.g. https://partner-api-stage.p100.io), check each
                answer against the spec, log each difference and write a report of them on exit
                (honours HTTPS_PROXY, HTTP_PROXY and NO_PROXY)
  --report <f>  where --proxy writes its Markdown report (default p100-contract-report.md)
  --cors <o>    let web pages from origin <o> call the mock too (repeatable; * for any); pages
                on loopback hosts (localhost, 127.0.0.1, [::1]) always may
  --help        show this help

Pick a documented response per request with the header
  Prefer: code=<status>, example=<example name>     e.g. Prefer: code=202, example=P211`;

let options;
try {
  options = parseArgs({
    options: {
      port: { type: "string", default: "4010" },
      host: { type: "string", default: "127.0.0.1" },
      dynamic: { type: "boolean", default: false },
      errors: { type: "boolean", default: false },
      stateful: { type: "boolean", default: false },
      "allow-remote-webhooks": { type: "boolean", default: false },
      "max-worlds": { type: "string" },
      "max-users-per-world": { type: "string" },
      "max-deliveries-per-world": { type: "string" },
      "max-journal-per-world": { type: "string" },
      "max-idle-minutes": { type: "string" },
      state: { type: "string" },
      latency: { type: "string" },
      proxy: { type: "string" },
      report: { type: "string", default: "p100-contract-report.md" },
      cors: { type: "string", multiple: true, default: [] },
      help: { type: "boolean", default: false },
    },
  }).values;
} catch (error) {
  fail(`${error.message}\n\n${usage}`);
}
if (options.help) {
  console.log(usage);
  process.exit(0);
}
const port = Number(options.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a port number, not "${options.port}"`);
const caps = {};
for (const [flag, option] of [
  ["max-worlds", "maxWorlds"],
  ["max-users-per-world", "maxUsersPerWorld"],
  ["max-deliveries-per-world", "maxDeliveriesPerWorld"],
  ["max-journal-per-world", "maxJournalPerWorld"],
]) {
  if (options[flag] === undefined) continue;
  if (!options.stateful) fail(`--${flag} needs --stateful`);
  caps[option] = Number(options[flag]);
  if (!Number.isInteger(caps[option]) || caps[option] < 1)
    fail(`--${flag} must be a positive integer, not "${options[flag]}"`);
}
if (options["allow-remote-webhooks"] && !options.stateful) fail("--allow-remote-webhooks needs --stateful");
if (options["max-idle-minutes"] !== undefined) {
  if (!options.stateful) fail("--max-idle-minutes needs --stateful");
  caps.maxIdleMinutes = Number(options["max-idle-minutes"]);
  if (!(caps.maxIdleMinutes > 0))
    fail(`--max-idle-minutes must be a positive number, not "${options["max-idle-minutes"]}"`);
}
if (options.state !== undefined && !options.stateful) fail("--state needs --stateful");
let latency;
if (options.latency !== undefined) {
  const range = /^(\d+)(?:-(\d+))?$/.exec(options.latency);
  latency = range && { min: Number(range[1]), max: Number(range[2] ?? range[1]) };
  if (!latency || latency.max > 60_000 || latency.min > latency.max)
    fail(`--latency must be <ms> or <min>-<max> in ms, at most 60000, not "${options.latency}"`);
}

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
  const { calls, entries, failures, local } = mock.diffs;
  const unreached = failures.length ? `, ${failures.length} never reached the upstream` : "";
  const here = local.length ? `, ${local.length} answered by the mock itself` : "";
  const checked = calls - failures.length - local.length;
  try {
    writeFileSync(options.report, mock.diffs.report());
    console.log(
      `p100-mock: ${checked} call(s) checked, ${entries.length} with differences${unreached}${here}; report in ${options.report}`,
    );
  } catch (error) {
    console.error(`p100-mock: cannot write the report to ${options.report}: ${error.code ?? error.message}`);
    console.error(mock.diffs.report()); // nothing is lost: the report goes to stderr
  }
}
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.once(signal, stop);
const parent = process.ppid;
setInterval(() => process.ppid !== parent && stop(), 500).unref();

try {
  mock = await startMock({
    port,
    host: options.host,
    dynamic: options.dynamic,
    errors: options.errors,
    proxy: options.proxy,
    stateful: options.stateful,
    corsOrigins: options.cors,
    allowRemoteWebhooks: options["allow-remote-webhooks"],
    ...caps,
    ...(options.state === undefined ? {} : { stateFile: options.state }),
    ...(latency ? { latency } : {}),
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
    `the contract is logged as it happens; on Ctrl-C the report is written to ${options.report}.`,
    "Stop with Ctrl-C. Requests are logged below.",
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
    `In a browser: ${url}/docs (the API reference; "Try it out" calls this mock)`,
    ...(options.stateful ? [`  and ${url}/_sandbox/ui (the dashboard of one key's world)`] : []),
    "",
    ...(options.stateful
      ? [
          "Stateful: each x-api-key has its own world of users and webhooks. Control it under",
          `  ${url}/_sandbox (reset, webhook-endpoint, users/{id}/verification|poa|kyc/{decision}, clock/advance, deliveries,`,
          "  deliveries/{id}/resend, faults, requests, users/{id}/balances|transactions|kyc-files/fail-next)",
          ...(options.state ? [`World state is kept in ${options.state}.`] : []),
          options["allow-remote-webhooks"]
            ? "Webhooks may go to any host (--allow-remote-webhooks)."
            : "Webhooks go to loopback hosts only (127.0.0.0/8, localhost, [::1]); --allow-remote-webhooks allows others.",
          "",
        ]
      : []),
    "Stop with Ctrl-C. Requests are logged below.",
  ].join("\n");
}

function fail(message) {
  console.error(`p100-mock: ${message}`);
  process.exit(1);
}
