// One attempt of a webhook delivery over HTTP, for the world's deliveries (world.ts): the POST to
// the world's endpoint, and what came of it in a word (a status, or why there was none).
import type { Endpoint } from "./world.js";

/** Why an attempt got no answer: `timeout`, `cancelled`, else the network error's code. */
function causeOf(error: unknown): string {
  const name = (error as { name?: unknown }).name;
  if (name === "TimeoutError") return "timeout";
  if (name === "AbortError") return "cancelled";
  const cause = (error as { cause?: { code?: unknown; message?: unknown; errors?: { code?: unknown }[] } }).cause;
  const code = cause?.code ?? cause?.errors?.find((e) => typeof e.code === "string")?.code;
  // undici's own timers (no headers, or no body, in time) are the same timeout.
  if (code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") return "timeout";
  if (typeof code === "string") return code;
  return typeof cause?.message === "string" && cause.message ? cause.message : "network error";
}

/** Posts one delivery's payload to the endpoint; its status, or the error that stopped it. */
export async function attemptDelivery(
  endpoint: Endpoint | undefined,
  delivery: { webhook: string; payload: Record<string, unknown> },
  timeoutMs: number,
  cancel: AbortSignal,
): Promise<{ status?: number; error?: string }> {
  if (!endpoint) return { error: "no webhook endpoint: PUT /_sandbox/webhook-endpoint first" };
  try {
    // `{webhook}` in the endpoint's URL becomes the webhook's name, so that one receiver can
    // serve each webhook on its own path, as partners configure them with P100.
    const response = await fetch(endpoint.url.replaceAll("{webhook}", delivery.webhook), {
      method: "POST",
      headers: { "content-type": "application/json", authorization: endpoint.token },
      body: JSON.stringify(delivery.payload),
      // A redirect is not followed: it is a failed attempt with its status.
      redirect: "manual",
      signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), cancel]),
    });
    await response.arrayBuffer();
    return { status: response.status };
  } catch (error) {
    return { error: causeOf(error) };
  }
}
