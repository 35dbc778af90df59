// The transport's clock: one object, so that tests can watch (or skip) the waits between attempts
// and move time on without real timers. The deadline and retry layers read it.
import { TransportFailure } from "./layer.js";

export const clock = {
  now: () => performance.now(),
  sleep: pause,
};

/** Waits `ms`, or fails as `aborted` when the caller's signal fires first; returns the time waited. */
async function pause(ms: number, signal: AbortSignal | undefined): Promise<number> {
  if (signal?.aborted) throw new TransportFailure("aborted", { cause: signal.reason });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(timer);
      reject(new TransportFailure("aborted", { cause: signal?.reason }));
    }
    signal?.addEventListener("abort", onAbort, { once: true });
  });
  return ms;
}
