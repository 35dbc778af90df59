/**
 * Thrown by `createP100Client` when its options cannot work. The message says what to change
 * and never contains the API key.
 */
export class P100ConfigError extends Error {
  override name = "P100ConfigError";
}
