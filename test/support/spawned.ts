// Waiting on a process by what it says, never by the clock: a process is ready when it prints its
// banner, a request was logged when its line arrives, a file was written when it changes. Nothing
// here starts a timer at a spawn (a busy machine may take many seconds to start Node): the test's
// own limit is the hang guard. The one timed wait, `shows`, starts after an answer, for a line
// already on its way.
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/** Text as it arrives (a process's output), and waits on what it comes to hold. */
export interface Transcript {
  text(): string;
  append(chunk: string | Buffer): void;
  /** No more text will come (the process closed its output). */
  end(): void;
  /** The first match of `pattern` from offset `from`, as soon as it arrives; undefined if the text ends without one. */
  until(pattern: RegExp, from?: number): Promise<RegExpExecArray | undefined>;
  /** Whether the text (from `from`) holds `pattern`, waiting at most `guardMs` for it to arrive. */
  shows(pattern: string | RegExp, from: number, guardMs: number): Promise<boolean>;
}

export function transcript(): Transcript {
  let text = "";
  let ended = false;
  const waiting = new Set<() => void>();
  const wake = () => {
    for (const check of [...waiting]) check();
  };
  const match = (pattern: string | RegExp, from: number) =>
    typeof pattern === "string"
      ? text.slice(from).includes(pattern)
        ? ([pattern] as unknown as RegExpExecArray)
        : null
      : pattern.exec(text.slice(from));
  return {
    text: () => text,
    append: (chunk) => {
      text += chunk;
      wake();
    },
    end: () => {
      ended = true;
      wake();
    },
    until: (pattern, from = 0) =>
      new Promise((resolve) => {
        const check = () => {
          const found = match(pattern, from);
          if (!found && !ended) return;
          waiting.delete(check);
          resolve(found ?? undefined);
        };
        waiting.add(check);
        check();
      }),
    shows: (pattern, from, guardMs) =>
      new Promise((resolve) => {
        const check = () => {
          if (!match(pattern, from) && !ended) return;
          waiting.delete(check);
          clearTimeout(timer);
          resolve(match(pattern, from) !== null);
        };
        // At the guard, one more look once the event loop has read whatever I/O is pending: a
        // stalled loop must not turn a line already in the pipe into a miss.
        const timer = setTimeout(
          () =>
            setImmediate(() => {
              waiting.delete(check);
              resolve(match(pattern, from) !== null);
            }),
          guardMs,
        );
        waiting.add(check);
        check();
      }),
  };
}

export interface Watched {
  child: ChildProcess;
  /** What the process wrote to stdout. */
  stdout: Transcript;
  /** stdout and stderr together, for failure messages and for programs that log to either. */
  all: Transcript;
  /** Resolves with the exit code once the process has exited and its output is read. */
  closed: Promise<number | null>;
  /** The first match of `pattern` on stdout; rejects, with everything the process said, if it exits first. */
  ready(pattern: RegExp): Promise<RegExpExecArray>;
}

export function watch(child: ChildProcess, name = "the process"): Watched {
  const stdout = transcript();
  const all = transcript();
  child.stdout!.on("data", (chunk) => {
    stdout.append(chunk);
    all.append(chunk);
  });
  child.stderr!.on("data", (chunk) => all.append(chunk));
  const closed = new Promise<number | null>((resolve) =>
    child.once("close", (code) => {
      stdout.end();
      all.end();
      resolve(code);
    }),
  );
  const ready = async (pattern: RegExp) => {
    const found = await stdout.until(pattern);
    if (found) return found;
    throw new Error(
      `${name} exited (${child.exitCode ?? child.signalCode}) before printing ${pattern}; it said:\n${all.text()}`,
    );
  };
  return { child, stdout, all, closed, ready };
}

/**
 * Resolves once `holds()` is true of a file, checked now and at each change in its folder (a file
 * replaced by a rename included); the test's own limit is the guard.
 */
export function untilFile(file: string, holds: (text: string) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      let text = "";
      try {
        text = fs.readFileSync(file, "utf8");
      } catch {
        return; // not written yet
      }
      if (!holds(text)) return;
      watcher.close();
      resolve();
    };
    const watcher = fs.watch(path.dirname(file), check);
    check();
  });
}

/**
 * Resolves once the child's stdout has printed `text`, counted from this call (call it at the
 * spawn, or before the request that causes the line); rejects if the output ends first.
 */
export function printed(child: ChildProcess, text: string): Promise<void> {
  const seen = transcript();
  child.stdout!.on("data", (chunk) => seen.append(chunk));
  child.once("close", () => seen.end());
  return seen.until(new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).then((found) => {
    if (!found) throw new Error(`the process exited before printing "${text}"; it printed:\n${seen.text()}`);
  });
}
