// Parsed JSON read without trusting its shape (the bundle, recorded bodies, traffic files): each
// member is looked at before it is used, so a file of the wrong shape gives a clear error, not a crash.
export type JsonObject = { [key: string]: unknown };

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The object itself, or an empty one. */
export const objectOf = (value: unknown): JsonObject => (isObject(value) ? value : {});

/** The array itself, or an empty one. */
export const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** The string itself, or undefined. */
export const textOf = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
