#!/usr/bin/env node
// p100-webhook — delivers a webhook example from the spec to a local handler, the way P100 would.
import { parseArgs } from "node:util";
import webhooks from "../generated/webhooks.js";

const examplesOf = (name) => webhooks[name].examples;
const names = Object.keys(webhooks);

const usage = `Usage: p100-webhook send <name> --to <url> [--example <example>] [--token <token>]

Delivers one example of a P100 webhook from the spec to your endpoint, as P100 would: an HTTP POST
with a JSON body and the webhook security token in the Authorization header. The token comes from
--token or, better (it stays out of the process list), the P100_WEBHOOK_TOKEN variable.

Webhooks and their examples (the first is the default):
${names.map((name) => `  ${name}: ${Object.keys(examplesOf(name)).join(", ")}`).join("\n")}`;

function fail(message) {
  console.error(`p100-webhook: ${message}`);
  process.exit(1);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      to: { type: "string" },
      example: { type: "string" },
      token: { type: "string" },
      help: { type: "boolean" },
    },
  });
} catch (error) {
  fail(`${error.message}\n\n${usage}`);
}
const { values, positionals } = parsed;
if (values.help || positionals.length === 0) {
  console.log(usage);
  process.exit(values.help ? 0 : 1);
}
const [command, name] = positionals;
if (command !== "send" || positionals.length !== 2) fail(`expected \`send <name>\`\n\n${usage}`);
if (!names.includes(name)) fail(`unknown webhook "${name}"; known: ${names.join(", ")}`);
const examples = examplesOf(name);
const exampleName = values.example ?? Object.keys(examples)[0];
if (!examples[exampleName])
  fail(`${name} has no example "${exampleName}"; it has: ${Object.keys(examples).join(", ")}`);
if (!values.to || !URL.canParse(values.to)) fail("--to <url> is required: the endpoint that receives the webhook");
const token = values.token ?? process.env.P100_WEBHOOK_TOKEN;
if (!token) fail("a token is required: --token <token> or the P100_WEBHOOK_TOKEN variable");

let response;
try {
  response = await fetch(values.to, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: token },
    body: JSON.stringify(examples[exampleName]),
    signal: AbortSignal.timeout(10_000),
  });
} catch (error) {
  fail(`could not deliver to ${values.to}: ${error.cause?.code ?? error.message}`);
}
const answer = (await response.text()).slice(0, 500);
const line = `${name} (example ${exampleName}) to ${values.to}: HTTP ${response.status}${answer ? ` ${answer}` : ""}`;
if (!response.ok) fail(`not accepted: ${line}`);
console.log(`p100-webhook: delivered ${line}`);
