// One recorded call, whatever file it came from (a HAR file, a Pact file, the sandbox's journal),
// and the HAR 1.2 reader: what the proxy's --record writes and browsers' developer tools export.

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
  if (Array.isArray(list)) {
    for (const h of list) {
      if (typeof h?.name === "string" && typeof h?.value === "string") map[h.name.toLowerCase()] = h.value;
    }
  }
  return map;
};

/** A HAR `content` or `postData` as text: base64 bodies decoded, binary ones as their media type only. */
function bodyOf(content: any): RecordedBody | undefined {
  if (!content || typeof content !== "object") return undefined;
  const mediaType = typeof content.mimeType === "string" ? content.mimeType : "";
  if (typeof content.text !== "string") return mediaType ? { mediaType } : undefined;
  const text = content.encoding === "base64" ? Buffer.from(content.text, "base64").toString("utf8") : content.text;
  return { mediaType, text };
}

export function isHar(doc: any): boolean {
  return Array.isArray(doc?.log?.entries);
}

/** The exchanges of a HAR 1.2 document; throws one line naming the first unreadable entry. */
export function exchangesOfHar(doc: any, file: string): Exchange[] {
  if (!isHar(doc)) throw new Error(`${file} is not a HAR file (no log.entries)`);
  return doc.log.entries.map((entry: any, index: number): Exchange => {
    const where = `${file} entry ${index + 1}`;
    let url: URL;
    try {
      url = new URL(entry?.request?.url);
    } catch {
      throw new Error(`${where} has no absolute request.url`);
    }
    if (typeof entry.request.method !== "string") throw new Error(`${where} has no request.method`);
    const status = Number(entry.response?.status ?? 0);
    return {
      where,
      ...(typeof entry.startedDateTime === "string" && { time: entry.startedDateTime }),
      method: entry.request.method.toUpperCase(),
      host: url.host,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: headerMap(entry.request.headers),
      ...(entry.request.postData && { requestBody: bodyOf(entry.request.postData) }),
      status: Number.isInteger(status) ? status : 0,
      responseHeaders: headerMap(entry.response?.headers),
      ...(entry.response?.content && { responseBody: bodyOf(entry.response.content) }),
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
export const bareMediaType = (mediaType: string | undefined) => (mediaType ?? "").split(";")[0]!.trim().toLowerCase();
