// The sandbox's adapter to Prism: it takes the place of Prism's mock component in the stateful
// mode, finds the world and the user a request is about, and answers from the sandbox's rules.
import type { IHttpRequest, IHttpResponse } from "@stoplight/prism-http";
import { SandboxError } from "../../errors.js";
import type { Mock } from "../engine.js";
import type { RuleContext } from "./rules.js";
import { decide } from "./rules.js";
import type { Sandbox } from "./sandbox.js";

/** Which rule answered each request (its `when`), or `Prefer` or `validation`: for the world's journal. */
const answeredBy = new WeakMap<IHttpRequest, string>();

/** The rule that answered this request, once it is answered. */
export const ruleOf = (request: IHttpRequest) => answeredBy.get(request);

/**
 * The world and user a request is about: its key's world, and the `externalUserId` of its body,
 * else of its path (`/v1/user/balances/{externalUserId}`), with the path's parameters by name
 * (from the operation's path template) and the Host the request was sent to.
 */
function contextOf(sandbox: Sandbox, key: string, request: IHttpRequest, template: string): RuleContext {
  const world = sandbox.world(key);
  const body =
    typeof request.body === "object" && request.body !== null ? (request.body as Record<string, unknown>) : {};
  const segments = request.url.path.split("/");
  const params = Object.fromEntries(
    template
      .split("/")
      .flatMap((part, i) =>
        /^\{\w+\}$/.test(part) ? [[part.slice(1, -1), decodeURIComponent(segments[i] ?? "")]] : [],
      ),
  );
  const externalUserId = String(body.externalUserId ?? params.externalUserId ?? "");
  const host = request.headers?.host;
  return { world, externalUserId, body, user: world.users.get(externalUserId), params, host, query: request.url.query };
}

/**
 * Prism's mock component for the stateful mode: Prism has routed the request, checked its key
 * and validated it; an invalid one gets Prism's own documented answer (401, 400 P403), and so
 * does one that picks its answer with `Prefer` (code or example: the answers no state leads to,
 * such as Extend user's P500), leaving the world as it was. Any other gets the answer of the
 * sandbox's rules, which Prism then validates against the spec.
 */
export function statefulMock(sandbox: Sandbox, prismMock: Mock): Mock {
  return (opts) => (logger) => {
    const { data, validations } = opts.input;
    const key = data.headers?.["x-api-key"];
    const picked = opts.config.code !== undefined || opts.config.exampleKey !== undefined;
    if (validations.length || !key || picked) {
      answeredBy.set(data, picked && !validations.length ? "Prefer" : "validation");
      return prismMock(opts)(logger);
    }
    const context = contextOf(sandbox, key, data, opts.resource.path);
    let decided: ReturnType<typeof decide>;
    try {
      decided = decide(opts.resource.iid ?? "", context);
      if (data.method !== "get") sandbox.changed(); // a read changes nothing to write
    } catch (error) {
      // A bug of the sandbox's own: a 500 that says so (the HTTP layer logs it), never a stack.
      const reason = error instanceof Error ? error.message : String(error);
      return { _tag: "Left", left: new SandboxError(`the sandbox could not answer: ${reason}`) };
    }
    if (!decided) return prismMock(opts)(logger);
    const found = decided.answer;
    answeredBy.set(data, decided.rule.when);
    const response: IHttpResponse = {
      statusCode: found.status,
      headers: found.body === undefined ? {} : { "Content-type": found.contentType ?? "application/json" },
      body: found.body,
    };
    return { _tag: "Right", right: response }; // fp-ts's Either, as Prism's components return it
  };
}
