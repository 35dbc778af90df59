// p100-user-accounts/webhooks: receiving P100's webhook deliveries on any runtime (no `node:`
// import anywhere below). Re-exports only.
export {
  createWebhookHandler,
  documentedWebhookPaths,
  type UnrecognisedWebhookCallback,
  type WebhookCallback,
  type WebhookHandler,
  type WebhookHandlerOptions,
  type WebhookInfo,
} from "./handler.js";
export { type NodeRequestLike, type NodeResponseLike, toNodeHandler } from "./node.js";
export {
  verifyAndParseWebhook,
  verifyWebhookToken,
  type WebhookDelivery,
  type WebhookFailure,
  type WebhookHeaders,
  type WebhookIssue,
  type WebhookName,
  type WebhookOptions,
  type WebhookPayload,
  type WebhookResult,
  type WebhookTokens,
  webhookNames,
} from "./verify.js";
