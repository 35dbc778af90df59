// The key layer: `x-api-key` goes on the transport's own copy of the headers, so the Request that
// openapi-fetch hands every middleware hook (onRequest, onResponse, onError) never carries it.
import type { Layer } from "./layer.js";

export const apiKeyLayer =
  (apiKey: string): Layer =>
  (next) =>
  (outgoing) => {
    const headers = new Headers(outgoing.headers);
    headers.set("x-api-key", apiKey);
    return next({ ...outgoing, headers });
  };
