// The proxy's recording (`--record <file.har>`): each exchange with the upstream written as a
// HAR 1.2 entry as soon as it is answered, so nothing is kept in memory. Each entry is written
// at the end of the entries, followed by the closing `]}}`, which the next entry overwrites: the
// file is a whole HAR document after every call, and after a crash. What is never written: the
// API key and the webhook token (client/redact.ts's rule, and their headers' values), and the
// values of the properties the spec marks personal (generated/personal-fields.js), masked.
import fs from "node:fs";
import { STATUS_CODES } from "node:http";
import { personalFields } from "../../../generated/personal-fields.js";
import { createRedactor, redacted } from "../../client/redact.js";
import { type Call, isJson, type Reply, sourceHeader } from "../pipeline/call.js";
import type { Handler } from "../pipeline/pipeline.js";

/** Headers whose value is a secret of some kind: written as `[redacted]`, whatever they hold. */
const secretHeaders = new Set(["x-api-key", "authorization", "proxy-authorization", "cookie", "set-cookie"]);
const personal = new Set(personalFields);

export interface HarRecorder {
  /** The pipeline's step (proxy mode): records each call the upstream answered. */
  step: Handler;
  /** Closes the file; the HAR document in it is already whole. Safe to call twice. */
  close(): void;
}

interface NameValue {
  name: string;
  value: string;
}

const textual = (mediaType: string) =>
  /^(application\/([\w.+-]+\+)?(json|xml)|application\/x-www-form-urlencoded|text\/)/i.test(mediaType);

/**
 * A personal value masked, its shape kept: in a string every letter becomes `x` and every digit
 * `1` (length, spaces and punctuation stay, so `jan.kowalski@example.pl` is still an email and
 * `1990-05-15` still a date); a number becomes 0; in an array or object, each value is masked.
 */
export function maskValue(value: unknown): unknown {
  if (typeof value === "string") return value.replace(/\p{L}\p{M}*/gu, "x").replace(/\p{N}/gu, "1");
  if (typeof value === "number") return 0;
  if (Array.isArray(value)) return value.map(maskValue);
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(Object.entries(value).map(([name, inner]) => [name, maskValue(inner)]));
  return value;
}

/** A parsed JSON body with the value of every property marked personal masked, at any depth. */
export function maskPersonal(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskPersonal);
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(
      Object.entries(value).map(([name, inner]) => [name, personal.has(name) ? maskValue(inner) : maskPersonal(inner)]),
    );
  return value;
}

/** The call's secrets (every `x-api-key` and `Authorization` value sent), as one redaction of texts and values. */
function secretsOf(call: Call) {
  const values = new Set<string>();
  for (let i = 0; i + 1 < call.rawHeaders.length; i += 2) {
    const name = (call.rawHeaders[i] as string).toLowerCase();
    const value = (call.rawHeaders[i + 1] as string).trim();
    if ((name === "x-api-key" || name === "authorization" || name === "proxy-authorization") && value) {
      values.add(value);
      // `Bearer <token>`: the token alone may be echoed too.
      const [, token] = /^\S+\s+(\S+)$/.exec(value) ?? [];
      if (token) values.add(token);
    }
  }
  const redactors = [...values].map(createRedactor);
  return {
    text: (text: string) => redactors.reduce((t, r) => (r.found(t) ? r.text(t) : t), text),
    value: (value: unknown) => redactors.reduce((v, r) => r.value(v), value),
  };
}

type Secrets = ReturnType<typeof secretsOf>;

/** A body as HAR writes it: JSON masked and redacted, other text redacted, anything else as its size and type only. */
function bodyOf(
  bytes: Buffer,
  mediaType: string,
  secrets: Secrets,
): { mimeType: string; text?: string; comment?: string } {
  const mimeType = mediaType || "application/octet-stream";
  if (bytes.length === 0) return { mimeType, text: "" };
  if (isJson(mimeType)) {
    try {
      return { mimeType, text: JSON.stringify(secrets.value(maskPersonal(JSON.parse(bytes.toString("utf8"))))) };
    } catch {
      return { mimeType, comment: `not valid JSON: kept as its size only (${bytes.length} bytes)` };
    }
  }
  if (textual(mimeType)) return { mimeType, text: secrets.text(bytes.toString("utf8")) };
  return { mimeType, comment: `binary: kept as its size and media type only (${bytes.length} bytes)` };
}

const headerText = (headers: Record<string, unknown>, name: string) => {
  const value = headers[name];
  return typeof value === "string" ? value : Array.isArray(value) ? String(value[0] ?? "") : "";
};

function headerList(pairs: [string, string][], secrets: Secrets): NameValue[] {
  return pairs.map(([name, value]) => ({
    name,
    value: secretHeaders.has(name.toLowerCase()) ? redacted : secrets.text(value),
  }));
}

