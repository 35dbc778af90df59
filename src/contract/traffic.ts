// Reads a file of recorded calls, whichever of the three kinds it is: HAR 1.2 (exchange.ts), a
// Pact file (v2 to v4: a consumer's expectations), or the sandbox's journal (the JSON of
// GET /_sandbox/requests: calls without bodies, each with its operation and user).
import fs from "node:fs";
import path from "node:path";
import { type Exchange, exchangesOfHar, isHar, type RecordedBody } from "./exchange.js";
import { listOf, objectOf, textOf } from "./json.js";

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

function isPact(doc: unknown): boolean {
  const pact = objectOf(doc);
  return Array.isArray(pact.interactions) && (pact.consumer !== undefined || pact.provider !== undefined);
}

/** The HTTP interactions of a Pact file (v4's message interactions are not calls, and are left out). */
function exchangesOfPact(doc: unknown, file: string): Exchange[] {
  const pact = objectOf(doc);
  const metadata = objectOf(pact.metadata);
  const version = String(
    objectOf(metadata.pactSpecification).version ?? objectOf(metadata["pact-specification"]).version ?? "2",
  );
  const v4 = version.startsWith("4");
  return listOf(pact.interactions).flatMap((raw, index): Exchange[] => {
    const interaction = objectOf(raw);
    if (v4 && interaction.type && interaction.type !== "Synchronous/HTTP") return [];
    const description = textOf(interaction.description);
    const where = `${file} interaction ${index + 1}${description ? ` (${description})` : ""}`;
    const request = objectOf(interaction.request);
    const response = objectOf(interaction.response);
    const method = textOf(request.method);
    const path = textOf(request.path);
    if (!method || !path) throw new Error(`${file} interaction ${index + 1} has no request method and path`);
    const headers = lowerKeys(request.headers);
    const responseHeaders = lowerKeys(response.headers);
    const requestBody = pactBody(request.body, headers, v4);
    const responseBody = pactBody(response.body, responseHeaders, v4);
    return [
      {
        where,
        method: method.toUpperCase(),
        host: "",
        path,
        query: pactQuery(request.query),
        headers,
        ...(requestBody && { requestBody }),
        status: Number(response.status ?? 0),
        responseHeaders,
        ...(responseBody && { responseBody }),
      },
    ];
  });
}

/** The sandbox journal's entries (JournalEntry of openapi/sandbox.yaml), oldest first. */
function exchangesOfJournal(doc: unknown[], file: string): Exchange[] {
  return doc.map((raw, index): Exchange => {
    const entry = objectOf(raw);
    const method = textOf(entry.method);
    const path = textOf(entry.path);
    if (!method || !path || typeof entry.status !== "number") {
      throw new Error(`${file} entry ${index + 1} is not a journal entry (method, path, status)`);
    }
    return {
      where: `${file} entry ${index + 1} (id ${String(entry.id)})`,
      ...(typeof entry.time === "string" && { time: entry.time }),
      method: method.toUpperCase(),
      host: "",
      path,
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
function kindOf(doc: unknown): TrafficKind | undefined {
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
