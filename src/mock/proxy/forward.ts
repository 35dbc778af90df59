// The proxy's forwarding, which the Prism adapter (prism/index.ts) plugs in as Prism's `forward`
// component in place of Prism's own, which re-serialises request bodies (multipart decoded as
// UTF-8), copies the upstream's Content-Length onto a body it serialised again, ignores
// HTTPS_PROXY and NO_PROXY, and turns a real 501 into a mocked example. Prism still checks each
// call's key, validates the request and validates the answer: this module only carries bytes,
// with undici (its `request` keeps the answer's bytes as sent, compressed or not;
// `EnvHttpProxyAgent` honours HTTP_PROXY, HTTPS_PROXY and NO_PROXY).
import zlib from "node:zlib";
import type { Dispatcher } from "undici";
import { type Call, isJson, sourceHeader } from "../pipeline/call.js";

/** The request as Prism validated it: the method, path, query, headers and parsed body. */
export interface ForwardInput {
  method: string;
  url: { path: string; query?: Record<string, string | string[]> };
  headers?: Record<string, string | undefined>;
  body?: unknown;
}

/** The upstream's answer as Prism validates it (headers flat, body decoded and parsed). */
export interface ForwardOutput {
  statusCode: number;
  headers: Record<string, string>;
  body: unknown;
}

/** A 502 of the proxy's own, as problem+json's parts. */
export interface ForwardProblem {
  type: string;
  title: string;
  status: number;
  detail: string;
  more: Record<string, unknown>;
}

// Hop-by-hop (RFC 9110 §7.6.1) and framing headers: they describe one connection, not the message.
const hopByHop = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authorization",
  "proxy-authenticate",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "content-length",
  "host",
  "expect",
]);

/**
 * The forwarding of one call: the upstream's answer, or the 502 problem when it could not be
 * reached or broke off. What it learns (the upstream's answer as sent, the failure) goes on the call.
 */
export function createForward(deps: {
  dispatcher: Dispatcher;
  request: typeof import("undici").request;
  /** The API key of each call, removed from any failure reason before it is logged or answered. */
  redact: (text: string, call: Call) => string;
  /** The largest body of an answer read, as sent and decoded (`maxUpstreamBytes`); beyond it, 502. */
  maxBodyBytes: number;
}) {
  return async (
    call: Call,
    input: ForwardInput,
    baseUrl: string,
  ): Promise<{ output: ForwardOutput } | { problem: ForwardProblem }> => {
    const url = targetOf(baseUrl, input, call.target);
    let status: number | undefined; // once the upstream's headers came
    try {
      const response = await deps.request(url, {
        method: input.method.toUpperCase() as Dispatcher.HttpMethod,
        headers: headersOf(call.rawHeaders),
        body: bodyOf(call),
        dispatcher: deps.dispatcher,
      });
      status = response.statusCode;
      const bytes = await readCapped(response.body, deps.maxBodyBytes);
      const headers = clientHeaders(response.headers, bytes.length, input.method, response.statusCode);
      // What Prism validates: the headers and the body decoded and parsed, as its own forwarder would.
      const flat = Object.fromEntries(
        Object.entries(headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(",") : value]),
      );
      const decoded = decodedBody(bytes, flat["content-encoding"], deps.maxBodyBytes);
      const body = parsedBody(decoded, bytes, flat["content-type"], response.statusCode);
      // Only once decoded within the cap: an answer over it is the 502 below, never passed on.
      call.upstream = { status: response.statusCode, headers, bytes, ...(decoded && { decoded }) };
      return { output: { statusCode: response.statusCode, headers: flat, body } };
    } catch (error) {
      const failure = deps.redact(reasonOf(error), call);
      call.facts.failure = failure;
      const upstream = new URL(baseUrl).host;
      if (error instanceof TooLarge && status !== undefined) {
        call.facts.brokenAfter = status;
        return {
          problem: {
            type: "urn:p100-mock:upstream-answer-too-large",
            title: "The upstream's answer is too large",
            status: 502,
            detail: `p100-mock did not pass on the upstream ${upstream}'s answer (HTTP ${status}): ${failure}; the call reached it and may have been carried out`,
            more: { upstream, upstreamStatus: status, reason: failure, maxUpstreamBytes: deps.maxBodyBytes },
          },
        };
      }
      if (status !== undefined) {
        call.facts.brokenAfter = status;
        return {
          problem: {
            type: "urn:p100-mock:upstream-answer-broken",
            title: "The upstream's answer broke off",
            status: 502,
            detail: `p100-mock got a broken answer from the upstream ${upstream}: HTTP ${status}, then ${failure}; the call reached it and may have been carried out`,
            more: { upstream, upstreamStatus: status, reason: failure },
          },
        };
      }
      return {
        problem: {
          type: "urn:p100-mock:upstream-unreachable",
          title: "The upstream could not be reached",
          status: 502,
          detail: `p100-mock could not reach the upstream ${upstream}: ${failure}`,
          more: { upstream, reason: failure },
        },
      };
    }
  };
}

