export type { CallOptions } from "./call-types.js";
export { createP100Client, type P100Client, type P100ClientOptions } from "./client.js";
export { environments, type P100Environment } from "./environments.js";
export { hasErrorCode, isP100Error } from "./error-code.js";
export {
  P100ConfigError,
  P100RequestError,
  P100UnexpectedError,
  P100UploadError,
  type UnexpectedReason,
} from "./errors.js";
export { prefer, type ResponseExamples } from "./prefer.js";
export type {
  Outcome,
  P100Result,
  ResponseWithStatus,
  StatusResult,
  Tolerant,
  UnexpectedResult,
  UnlistedCode,
  UnlistedErrorResult,
} from "./result.js";
export type { RetryOptions } from "./retry.js";
export type * from "./types.js";
export type { UploadData, UploadFile } from "./uploads.js";
export type { WebhookFailure, WebhookIssue, WebhookName, WebhookPayload, WebhookResult } from "./webhooks.js";
