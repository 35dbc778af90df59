// Prism in this process: @stoplight/prism-http routes each request, checks its key and validates
// it, answers it (negotiating a documented example, or forwarding to an upstream in proxy mode),
// and validates the answer against the spec. Prism's packages are optional peer dependencies of
// this package, loaded only when a mock starts.
import type { IPrismComponents, IPrismDiagnostic } from "@stoplight/prism-core";
import type { IHttpConfig, IHttpMockConfig, IHttpRequest, IHttpResponse } from "@stoplight/prism-http";
import type { IHttpOperation } from "@stoplight/types";
import { withFakerDeferred } from "./lazy-faker.js";
import type { answer as SandboxAnswer } from "./sandbox-rules.js";
import type { Sandbox } from "./sandbox-world.js";

/** Thrown when the mock cannot start; the message is one line and says why. */
export class MockStartError extends Error {
  override name = "MockStartError";
}

export interface EngineOptions {
  spec: string;
  dynamic?: boolean;
  errors?: boolean;
  proxy?: string;
  /** Stateful mode: answers come from each key's world in this sandbox (sandbox-rules.ts). */
  sandbox?: Sandbox;
}

export interface EngineAnswer {
  output: IHttpResponse;
  /** The body as Prism's server serialises it for its content type. */
  text: string;
  validations: { input: IPrismDiagnostic[]; output: IPrismDiagnostic[] };
}

/** A Prism failure (no route, a bad `Prefer`, an unreachable upstream) as problem+json. */
export interface EngineProblem {
  status: number;
  problem: { type: string; title: string; status: number; detail: string };
}

export interface Engine {
  answer(input: IHttpRequest): Promise<EngineAnswer | EngineProblem>;
}

async function loadPrism() {
  try {
    const [http, core, prefer, serializer, mocker] = await withFakerDeferred(() =>
      Promise.all([
        import("@stoplight/prism-http"),
        import("@stoplight/prism-core"),
        // Prism's own server helpers: its reading of `Prefer` (code, example, dynamic) and its serialiser.
        import("@stoplight/prism-http-server/dist/getHttpConfigFromRequest.js"),
        import("@stoplight/prism-http-server/dist/serialize.js"),
        // Prism's own mocker: the stateful mode hands it every request that Prism found invalid.
        import("@stoplight/prism-http/dist/mocker/index.js"),
      ]),
    );
    return {
      ...http,
      createLogger: core.createLogger,
      getHttpConfigFromRequest: prefer.getHttpConfigFromRequest,
      serialize: serializer.serialize as (payload: unknown, contentType?: string) => string | undefined,
      prismMock: mocker.default as unknown as Mock,
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
  // The sandbox's rules (and their validators) load only for the stateful mode.
  const rules = sandbox ? await import("./sandbox-rules.js") : undefined;
  const components =
    sandbox && rules ? { logger, mock: statefulMock(sandbox, rules.answer, prism.prismMock) } : { logger };
  const instance = prism.createInstance(config, components);

  return {
    async answer(input) {
      const preferences = prism.getHttpConfigFromRequest(input);
      if (preferences._tag === "Left") return problemOf(preferences.left, prism.ProblemJsonError);
      // What `Prefer` leaves out (undefined) keeps the mock's own setting, as in Prism's server.
      const chosen = Object.entries(preferences.right).filter(([, value]) => value !== undefined);
      const result = await instance.request(input, operations, {
        ...config,
        mock: { ...config.mock, ...Object.fromEntries(chosen) },
      } as IHttpConfig)();
      if (result._tag === "Left") return problemOf(result.left, prism.ProblemJsonError);
      const errors = result.right.validations.output.filter((v) => v.severity === 0);
      if (config.errors && errors.length) {
        const detail = "Your request/response is not valid and --errors is set, so the mock answers with this error.";
        const problem = prism.ProblemJsonError.fromTemplate(prism.VIOLATIONS, detail, { validation: errors });
        return problemOf(problem, prism.ProblemJsonError);
      }
      const { output, validations } = result.right;
      const contentType = Object.entries(output.headers ?? {}).find(([k]) => k.toLowerCase() === "content-type")?.[1];
      return { output, validations, text: prism.serialize(output.body, contentType) ?? "" };
    },
  };
}

function problemOf(
  error: Error,
  ProblemJsonError: { toProblemJson(e: Error): EngineProblem["problem"] },
): EngineProblem {
  const problem = ProblemJsonError.toProblemJson(error);
  return { status: problem.status || 500, problem };
}

type Mock = IPrismComponents<IHttpOperation, IHttpRequest, IHttpResponse, IHttpMockConfig>["mock"];

/**
 * Prism's mock component for the stateful mode: Prism has routed the request, checked its key
 * and validated it; an invalid one gets Prism's own documented answer (401, 400 P403), and so
 * does one that picks its answer with `Prefer` (code or example: the answers no state leads to,
 * such as Extend user's P500), leaving the world as it was. Any other gets the answer of the
 * sandbox's rules, which Prism then validates against the spec.
 */
function statefulMock(sandbox: Sandbox, sandboxAnswer: typeof SandboxAnswer, prismMock: Mock): Mock {
  return (opts) => (logger) => {
    const { data, validations } = opts.input;
    const headers = data.headers ?? {};
    const key = headers["x-api-key"];
    const picked = opts.config.code !== undefined || opts.config.exampleKey !== undefined;
    if (validations.length || !key || picked) return prismMock(opts)(logger);
    const world = sandbox.world(key);
    const body = typeof data.body === "object" && data.body !== null ? (data.body as Record<string, unknown>) : {};
    const externalUserId = String(body.externalUserId ?? decodeURIComponent(data.url.path.split("/").pop() ?? ""));
    const user = world.users.get(externalUserId);
    const found = sandboxAnswer(opts.resource.iid ?? "", { world, externalUserId, body, user });
    if (!found) return prismMock(opts)(logger);
    const response: IHttpResponse = {
      statusCode: found.status,
      headers: found.body === undefined ? {} : { "Content-type": "application/json" },
      body: found.body,
    };
    return { _tag: "Right", right: response }; // fp-ts's Either, as Prism's components return it
  };
}
