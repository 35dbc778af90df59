// An answer's headers with the API key redacted from every value, as each is read: checking every
// header of every answer up front (undici sorts and decodes them on the first iteration) costs a
// few microseconds per call, while openapi-fetch reads one header. Immutable, as fetch's are.
import type { Redactor } from "../redact.js";

export class RedactedHeaders extends Headers {
  readonly #from: Headers;
  readonly #redactor: Redactor;

  constructor(from: Headers, redactor: Redactor) {
    super();
    this.#from = from;
    this.#redactor = redactor;
  }

  override get(name: string): string | null {
    const value = this.#from.get(name);
    return value === null ? null : this.#redactor.text(value);
  }
  override has(name: string): boolean {
    return this.#from.has(name);
  }
  override getSetCookie(): string[] {
    return this.#from.getSetCookie().map((value) => this.#redactor.text(value));
  }
  override forEach(callback: (value: string, name: string, parent: Headers) => void, thisArg?: unknown): void {
    for (const [name, value] of this) callback.call(thisArg, value, name, this);
  }
  override *entries(): HeadersIterator<[string, string]> {
    for (const [name, value] of this.#from) yield [name, this.#redactor.text(value)];
  }
  override keys(): HeadersIterator<string> {
    return this.#from.keys();
  }
  override *values(): HeadersIterator<string> {
    for (const [, value] of this.entries()) yield value;
  }
  override [Symbol.iterator](): HeadersIterator<[string, string]> {
    return this.entries();
  }
  override set(): void {
    throw new TypeError("immutable: an answer's headers cannot be changed");
  }
  override append(): void {
    throw new TypeError("immutable: an answer's headers cannot be changed");
  }
  override delete(): void {
    throw new TypeError("immutable: an answer's headers cannot be changed");
  }
  /** What console.log and util.inspect show: the redacted headers. */
  [Symbol.for("nodejs.util.inspect.custom")]() {
    return Object.fromEntries(this.entries());
  }
}
