// Where an API key shows up in what a call handed back: every string reachable from a value
// (a result's data, error, drift and text; an error's message, stack and causes; a response's
// headers and status text), in each form a reader would recognise it in.

/** The key as sent, JSON-escaped, percent-encoded and form-encoded. */
export function keyForms(key: string): string[] {
  return [
    ...new Set([
      key,
      JSON.stringify(key).slice(1, -1),
      encodeURIComponent(key),
      new URLSearchParams({ k: key }).toString().slice(2),
    ]),
  ];
}

/** Each place (a path and its text) where the key appears; empty when it appears nowhere. */
export function leaksOf(value: unknown, key: string): string[] {
  const forms = keyForms(key);
  const found: string[] = [];
  const seen = new Set<unknown>();
  const visit = (v: unknown, path: string): void => {
    if (typeof v === "string") {
      if (forms.some((form) => v.includes(form))) found.push(`${path}: ${v}`);
      return;
    }
    if (typeof v !== "object" || v === null || seen.has(v)) return;
    seen.add(v);
    if (v instanceof Headers) {
      for (const [name, text] of v) visit(text, `${path}.${name}`);
      return;
    }
    if (v instanceof Response || v instanceof Request) {
      visit(v.headers, `${path}.headers`);
      visit(v instanceof Response ? v.statusText : v.url, `${path}.${v instanceof Response ? "statusText" : "url"}`);
      return;
    }
    if (v instanceof Error) {
      visit(String(v), `${path} as text`);
      visit(v.stack, `${path}.stack`);
      visit(v.cause, `${path}.cause`);
    }
    for (const [name, inner] of Object.entries(v)) {
      visit(name, `${path} (a key)`);
      visit(inner, `${path}.${name}`);
    }
  };
  visit(value, "value");
  return found;
}
