// The deadline layer: each attempt (its fetch and its body read) within `timeoutMs` or the time
// the call has left, whichever is shorter, and the caller's AbortSignal. One controller per
// attempt: the timer and the caller's signal both abort it and reject `stopped`, and the layers
// below end on them. A
// failure below is named here: aborted by the caller, out of time, or else a network failure.
import { clock } from "./clock.js";
import { type Layer, TransportFailure } from "./layer.js";

export const deadlineLayer =
  (timeoutMs: number, caller: AbortSignal | undefined): Layer =>
  (next) =>
  async (outgoing) => {
    const remainingMs = outgoing.deadline - clock.now();
    const expiry = remainingMs < timeoutMs ? "total-timeout" : "timeout";
    const controller = new AbortController();
    let stop!: (reason: unknown) => void;
    const stopped = new Promise<never>((_, reject) => {
      stop = reject;
    });
    stopped.catch(() => undefined);
    const abort = (reason: unknown) => {
      controller.abort(reason);
      stop(reason);
    };
    let expired = false;
    const timer = setTimeout(
      () => {
        expired = true;
        abort(new DOMException(expiry, "TimeoutError"));
      },
      Math.max(0, Math.min(timeoutMs, remainingMs)),
    );
    const onCallerAbort = () => abort(caller?.reason);
    if (caller?.aborted) onCallerAbort();
    caller?.addEventListener("abort", onCallerAbort, { once: true });
    try {
      return await next({ ...outgoing, signal: controller.signal, stopped });
    } catch (error) {
      if (caller?.aborted) throw new TransportFailure("aborted", { cause: caller.reason });
      if (expired) throw new TransportFailure(expiry, { cause: error });
      throw error;
    } finally {
      clearTimeout(timer);
      caller?.removeEventListener("abort", onCallerAbort);
    }
  };
