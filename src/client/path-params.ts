// Path parameters, checked before anything is sent: openapi-fetch would send an empty one as
// another route and a missing one as the template itself, and URLs resolve `.` and `..`.
import { P100RequestError } from "../errors.js";

/** Each `{name}` of a path template, found once per path. */
const templateNames = new Map<string, string[]>();
function namesIn(path: string): string[] {
  let names = templateNames.get(path);
  if (!names) {
    names = Array.from(path.matchAll(/\{([^{}]+)\}/g), (m) => m[1] as string);
    templateNames.set(path, names);
  }
  return names;
}

/**
 * Every path parameter must be a segment the URL keeps: an empty one would call another route
 * (`/v1/user/balances/`), a missing one the template itself (`.../%7BexternalUserId%7D`), and
 * URLs resolve `.` and `..` (even percent-encoded).
 */
export function checkPathParams(operationId: string, path: string, given: Record<string, unknown> | undefined) {
  for (const name of namesIn(path)) {
    const value = given?.[name];
    const problem =
      value === undefined || value === null
        ? `is ${value === null ? "null" : "missing (undefined)"}: every path parameter is required`
        : value === ""
          ? "is empty: the call would go to another route"
          : value === "." || value === ".."
            ? `cannot be "${value}": a URL path cannot carry it`
            : undefined;
    if (problem) throw new P100RequestError(`${operationId}: the path parameter ${name} ${problem}.`);
  }
}
