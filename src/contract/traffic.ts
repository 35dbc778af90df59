// Reads a file of recorded calls, whichever of the three kinds it is: HAR 1.2 (exchange.ts), a
// Pact file (v2 to v4: a consumer's expectations), or the sandbox's journal (the JSON of
// GET /_sandbox/requests: calls without bodies, each with its operation and user).
import fs from "node:fs";
import path from "node:path";
import { type Exchange, exchangesOfHar, isHar, type RecordedBody } from "./exchange.js";

export type TrafficKind = "har" | "pact" | "journal";

const lowerKeys = (headers: unknown): Record<string, string> =>
  Object.fromEntries(
    Object.entries((headers as Record<string, unknown>) ?? {}).map(([k, v]) => [
      k.toLowerCase(),
      Array.isArray(v) ? v.join(", ") : String(v),
    ]),
  );

/** A Pact body: v2/v3 give the value itself, v4 `{ content, contentType, encoded }`. */
function pactBody(body: unknown, headers: Record<string, string>, v4: boolean): RecordedBody | undefined {
  if (body === undefined || body === null) return undefined;
  const mediaType = headers["content-type"] ?? "application/json";
  if (v4 && typeof body === "object" && "content" in (body as object)) {
    const b = body as { content: unknown; contentType?: string; encoded?: unknown };
    const type = b.contentType ?? mediaType;
    if (b.encoded === "base64" || b.encoded === true) {
      return { mediaType: type, text: Buffer.from(String(b.content), "base64").toString("utf8") };
    }
    return { mediaType: type, text: typeof b.content === "string" ? b.content : JSON.stringify(b.content) };
  }
  return { mediaType, text: typeof body === "string" ? body : JSON.stringify(body) };
}

function pactQuery(query: unknown): Record<string, string> {
  if (typeof query === "string") return Object.fromEntries(new URLSearchParams(query));
  return Object.fromEntries(
    Object.entries((query as Record<string, unknown>) ?? {}).map(([k, v]) => [
      k,
      Array.isArray(v) ? String(v[0]) : String(v),
    ]),
  );
}

export function isPact(doc: any): boolean {
  return Array.isArray(doc?.interactions) && (doc.consumer !== undefined || doc.provider !== undefined);
}

/** The HTTP interactions of a Pact file (v4's message interactions are not calls, and are left out). */
export function exchangesOfPact(doc: any, file: string): Exchange[] {
  const version = String(
    doc.metadata?.pactSpecification?.version ?? doc.metadata?.["pact-specification"]?.version ?? "2",
  );
  const v4 = version.startsWith("4");
  return doc.interactions.flatMap((interaction: any, index: number): Exchange[] => {
    if (v4 && interaction.type && interaction.type !== "Synchronous/HTTP") return [];
    const where = `${file} interaction ${index + 1}${interaction.description ? ` (${String(interaction.description)})` : ""}`;
    const request = interaction.request;
    if (typeof request?.method !== "string" || typeof request.path !== "string") {
      throw new Error(`${file} interaction ${index + 1} has no request method and path`);
    }
    const headers = lowerKeys(request.headers);
    const responseHeaders = lowerKeys(interaction.response?.headers);
    const requestBody = pactBody(request.body, headers, v4);
    const responseBody = pactBody(interaction.response?.body, responseHeaders, v4);
    return [
      {
        where,
        method: request.method.toUpperCase(),
        host: "",
        path: request.path,
        query: pactQuery(request.query),
        headers,
        ...(requestBody && { requestBody }),
        status: Number(interaction.response?.status ?? 0),
        responseHeaders,
        ...(responseBody && { responseBody }),
      },
    ];
  });
}

/** The sandbox journal's entries (JournalEntry of openapi/sandbox.yaml), oldest first. */
export function exchangesOfJournal(doc: unknown[], file: string): Exchange[] {
  return doc.map((entry: any, index: number): Exchange => {
    if (typeof entry?.method !== "string" || typeof entry.path !== "string" || typeof entry.status !== "number") {
      throw new Error(`${file} entry ${index + 1} is not a journal entry (method, path, status)`);
    }
    return {
      where: `${file} entry ${index + 1} (id ${entry.id})`,
      ...(typeof entry.time === "string" && { time: entry.time }),
      method: entry.method.toUpperCase(),
      host: "",
      path: entry.path,
      query: {},
      headers: {},
      status: entry.status,
      responseHeaders: {},
      ...(typeof entry.externalUserId === "string" && { externalUserId: entry.externalUserId }),
      ...(typeof entry.operation === "string" && { operationId: entry.operation }),
    };
  });
}

/** The kind of a parsed traffic file, or undefined. */
export function kindOf(doc: unknown): TrafficKind | undefined {
  if (isHar(doc)) return "har";
  if (isPact(doc)) return "pact";
  if (Array.isArray(doc) && doc.every((e) => typeof e === "object" && e !== null && "method" in e && "status" in e)) {
    return "journal";
  }
  return undefined;
}

/** Reads one file of traffic; throws one line when it cannot. */
export function readTraffic(file: string, only?: TrafficKind[]): { kind: TrafficKind; exchanges: Exchange[] } {
  const name = path.basename(file);
  let doc: unknown;
  try {
    doc = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : "not JSON";
    throw new Error(`cannot read ${file}: ${reason}`);
  }
  const kind = kindOf(doc);
  if (!kind || (only && !only.includes(kind))) {
    const wanted = (only ?? ["har", "pact", "journal"]).join(", ");
    throw new Error(`${file} is none of: ${wanted.replace("journal", "the sandbox's journal")}`);
  }
  const exchanges =
    kind === "har"
      ? exchangesOfHar(doc, name)
      : kind === "pact"
        ? exchangesOfPact(doc, name)
        : exchangesOfJournal(doc as unknown[], name);
  return { kind, exchanges };
}
