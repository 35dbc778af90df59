// The mock's front door. Prism answers a request body that is not JSON with its own
// `{ "error": { "code": "invalid_json" } }`, which the spec does not document; the docs say every
// malformed body gets the P403 validation error. So the guard hands Prism, in place of such a
// body, a JSON string that breaks every request schema, and Prism answers exactly as documented
// (401 without a key, else the operation's 400 P403). Everything else passes through unchanged.
// The guard takes its port at once (so a taken port fails fast) and holds requests until Prism
// answers, so that nothing arriving during startup gets an error. In proxy mode it passes every
// body on untouched (the real API answers it) and hands each answer's Prism findings (the
// `sl-violations` header, which it keeps from the caller: the real API sends no such header) to
// `onAnswer`.
import http from "node:http";
import type { AddressInfo } from "node:net";

const malformed = Buffer.from(JSON.stringify("(the request body was not valid JSON)"));

function isJson(contentType: string | undefined): boolean {
  return /^application\/([\w.+-]+\+)?json\b/i.test(contentType ?? "");
}

function parses(body: Buffer): boolean {
  try {
    JSON.parse(body.toString("utf8"));
    return true;
  } catch {
    return false;
  }
}

export interface Guard {
  port: number;
  close(): Promise<void>;
}

export interface GuardOptions {
  host: string;
  port: number;
  prismPort: number;
  prismReady: Promise<void>;
  /** Proxy mode: bodies go through unchanged. */
  transparent?: boolean;
  /** Called with each answer's method, path, status and Prism's `sl-violations` header. */
  onAnswer?: (method: string, path: string, status: number, violations: string | undefined) => void;
}

export async function listenGuard({
  host,
  port,
  prismPort,
  prismReady,
  transparent = false,
  onAnswer,
}: GuardOptions): Promise<Guard> {
  const agent = new http.Agent({ keepAlive: true });
  prismReady.catch(() => undefined); // a failed start is reported by startMock
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      try {
        await prismReady;
      } catch {
        res.writeHead(503, { "content-type": "text/plain" }).end("p100-mock: Prism did not start");
        return;
      }
      let body = Buffer.concat(chunks);
      if (!transparent && body.length > 0 && isJson(req.headers["content-type"]) && !parses(body)) body = malformed;
      const headers = { ...req.headers, "content-length": String(body.length) };
      delete headers["transfer-encoding"];
      const upstream = http.request(
        { host: "127.0.0.1", port: prismPort, method: req.method, path: req.url, headers, agent },
        (answer) => {
          const { "sl-violations": violations, ...headers } = answer.headers;
          onAnswer?.(req.method ?? "", req.url ?? "", answer.statusCode ?? 502, violations as string | undefined);
          res.writeHead(answer.statusCode ?? 502, transparent ? headers : answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on("error", () => {
        if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
        res.end("p100-mock: Prism is not answering");
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