/** A URL's redactions percent-encoded, so that it is still a URL (`%5Bredacted%5D`). */
const inUrl = (url: string) => url.replaceAll(redacted, encodeURIComponent(redacted));

/** One exchange as a HAR 1.2 entry. */
export function entryOf(call: Call, upstream: string, started: string, ms: number): object | undefined {
  const answer = call.upstream;
  if (!answer) return undefined;
  const secrets = secretsOf(call);
  const base = new URL(upstream);
  const url = inUrl(secrets.text(`${base.origin}${base.pathname.replace(/\/+$/, "")}${call.target}`));
  const requestPairs: [string, string][] = [];
  for (let i = 0; i + 1 < call.rawHeaders.length; i += 2)
    requestPairs.push([call.rawHeaders[i] as string, call.rawHeaders[i + 1] as string]);
  const requestType = headerText(call.headers, "content-type");
  const responsePairs = Object.entries(answer.headers)
    .filter(([name]) => name !== sourceHeader)
    .flatMap(([name, value]) => [value].flat().map((one): [string, string] => [name, one]));
  const responseType = headerText(answer.headers, "content-type");
  let content: { size: number; compression?: number; mimeType: string; text?: string; comment?: string };
  // Decoded once, by the proxy's forwarding (proxy/forward.ts), as Prism validated it.
  const body = answer.decoded;
  if (body) {
    content = { size: body.length, ...bodyOf(body, responseType, secrets) };
    if (body.length !== answer.bytes.length) content.compression = body.length - answer.bytes.length;
  } else {
    content = { size: answer.bytes.length, mimeType: responseType || "application/octet-stream" };
    content.comment = "could not be decoded: kept as its size only";
  }
  const location = headerText(answer.headers, "location");
  return {
    startedDateTime: started,
    time: ms,
    request: {
      method: call.method.toUpperCase(),
      url,
      httpVersion: "HTTP/1.1",
      cookies: [],
      headers: headerList(requestPairs, secrets),
      queryString: [...call.query].map(([name, value]) => ({ name: secrets.text(name), value: secrets.text(value) })),
      ...(call.bytes.length > 0 && { postData: bodyOf(call.bytes, requestType, secrets) }),
      headersSize: -1,
      bodySize: call.bytes.length,
    },
    response: {
      status: answer.status,
      statusText: STATUS_CODES[answer.status] ?? "",
      httpVersion: "HTTP/1.1",
      cookies: [],
      headers: headerList(responsePairs, secrets),
      content,
      redirectURL: location ? inUrl(secrets.text(location)) : "",
      headersSize: -1,
      bodySize: answer.bytes.length,
    },
    cache: {},
    timings: { send: 0, wait: ms, receive: 0 },
  };
}

const tail = "\n]}}\n";

/**
 * Opens `file` (truncated) with an empty HAR document in it; throws one line when it cannot.
 * `onError` hears, once, why the recording stopped (a full disk): the calls go on unrecorded.
 */
export function createHarRecorder(options: {
  file: string;
  upstream: string;
  version: string;
  onError: (message: string) => void;
}): HarRecorder {
  const { file, upstream } = options;
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, "w");
  } catch (error) {
    throw new Error(`cannot write the recording to ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  const head = JSON.stringify({
    log: {
      version: "1.2",
      creator: { name: "p100-mock", version: options.version },
      comment: `p100-mock --proxy ${new URL(upstream).origin}: without the API key and the webhook token; values of the spec's x-p100-personal properties masked (letters as x, digits as 1)`,
      entries: [],
    },
  });
  // Everything before the entries' closing `]}}`.
  const opening = `${head.slice(0, -"]}}".length)}\n`;
  let offset = 0;
  let entries = 0;
  const write = (text: string) => {
    if (fd === undefined) return;
    const bytes = Buffer.from(text);
    fs.writeSync(fd, bytes, 0, bytes.length, offset);
    fs.writeSync(fd, tail, offset + bytes.length);
    offset += bytes.length;
  };
  write(opening);
  const stop = (error: unknown) => {
    if (fd !== undefined) fs.closeSync(fd);
    fd = undefined;
    options.onError(`p100-mock: the recording to ${file} stopped: ${(error as NodeJS.ErrnoException).code ?? error}`);
  };
  const record = (call: Call, started: string, ms: number) => {
    if (fd === undefined) return;
    try {
      const entry = entryOf(call, upstream, started, ms);
      if (!entry) return;
      write(`${entries ? ",\n" : ""}${JSON.stringify(entry)}`);
      entries++;
    } catch (error) {
      stop(error);
    }
  };
  return {
    step: async (call, next): Promise<Reply> => {
      const started = performance.now();
      const reply = await next();
      record(call, call.time, Math.max(0, Math.round(performance.now() - started)));
      return reply;
    },
    close: () => {
      if (fd !== undefined) fs.closeSync(fd);
      fd = undefined;
    },
  };
}
