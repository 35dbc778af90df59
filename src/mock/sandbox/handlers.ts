// The stateful mode's steps of the mock's pipeline (pipeline/pipeline.ts), registered by
// start-mock.ts: before routing, the caps (`admit`), the hosted KYC page and the control API
// under /_sandbox; after routing, the journal, the faults and the call's world; and, once Prism
// has validated a request, the answer of the lifecycle rules (rules.ts) in that world.
import { SandboxError } from "../../errors.js";
import { type Answer, type Call, jsonReply, queryOf } from "../pipeline/call.js";
import type { Handler } from "../pipeline/pipeline.js";
import { type RouteRequest, route } from "../pipeline/routes.js";
import { decide } from "./rules.js";
import type { Sandbox } from "./sandbox.js";
import type { JournalEntry, World } from "./world.js";

export interface SandboxSteps {
  /** Before routing: the caps, then /_sandbox (the hosted KYC page and the control API). */
  front: Handler[];
  /** After routing and the latency: the journal, the faults, the call's world. */
  back: Handler[];
  /** The rules' answer to a valid request with a key (Prism's `answerValid`). */
  answerValid(call: Call): Answer | undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function sandboxSteps(sandbox: Sandbox): SandboxSteps {
  // The stateful mode's caps (worlds, users per world) come before any answer that needs room.
  const admit: Handler = async (call, next) => {
    const refused = await sandbox.admit(call.key, call.method, call.path);
    if (!refused) return next();
    call.answeredBy = "refusal";
    call.facts.note = refused.body.message;
    return jsonReply(refused.status, refused.body);
  };

  // Each call of the API with a key, once answered (0: its connection was reset).
  const journal: Handler = async (call, next) => {
    const key = call.key;
    if (key === undefined) return next();
    const note = async (status: number) => {
      const { times: _, ...fault } = call.fault ?? { times: 0 };
      const entry: Omit<JournalEntry, "id" | "clock"> = {
        time: call.time,
        method: call.method.toUpperCase(),
        path: call.path,
        status,
        ...(call.operation?.operationId ? { operation: call.operation.operationId } : {}),
        ...(call.externalUserId === undefined ? {} : { externalUserId: call.externalUserId }),
        ...(call.rule === undefined ? {} : { rule: call.rule }),
        ...(call.fault === undefined ? {} : { fault }),
      };
      await sandbox.record(key, entry);
    };
    try {
      const reply = await next();
      await note(reply.status);
      return reply;
    } catch (error) {
      await note(500); // the fallback 500 (pipeline.ts) answers it
      throw error;
    }
  };

  // A world's fault for this operation (POST /_sandbox/faults): held back, reset, another status, or cut short.
  const faults: Handler = async (call, next) => {
    const operation = call.operation?.operationId;
    const fault = call.key !== undefined && operation ? await sandbox.takeFault(call.key, operation) : undefined;
    if (!fault) return next();
    call.fault = fault;
    if (fault.delayMs) await sleep(fault.delayMs);
    if (fault.reset) {
      call.answeredBy = "fault";
      call.facts.note = `connection reset (fault ${fault.id})`;
      return { status: 0, headers: {}, reset: true };
    }
    if (fault.status !== undefined) {
      call.answeredBy = "fault";
      const message = `p100-mock: fault ${fault.id}, set with POST /_sandbox/faults, answers ${fault.status}`;
      call.facts.note = message;
      const retryAfter: Record<string, string> =
        fault.retryAfterSeconds === undefined ? {} : { "retry-after": String(fault.retryAfterSeconds) };
      return jsonReply(fault.status, { message }, retryAfter);
    }
    const reply = await next();
    if (!fault.truncate) return reply;
    // The log names a truncating fault, as it names the others.
    call.facts.note = `${call.facts.note ? `${call.facts.note}; ` : ""}body cut off (fault ${fault.id})`;
    return { ...reply, truncate: true };
  };

  // The world the call acts on (its key's), loaded before Prism answers it; after a change by the
  // rules, the state file is written soon.
  const world: Handler = async (call, next) => {
    if (call.key === undefined || !call.operation) return next();
    call.world = await sandbox.world(call.key);
    const reply = await next();
    if (call.answeredBy === "rules" && call.method !== "get") await sandbox.changed(); // a read changes nothing
    return reply;
  };

  return {
    front: [
      admit,
      // The hosted stand-in for KYC by P100's verification page (no key: the link names the session).
      route("/_sandbox/kyc-session/", (request) => kycSessionPage(sandbox, request)),
      route("/_sandbox/", (request) => controlSandbox(sandbox, request)),
    ],
    back: [journal, faults, world],
    answerValid: answerOfRules,
  };
}

/**
 * The rules' answer in the call's world (its key's, set by the `world` step), about the user of
 * its body, else of its path, with the path's parameters and the Host the request was sent to;
 * undefined for an operation without rules (Prism's example answers it).
 */
function answerOfRules(call: Call): Answer | undefined {
  const world = call.world as World | undefined;
  if (!world) return undefined;
  const body = typeof call.body === "object" && call.body !== null ? (call.body as Record<string, unknown>) : {};
  const externalUserId = call.externalUserId ?? "";
  const host = call.headers.host;
  let decided: ReturnType<typeof decide>;
  try {
    decided = decide(call.operation?.operationId ?? "", {
      world,
      externalUserId,
      body,
      user: world.users.get(externalUserId),
      params: call.operation?.params ?? {},
      host: typeof host === "string" ? host : undefined,
      query: queryOf(call.query),
    });
  } catch (error) {
    // A bug of the sandbox's own: a 500 that says so (the log line says why), never a stack.
    const reason = error instanceof Error ? error.message : String(error);
    throw new SandboxError(`the sandbox could not answer: ${reason}`);
  }
  if (!decided) return undefined;
  call.rule = decided.rule.when;
  return decided.outcome.answer;
}

/** The stateful mode's hosted KYC verification page, loaded at its first call. */
async function kycSessionPage(sandbox: Sandbox, request: RouteRequest): Promise<Answer> {
  const { kycSession } = await import("./kyc-session.js");
  return kycSession(sandbox, request);
}

/** The stateful mode's control API under /_sandbox, loaded at its first call. */
async function controlSandbox(sandbox: Sandbox, { method, path, key, body, query }: RouteRequest): Promise<Answer> {
  const { control } = await import("./control.js");
  return control(sandbox, method, path, key, body, query);
}
