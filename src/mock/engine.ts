// Prism in this process: @stoplight/prism-http routes each request, checks its key and validates
// it, answers it (negotiating a documented example, or forwarding to an upstream in proxy mode),
// and validates the answer against the spec. Prism's packages are optional peer dependencies of
// this package, loaded only when a mock starts. In proxy mode, the forwarding itself is ours
// (proxy/forward.ts), in place of Prism's.
import type { IPrismComponents, IPrismDiagnostic } from "@stoplight/prism-core";
import type { IHttpConfig, IHttpMockConfig, IHttpRequest, IHttpResponse } from "@stoplight/prism-http";
import type { IHttpOperation } from "@stoplight/types";
import { createRedactor } from "../client/redact.js";
import { MockStartError } from "../errors.js";
import { defaultMaxUpstreamBytes } from "./options.js";
import type { Exchange, RawRequest } from "./proxy/forward.js";
import type { Sandbox } from "./sandbox/sandbox.js";
import { checkUpload, slimForm, uploadLimitsOf } from "./uploads.js";

export interface EngineOptions {
  spec: string;
  dynamic?: boolean;
  errors?: boolean;
  proxy?: string;
  /** Proxy mode: the largest body of an upstream's answer, decoded (options.ts has the default). */
  maxUpstreamBytes?: number;
  /** Stateful mode: answers come from each key's world in this sandbox (sandbox/rules.ts). */
  sandbox?: Sandbox;
}

/** What the log and the proxy's report may say about a call: never a header, never user data. */
export interface AnswerFacts {
  /** The path to report: the operation's template (`/v1/user/balances/{externalUserId}`), or, for a
   * path no operation matches, the path with each segment that no operation has replaced by `{*}`;
   * absent for an answer the HTTP layer gave before any routing (a body too large, a malformed path). */
  path?: string;
  /** Proxy mode, the upstream was not reached: why (`ECONNREFUSED (...)`, `ENOTFOUND (...)`). */
  failure?: string;
  /** Proxy mode: the status the upstream answered (absent when it was not reached or not called). */
  upstreamStatus?: number;
  /** Proxy mode, with `failure`: the status the upstream had answered when its answer broke off. */
  brokenAfter?: number;
  /** For the log line: a P-code and its message, or why the mock answered as it did. */
  note?: string;
  /** For the proxy's report, of an answer the mock gave itself: why, with no user data in it. */
  summary?: string;
  /** Stateful mode: what answered (a lifecycle rule's `when`, `Prefer` or `validation`), for the journal. */
  rule?: string;
}

export interface EngineAnswer {
  /** Prism's answer; in proxy mode its headers are the upstream's as sent (a repeated one as a list). */
  output: Omit<IHttpResponse, "headers"> & { headers?: Record<string, string | string[]> };
  /** The body as Prism's server serialises it for its content type; in proxy mode, the upstream's bytes. */
  text: string | Buffer;
  validations: { input: IPrismDiagnostic[]; output: IPrismDiagnostic[] };
  facts: AnswerFacts;
}

/** A Prism failure (no route, a bad `Prefer`, an unreachable upstream) as problem+json. */
export interface EngineProblem {
  status: number;
  problem: { type: string; title: string; status: number; detail: string; [more: string]: unknown };
  headers?: Record<string, string>;
  facts: AnswerFacts;
}

/** The request as it arrived (body bytes, target, header pairs), and what the HTTP layer found in it. */
export interface ArrivedRequest extends RawRequest {
  /** The body was sent as JSON but does not parse. */
  malformedJson?: boolean;
}

export interface Engine {
  /** `raw`: the request as it arrived, which the proxy forwards unchanged and the mock checks uploads on. */
  answer(input: IHttpRequest, raw?: ArrivedRequest): Promise<EngineAnswer | EngineProblem>;
  /** The operation a request is for, by Prism's routing: its operationId and path template. */
  operationOf?(method: string, path: string): { operationId: string; path: string } | undefined;
  /** Closes the proxy's upstream connections. */
  close(): Promise<void>;
}

