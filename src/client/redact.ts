// Keeps the API key out of everything an answer hands back: kept texts, header values, and every
// string and property name of a parsed body. A server may echo the key as sent, JSON-escaped
// (`\"`, `\/`, `\u0041`) or percent-encoded (`%2F`, `%2f`, `+` for a space); each character of
// the key may come in any of these forms, so mixtures are found too.
//
// The rule for short keys: a key of 8 characters or more is redacted wherever it appears. A
// shorter one (the mock's "k") could be part of any word, so it is redacted only where it stands
// alone, not next to a letter, a digit, `_` or `-`: "k" in `{"seen":"k"}` is redacted, the k in
// "kyc" is not.

export const redacted = "[redacted]";

/** Keys this long or longer are redacted inside words too: a false match is then implausible. */
export const minKeyLengthForSubstrings = 8;

export interface Redactor {
  /**
   * Whether the text may hold the key in some form. False for almost every answer, so the
   * redaction itself (and the walk over a parsed body) is skipped.
   */
  found(text: string): boolean;
  /** The text with every occurrence of the key replaced by `[redacted]`. */
  text(text: string): string;
  /** A parsed body with the key redacted from every string and property name. */
  value(value: unknown): unknown;
}

export function createRedactor(key: string): Redactor {
  const forms = Array.from(key, charForms).join("");
  const whole = key.length >= minKeyLengthForSubstrings ? forms : `(?<![A-Za-z0-9_-])${forms}(?![A-Za-z0-9_-])`;
  // `found` ignores word boundaries: decoding a JSON string can change what stands next to the key.
  const anywhere = new RegExp(forms);
  const one = new RegExp(whole);
  const every = new RegExp(whole, "g");
  const text = (s: string) => (one.test(s) ? s.replace(every, redacted) : s);
  const value = (v: unknown): unknown => {
    if (typeof v === "string") return text(v);
    if (Array.isArray(v)) return v.map(value);
    if (typeof v === "object" && v !== null) {
      return Object.fromEntries(Object.entries(v).map(([name, inner]) => [text(name), value(inner)]));
    }
    return v;
  };
  return { found: (s) => anywhere.test(s), text, value };
}

const jsonShortEscapes: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "/": "\\/",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};

/** A regular expression matching one character (a code point) of the key in any form it may be echoed in. */
function charForms(char: string): string {
  const forms = new Set([escapeRegExp(char)]);
  const short = jsonShortEscapes[char];
  if (short) forms.add(escapeRegExp(short));
  // JSON's \uXXXX escapes one UTF-16 unit each (an astral character takes two).
  forms.add(Array.from({ length: char.length }, (_, i) => `\\\\u${hex(char.charCodeAt(i), 4)}`).join(""));
  forms.add(Array.from(new TextEncoder().encode(char), (byte) => `%${hex(byte, 2)}`).join(""));
  if (char === " ") forms.add("\\+");
  return `(?:${[...forms].join("|")})`;
}

/** A number in hexadecimal, either case: 0x2f matches "2f" and "2F". */
function hex(n: number, width: number): string {
  return Array.from(n.toString(16).padStart(width, "0"), (d) =>
    /[a-f]/.test(d) ? `[${d}${d.toUpperCase()}]` : d,
  ).join("");
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");
}
