#!/usr/bin/env node
// p100-mock — serves the P100 User Accounts spec shipped in this package as a Prism mock.
import { parseArgs } from "node:util";
import { startMock } from "../dist/mock.js";
import operations from "../generated/operations.js";

const usage = `Usage: p100-mock [options]

Serves the P100 User Accounts API spec of this package as a Prism mock.

Options:
  --port <n>    port to listen on (default 4010)
  --host <h>    host to listen on (default 127.0.0.1)
  --dynamic     generate response data from the schemas instead of the spec's examples
  --errors      turn request violations into error responses (Prism --errors)
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

// Stop cleanly on a signal, even one that arrives while Prism is still starting; and when a
// wrapper such as npx dies without passing its signal on (this process is orphaned: its parent
// changes), stop too, so that Prism is never left behind.
const starting = new AbortController();
let mock;
async function stop() {
  starting.abort();
  if (mock) await mock.close();
  process.exit(0);
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
    onOutput: (text) => process.stdout.write(text),
    signal: starting.signal,
  });
} catch (error) {
  if (starting.signal.aborted) process.exit(0);
  fail(error.message);
}
console.log(readyMessage(mock.url));

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
    "Every call needs an x-api-key header (any value). Without Prefer, each answers its first documented 2xx;",
    "pick any documented answer with a Prefer header, e.g.",
    `  curl -X POST ${url}/v1/user/balances/extended -H 'x-api-key: k' -H 'content-type: application/json' \\`,
    `       -H 'Prefer: code=202, example=P211' -d '{"externalUserId":"f47ac10b-58cc-4372-a567-0e02b2c3d479"}'`,
    "",
    "Stop with Ctrl-C. Requests are logged below.",
  ].join("\n");
}

function fail(message) {
  console.error(`p100-mock: ${message}`);
  process.exit(1);
}
