// Tracing, optional: one span per call, through an OpenTelemetry Tracer the application passes in
// (`trace.getTracer(...)` from @opentelemetry/api, an optional peer). This package never imports
// @opentelemetry/api: the types below are the few members it calls, so nothing loads it unless
// the application does, and a client without `tracing` runs no tracing code at all. A span holds
// the operation, the HTTP status, the outcome, the P-code, the attempts and the reason: never the
// key, a header value, a URL or a body.
import type { AnyP100Result } from "./result.js";

/** What the client tells a tracer about one call: `run` sends it, calling `attempt` at each try. */
export interface CallTracer {
  trace(
    operationId: string,
    method: string,
    run: (attempt: () => void) => Promise<AnyP100Result>,
  ): Promise<AnyP100Result>;
}

/** The members of an OpenTelemetry `Span` the adapter calls. */
export interface SpanLike {
  setAttribute(key: string, value: string | number): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  end(): void;
}

/** The member of an OpenTelemetry `Tracer` the adapter calls (`trace.getTracer(name)` has it). */
export interface TracerLike {
  startActiveSpan<F extends (span: SpanLike) => unknown>(
    name: string,
    options: { kind?: number; attributes?: Record<string, string | number> },
    fn: F,
  ): ReturnType<F>;
}

// OpenTelemetry's numeric enums, as its API defines them (SpanKind.CLIENT, SpanStatusCode.ERROR).
const spanKindClient = 2;
const spanStatusError = 2;

/**
 * An OpenTelemetry adapter: `createP100Client({ apiKey, tracing: openTelemetry(trace.getTracer("my-app")) })`.
 * Each call is one CLIENT span named by its operationId, made the active span while it runs (so
 * an instrumented fetch's spans are its children), with these attributes: `http.request.method`,
 * `http.response.status_code` (when an answer came), `p100.outcome`, `p100.error_code` (a P-code,
 * when the body has one), `p100.attempts`, `p100.reason` (for `unexpected`). Its status is ERROR
 * for an `error` or `unexpected` outcome, and for a call refused before sending (the error's name).
 */
export function openTelemetry(tracer: TracerLike): CallTracer {
  return {
    trace: (operationId, method, run) =>
      tracer.startActiveSpan(
        operationId,
        { kind: spanKindClient, attributes: { "http.request.method": method } },
        async (span) => {
          let attempts = 0;
          try {
            const result = await run(() => void attempts++);
            record(span, result, attempts);
            return result;
          } catch (error) {
            span.setAttribute("p100.attempts", attempts);
            span.setStatus({ code: spanStatusError, message: error instanceof Error ? error.name : "Error" });
            throw error;
          } finally {
            span.end();
          }
        },
      ),
  };
}

function record(span: SpanLike, result: AnyP100Result, attempts: number) {
  span.setAttribute("p100.outcome", result.outcome);
  span.setAttribute("p100.attempts", attempts);
  if (result.response) span.setAttribute("http.response.status_code", result.response.status);
  const body: unknown = result.outcome === "pending" ? result.data : result.error;
  const code = typeof body === "object" && body !== null ? (body as { errorCode?: unknown }).errorCode : undefined;
  // Only a code-shaped value: a server's errorCode field could hold anything, the key included.
  if (typeof code === "string" && /^P\d{3}$/.test(code)) span.setAttribute("p100.error_code", code);
  if (result.outcome === "unexpected") span.setAttribute("p100.reason", result.error.reason);
  if (result.outcome === "error" || result.outcome === "unexpected") {
    span.setStatus({ code: spanStatusError, message: result.outcome === "error" ? "error" : result.error.reason });
  }
}
