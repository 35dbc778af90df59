// Lookups in generated/operations.js (the operations, as the runtime needs them): by
// route for the client, by operationId for `prefer`. The table is small; both maps are built once.
import operations, { type OperationInfo } from "../../generated/operations.js";

const byId = new Map(Object.values(operations).map((info) => [info.operationId, info]));

/** The spec's facts about `METHOD /path/{template}`, or undefined for a route it does not have. */
export function operationByRoute(method: string, path: string): OperationInfo | undefined {
  return operations[`${method} ${path}`];
}

/** The spec's facts about one operationId, or undefined for an id it does not have. */
export function operationById(operationId: string): OperationInfo | undefined {
  return byId.get(operationId);
}
