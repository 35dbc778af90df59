// The control API's router: generated/sandbox-routes.js (from openapi/sandbox.yaml) gives each
// operation's method, path template and parameters' types; path-to-regexp matches the templates
// (as Express and MSW do); the generated validators (generated/sandbox-validators.js) check the
// path and query parameters and the JSON body; then the operation's handler answers. Data and
// code that run in a browser as well: no node: import here.
import { match } from "path-to-regexp";
import routes, { type ParameterTypes, type SandboxOperationId } from "../../../../generated/sandbox-routes.js";
import validators, { type Validate } from "../../../../generated/sandbox-validators.js";
import type { Answer } from "../../pipeline/call.js";
import { message } from "../rules/kit.js";
import type { Sandbox } from "../sandbox.js";
import type { World } from "../world.js";

/** One routed call: its parameters read and checked; `world` is the key's (made on first use). */
export interface ControlCall {
  sandbox: Sandbox;
  key: string;
  readonly world: World;
  params: Record<string, string | number>;
  query: Record<string, string | number>;
  body: unknown;
}

export type Handler = (call: ControlCall) => Answer | Promise<Answer>;

/** A `{ message }` answer: the rules' own (rules/kit.ts). */
export const problem = message;

/** Checks a value against a schema of the sandbox spec; the problem to answer, if any. */
function invalid(value: unknown, validate: Validate | undefined, name = "body"): Answer | undefined {
  if (!validate || validate(value)) return undefined;
  const [first] = validate.errors ?? [];
  const allowed = first?.keyword === "enum" ? (first.params.allowedValues as unknown[] | undefined) : undefined;
  if (allowed && !first?.instancePath) return problem(400, `${name} must be one of: ${allowed.join(", ")}`);
  return problem(400, `${first?.instancePath.slice(1) || name}: ${first?.message ?? "is not valid"}`);
}

/** A path or query value as its schema's type reads it: a whole number as a number. */
const typed = (text: string, type: string | undefined) =>
  (type === "integer" || type === "number") && /^-?\d+$/.test(text) ? Number(text) : text;

const matchers = routes.map((route) => ({
  route,
  name: `${route.method.toUpperCase()} ${route.path}`,
  // `{name}` → `:name`; exact case, no trailing slash, each parameter decoded.
  match: match<Record<string, string>>(route.path.replace(/\{(\w+)\}/g, ":$1"), { sensitive: true, trailing: false }),
}));

/** The checked parameters of one part, or the problem to answer. */
function checked(
  route: string,
  types: ParameterTypes,
  given: Iterable<[string, string]>,
  unknownProblem?: (name: string) => Answer,
): { values: Record<string, string | number> } | { problem: Answer } {
  const values: Record<string, string | number> = {};
  for (const [name, text] of given) {
    if (!(name in types)) {
      if (unknownProblem) return { problem: unknownProblem(name) };
      continue;
    }
    const value = typed(text, types[name]);
    const bad = invalid(value, validators[route]?.parameters?.[name], name);
    if (bad) return { problem: bad };
    values[name] = value;
  }
  return { values };
}

/**
 * Routes one call to its operation's handler, once its parameters and body are checked: `404`
 * for a path and method the spec lacks, `400` for a parameter or a body that breaks it.
 */
export async function routeCall(
  handlers: Record<SandboxOperationId, Handler>,
  sandbox: Sandbox,
  method: string,
  path: string,
  key: string,
  body: unknown,
  query: URLSearchParams | undefined,
): Promise<Answer> {
  let found: { matcher: (typeof matchers)[number]; params: Record<string, string> } | undefined;
  for (const matcher of matchers) {
    if (matcher.route.method !== method) continue;
    const matched = matcher.match(path);
    if (matched) {
      found = { matcher, params: matched.params };
      break;
    }
  }
  if (!found)
    return problem(
      404,
      `no sandbox endpoint ${method.toUpperCase()} ${path} (the control API is described in the package's generated/sandbox.json)`,
    );
  const { route, name } = found.matcher;
  const params = checked(name, route.parameters.path, Object.entries(found.params));
  if ("problem" in params) return params.problem;
  // Only an operation with query parameters reads the query: an unknown one is refused there.
  const queryTypes = route.parameters.query;
  const read = Object.keys(queryTypes).length
    ? checked(name, queryTypes, query ?? [], (unknown) => problem(400, `${unknown}: not a query parameter of ${name}`))
    : { values: {} };
  if ("problem" in read) return read.problem;
  if (route.body === "required" || (route.body === "optional" && body !== undefined)) {
    const bad = invalid(body, validators[name]?.body);
    if (bad) return bad;
  }
  const call: ControlCall = {
    sandbox,
    key,
    get world() {
      return sandbox.world(key);
    },
    params: params.values,
    query: read.values,
    body,
  };
  return handlers[route.operationId](call);
}
