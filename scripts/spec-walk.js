// Walking a bundled OpenAPI document at build time: the one home of the HTTP method list,
// JSON-pointer escaping and local `$ref` resolution, shared by scripts/ and test/ (never shipped:
// what the runtime needs is generated from the spec by these scripts). Plain JavaScript (typed
// with JSDoc) because scripts/ runs on Node 20 without a build step.

/** The operation keys of a path item that this package uses, in OpenAPI's order. */
export const httpMethods = /** @type {const} */ (["get", "put", "post", "delete", "patch"]);

/** Escapes one key for a JSON pointer (RFC 6901: `~` → `~0`, `/` → `~1`). */
export const escapeKey = (/** @type {string} */ key) => key.replaceAll("~", "~0").replaceAll("/", "~1");

/** Undoes `escapeKey`. */
export const unescapeKey = (/** @type {string} */ segment) => segment.replaceAll("~1", "/").replaceAll("~0", "~");

/** A JSON pointer (without `#`) built from raw keys: `pointer("paths", "/v1/user")` → `/paths/~1v1~1user`. */
export const pointer = (/** @type {string[]} */ ...keys) => keys.map((key) => `/${escapeKey(key)}`).join("");

/**
 * Follows local `$ref`s (`#/components/...`) inside one bundled document, however deep.
 * @param {unknown} doc
 * @returns {<T = any>(node: any) => T}
 */
export function refResolver(doc) {
  /** @param {any} node @returns {any} */
  const resolve = (node) =>
    node?.$ref
      ? resolve(
          node.$ref
            .replace(/^#\//, "")
            .split("/")
            .reduce((/** @type {any} */ at, /** @type {string} */ key) => at?.[unescapeKey(key)], doc),
        )
      : node;
  return resolve;
}

/**
 * Every operation of a document's `paths`, in document order.
 * @param {any} doc
 * @returns {{ path: string, method: (typeof httpMethods)[number], operation: any, pathItem: any }[]}
 */
export function operationsOf(doc) {
  return Object.entries(doc.paths ?? {}).flatMap(([path, pathItem]) =>
    httpMethods
      .filter((method) => pathItem[method])
      .map((method) => ({ path, method, operation: pathItem[method], pathItem })),
  );
}
