// The generated types, re-exported, plus helpers that look them up by operationId.
// Nothing here re-declares a shape: every type comes from generated/schema.d.ts.
import type { operations } from "../generated/schema.js";

export type * from "../generated/schema.js";

/** Every operationId in the spec. */
export type OperationId = keyof operations;

type JsonContent<T> = T extends { content: { "application/json": infer Body } } ? Body : never;

/** The JSON request body of an operation. */
export type RequestBody<Op extends OperationId> = operations[Op] extends { requestBody?: infer B }
  ? JsonContent<NonNullable<B>>
  : never;

/** The documented status codes of an operation. */
export type ResponseStatus<Op extends OperationId> = keyof operations[Op]["responses"] & number;

/** The JSON body of one documented response of an operation. */
export type ResponseBody<Op extends OperationId, Status extends ResponseStatus<Op>> = JsonContent<
  operations[Op]["responses"][Status]
>;
