export { createP100Client, type P100Client, type P100ClientOptions } from "./client.js";
export { P100ConfigError } from "./config-error.js";
export { environments, type P100Environment } from "./environments.js";
export type { P100Result, ResponseWithStatus, StatusResult } from "./result.js";
export type * from "./types.js";
