// The last layer: the answer, its body read and buffered below, handed to openapi-fetch as a real
// Response holding that body (buffered-response.ts), so that openapi-fetch parses it and
// `onResponse` middleware can read it. The API key never gets that far: a header that echoes it is
// redacted as it is read (redacted-headers.ts), and the body here, checked once on the raw text (a
// JSON body parsed, redacted string by string and written again, so that it stays JSON and its
// numbers are never touched; any other text redacted as text).
import type { Redactor } from "../redact.js";
import { BufferedResponse } from "./buffered-response.js";
import type { Outgoing, Send } from "./layer.js";
import { RedactedHeaders } from "./redacted-headers.js";

/** Statuses whose answer cannot carry a body: a Response with one cannot be built. */
const nullBody = new Set([101, 103, 204, 205, 304]);

export const redactionLayer =
  (redactor: Redactor) =>
  (next: Send) =>
  async (outgoing: Outgoing): Promise<Response> => {
    const { response, text } = await next(outgoing);
    const body = nullBody.has(response.status) ? null : redactor.found(text) ? redactedBody(text, redactor) : text;
    return new BufferedResponse(body, response, new RedactedHeaders(response.headers, redactor));
  };

function redactedBody(text: string, redactor: Redactor): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return redactor.text(text);
  }
  return JSON.stringify(redactor.value(parsed));
}