async function loadPrism() {
  try {
    const [http, core, prefer, serializer, mocker, router, forwarder] = await Promise.all([
      import("@stoplight/prism-http"),
      import("@stoplight/prism-core"),
      // Prism's own server helpers: its reading of `Prefer` (code, example, dynamic) and its serialiser.
      import("@stoplight/prism-http-server/dist/getHttpConfigFromRequest.js"),
      import("@stoplight/prism-http-server/dist/serialize.js"),
      // Prism's own mocker: the stateful mode hands it every request that Prism found invalid.
      import("@stoplight/prism-http/dist/mocker/index.js"),
      // Prism's own router: which operation a request is for, to check its `Prefer` and files.
      import("@stoplight/prism-http/dist/router/index.js"),
      // Prism's own forwarder: the proxy's `--errors` answer to an invalid request (401/422, not sent).
      import("@stoplight/prism-http/dist/forwarder/index.js"),
    ]);
    return {
      ...http,
      createLogger: core.createLogger,
      getHttpConfigFromRequest: prefer.getHttpConfigFromRequest,
      serialize: serializer.serialize as (payload: unknown, contentType?: string) => string | undefined,
      prismMock: cjsDefault(mocker) as Mock,
      route: cjsDefault(router) as Route,
      prismForward: cjsDefault(forwarder) as Forward,
    };
  } catch {
    throw new MockStartError(
      "the mock needs Prism: npm install --save-dev @stoplight/prism-http@5.12.0 @stoplight/prism-http-server@5.12.2 @stoplight/prism-core@5.8.0 (optional peer dependencies of p100-user-accounts)",
    );
  }
}

