// Prism in this process, behind this one entry: every import of Prism's packages (its public
// exports, and the few internals it does not export), the CommonJS interop, the P403 wording
// (p403.ts) and the `Prefer` checks (choices.ts) live in this folder, so upgrading Prism touches
// it alone. Prism checks each call's key, validates it, answers it (a documented example, the
// sandbox's rules in the stateful mode, or the upstream's answer in proxy mode: proxy/forward.ts)
// and validates the answer. Each call is routed once, by `route`; Prism is then handed that
// operation (its `route` component returns it), so it does not route again.

import { createRequire } from "node:module";
import type { IPrismComponents } from "@stoplight/prism-core";
import type { IHttpConfig, IHttpMockConfig, IHttpRequest, IHttpResponse } from "@stoplight/prism-http";
import type { IHttpOperation } from "@stoplight/types";
import { createRedactor } from "../../client/redact.js";
import { MockStartError } from "../../errors.js";
import { defaultMaxUpstreamBytes } from "../options.js";
import {
  type Answer,
  type Call,
  type Finding,
  jsonReply,
  noteOf,
  queryOf,
  type Reply,
  userOf,
} from "../pipeline/call.js";
import type { Handler } from "../pipeline/pipeline.js";
import { checkUpload, slimForm, uploadLimitsOf, uploadProblemBody } from "../uploads.js";
import {
  choicesOf,
  exampleOf,
  type Problem,
  preferValues,
  refusedChoice,
  unreadPreference,
  wrongPrefer,
} from "./choices.js";
import { p403Message } from "./p403.js";

export interface PrismOptions {
  spec: string;
  dynamic?: boolean;
  errors?: boolean;
  proxy?: string;
  /** Proxy mode: the largest body of an upstream's answer, decoded (options.ts has the default). */
  maxUpstreamBytes?: number;
  /**
   * Stateful mode: the answer to a request Prism found valid, with a key and no `Prefer` choice
   * (it may set `call.rule`); undefined leaves it to Prism's example. A throw is a 500.
   */
  answerValid?: (call: Call) => Answer | undefined;
}

/** The Prism adapter's two steps of the pipeline, and its end. */
export interface PrismEngine {
  /** Routes the call (once): its operation, path parameters, user, and the path to report. */
  route: Handler;
  /** Prism's answer to the call (the last step: it never calls `next`). */
  answer: Handler;
  /** Closes the proxy's upstream connections. */
  close(): Promise<void>;
  /** What `Prefer` can pick, by `method path` (lower-case method, the spec's path): for /docs' console. */
  preferChoices(): Record<string, string[]>;
}

type Mock = IPrismComponents<IHttpOperation, IHttpRequest, IHttpResponse, IHttpMockConfig>["mock"];
type Forward = IPrismComponents<IHttpOperation, IHttpRequest, IHttpResponse, IHttpConfig>["forward"];
type Route = IPrismComponents<IHttpOperation, IHttpRequest, IHttpResponse, IHttpConfig>["route"];
type Routed = ReturnType<Route>;

/**
 * A CommonJS module's `exports.default`, however the loader hands it over: under plain Node,
 * `import()` gives the exports object as `default`; vitest and bundlers give the function.
 */
function cjsDefault(module: { default: unknown }): unknown {
  const outer = module.default as { default?: unknown } | undefined;
  return typeof outer === "function" ? outer : outer?.default;
}