/** The upstream URL: its own path prefix, then the request target exactly as the client sent it. */
function targetOf(baseUrl: string, input: ForwardInput, rawTarget: string | undefined): string {
  const base = new URL(baseUrl);
  const prefix = base.pathname.replace(/\/+$/, "");
  if (rawTarget?.startsWith("/")) return `${base.origin}${prefix}${rawTarget}`;
  const url = new URL(`${base.origin}${prefix}${input.url.path}`);
  for (const [key, value] of Object.entries(input.url.query ?? {}))
    for (const one of Array.isArray(value) ? value : [value]) url.searchParams.append(key, String(one));
  return url.href;
}

/** The request's headers as they came (the call's raw pairs), less the hop-by-hop ones. */
function headersOf(rawHeaders: string[]): string[] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) pairs.push([rawHeaders[i] ?? "", rawHeaders[i + 1] ?? ""]);
  // A header named in `Connection` is hop-by-hop too.
  const named = new Set(
    pairs
      .filter(([name]) => name.toLowerCase() === "connection")
      .flatMap(([, value]) => value.split(",").map((token) => token.trim().toLowerCase())),
  );
  return pairs.filter(([name]) => !hopByHop.has(name.toLowerCase()) && !named.has(name.toLowerCase())).flat();
}

/** The request's body exactly as it came. */
function bodyOf(call: Call): Buffer | undefined {
  return call.bytes.length ? call.bytes : undefined;
}

/** The upstream's headers for the client: no hop-by-hop ones, and a Content-Length that counts these bytes. */
function clientHeaders(
  upstream: Record<string, string | string[] | undefined>,
  length: number,
  method: string,
  status: number,
): Record<string, string | string[]> {
  const named = new Set(
    [upstream.connection ?? []].flat().flatMap((value) => value.split(",").map((token) => token.trim().toLowerCase())),
  );
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(upstream))
    if (value !== undefined && !hopByHop.has(name) && !named.has(name)) headers[name] = value;
  // A HEAD answer, a 204 and a 304 carry no body: their Content-Length (if any) is the upstream's own.
  const bodiless = method.toLowerCase() === "head" || status === 204 || status === 304;
  if (bodiless && typeof upstream["content-length"] === "string")
    headers["content-length"] = upstream["content-length"];
  else if (!bodiless) headers["content-length"] = String(length);
  headers[sourceHeader] = "upstream";
  return headers;
}

/** An answer whose body, as sent or decoded, is over the cap: answered 502, naming it. */
class TooLarge extends Error {
  constructor(max: number, decoded: boolean) {
    super(
      `its body${decoded ? ", decoded," : ""} is over the cap of ${max} bytes (maxUpstreamBytes, --max-upstream-bytes)`,
    );
  }
}

/** The body's bytes as sent, read until they pass `max` (then the rest is not read). */
async function readCapped(body: AsyncIterable<Uint8Array> & { destroy(): void }, max: number): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > max) {
      body.destroy(); // releases the connection
      throw new TooLarge(max, false);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

// zlib stops at `maxOutputLength` (a small gzip can inflate to gigabytes), with ERR_BUFFER_TOO_LARGE.
type Decode = (bytes: Buffer, options: { maxOutputLength: number }) => Buffer;
const tooLarge = (error: unknown) => (error as NodeJS.ErrnoException)?.code === "ERR_BUFFER_TOO_LARGE";
const decoders: Record<string, Decode | undefined> = {
  gzip: zlib.gunzipSync,
  "x-gzip": zlib.gunzipSync,
  deflate: (bytes, options) => {
    try {
      return zlib.inflateSync(bytes, options);
    } catch (error) {
      if (tooLarge(error)) throw error;
      return zlib.inflateRawSync(bytes, options); // some servers send raw deflate
    }
  },
  br: zlib.brotliDecompressSync,
  zstd: (zlib as { zstdDecompressSync?: Decode }).zstdDecompressSync, // Node 22.15+
  identity: (bytes) => bytes,
};

/** The body as Prism's forwarder gives it to Prism's validator: JSON parsed under a JSON type, else text. */
/**
 * The body decoded as its Content-Encoding says (within `max`, else TooLarge); undefined for an
 * encoding Node cannot decode, or a corrupt body.
 */
function decodedBody(bytes: Buffer, encoding: string | undefined, max: number): Buffer | undefined {
  let decoded = bytes;
  try {
    for (const coding of (encoding ?? "")
      .split(",")
      .map((c) => c.trim().toLowerCase())
      .filter(Boolean)
      .reverse()) {
      const decode = decoders[coding];
      if (!decode) return undefined;
      decoded = decode(decoded, { maxOutputLength: max });
    }
  } catch (error) {
    if (tooLarge(error)) throw new TooLarge(max, true);
    return undefined;
  }
  return decoded;
}

/** The body as Prism validates it: decoded and parsed; as it came when it cannot be decoded (Prism reports what it finds). */
function parsedBody(decoded: Buffer | undefined, bytes: Buffer, contentType: string | undefined, status: number) {
  if (decoded === undefined) return bytes.toString("latin1");
  const text = decoded.toString("utf8");
  if (status === 204 || !isJson(contentType)) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A short reason: the error's code (ECONNREFUSED, ENOTFOUND, UND_ERR_..., a TLS code), else its first line. */
function reasonOf(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const { code } = current as NodeJS.ErrnoException;
    if (typeof code === "string" && code !== "UND_ERR_SOCKET") return `${code} (${current.message.split("\n")[0]})`;
    if (current.cause === undefined) break;
    current = current.cause;
  }
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0] ?? message;
}
