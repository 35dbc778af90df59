// Hostile responses, generated: a local node:http server answers the client with truncated JSON,
// HTML error pages, empty bodies, wrong content types, huge bodies, undocumented statuses and
// stalls. Whatever it does, the client returns a typed result (a stall ends as "timeout") and never throws.
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createP100Client, P100UnexpectedError } from "../../src/index.js";
import { type HostileServer, startHostileServer } from "../support/hostile-server.js";
import { exampleValue, schemaErrors } from "../support/spec.js";

const runs = Number(process.env.FUZZ_RUNS ?? 50);
const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const path = "/v1/user/balances/{externalUserId}";
const timeoutMs = 300;
const maxResponseBytes = 64 * 1024;

type Body = "documented" | "wrong-shape" | "truncated-json" | "html" | "empty" | "huge";
interface Behaviour {
  status: number;
  body: Body;
  contentType: string;
  stall: boolean; // headers sent, body never finished
}

const documentedStatuses = [200, 400, 401];
/** The spec's example for a documented status; any JSON for the others. */
const example = (status: number) =>
  documentedStatuses.includes(status)
    ? JSON.stringify(
        exampleValue(path, "get", String(status), status === 200 ? "success" : status === 400 ? "P412" : "xo2"),
      )
    : JSON.stringify({ message: "something else" });
const bodies: Record<Body, (status: number) => string> = {
  documented: example,
  "wrong-shape": () => JSON.stringify({ unexpected: true }),
  "truncated-json": (status) => example(status).slice(0, 25),
  html: () => "<!doctype html><title>502 Bad Gateway</title><h1>Bad Gateway</h1>",
  empty: () => "",
  huge: () => JSON.stringify({ pad: "x".repeat(maxResponseBytes * 2) }),
};

const behaviours: fc.Arbitrary<Behaviour> = fc.record({
  status: fc.constantFrom(200, 400, 401, 404, 418, 429, 500, 502, 503),
  body: fc.constantFrom<Body>("documented", "wrong-shape", "truncated-json", "html", "empty", "huge"),
  contentType: fc.constantFrom("application/json", "text/html", "text/plain", "application/octet-stream"),
  stall: fc.integer({ min: 0, max: 4 }).map((n) => n === 0), // one answer in five stalls
});

let server: HostileServer;
beforeAll(async () => (server = await startHostileServer()));
afterAll(() => server.close());

/** Scripts the server to answer `id` as the behaviour says. */
function answer(id: string, behaviour: Behaviour) {
  server.script(id, (res) => {
    const text = bodies[behaviour.body](behaviour.status);
    res.writeHead(behaviour.status, { "content-type": behaviour.contentType });
    if (behaviour.stall) res.write(text.slice(0, 10));
    else res.end(text);
  });
}

/** What the client must make of a behaviour. */
function expected(b: Behaviour): { outcome: string; reason?: string; drift?: boolean } {
  if (b.stall) return { outcome: "unexpected", reason: "timeout" };
  if (b.body === "huge") return { outcome: "unexpected", reason: "too-large" }; // the body is read (capped) before anything else
  if (!documentedStatuses.includes(b.status))
    return { outcome: "unexpected", reason: b.status === 429 ? "rate-limited" : "undocumented-status" };
  const outcome = b.status === 200 ? "success" : "error";
  if (b.body === "documented") return { outcome, drift: false };
  // Tolerance: a documented status keeps its outcome with drift, if the body is JSON (any body for a 401).
  if (b.body === "wrong-shape" || b.status === 401) return { outcome, drift: true };
  return { outcome: "unexpected", reason: "not-json" };
}

it("every hostile answer ends in the expected typed result, and a stall in a timeout", {
  timeout: 300_000,
}, async () => {
  const client = createP100Client({
    apiKey: "hostile-key",
    baseUrl: server.url,
    timeoutMs,
    maxResponseBytes,
    retry: false,
  });
  let id = 0;
  await fc.assert(
    fc.asyncProperty(behaviours, async (behaviour) => {
      const externalUserId = `case-${id++}`;
      answer(externalUserId, behaviour);
      // Must resolve (never reject), and never hang: a hang fails this case, so fast-check shows it.
      // The bound is generous on purpose: it catches a call that never ends, it does not time one.
      const hang = new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`no result after ${timeoutMs + 10_000} ms`)), timeoutMs + 10_000).unref(),
      );
      const result = await Promise.race([client.GET(path, { params: { path: { externalUserId } } }), hang]);

      const want = expected(behaviour);
      expect(result.outcome).toBe(want.outcome);
      if (result.outcome === "unexpected") {
        expect(result.status).toBeUndefined();
        expect(result.error).toBeInstanceOf(P100UnexpectedError);
        expect(result.error.reason).toBe(want.reason);
        expect(result.error.status).toBe(want.reason === "timeout" ? 0 : behaviour.status);
      } else {
        expect(result.status).toBe(behaviour.status);
        expect(result.drift.length > 0).toBe(want.drift);
        const body = result.status === 200 ? result.data : result.error;
        if (!want.drift) expect(schemaErrors(path, "get", String(result.status), body)).toEqual([]);
      }
    }),
    { numRuns: runs, seed },
  );
});
