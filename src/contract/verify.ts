// `verify`: a consumer's recorded calls against the spec. Requests are checked strictly (the
// route, the key header, parameters and body by the spec's schemas); answers by the principle of
// tolerance (a documented status, its top-level type and required fields; anything else the spec
// leaves open, and a new value or P-code is a warning); then the sandbox's onboarding order.
import { describeError, requestProblems } from "./compare.js";
import { bareMediaType, type Exchange, jsonOf } from "./exchange.js";
import { type OrderCall, orderProblems } from "./order.js";
import type { Spec } from "./spec.js";
import { readTraffic, type TrafficKind } from "./traffic.js";

export interface Violation {
  /** `request/body`, `answer/status`, `order/...`: what was checked. */
  rule: string;
  level: "error" | "warning";
  message: string;
  where: string;
  /** `POST /v1/user/verification` when the call matched an operation. */
  operation?: string;
}

export interface VerifyReport {
  file: string;
  kind: TrafficKind;
  calls: number;
  violations: Violation[];
  warnings: Violation[];
}

const rootLevel = (instancePath: string) => instancePath.split("/").length <= 2;

function checkCall(spec: Spec, exchange: Exchange, kind: TrafficKind, found: Violation[], calls: OrderCall[]) {
  const add = (rule: string, level: Violation["level"], message: string, operation?: string) =>
    found.push({ rule, level, message, where: exchange.where, ...(operation && { operation }) });
  const routed = spec.route(exchange.method, exchange.path);
  if (!routed) {
    add(
      "request/route",
      "error",
      `${exchange.method} ${exchange.path.replace(/[^/]{24,}/g, "…")} is not an operation of the spec`,
    );
    return;
  }
  const { operation, params } = routed;
  const name = `${operation.method} ${operation.template}`;
  const user =
    exchange.externalUserId ??
    params.externalUserId ??
    (jsonOf(exchange.requestBody)?.value as { externalUserId?: unknown })?.externalUserId;
  if (typeof user === "string") calls.push({ exchange, operationId: operation.operationId, operation: name, user });

  // Requests, strictly. The journal keeps no headers or bodies; a Pact file often leaves the key out.
  if (kind === "har" && !exchange.headers["x-api-key"])
    add("request/api-key", "error", "the request has no x-api-key header", name);
  // The journal keeps no bodies; a Pact file or a recording may leave an optional parameter out.
  for (const problem of requestProblems(spec, exchange, operation, params, {
    missing: false,
    body: kind !== "journal",
  }))
    add(`request/${problem.part}`, "error", problem.message, name);

  // Answers, with tolerance.
  if (exchange.status === 0) return;
  const documented = operation.responses.get(String(exchange.status));
  if (!documented) {
    add(
      "answer/status",
      "error",
      `${exchange.status} is not a status ${operation.operationId} documents (${[...operation.responses.keys()].join(", ")})`,
      name,
    );
    return;
  }
  const body = jsonOf(exchange.responseBody);
  const media =
    documented.media.find((m) => m.mediaType === bareMediaType(exchange.responseBody?.mediaType)) ??
    documented.media[0];
  if (!body || !media?.schemaPointer) return;
  const code = (body.value as { errorCode?: unknown })?.errorCode;
  if (typeof code === "string" && documented.errorCodes.length && !documented.errorCodes.includes(code)) {
    add(
      "answer/p-code",
      "warning",
      `${code} is not a P-code ${operation.operationId} documents for ${exchange.status}`,
      name,
    );
  }
  for (const error of spec.errors(media.schemaPointer, body.value)) {
    if (error.instancePath === "/errorCode" && error.keyword === "enum") continue;
    const shape = (error.keyword === "required" || error.keyword === "type") && rootLevel(error.instancePath);
    add(shape ? "answer/shape" : "answer/detail", shape ? "error" : "warning", `answer ${describeError(error)}`, name);
  }
}

/** Verifies one file of a consumer's calls. */
export function verify(spec: Spec, file: string): VerifyReport {
  const { kind, exchanges } = readTraffic(file);
  const found: Violation[] = [];
  const calls: OrderCall[] = [];
  const ordered = exchanges.some((e) => e.time)
    ? [...exchanges].sort((a, b) => (a.time ?? "").localeCompare(b.time ?? ""))
    : exchanges;
  for (const exchange of ordered) checkCall(spec, exchange, kind, found, calls);
  for (const problem of orderProblems(calls)) {
    found.push({
      rule: problem.rule,
      level: "error",
      message: problem.message,
      where: problem.call.exchange.where,
      operation: problem.call.operation,
    });
  }
  return {
    file,
    kind,
    calls: exchanges.length,
    violations: found.filter((v) => v.level === "error"),
    warnings: found.filter((v) => v.level === "warning"),
  };
}
