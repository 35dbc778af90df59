#!/usr/bin/env node
// p100-contract — learn the contract from recorded traffic, and verify a consumer's calls (dist/contract/cli.js).
import { main } from "../dist/contract/cli.js";

process.exitCode = await main(
  process.argv.slice(2),
  (text) => process.stdout.write(text),
  (text) => process.stderr.write(text),
);
