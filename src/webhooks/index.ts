// p100-user-accounts/webhooks: accepting a P100 webhook delivery. Re-exports only.
export {
  verifyAndParseWebhook,
  type WebhookDelivery,
  type WebhookFailure,
  type WebhookIssue,
  type WebhookName,
  type WebhookPayload,
  type WebhookResult,
  webhookNames,
} from "./verify.js";
