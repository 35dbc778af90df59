// The Response the transport hands openapi-fetch: a real Response (a subclass, `instanceof
// Response`) whose body is the text the layers below read and buffered. Its body methods serve
// that text from memory: a stream-backed Response built from a string costs, on Node 20's
// undici, about as much to build and read again as the rest of the client's work together
// (bench/README.md). `body`, or a `clone()` that is read as a stream, gets a real stream of it.
// Reading the body twice fails as it does for any Response.

export class BufferedResponse extends Response {
  readonly #text: string | null;
  readonly #headers: Headers;
  readonly #url: string;
  readonly #redirected: boolean;
  /** A stream-backed Response of the same text, made only when something asks for a stream. */
  #streamed: Response | undefined;
  #used = false;

  constructor(
    text: string | null,
    from: Pick<Response, "status" | "statusText" | "url" | "redirected">,
    headers: Headers,
  ) {
    super(null, { status: from.status, statusText: from.statusText });
    this.#text = text;
    this.#headers = headers;
    this.#url = from.url;
    this.#redirected = from.redirected;
  }

  override get headers(): Headers {
    return this.#headers;
  }
  /** The URL the answer came from (after redirects), as fetch's own Response has it. */
  override get url(): string {
    return this.#url;
  }
  override get redirected(): boolean {
    return this.#redirected;
  }
  override get body(): ReadableStream<Uint8Array<ArrayBuffer>> | null {
    if (this.#text === null) return null;
    this.#streamed ??= new Response(this.#used ? "" : this.#text);
    return this.#streamed.body;
  }
  override get bodyUsed(): boolean {
    return this.#streamed ? this.#streamed.bodyUsed : this.#used;
  }

  /** The text, once: a second read fails as Response's does. */
  #take(): Promise<string> {
    if (this.#streamed) return this.#streamed.text();
    if (this.#used) return Promise.reject(new TypeError("Body is unusable: Body has already been read"));
    this.#used = true;
    return Promise.resolve(this.#text ?? "");
  }
  override text(): Promise<string> {
    return this.#take();
  }
  override json(): Promise<unknown> {
    return this.#take().then((text) => JSON.parse(text));
  }
  override arrayBuffer(): Promise<ArrayBuffer> {
    return this.#take().then((text) => new Response(text).arrayBuffer());
  }
  override blob(): Promise<Blob> {
    return this.#take().then((text) => new Blob([text], { type: this.#headers.get("content-type") ?? "" }));
  }
  override formData(): Promise<FormData> {
    return this.#take().then((text) => new Response(text, { headers: this.#headers }).formData());
  }
  override clone(): Response {
    if (this.bodyUsed) throw new TypeError("Response.clone: Body has already been consumed.");
    if (!this.#streamed) return new BufferedResponse(this.#text, this, this.#headers);
    const init = { status: this.status, statusText: this.statusText, headers: this.#headers };
    return new Response(this.#streamed.clone().body, init);
  }
}
