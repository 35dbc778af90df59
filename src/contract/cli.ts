// p100-contract's command line: `learn` (HAR files → an OpenAPI Overlay of proposals, --apply to
// openapi/) and `verify` (a consumer's recorded calls → text, JUnit XML or SARIF; exit 1 on a
// violation). Bad arguments or files: one line on stderr, exit 2.
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { learn, learnSummary } from "./learn.js";
import { formatReport, type ReportFormat, reportFormats } from "./report-formats.js";
import { packagedBundle, Spec } from "./spec.js";
import { verify } from "./verify.js";

export const usage = `Usage: p100-contract learn <file.har>... [--out overlay.yaml] [--apply] [options]
       p100-contract verify <file> [--format text|junit|sarif] [--out <file>] [options]

learn   compares each recorded answer with the spec and writes the proposed changes as an
        OpenAPI Overlay 1.0 document (YAML on stdout, or --out; JSON when it ends in .json),
        each action with its evidence; a summary goes to stderr. --apply also applies them to the spec's source (--source,
        default ./openapi), recording the evidence in each operation's x-p100-source.observed;
        then run npm run build, npm run lint and npm run review.
verify  checks a consumer's calls from a HAR file, a Pact file (v2-v4) or the sandbox's journal
        (GET /_sandbox/requests): requests strictly, answers with tolerance, and the sandbox's
        onboarding order. Exit 1 on a violation.

  --spec <bundle.json>       the bundled spec (default: the package's generated/openapi.json)
  --source <dir>             learn --apply: the spec's source folder (default: openapi)
  --min-observations <n>     learn: answers an optional field needs, all with it, before
                             requiring it is proposed (default 5)
  --format <format>          verify: text (default), junit or sarif
  --out <file>               write there instead of stdout
  -h, --help                 print this and exit

Exit status: 0 done (verify: no violation), 1 a violation (verify), 2 bad arguments or files.
`;

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export const peersNeeded =
  "needs the optional peers yaml and jsonpath-rfc9535: npm install -D --save-exact yaml@2.9.1 jsonpath-rfc9535@1.3.0";

/** The modules only YAML output and --apply need: they import the optional peers. */
async function peers() {
  try {
    const [yaml, source] = await Promise.all([import("yaml"), import("./apply-source.js")]);
    return { stringify: yaml.stringify, applyToSource: source.applyToSource };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND")
      throw new Error(`learn's YAML output ${peersNeeded}`);
    throw error;
  }
}

/** Runs the command line; resolves to the exit status. Output goes through `out` and `err`. */
export async function main(argv: string[], out: (text: string) => void, err: (text: string) => void): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: "string" },
        apply: { type: "boolean" },
        spec: { type: "string" },
        source: { type: "string" },
        "min-observations": { type: "string" },
        format: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    err(`p100-contract: ${(error as Error).message.split("\n")[0]} (p100-contract --help for the usage)\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    out(usage);
    return 0;
  }
  const [command, ...files] = positionals;
  try {
    // Every argument is checked before the spec is read.
    if (command !== "learn" && command !== "verify")
      throw new Error(command ? `unknown command ${command}` : "learn or verify is needed");
    const min = values["min-observations"];
    const format = (values.format ?? "text") as ReportFormat;
    const [file] = files;
    if (command === "learn") {
      if (values.format !== undefined) throw new Error("--format is for verify");
      if (!files.length) throw new Error("learn needs at least one HAR file");
      if (min !== undefined && !/^\d+$/.test(String(min))) throw new Error("--min-observations must be a whole number");
    } else {
      if (values.apply || min !== undefined || values.source !== undefined)
        throw new Error("--apply, --source and --min-observations are for learn");
      if (files.length !== 1 || !file) throw new Error("verify takes one file");
      if (!reportFormats.includes(format)) throw new Error(`--format must be one of ${reportFormats.join(", ")}`);
    }
    const spec = Spec.fromFile(typeof values.spec === "string" ? path.resolve(values.spec) : packagedBundle);
    const write = (text: string) => (typeof values.out === "string" ? fs.writeFileSync(values.out, text) : out(text));
    if (command === "verify" && file) {
      const report = verify(spec, file);
      write(formatReport(report, format));
      return report.violations.length ? 1 : 0;
    }
    const result = learn(spec, files, today(), min === undefined ? {} : { minObservations: Number(min) });
    const asJson = typeof values.out === "string" && values.out.endsWith(".json");
    const { stringify, applyToSource } =
      asJson && !values.apply ? { stringify: undefined, applyToSource: undefined } : await peers();
    write(
      stringify
        ? // YAML 1.1's rules for quoting: a date or "yes" stays a string for every reader.
          stringify(result.overlay, { aliasDuplicateObjects: false, lineWidth: 0, version: "1.1" })
        : `${JSON.stringify(result.overlay, null, 2)}\n`,
    );
    err(learnSummary(result));
    if (values.apply && applyToSource) {
      const dir = path.resolve(typeof values.source === "string" ? values.source : "openapi");
      const { files: changed, skipped } = applyToSource(dir, spec.bundle, result.overlay, today());
      const list = changed.length ? `: ${changed.map((f) => path.relative(dir, f)).join(", ")}` : "";
      err(`Applied to ${changed.length} file(s) of ${dir}${list}.`);
      err(skipped.length ? ` ${skipped.length} tightening proposal(s) left for a person.\n` : "\n");
      if (changed.length) err("Next: npm run build, npm run lint, npm run review -- --base <your base>.\n");
    }
    return 0;
  } catch (error) {
    err(`p100-contract: ${(error as Error).message.split("\n")[0]}\n`);
    return 2;
  }
}