export async function createEngine(options: EngineOptions): Promise<Engine> {
  const prism = await loadPrism();
  const operations = await prism.getHttpOperationsFromSpec(options.spec).catch((error: Error) => {
    throw new MockStartError(`cannot read the spec ${options.spec}: ${error.message.split("\n")[0]}`);
  });
  // Prism's log is not printed: each answer is logged in one line by the HTTP layer instead.
  const logger = prism.createLogger("p100-mock", { level: "silent" });
  const base = {
    checkSecurity: true,
    validateRequest: true,
    validateResponse: true,
    errors: options.errors ?? false,
    upstreamProxy: undefined,
    mock: { dynamic: options.dynamic ?? false },
  };
  const config: IHttpConfig = options.proxy
    ? { ...base, isProxy: true, upstream: new URL(options.proxy) }
    : { ...base, isProxy: false };
  const sandbox = options.sandbox;
  // The sandbox's adapter and rules (and their validators) load only for the stateful mode.
  const adapter = sandbox ? await import("./sandbox/prism-adapter.js") : undefined;
  const exchanges = new WeakMap<IHttpRequest, Exchange>();
  const proxy = options.proxy ? await loadProxy(prism, exchanges, options.maxUpstreamBytes) : undefined;
  const components = {
    logger,
    ...(sandbox && adapter ? { mock: adapter.statefulMock(sandbox, prism.prismMock) } : {}),
    ...(proxy ? { forward: proxy.forward } : {}),
  };
  const instance = prism.createInstance(config, components);
  const reportPath = pathForReport(operations);

  return {
    async answer(input, raw) {
      const exchange: Exchange = { raw };
      exchanges.set(input, exchange);
      const routed = prism.route({ resources: operations, input });
      const resource = routed._tag === "Right" ? routed.right : undefined;
      const facts = (note?: string): AnswerFacts => ({
        path: resource?.path ?? reportPath(input.url.path),
        ...(adapter && adapter.ruleOf(input) !== undefined ? { rule: adapter.ruleOf(input) } : {}),
        ...(exchange.failure === undefined ? {} : { failure: exchange.failure }),
        ...(exchange.brokenAfter === undefined ? {} : { brokenAfter: exchange.brokenAfter }),
        ...(exchange.answer ? { upstreamStatus: exchange.answer.status } : {}),
        ...(note === undefined ? {} : { note }),
      });
      // In proxy mode, an answer the mock made itself (not the upstream's) says so.
      const own = proxy ? { [proxy.sourceHeader]: "mock" } : undefined;
      const answerOf = (status: number, body: unknown): EngineAnswer => ({
        output: { statusCode: status, headers: { "Content-type": "application/json", ...own }, body },
        text: JSON.stringify(body),
        validations: { input: [], output: [] },
        facts: facts(noteOf(body)),
      });
      const preferences = prism.getHttpConfigFromRequest(input);
      if (preferences._tag === "Left")
        return wrongPrefer(resource, `cannot read "${headerOf(input, "prefer")}"`, facts(), own);
      // What `Prefer` leaves out (undefined) keeps the mock's own setting, as in Prism's server.
      const chosen = Object.fromEntries(Object.entries(preferences.right).filter(([, value]) => value !== undefined));
      const picked = chosen.code !== undefined || chosen.exampleKey !== undefined;
      if (resource && picked && !config.isProxy) {
        const refused = refusedChoice(resource, chosen.code as number | undefined, chosen.exampleKey as string);
        if (refused) return wrongPrefer(resource, refused, facts(), own);
        // An example named without a code: the status that documents it (Prism looks only in the first 2xx).
        if (chosen.code === undefined)
          chosen.code = Number(choicesOf(resource).find((c) => c.examples.includes(String(chosen.exampleKey)))?.code);
      }
      // The documented upload limits, checked on the bytes as sent (Prism sees the files as text).
      const limits = resource && uploadLimitsOf(resource.method, resource.path);
      if (limits && raw && !config.isProxy && !picked && headerOf(input, "x-api-key")) {
        const checked = await checkUpload(limits, headerOf(input, "content-type"), new Uint8Array(raw.body));
        if (checked && "problem" in checked) {
          const { code, message } = checked.problem;
          if (code === "P403") return answerOf(400, { errorCode: "P403", errorMessage: `${message}.` });
          return answerOf(400, exampleOf(resource, "400", code));
        }
        if (checked) {
          const { body, contentType } = await slimForm(checked.form);
          const headers = Object.entries(input.headers ?? {}).filter(([k]) => k.toLowerCase() !== "content-type");
          input = { ...input, body, headers: { ...Object.fromEntries(headers), "content-type": contentType } };
        }
      }
      const result = await instance.request(input, operations, {
        ...config,
        mock: { ...config.mock, ...chosen },
      } as IHttpConfig)();
      if (result._tag === "Left") return problemOf(result.left, prism.ProblemJsonError, facts(), own);
      const { output, validations } = result.right;
      // The upstream's answer goes on as it came: its bytes, and its headers with a true Content-Length.
      // (`--errors` never replaces it: its differences are what the proxy reports.)
      if (exchange.answer)
        return {
          output: { ...output, headers: exchange.answer.headers },
          validations,
          text: exchange.answer.bytes,
          facts: facts(),
        };
      const errors = validations.output.filter((v) => v.severity === 0);
      if (config.errors && errors.length) {
        const detail = "Your request/response is not valid and --errors is set, so the mock answers with this error.";
        const problem = prism.ProblemJsonError.fromTemplate(prism.VIOLATIONS, detail, { validation: errors });
        return problemOf(problem, prism.ProblemJsonError, facts(), own);
      }
      // An invalid request answered with the P403 example gets the message of its own failures.
      const body = output.body as { errorCode?: unknown } | undefined;
      if (output.statusCode === 400 && body?.errorCode === "P403" && validations.input.length) {
        output.body = { ...body, errorMessage: p403Message(validations.input, raw?.malformedJson) };
      }
      const contentType = Object.entries(output.headers ?? {}).find(([k]) => k.toLowerCase() === "content-type")?.[1];
      const headers = own ? { ...output.headers, ...own } : output.headers;
      return {
        output: { ...output, headers },
        validations,
        text: prism.serialize(output.body, contentType) ?? "",
        facts: facts(noteOf(output.body)),
      };
    },
    operationOf(method, path) {
      const input = { method: method as IHttpRequest["method"], url: { path } };
      const routed = prism.route({ resources: operations, input });
      if (routed._tag !== "Right" || !routed.right.iid) return undefined;
      return { operationId: routed.right.iid, path: routed.right.path };
    },
    close: async () => {
      await proxy?.dispatcher.close();
    },
  };
}

