// @ts-check
// Starts Swagger UI on /docs: the spec the mock serves, "Try it out" open, and the placeholder
// key set. Every request goes to this mock, whatever servers a spec names.
/* global SwaggerUIBundle */

const placeholderKey = "test";

/** @type {any} */
const ui = /** @type {any} */ (globalThis).SwaggerUIBundle({
  url: "/docs/openapi",
  dom_id: "#swagger-ui",
  // Deep links would put a link inside each operation's button (an accessibility fault).
  deepLinking: false,
  tryItOutEnabled: true,
  displayRequestDuration: true,
  /** @param {{ url: string }} request */
  requestInterceptor: (request) => {
    const url = new URL(request.url, location.href);
    request.url = `${location.origin}${url.pathname}${url.search}`;
    return request;
  },
  onComplete: () => ui.preauthorizeApiKey("apiKey", placeholderKey),
});

// Swagger UI draws a few fields with a caption but no label; each gets one as it appears.
const labels = {
  "#servers": "Server",
  "select.examples-select-element": "Example",
  "textarea.body-param__text": "Request body",
  ".parameters input[type=text]": "Parameter value",
  ".parameters select": "Parameter value",
  ".response-control-media-type select": "Media type",
  ".content-type-wrapper select": "Content type",
};
new MutationObserver(() => {
  for (const [selector, label] of Object.entries(labels))
    for (const field of document.querySelectorAll(`${selector}:not([aria-label])`)) {
      const name = field.getAttribute("placeholder") || field.closest("tr")?.getAttribute("data-param-name");
      field.setAttribute("aria-label", name ? `${label}: ${name}` : label);
    }
}).observe(document.body, { childList: true, subtree: true });
