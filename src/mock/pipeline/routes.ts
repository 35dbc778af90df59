// Paths the mock answers itself, before Prism: the stateful mode's control API and hosted KYC
// page under /_sandbox (or, without it, a 404 that says how to start it). A route gets the call's
// parts, never the socket, and its answer is logged like any other.
import { type Answer, jsonReply, noteOf } from "./call.js";
import type { Handler } from "./pipeline.js";

/** A request under a route's prefix: the body parsed as JSON (else text), the key if sent once. */
export interface RouteRequest {
  method: string;
  path: string;
  key: string | undefined;
  body: unknown;
  query?: URLSearchParams;
}

/** The paths under `prefix`, answered by `handle`. */
export function route(prefix: string, handle: (request: RouteRequest) => Promise<Answer>): Handler {
  return async (call, next) => {
    if (!call.path.startsWith(prefix)) return next();
    call.answeredBy = "control";
    // A member that would reach a prototype is refused here as in the API (call.ts).
    if (call.bodyProblem?.kind === "forbidden") {
      call.facts.note = call.bodyProblem.message;
      return jsonReply(400, { message: call.bodyProblem.message }, { "cache-control": "no-store" });
    }
    const { method, path, key, body, query } = call;
    const found = await handle({ method, path, key, body, query });
    const { message } = (found.body ?? {}) as { message?: unknown };
    const note = noteOf(found.body) ?? (found.status >= 400 && typeof message === "string" ? message : undefined);
    if (note) call.facts.note = note;
    // The dashboard's refreshes (every 2 s) would bury the log; its actions and failures are logged.
    call.quiet = method === "get" && call.headers["x-p100-dashboard"] === "refresh" && found.status < 400;
    const text = found.contentType !== undefined && typeof found.body === "string";
    return {
      status: found.status,
      // no-store: one key's world is never answered from a cache to another key.
      headers: {
        "cache-control": "no-store",
        ...(found.body === undefined ? {} : { "content-type": found.contentType ?? "application/json" }),
        ...found.headers,
      },
      body: found.body === undefined ? "" : text ? (found.body as string) : JSON.stringify(found.body),
    };
  };
}