/** The proxy's forward component and its dispatcher (undici, loaded for the proxy mode only). */
async function loadProxy(
  prism: Awaited<ReturnType<typeof loadPrism>>,
  exchanges: WeakMap<IHttpRequest, Exchange>,
  maxBodyBytes = defaultMaxUpstreamBytes,
) {
  const [undici, { createForward, sourceHeader }] = await Promise.all([
    import("undici").catch(() => {
      throw new MockStartError(
        "--proxy needs undici: npm install --save-dev undici@7.30.2 (an optional peer dependency of p100-user-accounts)",
      );
    }),
    import("./proxy/forward.js"),
  ]);
  // HTTP_PROXY, HTTPS_PROXY and NO_PROXY (and their lower-case forms), read at start. As curl does,
  // an http upstream goes to an http proxy as an absolute-form request, an https one through CONNECT.
  const dispatcher = new undici.EnvHttpProxyAgent({ proxyTunnel: false });
  const forward = createForward({
    exchanges,
    maxBodyBytes,
    prismForward: prism.prismForward,
    dispatcher,
    request: undici.request,
    ProblemJsonError: prism.ProblemJsonError,
    // The client's redaction rule (every form of the key; a short key only where it stands alone).
    redact: (text, input) => {
      const key = input.headers?.["x-api-key"];
      return typeof key === "string" && key ? createRedactor(key).text(text) : text;
    },
  });
  return { forward, dispatcher, sourceHeader };
}

/** A path as the report may write it: no segment that is not a literal segment of some operation's path. */
function pathForReport(operations: IHttpOperation[]): (path: string) => string {
  const literal = new Set(operations.flatMap((op) => op.path.split("/").filter((s) => !s.includes("{"))));
  return (path) =>
    path
      .split("/")
      .map((segment) => (literal.has(segment) ? segment : "{*}"))
      .join("/");
}

/** A P-code answer's code and message, for the log line. */
export function noteOf(body: unknown): string | undefined {
  const { errorCode, errorMessage } = (body ?? {}) as { errorCode?: unknown; errorMessage?: unknown };
  return typeof errorCode === "string" ? `${errorCode}: ${errorMessage}` : undefined;
}

const headerOf = (input: IHttpRequest, name: string): string | undefined => {
  const value = Object.entries(input.headers ?? {}).find(([k]) => k.toLowerCase() === name)?.[1];
  return Array.isArray(value) ? value[0] : value;
};

/** A named example of one of the operation's answers, as the spec has it. */
function exampleOf(resource: IHttpOperation, code: string, key: string): unknown {
  const response = resource.responses.find((r) => r.code === code);
  const examples = (response?.contents ?? []).flatMap((c) => c.examples ?? []);
  return (examples.find((e) => e.key === key) as { value?: unknown } | undefined)?.value;
}

/** The documented answers of one operation: each status with its named examples. */
function choicesOf(resource: IHttpOperation) {
  return resource.responses.map((response) => ({
    code: response.code,
    examples: [...new Set((response.contents ?? []).flatMap((c) => (c.examples ?? []).map((e) => e.key)))],
  }));
}

/** Why a `Prefer` choice names no documented answer of the operation, or undefined if it does. */
function refusedChoice(resource: IHttpOperation, code: number | undefined, exampleKey: string | undefined) {
  const choices = choicesOf(resource);
  const forCode = code === undefined ? choices : choices.filter((c) => c.code === String(code));
  if (!forCode.length) return `code=${code} is not a documented status of this operation`;
  if (exampleKey !== undefined && !forCode.some((c) => c.examples.includes(exampleKey)))
    return `example=${exampleKey} is not a documented example${code === undefined ? "" : ` of its ${code} answer`}`;
  return undefined;
}

