// The contract, as data: every operation, every documented response and example, and a
// documented request for each operation, all read from the bundled spec. Adding a response or
// an example to the spec adds a test case here with no test code touched.

import { operationsOf } from "../../scripts/spec-walk.js";
import type { HttpMethod } from "../../src/client/call-signature.js";
import type { OperationId, RequestBody } from "../../src/client/operation-types.js";
import { tinyFile } from "./files.js";
import { deref, spec } from "./spec.js";

export interface Operation {
  operationId: string;
  method: HttpMethod;
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

export const operations: Operation[] = operationsOf(spec).map(({ path, method, operation }) => ({
  operationId: operation.operationId,
  method,
  path,
  operation,
}));

export const responseCases: ResponseCase[] = operations.flatMap(({ operationId, method, path, operation }) =>
  Object.keys(operation.responses).flatMap((status) => {
    const content = deref(operation.responses[status]).content ?? {};
    const examples = (content["application/json"] ?? Object.values<any>(content)[0])?.examples;
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

/** A valid JSON request body for an operation: its documented example, with some fields changed. */
export function validBody<Op extends OperationId>(
  operationId: Op,
  changes: Record<string, unknown> = {},
): RequestBody<Op> {
  const op = operations.find((o) => o.operationId === operationId);
  if (!op) throw new Error(`no operation ${operationId}`);
  return { ...(documentedRequest(op).body as object), ...changes } as RequestBody<Op>;
}
