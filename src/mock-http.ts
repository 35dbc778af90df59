// The mock's HTTP side: a node:http handler that turns each request into Prism's input, and
// Prism's answer back into a response. Two rules of this package's own:
// - A request body that is not JSON (under a JSON content type) reaches Prism as a JSON value
//   that breaks every request schema, so Prism answers as the docs say (401 without a key, else
//   the operation's 400 P403) instead of its own undocumented `invalid_json` body. In proxy mode
//   the body goes on untouched: the real API answers it.
// - Requests that arrive while Prism is loading wait for it, so nothing gets an error at startup.
import type http from "node:http";
import type { IPrismDiagnostic } from "@stoplight/prism-core";
import type { IHttpRequest } from "@stoplight/prism-http";
import type { AnswerFacts, Engine } from "./mock-engine.js";
import type { Sandbox } from "./sandbox-world.js";

const malformed = "(the request body was not valid JSON)";
const maxBodyBytes = 10 * 1024 * 1024;

export interface HandlerOptions {
  engine: Promise<Engine>;
  transparent: boolean;
  /** Stateful mode: /_sandbox is the control API of this sandbox. */
  sandbox?: Sandbox;
  /** One call for each answer: its method, path, status and Prism's findings about it (and the engine's facts). */
  onAnswer(method: string, path: string, status: number, violations: IPrismDiagnostic[], facts?: AnswerFacts): void;
}

const isJson = (contentType: string | undefined) => /^application\/([\w.+-]+\+)?json\b/i.test(contentType ?? "");

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) req.destroy(new Error("body too large"));
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** The body as Prism's server gives it to Prism: parsed JSON, else text, else nothing. */
function bodyOf(raw: Buffer, contentType: string | undefined, transparent: boolean): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString("utf8");
  if (!isJson(contentType)) return text;
  try {
    return JSON.parse(text);
  } catch {
    return transparent ? text : malformed;
  }
}

function queryOf(search: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(search.keys())) {
    const values = search.getAll(key);
    query[key] = values.length === 1 ? (values[0] as string) : values;
  }
  return query;
}

/** CORS as Prism's server sends it, so that browser apps can call the mock. */
function cors(req: http.IncomingMessage, res: http.ServerResponse) {
  res.setHeader("Access-Control-Allow-Origin", req.headers.origin ?? "*");
  res.setHeader("Access-Control-Allow-Headers", req.headers["access-control-request-headers"] ?? "*");
  res.setHeader("Access-Control-Allow-Credentials", "true");
  res.setHeader("Access-Control-Expose-Headers", req.headers["access-control-expose-headers"] ?? "*");
}

export function createHandler({ engine, transparent, sandbox, onAnswer }: HandlerOptions) {
  return async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const method = (req.method ?? "GET").toLowerCase();
    const url = new URL(req.url ?? "/", "http://mock");
    cors(req, res);
    if (method === "options" && req.headers.origin && req.headers["access-control-request-method"]) {
      res.writeHead(204, { "Access-Control-Allow-Methods": "GET,DELETE,HEAD,PATCH,POST,PUT,OPTIONS", Vary: "origin" });
      res.end();
      return;
    }
    try {
      const [raw, prism] = await Promise.all([readBody(req), engine]);
      if (sandbox && url.pathname.startsWith("/_sandbox/")) {
        const key = req.headers["x-api-key"];
        const body = bodyOf(raw, req.headers["content-type"], false);
        const { control } = await import("./sandbox-control.js"); // loaded for the stateful mode only
        const found = await control(sandbox, method, url.pathname, typeof key === "string" ? key : undefined, body);
        onAnswer(req.method ?? "", url.pathname, found.status, []);
        res.writeHead(found.status, found.body === undefined ? {} : { "content-type": "application/json" });
        res.end(found.body === undefined ? "" : JSON.stringify(found.body));
        return;
      }
      const input: IHttpRequest = {
        method: method as IHttpRequest["method"],
        url: { path: url.pathname, query: queryOf(url.searchParams) },
        headers: req.headers as Record<string, string>,
        body: bodyOf(raw, req.headers["content-type"], transparent),
      };
      // The proxy forwards the request as it came: these bytes, this target, these headers.
      const answer = await prism.answer(input, { body: raw, target: req.url, rawHeaders: req.rawHeaders });
      if ("problem" in answer) {
        onAnswer(req.method ?? "", url.pathname, answer.status, [], answer.facts);
        res.writeHead(answer.status, { "content-type": "application/problem+json", ...answer.headers });
        res.end(JSON.stringify(answer.problem));
        return;
      }
      const { output, validations } = answer;
      const headers = Object.fromEntries(Object.entries(output.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
      onAnswer(
        req.method ?? "",
        url.pathname,
        output.statusCode,
        [
          ...validations.input.map((v) => ({ ...v, path: ["request", ...(v.path ?? [])] })),
          ...validations.output.map((v) => ({ ...v, path: ["response", ...(v.path ?? [])] })),
        ],
        answer.facts,
      );
      res.writeHead(output.statusCode, headers);
      res.end(answer.text);
    } catch (error) {
      if (!res.headersSent) res.writeHead(503, { "content-type": "text/plain" });
      res.end(`p100-mock: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
}