async function loadPrism() {
  try {
    const [http, core, prefer, serializer, mocker, router, forwarder] = await Promise.all([
      import("@stoplight/prism-http"),
      import("@stoplight/prism-core"),
      // Prism's own server helpers: its reading of `Prefer` (code, example, dynamic) and its serialiser.
      import("@stoplight/prism-http-server/dist/getHttpConfigFromRequest.js"),
      import("@stoplight/prism-http-server/dist/serialize.js"),
      // Prism's own mocker: the stateful mode hands it every request the sandbox leaves to Prism.
      import("@stoplight/prism-http/dist/mocker/index.js"),
      // Prism's own router: which operation a request is for (not exported by prism-http's index).
      import("@stoplight/prism-http/dist/router/index.js"),
      // Prism's own forwarder: the proxy's `--errors` answer to an invalid request (401/422, not sent).
      import("@stoplight/prism-http/dist/forwarder/index.js"),
    ]);
    // Prism's parser of `Prefer` (a dependency of its server helper), found from there as Prism finds it.
    const preferFile = createRequire(import.meta.url).resolve(
      "@stoplight/prism-http-server/dist/getHttpConfigFromRequest.js",
    );
    const parsePrefer = createRequire(preferFile)("parse-prefer-header") as (header: string) => Record<string, unknown>;
    return {
      ...http,
      parsePrefer,
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

/** Prism, loaded with the spec; the mock's steps wait for it, so nothing gets an error at startup. */
export async function createPrism(options: PrismOptions): Promise<PrismEngine> {
  const prism = await loadPrism();
  const operations = await prism.getHttpOperationsFromSpec(options.spec).catch((error: Error) => {
    throw new MockStartError(`cannot read the spec ${options.spec}: ${error.message.split("\n")[0]}`);
  });
  // Prism's log is not printed: each answer is logged in one line by the mock instead.
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
  const proxy = options.proxy ? await loadProxy(options.maxUpstreamBytes ?? defaultMaxUpstreamBytes) : undefined;
  const byRoute = new Map(operations.map((operation) => [`${operation.method} ${operation.path}`, operation]));
  const reportPath = pathForReport(operations);

  /** A problem+json reply, its title (or the given note) for the log. */
  const problemReply = (call: Call, { status, problem, note }: Problem): Reply => {
    call.facts.note = note;
    return {
      status,
      headers: { "content-type": "application/problem+json" },
      body: JSON.stringify(problem),
    };
  };
  const problemOf = (call: Call, error: Error): Reply => {
    const problem = prism.ProblemJsonError.toProblemJson(error) as Problem["problem"];
    return problemReply(call, { status: problem.status || 500, problem, note: problem.title });
  };

  /** The stateful mode's mock component for this call: the sandbox's answer, else Prism's example. */
  const statefulMock =
    (call: Call, answerValid: NonNullable<PrismOptions["answerValid"]>): Mock =>
    (opts) =>
    (log) => {
      const { validations } = opts.input;
      const picked = opts.config.code !== undefined || opts.config.exampleKey !== undefined;
      if (validations.length || !call.key || picked) {
        call.rule = picked && !validations.length ? "Prefer" : "validation";
        return prism.prismMock(opts)(log);
      }
      let found: Answer | undefined;
      try {
        found = answerValid(call);
      } catch (error) {
        return { _tag: "Left", left: error as Error }; // fp-ts's Either, as Prism's components return it
      }
      if (!found) return prism.prismMock(opts)(log);
      call.answeredBy = "rules";
      const headers: Record<string, string> =
        found.body === undefined ? {} : { "Content-type": found.contentType ?? "application/json" };
      return { _tag: "Right", right: { statusCode: found.status, headers, body: found.body } };
    };

  /** The proxy's forward component for this call: proxy/forward.ts, or Prism's own for `--errors`' refusals. */
  const forwardOf =
    (call: Call, forward: NonNullable<typeof proxy>["forward"]): Forward =>
    (prismInput, baseUrl, upstreamProxy, resource) =>
    (log) =>
    async () => {
      if (prismInput.validations.length) return prism.prismForward(prismInput, baseUrl, upstreamProxy, resource)(log)();
      const found = await forward(call, prismInput.data, baseUrl);
      if ("output" in found) return { _tag: "Right", right: found.output };
      const { type, title, status, detail, more } = found.problem;
      return { _tag: "Left", left: new prism.ProblemJsonError(type, title, status, detail, more) };
    };

  const route: Handler = async (call, next) => {
    const routed = prism.route({
      resources: operations,
      input: { method: call.method as IHttpRequest["method"], url: { path: call.path } },
    });
    if (routed._tag === "Right") {
      const { iid, path } = routed.right;
      const segments = call.path.split("/");
      const params = Object.fromEntries(
        path
          .split("/")
          .flatMap((part, i) =>
            /^\{\w+\}$/.test(part) ? [[part.slice(1, -1), decodeURIComponent(segments[i] ?? "")]] : [],
          ),
      );
      call.operation = { operationId: iid ?? "", path, params };
      call.externalUserId = userOf(call.body, params);
      call.facts.path = path;
    } else {
      call.unrouted = routed.left;
      call.externalUserId = userOf(call.body, undefined);
      call.facts.path = reportPath(call.path);
    }
    return next();
  };

  const answer: Handler = async (call) => {
    call.answeredBy = "prism";
    const resource = call.operation && byRoute.get(`${call.method} ${call.operation.path}`);
    let input: IHttpRequest = {
      method: call.method as IHttpRequest["method"],
      url: { path: call.path, query: queryOf(call.query) },
      headers: call.headers as Record<string, string>,
      body: call.body,
    };
    const header = headerOf(input, "prefer");
    const preferences = prism.getHttpConfigFromRequest(input);
    if (preferences._tag === "Left") return problemReply(call, wrongPrefer(resource, `cannot read "${header}"`, true));
    // What Prism would drop (e.g. `code=202; example=P211`'s example) is refused, not ignored; the proxy sends it on.
    const unread = header && !config.isProxy ? unreadPreference(header, prism.parsePrefer(header)) : undefined;
    if (unread) return problemReply(call, wrongPrefer(resource, unread, true));
    // What `Prefer` leaves out (undefined) keeps the mock's own setting, as in Prism's server.
    const chosen = Object.fromEntries(Object.entries(preferences.right).filter(([, value]) => value !== undefined));
    const picked = chosen.code !== undefined || chosen.exampleKey !== undefined;
    if (resource && picked && !config.isProxy) {
      const refused = refusedChoice(resource, chosen.code as number | undefined, chosen.exampleKey as string);
      if (refused) return problemReply(call, wrongPrefer(resource, refused));
      // An example named without a code: the status that documents it (Prism looks only in the first 2xx).
      if (chosen.code === undefined)
        chosen.code = Number(choicesOf(resource).find((c) => c.examples.includes(String(chosen.exampleKey)))?.code);
    }
    // The documented upload limits, checked on the bytes as sent (Prism sees the files as text).
    const limits = resource && uploadLimitsOf(resource.method, resource.path);
    if (limits && !config.isProxy && !picked && headerOf(input, "x-api-key")) {
      const checked = await checkUpload(limits, headerOf(input, "content-type"), new Uint8Array(call.bytes));
      if (checked && "problem" in checked) {
        const body = uploadProblemBody(checked.problem, exampleOf(resource, "400", checked.problem.code));
        call.facts.note = noteOf(body);
        return jsonReply(400, body);
      }
      if (checked) {
        const { body, contentType } = await slimForm(checked.form);
        const headers = Object.entries(input.headers ?? {}).filter(([k]) => k.toLowerCase() !== "content-type");
        input = { ...input, body, headers: { ...Object.fromEntries(headers), "content-type": contentType } };
      }
    }
    // Without an operation, Prism answers its routing problem; only the proxy (without --errors) forwards anyway.
    if (!resource && !(config.isProxy && !config.errors))
      return problemOf(call, call.unrouted ?? new Error("no route"));
    const routed: Routed = resource
      ? { _tag: "Right", right: resource }
      : { _tag: "Left", left: call.unrouted ?? new Error("no route") };
    const instance = prism.createInstance(config, {
      logger,
      route: () => routed, // routed once, above: Prism takes that operation as it is
      ...(options.answerValid ? { mock: statefulMock(call, options.answerValid) } : {}),
      ...(proxy ? { forward: forwardOf(call, proxy.forward) } : {}),
    });
    const result = await instance.request(input, operations, {
      ...config,
      mock: { ...config.mock, ...chosen },
    } as IHttpConfig)();
    if (result._tag === "Left") return problemOf(call, result.left);
    const { output, validations } = result.right;
    const findings: Finding[] = [
      ...validations.input.map((v) => ({ ...v, path: ["request", ...(v.path ?? [])] })),
      ...validations.output.map((v) => ({ ...v, path: ["response", ...(v.path ?? [])] })),
    ];
    // The upstream's answer goes on as it came: its bytes, and its headers with a true Content-Length.
    // (`--errors` never replaces it: its differences are what the proxy reports.)
    if (call.upstream) {
      call.answeredBy = "upstream";
      call.facts.upstreamStatus = call.upstream.status;
      return { status: output.statusCode, headers: call.upstream.headers, body: call.upstream.bytes, findings };
    }
    const errors = validations.output.filter((v) => v.severity === 0);
    if (config.errors && errors.length) {
      const detail = "Your request/response is not valid and --errors is set, so the mock answers with this error.";
      return problemOf(call, prism.ProblemJsonError.fromTemplate(prism.VIOLATIONS, detail, { validation: errors }));
    }
    // An invalid request answered with the P403 example gets the message of its own failures.
    const body = output.body as { errorCode?: unknown } | undefined;
    if (output.statusCode === 400 && body?.errorCode === "P403" && validations.input.length) {
      output.body = { ...body, errorMessage: p403Message(validations.input, call.bodyProblem?.message) };
    }
    const contentType = Object.entries(output.headers ?? {}).find(([k]) => k.toLowerCase() === "content-type")?.[1];
    call.facts.note = noteOf(output.body);
    return {
      status: output.statusCode,
      headers: { ...output.headers },
      body: prism.serialize(output.body, contentType) ?? "",
      findings,
    };
  };

  const preferChoices = () =>
    Object.fromEntries(
      operations.map((operation) => [`${operation.method} ${operation.path}`, preferValues(operation)]),
    );
  return { route, answer, close: async () => proxy?.dispatcher.close(), preferChoices };
}

/** The proxy's forwarding and its dispatcher (undici, loaded for the proxy mode only). */
/** `maxBodyBytes`: the largest upstream answer passed on, as sent and decoded (`maxUpstreamBytes`). */
async function loadProxy(maxBodyBytes: number) {
  const [undici, { createForward }] = await Promise.all([
    import("undici").catch(() => {
      throw new MockStartError(
        "--proxy needs undici: npm install --save-dev undici@7.30.2 (an optional peer dependency of p100-user-accounts)",
      );
    }),
    import("../proxy/forward.js"),
  ]);
  // HTTP_PROXY, HTTPS_PROXY and NO_PROXY (and their lower-case forms), read at start. As curl does,
  // an http upstream goes to an http proxy as an absolute-form request, an https one through CONNECT.
  const dispatcher = new undici.EnvHttpProxyAgent({ proxyTunnel: false });
  const forward = createForward({
    dispatcher,
    maxBodyBytes,
    request: undici.request,
    // The client's redaction rule (every form of the key; a short key only where it stands alone).
    redact: (text, call) => (call.key ? createRedactor(call.key).text(text) : text),
  });
  return { forward, dispatcher };
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

const headerOf = (input: IHttpRequest, name: string): string | undefined => {
  const value = Object.entries(input.headers ?? {}).find(([k]) => k.toLowerCase() === name)?.[1];
  return Array.isArray(value) ? value[0] : value;
};
