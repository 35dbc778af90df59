// The innermost layer: the fetch itself, and the whole body read with every decoded byte counted
// against the cap (fetch has already undone any Content-Encoding, so a small compressed body that
// inflates past the cap stops there, whether its length was announced or it came chunked). Each
// read races the deadline's `stopped`. A failure that is not the signal's doing is a network
// failure, described by network-failure.ts.
import { describeNetworkFailure } from "../network-failure.js";
import { type Send, TransportFailure } from "./layer.js";

export type Fetch = (request: Request, init?: RequestInit) => Promise<Response>;

export const fetchWithCap =
  (fetch: Fetch | undefined, maxBytes: number): Send =>
  async ({ request, headers, signal, stopped }) => {
    try {
      const response = fetch
        ? await fetch(new Request(request, { signal, headers }))
        : await globalThis.fetch(request, { signal, headers });
      return { response, text: await readText(response, maxBytes, stopped) };
    } catch (error) {
      if (error instanceof TransportFailure || signal?.aborted) throw error;
      throw new TransportFailure("network", { cause: error, detail: describeNetworkFailure(request.url, error) });
    }
  };

const decoder = new TextDecoder();

async function readText(response: Response, maxBytes: number, stopped: Promise<never> | undefined): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await (stopped ? Promise.race([reader.read(), stopped]) : reader.read());
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) throw new TransportFailure("too-large", { status: response.status });
      chunks.push(value);
    }
  } catch (error) {
    void reader.cancel().catch(() => undefined); // release the connection
    throw error;
  }
  if (chunks.length === 1) return decoder.decode(chunks[0]);
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return decoder.decode(bytes);
}
