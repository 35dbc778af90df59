// The mock's handlers, run in order on one call: each answers it or hands it to the next, and a
// handler that wraps `next` (the log line, the journal) sees the reply on its way back. The
// server adapters (node-server.ts, fetch.ts) build the call and write the reply; they know
// nothing of the handlers.
import { type Call, jsonReply, type Reply } from "./call.js";

/** One step of the pipeline: a reply, or `next()`'s (possibly looked at or changed). */
export type Handler = (call: Call, next: () => Promise<Reply>) => Promise<Reply>;

/** What a server adapter runs: the handlers in order; one that throws becomes the fallback 500. */
export type Pipeline = (call: Call) => Promise<Reply>;

/** Told of each reply the pipeline or an adapter gave, for the log line (its caller decides what to say). */
export type Observer = (call: Call, reply: Reply) => void;

const unanswered: Reply = jsonReply(404, { message: "p100-mock: nothing answers this request" });

/** The handlers as one pipeline. A failure inside the mock is a plain 500, and `observe` hears why. */
export function createPipeline(handlers: Handler[], observe: Observer): Pipeline {
  const step = (call: Call, index: number): Promise<Reply> => {
    const handler = handlers[index];
    if (!handler) return Promise.resolve(unanswered);
    return handler(call, () => step(call, index + 1));
  };
  return async (call) => {
    try {
      return await step(call, 0);
    } catch (error) {
      const reply = failed(call, error);
      observe(call, reply);
      return reply;
    }
  };
}

/** A failure inside the mock: the log says what failed (`call.facts.note`); the caller gets a plain 500. */
export function failed(call: Call, error: unknown): Reply {
  const reason = error instanceof Error ? error.message : String(error);
  call.answeredBy = "adapter";
  call.facts.note = `the mock failed: ${reason}`;
  return jsonReply(500, { message: "p100-mock could not answer this request; its log says why" });
}

/** The log line (and the proxy's report) of each reply that comes back through it. */
export function observing(observe: Observer): Handler {
  return async (call, next) => {
    const reply = await next();
    if (!call.quiet) observe(call, reply);
    return reply;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Holds every answer of the API back a random time in this range (ms); placed after the control API, which is never slowed. */
export function latency({ min, max }: { min: number; max: number }): Handler {
  return async (_call, next) => {
    await sleep(min + Math.round(Math.random() * (max - min)));
    return next();
  };
}
