// @ts-check
// Starts Swagger UI on /docs: the spec the mock serves, "Try it out" open, and the placeholder
// key set. Every request goes to this mock, whatever servers a spec names. Each operation gets a
// `Prefer` header field listing its documented answers (/docs/prefer.json, the mock's own
// reading of the spec), so the console can ask for any of them.
/* global SwaggerUIBundle */

const placeholderKey = "test";

/** @type {Record<string, string[]>} What `Prefer` can pick, by "method path"; none if the mock offers no choice. */
const choices = await fetch("/docs/prefer.json").then(
  (response) => (response.ok ? response.json() : {}),
  () => ({}),
);

const preferHelp =
  "p100-mock only (the P100 API does not read it): which documented answer the mock gives. Empty: its default answer.";

/**
 * The spec with a `Prefer` header parameter on each operation the mock lists choices for.
 * @param {any} spec
 */
function withPrefer(spec) {
  for (const [path, item] of Object.entries(spec?.paths ?? {}))
    for (const [method, operation] of Object.entries(item ?? {})) {
      const values = choices[`${method} ${path}`];
      if (!values?.length || typeof operation !== "object" || operation === null) continue;
      /** @type {any[]} */
      const parameters = Array.isArray(operation.parameters) ? operation.parameters : [];
      if (parameters.some((p) => p?.in === "header" && String(p.name).toLowerCase() === "prefer")) continue;
      const prefer = { name: "Prefer", in: "header", required: false, description: preferHelp };
      operation.parameters = [...parameters, { ...prefer, schema: { type: "string", enum: values } }];
    }
  return spec;
}

/** Swagger UI's plugin: the spec goes through withPrefer before Swagger UI resolves and draws it. */
const preferPlugin = () => ({
  statePlugins: {
    spec: {
      wrapActions: {
        /** @param {(spec: unknown) => unknown} original */
        updateJsonSpec: (original) => (/** @type {unknown} */ spec) => original(withPrefer(spec)),
      },
    },
  },
});

/** @type {any} */
const ui = /** @type {any} */ (globalThis).SwaggerUIBundle({
  url: "/docs/openapi",
  dom_id: "#swagger-ui",
  // Deep links would put a link inside each operation's button (an accessibility fault).
  deepLinking: false,
  tryItOutEnabled: true,
  displayRequestDuration: true,
  plugins: [preferPlugin],
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
