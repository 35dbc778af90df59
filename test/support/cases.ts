// The contract, as data: every operation, every documented response and example, and a
// documented request for each operation, all read from the bundled spec. Adding a response or
// an example to the spec adds a test case here with no test code touched.

import { tinyFile } from "./files.js";
import { deref, spec } from "./spec.js";

const methods = ["get", "put", "post", "delete", "patch"] as const;

export interface Operation {
  operationId: string;
  method: (typeof methods)[number];
  path: string;
  operation: any;
}

export interface ResponseCase {
  operationId: string;
  method: string;
  path: string;
  status: string;
  /** The named example Prism should serve, or null for a response without a body. */
  example: string | null;
}

export const operations: Operation[] = Object.entries<any>(spec.paths).flatMap(([path, item]) =>
  methods
    .filter((method) => item[method])
    .map((method) => ({ operationId: item[method].operationId, method, path, operation: item[method] })),
);

export const responseCases: ResponseCase[] = operations.flatMap(({ operationId, method, path, operation }) =>
  Object.keys(operation.responses).flatMap((status) => {
    const examples = deref(operation.responses[status]).content?.["application/json"]?.examples;
    const names: (string | null)[] = examples ? Object.keys(examples) : [null];
    return names.map((example) => ({ operationId, method, path, status, example }));
  }),
);

/** Every example of every response body, named by where it sits. */
export const responseExamples = operations.flatMap(({ operationId, method, path, operation }) =>
  Object.keys(operation.responses).flatMap((status) =>
    Object.entries<any>(deref(operation.responses[status]).content ?? {}).flatMap(([mediaType, content]) =>
      Object.entries<any>(content.examples ?? {}).map(([name, example]) => ({
        operationId,
        method,
        path,
        status,
        mediaType,
        name,
        example: deref(example),
      })),
    ),
  ),
);

/** Placeholders such as `(front.png)` in multipart examples become real files. */
function withFiles(value: Record<string, unknown>): Record<string, unknown> {
  const file = (item: unknown) => {
    const name = /^\((.+)\)$/.exec(String(item));
    return name ? tinyFile(name[1]!) : item;
  };
  return Object.fromEntries(
    Object.entries(value).map(([key, entry]) => [key, Array.isArray(entry) ? entry.map(file) : file(entry)]),
  );
}

export interface DocumentedRequest {
  params: { path: Record<string, unknown>; query: Record<string, unknown> };
  mediaType?: string;
  /** JSON value, or for multipart an object whose file fields hold real `File`s. */
  body?: unknown;
}

/** The operation's parameters, its path item's included, `$ref`s followed. */
export function parametersOf({ operation, path }: Operation): any[] {
  return [...(spec.paths[path].parameters ?? []), ...(operation.parameters ?? [])].map(deref);
}

/** The operation's request body (its one media type), if it takes one. */
export function requestBodyOf({
  operation,
}: Operation): { mediaType: string; schema: any; examples: Record<string, any> } | undefined {
  const content = operation.requestBody && deref(operation.requestBody).content;
  if (!content) return undefined;
  const [mediaType, media] = Object.entries<any>(content)[0]!;
  return { mediaType, schema: media.schema, examples: media.examples };
}

/** The operation's documented request: parameter examples and the first request body example. */
export function documentedRequest(op: Operation): DocumentedRequest {
  const parameters = parametersOf(op);
  const valuesIn = (where: string) =>
    Object.fromEntries(parameters.filter((p) => p.in === where).map((p) => [p.name, p.example]));
  const params = { path: valuesIn("path"), query: valuesIn("query") };
  const body = requestBodyOf(op);
  if (!body) return { params };
  const value = deref(Object.values<any>(body.examples)[0]).value;
  return {
    params,
    mediaType: body.mediaType,
    body: body.mediaType === "multipart/form-data" ? withFiles(value) : value,
  };
}

/** The URL path (with query) of an operation for given parameter values. */
export function urlFor(op: Operation, path: Record<string, unknown>, query: Record<string, unknown>): string {
  let url = op.path;
  for (const [name, value] of Object.entries(path)) url = url.replace(`{${name}}`, encodeURIComponent(String(value)));
  const search = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
  return `${url}${search.size ? `?${search}` : ""}`;
}

/** A multipart body with one part per value (arrays give repeated parts), files as files. */
export function toFormData(value: Record<string, unknown>): FormData {
  const form = new FormData();
  for (const [key, entry] of Object.entries(value)) {
    for (const item of Array.isArray(entry) ? entry : [entry])
      form.append(key, item instanceof Blob ? item : String(item));
  }
  return form;
}

/** The same request as raw `fetch` input, for tests that bypass the client. */
export function rawRequest(op: Operation, request: DocumentedRequest): { url: string; init: RequestInit } {
  const url = urlFor(op, request.params.path, request.params.query);
  const init: RequestInit = { method: op.method.toUpperCase() };
  if (request.mediaType === "multipart/form-data") {
    init.body = toFormData(request.body as Record<string, unknown>);
  } else if (request.body !== undefined) {
    init.body = JSON.stringify(request.body);
    init.headers = { "content-type": "application/json" };
  }
  return { url, init };
}
