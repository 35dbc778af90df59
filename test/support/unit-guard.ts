// The unit layer's promise, kept: while a unit test file runs, opening a socket or starting a
// process fails loudly (a test that needs one belongs to the in-process or the outside layer;
// vitest.config.ts). Restored after each file, since workers may be shared.
import { ChildProcess } from "node:child_process";
import net from "node:net";
import { afterAll, beforeAll } from "vitest";

const refused = (what: string) => () => {
  throw new Error(`a unit test may not ${what}: move the test to an in-process or outside file (vitest.config.ts)`);
};
const patched = [
  [net.Socket.prototype, "connect", refused("open a socket")],
  [net.Server.prototype, "listen", refused("listen on a port")],
  [ChildProcess.prototype, "spawn", refused("start a process")],
] as const;
const originals = patched.map(([target, name]) => (target as any)[name]);

beforeAll(() => {
  for (const [target, name, guard] of patched) (target as any)[name] = guard;
});
afterAll(() => {
  patched.forEach(([target, name], i) => {
    (target as any)[name] = originals[i];
  });
});
