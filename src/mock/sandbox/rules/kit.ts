// What every rule of the sandbox's table is made of (src/mock/sandbox/rules.ts gathers them): the
// context a rule reads, the typed outcome it declares (a change, an answer without change, or a
// refusal), and the small helpers the rule files share. Error bodies are the spec's own catalogue
// entries (generated/facts.js); webhook payloads are checked with the generated validators.
import { examples } from "../../../../generated/facts.js";
import type { components } from "../../../../generated/sandbox.js";
import webhookValidators from "../../../../generated/webhook-validators.js";
import type { Answer } from "../../pipeline/call.js";
import type { StoredUser, World } from "../world.js";

/** The rules answer as every step of the mock does (pipeline/call.ts). */
export type { Answer };

export interface RuleContext {
  world: World;
  externalUserId: string;
  body: Record<string, unknown>;
  user: StoredUser | undefined;
  /** The request's path parameters by name (`verificationId`, `decision`). */
  params?: Record<string, string>;
  /** The request's Host header: the loading page sends the browser to this origin's hosted page. */
  host?: string;
  /** The query parameters, as Prism read them. */
  query?: Record<string, string | string[]>;
}

/** A refusal's answer, and its reason in a word or a line (the P-code, or the message). */
export interface Refusal extends Answer {
  reason: string;
}

/** What the rules decided for one call, by kind: only `changed` changed the world. */
export type Outcome =
  | { kind: "changed"; answer: Answer }
  | { kind: "unchanged"; answer: Answer }
  | { kind: "refused"; answer: Answer; reason: string };

/** The human text of a rule, as docs/sandbox.md's table shows it. */
interface RuleText {
  operation: string;
  when: string;
  result: string;
  source: "documented" | "inferred";
  /** Where the rule comes from, when the source needs saying (docs/sandbox.md shows it after the source). */
  evidence?: string;
  applies(ctx: RuleContext): boolean;
}

/**
 * One rule, with its outcome's kind declared: `changed` changes the user or the world (and may
 * send webhooks), `unchanged` answers from the state, `refused` changes nothing and says why.
 * A refusal's `refuse` has no effect, so it may be asked without deciding (the hosted page does).
 */
export type Rule = RuleText &
  (
    | { outcome: "changed"; change(ctx: RuleContext): Answer }
    | { outcome: "unchanged"; read(ctx: RuleContext): Answer }
    | { outcome: "refused"; refuse(ctx: RuleContext): Refusal }
  );

/** A P-code's body from the spec's catalogue, as a refusal. */
export const error = (code: string, status = 400): Refusal => ({ status, body: examples[code], reason: code });
/** A `{ message }` refusal. */
export const refusal = (status: number, text: string): Refusal => ({ status, body: { message: text }, reason: text });
/** A `{ message }` answer. */
export const message = (status: number, text: string): Answer => ({ status, body: { message: text } });

/** Sends a webhook after checking its payload against the spec's schema for it. */
export function send(world: World, webhook: string, payload: Record<string, unknown>) {
  const validate = webhookValidators[webhook]?.payload;
  if (validate === undefined) throw new Error(`sandbox: the spec has no webhook ${webhook}`);
  if (!validate(payload))
    throw new Error(
      `sandbox: a ${webhook} payload breaks the spec: ${(validate.errors ?? []).map((e) => `${e.instancePath || "the payload"} ${e.message}`).join("; ")}`,
    );
  world.deliver(webhook, payload);
}

export const unknown = (ctx: RuleContext) => !ctx.user;
export const known = (ctx: RuleContext) => ctx.user as StoredUser;
/** The user's KYC by P100 verification, where a rule before has found one. */
type Kyc = components["schemas"]["SandboxKycVerification"];
export const kycOf = (user: StoredUser) => user.kyc as Kyc;

export const unknownUser = (operation: string, source: Rule["source"] = "inferred"): Rule => ({
  operation,
  when: "the user does not exist (never created, or deleted)",
  result: "400 P412",
  source,
  applies: unknown,
  outcome: "refused",
  refuse: () => error("P412"),
});

/** A suspended user's call of an operation that changes the user: P455 (errors.md lists it, from third-party code). */
export const suspendedUser = (operation: string): Rule => ({
  operation,
  when: "the user is suspended",
  result: "400 P455",
  source: "inferred",
  evidence: "P455 user-suspended, third-party code (errors.md)",
  applies: (ctx) => known(ctx).suspended,
  outcome: "refused",
  refuse: () => error("P455"),
});

/** The control API's unknown user: 404 (its operations are not the P100 API's, which answer P412). */
export const noSandboxUser = (operation: string): Rule => ({
  operation,
  when: "the user does not exist",
  result: "404",
  source: "inferred",
  applies: unknown,
  outcome: "refused",
  refuse: (ctx) => refusal(404, `no user ${ctx.externalUserId}`),
});
