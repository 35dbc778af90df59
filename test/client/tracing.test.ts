// The OpenTelemetry adapter, recorded by the SDK's in-memory exporter: one CLIENT span per call,
// named by its operationId, with the status, the outcome, the P-code, the attempts and the reason;
// never the key, a header value or a body. Without `tracing`, no span at all.
import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { clock } from "../../src/client/transport.js";
import { createP100Client, openTelemetry, P100RequestError } from "../../src/index.js";
import { balances, echoedKey } from "../support/hostile-server.js";
import { leaksOf } from "../support/leaks.js";

const secret = "sk_live_tracing-secret-42";
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracing = openTelemetry(provider.getTracer("p100-test"));
beforeEach(() => exporter.reset());
afterEach(() => vi.restoreAllMocks());

type Answer = () => Response | Promise<Response>;
/** A client whose fetch gives each answer in turn (the last one again when they run out). */
const client = (...answers: Answer[]) => {
  let n = 0;
  const fetch = async () => answers[Math.min(n++, answers.length - 1)]!();
  return createP100Client({ apiKey: secret, fetch, tracing, retry: { baseDelayMs: 1 } });
};
const getBalances = (p100: ReturnType<typeof createP100Client>, externalUserId = "u") =>
  p100.GET("/v1/user/balances/{externalUserId}", { params: { path: { externalUserId } } });
const spans = () => exporter.getFinishedSpans();
const only = () => {
  expect(spans()).toHaveLength(1);
  return spans()[0]!;
};

describe("one span per call", () => {
  it("a success: named by the operationId, CLIENT, status and outcome, one attempt", async () => {
    await getBalances(client(() => Response.json(balances)));
    const span = only();
    expect(span.name).toBe("getUserBalances");
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes).toEqual({
      "http.request.method": "GET",
      "http.response.status_code": 200,
      "p100.outcome": "success",
      "p100.attempts": 1,
    });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it("a documented error: its P-code, status ERROR", async () => {
    await getBalances(client(() => Response.json({ errorCode: "P412", errorMessage: "x" }, { status: 400 })));
    expect(only().attributes).toMatchObject({
      "http.response.status_code": 400,
      "p100.outcome": "error",
      "p100.error_code": "P412",
    });
    expect(only().status).toEqual({ code: SpanStatusCode.ERROR, message: "error" });
  });

  it("pending: the P-code of the 202", async () => {
    const p100 = client(() => Response.json({ errorCode: "P211", errorMessage: "POA pending" }, { status: 202 }));
    await p100.POST("/v1/user/balances/extended", { body: { externalUserId: "u" } });
    expect(only().name).toBe("extendUser");
    expect(only().attributes).toMatchObject({ "p100.outcome": "pending", "p100.error_code": "P211" });
  });

  it("retries: the attempts counted, one span for the call", async () => {
    vi.spyOn(clock, "sleep").mockImplementation(async (ms) => ms);
    await getBalances(
      client(
        () => new Response("busy", { status: 503 }),
        () => new Response("busy", { status: 503 }),
        () => Response.json(balances),
      ),
    );
    expect(only().attributes).toMatchObject({ "p100.outcome": "success", "p100.attempts": 3 });
  });

  it("unexpected: the reason, no status code when no answer came", async () => {
    vi.spyOn(clock, "sleep").mockImplementation(async (ms) => ms);
    await getBalances(
      client(() => {
        throw new TypeError("fetch failed");
      }),
    );
    expect(only().attributes).toEqual({
      "http.request.method": "GET",
      "p100.outcome": "unexpected",
      "p100.attempts": 3,
      "p100.reason": "network",
    });
    expect(only().status).toEqual({ code: SpanStatusCode.ERROR, message: "network" });
  });

  it("a call refused before sending: status ERROR with the error's name, no attempt", async () => {
    await expect(
      getBalances(
        client(() => Response.json(balances)),
        "",
      ),
    ).rejects.toThrow(P100RequestError);
    expect(only().attributes).toMatchObject({ "p100.attempts": 0 });
    expect(only().status).toEqual({ code: SpanStatusCode.ERROR, message: "P100RequestError" });
  });

  it("is the active span while the call runs, so an instrumented fetch's spans are its children", async () => {
    let active: string | undefined;
    const p100 = createP100Client({
      apiKey: secret,
      tracing,
      fetch: async () => {
        active = (trace.getActiveSpan() as unknown as { name?: string } | undefined)?.name;
        return Response.json(balances);
      },
    });
    await getBalances(p100);
    // Without a context manager registered, OpenTelemetry keeps no active span: either is allowed,
    // and when there is one, it is this call's.
    expect([undefined, "getUserBalances"]).toContain(active);
  });
});

describe("what a span never holds", () => {
  it("the key (echoed in the body, a header and the error code), a header value or a body", async () => {
    const echoed = echoedKey(secret);
    await getBalances(
      client(() =>
        Response.json(
          { errorCode: secret, errorMessage: echoed, note: "body-marker" },
          { status: 400, headers: { "x-seen": secret, "x-other": "header-marker" } },
        ),
      ),
    );
    const recorded = JSON.stringify(
      spans().map(({ name, attributes, events, status, links }) => ({ name, attributes, events, status, links })),
    );
    expect(leaksOf(spans(), secret)).toEqual([]);
    expect(recorded).not.toContain("body-marker");
    expect(recorded).not.toContain("header-marker");
    expect(Object.keys(only().attributes).sort()).toEqual([
      "http.request.method",
      "http.response.status_code",
      "p100.attempts",
      "p100.outcome",
    ]);
  });
});

describe("off by default", () => {
  it("a client without tracing makes no span", async () => {
    await getBalances(createP100Client({ apiKey: secret, fetch: async () => Response.json(balances) }));
    expect(spans()).toEqual([]);
  });

  it("tracing that is not a tracer is refused at construction", () => {
    expect(() => createP100Client({ apiKey: secret, tracing: {} as never })).toThrow(/`tracing` must be a tracer/);
  });
});
