export type { CallOptions } from "./client/call-signature.js";
export { createP100Client, type P100Client, type P100ClientOptions } from "./client/client.js";
export type * from "./client/operation-types.js";
export type {
  Outcome,
  P100Result,
  ResponseWithStatus,
  StatusResult,
  Tolerant,
  UnexpectedResult,
  UnlistedCode,
  UnlistedErrorResult,
} from "./client/result.js";
export type { RetryOptions } from "./client/retry.js";
export type { UploadData, UploadFile } from "./client/uploads.js";
export { environments, type P100Environment } from "./environments.js";
export { hasErrorCode, isP100Error } from "./error-code.js";
export {
  P100ConfigError,
  P100RequestError,
  P100UnexpectedError,
  P100UploadError,
  type UnexpectedReason,
} from "./errors.js";
export { prefer, type ResponseExamples } from "./mock/prefer.js";
export type { WebhookFailure, WebhookIssue, WebhookName, WebhookPayload, WebhookResult } from "./webhooks/verify.js";
