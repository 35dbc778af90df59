// One recorded call, whatever file it came from (a HAR file, a Pact file, the sandbox's journal),
// and the HAR 1.2 reader: what the proxy's --record writes and browsers' developer tools export.
import { isObject, listOf, objectOf, textOf } from "./json.js";

export interface RecordedBody {
  mediaType: string;
  /** The body as text; undefined when the file kept only its size (a binary body). */
  text?: string;
}

export interface Exchange {
  /** Where to look: `traffic.har entry 12` (1-based). */
  where: string;
  /** ISO date-time the call started, when the file says. */
  time?: string;
  method: string;
  host: string;
  /** The path, without the query. */
  path: string;
  query: Record<string, string>;
  /** Request headers, names in lower case. */
  headers: Record<string, string>;
  requestBody?: RecordedBody;
  /** 0 when no answer came. */
  status: number;
  responseHeaders: Record<string, string>;
  responseBody?: RecordedBody;
  /** What the file says about the user (the journal's externalUserId), when it says. */
  externalUserId?: string;
  /** The operationId the file names (the journal's), when it names one. */
  operationId?: string;
}

const headerMap = (list: unknown): Record<string, string> => {
  const map: Record<string, string> = {};
  for (const header of listOf(list).map(objectOf)) {
    if (typeof header.name === "string" && typeof header.value === "string")
      map[header.name.toLowerCase()] = header.value;
  }
  return map;
};

/** A HAR `content` or `postData` as text: base64 bodies decoded, binary ones as their media type only. */
function bodyOf(value: unknown): RecordedBody | undefined {
  if (!isObject(value)) return undefined;
  const mediaType = textOf(value.mimeType) ?? "";
  const text = textOf(value.text);
  if (text === undefined) return mediaType ? { mediaType } : undefined;
  return { mediaType, text: value.encoding === "base64" ? Buffer.from(text, "base64").toString("utf8") : text };
}

export function isHar(doc: unknown): boolean {
  return Array.isArray(objectOf(objectOf(doc).log).entries);
}

/** The exchanges of a HAR 1.2 document; throws one line naming the first unreadable entry. */
export function exchangesOfHar(doc: unknown, file: string): Exchange[] {
  if (!isHar(doc)) throw new Error(`${file} is not a HAR file (no log.entries)`);
  return listOf(objectOf(objectOf(doc).log).entries).map((raw, index): Exchange => {
    const where = `${file} entry ${index + 1}`;
    const entry = objectOf(raw);
    const request = objectOf(entry.request);
    const response = objectOf(entry.response);
    let url: URL;
    try {
      url = new URL(textOf(request.url) ?? "");
    } catch {
      throw new Error(`${where} has no absolute request.url`);
    }
    const method = textOf(request.method);
    if (!method) throw new Error(`${where} has no request.method`);
    const status = Number(response.status ?? 0);
    const requestBody = bodyOf(request.postData);
    const responseBody = bodyOf(response.content);
    return {
      where,
      ...(typeof entry.startedDateTime === "string" && { time: entry.startedDateTime }),
      method: method.toUpperCase(),
      host: url.host,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: headerMap(request.headers),
      ...(requestBody && { requestBody }),
      status: Number.isInteger(status) ? status : 0,
      responseHeaders: headerMap(response.headers),
      ...(responseBody && { responseBody }),
    };
  });
}

/** The JSON a body holds, or undefined when it holds none (no body, not JSON, binary). */
export function jsonOf(body: RecordedBody | undefined): { value: unknown } | undefined {
  if (body?.text === undefined || body.text === "") return undefined;
  try {
    return { value: JSON.parse(body.text) };
  } catch {
    return undefined;
  }
}

/** The media type without its parameters, in lower case. */
export const bareMediaType = (mediaType: string | undefined) =>
  (mediaType ?? "").replace(/;.*$/s, "").trim().toLowerCase();
