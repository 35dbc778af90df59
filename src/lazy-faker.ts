// Prism's mocker requires all of faker (60 locales, about 1 900 files: more than half of the mock's
// start time) as it loads, yet reads it only while generating a dynamic answer for a schema with an
// `x-faker` keyword. While Prism loads, Node's module cache holds a stand-in for faker, so the real
// one loads on first use instead. Where faker cannot be found, nothing changes.
import { createRequire, Module } from "node:module";

/** Runs `load` (the import of Prism) with faker deferred; the stand-in leaves the cache afterwards. */
export async function withFakerDeferred<T>(load: () => Promise<T>): Promise<T> {
  const found = fakerModule();
  if (!found) return load();
  const { require, id } = found;
  if (require.cache[id]) return load(); // Already loaded: nothing to save.

  const standIn = new Module(id);
  let real: object | undefined;
  const faker = () => {
    if (!real) {
      if (require.cache[id] === standIn) delete require.cache[id];
      real = (require(id) as { default: object }).default; // the one instance, shared with any other user
    }
    return real;
  };
  // json-schema-faker keeps this object and reads `faker.<module>.<method>` from it when generating.
  const lazy = new Proxy(
    {},
    { get: (_target, key) => Reflect.get(faker(), key), has: (_target, key) => key in faker() },
  );
  standIn.filename = id;
  standIn.loaded = true;
  standIn.exports = { __esModule: true, default: lazy, faker: lazy };
  require.cache[id] = standIn;
  try {
    return await load();
  } finally {
    if (require.cache[id] === standIn) delete require.cache[id];
  }
}

/** Faker as Prism's mocker resolves it. */
function fakerModule() {
  try {
    const fromHere = createRequire(import.meta.url);
    const require = createRequire(fromHere.resolve("@stoplight/prism-http/dist/mocker/generator/JSONSchema.js"));
    return { require, id: require.resolve("@faker-js/faker") };
  } catch {
    return undefined;
  }
}