/** A `Prefer` the operation cannot honour: one 400 that lists what can be picked. */
function wrongPrefer(
  resource: IHttpOperation | undefined,
  reason: string,
  facts: AnswerFacts,
  headers?: Record<string, string>,
): EngineProblem {
  const choices = resource ? choicesOf(resource) : [];
  const listed = choices
    .map((c) => `code=${c.code}${c.examples.length ? ` (example=${c.examples.join(" | ")})` : ""}`)
    .join("; ");
  const detail = resource
    ? `Prefer: ${reason}. ${resource.method.toUpperCase()} ${resource.path} documents: ${listed}.`
    : `Prefer: ${reason}. Write it as Prefer: code=<status>, example=<example name>.`;
  return {
    status: 400,
    problem: {
      type: "urn:p100-mock:prefer",
      title: "Prefer picks an answer this operation does not document",
      status: 400,
      detail,
      choices,
    },
    facts: { ...facts, note: "Prefer names no documented answer" },
    ...(headers ? { headers } : {}),
  };
}

function problemOf(
  error: Error,
  ProblemJsonError: { toProblemJson(e: Error): EngineProblem["problem"] },
  facts: AnswerFacts,
  headers?: Record<string, string>,
): EngineProblem {
  const problem = ProblemJsonError.toProblemJson(error);
  const status = problem.status || 500;
  return { status, problem, facts: { ...facts, note: problem.title }, ...(headers ? { headers } : {}) };
}

/**
 * A CommonJS module's `exports.default`, however the loader hands it over: under plain Node,
 * `import()` gives the exports object as `default`; vitest and bundlers give the function.
 */
function cjsDefault(module: { default: unknown }): unknown {
  const outer = module.default as { default?: unknown } | undefined;
  return typeof outer === "function" ? outer : outer?.default;
}

type Forward = IPrismComponents<IHttpOperation, IHttpRequest, IHttpResponse, IHttpConfig>["forward"];
export type Mock = IPrismComponents<IHttpOperation, IHttpRequest, IHttpResponse, IHttpMockConfig>["mock"];
type Route = IPrismComponents<IHttpOperation, IHttpRequest, IHttpResponse, IHttpConfig>["route"];

// The P403 tells the truth: P100 answers a validation failure with one `errorMessage` that joins
// each failure in class-validator's style ("country must be ...", errors.md), so the mock writes
// that message from Prism's own findings about the request instead of serving the spec's canned
// example text, which would point a developer at the wrong field.
/** One finding as class-validator would word it: the field first, then what it must be. */
function sentence(finding: IPrismDiagnostic, bodyWasMalformed: boolean): string {
  const { message } = finding;
  const required = /must have required property '([^']+)'/.exec(message);
  if (required) return `${[...(finding.path ?? []).slice(1), required[1]].join(".")} should not be empty`;
  if (bodyWasMalformed) return "the request body must be valid JSON";
  const named = /^Request (?:body property|(?:path|query|header) parameter) (\S+) (.*)$/.exec(message);
  if (named) return `${named[1]} ${named[2]}`;
  return message.replace(/^Request body /, "the request body ").replace(/^Request /, "the request ");
}

/** The errorMessage of a P403 for these findings: each failure once, joined as P100 joins them. */
export function p403Message(findings: IPrismDiagnostic[], bodyWasMalformed = false): string {
  // Ajv adds `must match "then" schema` beside the field a condition requires: the field says it.
  const errors = findings.filter((f) => f.severity === 0 && !/must match "(then|else)" schema$/.test(f.message));
  const sentences = [...new Set(errors.map((f) => sentence(f, bodyWasMalformed)))];
  return sentences.length ? `${sentences.join(". ")}.` : "the request is not valid.";
}
