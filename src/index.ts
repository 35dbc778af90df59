// p100-user-accounts: the typed client, its errors and the spec's types. Re-exports only.

export type * from "../generated/schema.js";
export type { CallOptions } from "./client/call-signature.js";
export {
  createP100Client,
  environments,
  type P100Client,
  type P100ClientOptions,
  type P100Environment,
} from "./client/client.js";
export type * from "./client/operation-types.js";
export {
  type AnyP100Result,
  type DocumentedResult,
  hasErrorCode,
  type Outcome,
  type P100Result,
  type ResponseWithStatus,
  type StatusResult,
  type Tolerant,
  type UnexpectedResult,
  type UnlistedCode,
  type UnlistedErrorResult,
} from "./client/result.js";
export type { RetryOptions } from "./client/retry.js";
export { type CallTracer, openTelemetry, type SpanLike, type TracerLike } from "./client/tracing.js";
export type { UploadData, UploadFile } from "./client/uploads.js";
export {
  P100ConfigError,
  P100RequestError,
  P100UnexpectedError,
  P100UploadError,
  type UnexpectedReason,
} from "./errors.js";
export type { ResponseExamples } from "./mock/prefer.js";
export type { WebhookFailure, WebhookIssue, WebhookName, WebhookPayload, WebhookResult } from "./webhooks/index.js";
