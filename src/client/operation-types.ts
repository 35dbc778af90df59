// The spec's types looked up by operationId: its request body, its documented statuses and each
// one's JSON body. Nothing here re-declares a shape: every type comes from generated/schema.d.ts.
import type { operations } from "../../generated/schema.js";

/** Every operationId in the spec. */
export type OperationId = keyof operations;

/**
 * The `application/json` body of a request body or response object (for an HTML answer, its
 * `text/html` string); `Otherwise` when it has none.
 */
export type JsonBody<T, Otherwise = undefined> = T extends { content: { "application/json": infer Body } }
  ? Body
  : T extends { content: { "text/html": infer Html } }
    ? Html
    : Otherwise;

/** The JSON request body of an operation. */
export type RequestBody<Op extends OperationId> = operations[Op] extends { requestBody?: infer B }
  ? JsonBody<NonNullable<B>, never>
  : never;

/** The documented status codes of an operation. */
export type ResponseStatus<Op extends OperationId> = keyof operations[Op]["responses"] & number;

/** The JSON body of one documented response of an operation. */
export type ResponseBody<Op extends OperationId, Status extends ResponseStatus<Op>> = JsonBody<
  operations[Op]["responses"][Status],
  never
>;
