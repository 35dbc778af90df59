/** The documented P100 hosts (FAQ, docs V2–V4). All paths start with `/v1/`. */
export const environments = {
  /** Testing environment: test data, no real money. */
  stage: "https://partner-api-stage.p100.io",
  /** Production: real funds. */
  production: "https://partner-api.p100.io",
} as const;

export type P100Environment = keyof typeof environments;

export function isP100Environment(value: unknown): value is P100Environment {
  return typeof value === "string" && Object.hasOwn(environments, value);
}
