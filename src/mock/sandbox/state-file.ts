// The sandbox's state file (`p100-mock --stateful --state <file>`, `startMock({ stateFile })`):
// every world's persisted fields as plain JSON, one record a line, so that neither writing nor
// reading needs one string the size of the whole sandbox. The first line names the format and
// its version; a file whose first line does not, or with a line that is not a record, or a record
// whose value the world could not hold (the `check` given, state-schema.ts), stops the start with
// one line and is left as it is. A Map field is written one entry a line, an array one
// item a line, anything else as one value, so a new field of a world's state needs no code here.
// Writes are atomic: the whole file goes to a temporary file beside it, which is then renamed over
// it. Changes close together are written once, soon after the first (and at close).
import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import { createInterface } from "node:readline";
import { MockStartError } from "../../errors.js";
import type { FieldRecord } from "./state-schema.js";

const format = "p100-mock-sandbox-state";
const version = 1;

/** One world's persisted fields, by name: Maps, arrays and plain JSON values. */
export type WorldState = Record<string, unknown>;

type StateLine =
  | { w: string } // a world begins
  | { w: string; f: string; k: string; v: unknown } // an entry of a Map field
  | { w: string; f: string; i: unknown } // an item of an array field
  | { w: string; f: string; v: unknown }; // a plain field

/** The shortest wait between two writes; a write that takes long makes the next one wait ten times as long. */
const minDelayMs = 200;

export class StateFile {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private dirty = false;
  private delayMs = minDelayMs;

  constructor(
    readonly path: string,
    private readonly log: (line: string) => void = () => undefined,
    /** What is wrong with a record, in a few words (undefined when nothing is): it refuses the file. */
    private readonly check: (record: FieldRecord) => string | undefined = () => undefined,
  ) {}

  /** The worlds the file holds, by name; none when it does not exist yet (it is then written at once, to check that it can be). */
  async read(): Promise<Map<string, WorldState>> {
    const worlds = new Map<string, WorldState>();
    const refused = (why: string) =>
      new MockStartError(
        `the state file ${this.path} ${why}; it is left as it is: move it away, or name another file with --state (startMock's stateFile)`,
      );
    try {
      await fs.access(this.path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOENT") throw new MockStartError(`cannot read the state file ${this.path}: ${code}`);
      await this.write([]).catch((failure: NodeJS.ErrnoException) => {
        throw new MockStartError(`cannot write the state file ${this.path}: ${failure.code ?? failure.message}`);
      });
      return worlds;
    }
    const input = createReadStream(this.path);
    const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    let number = 0;
    try {
      for await (const text of lines) {
        number++;
        let line: unknown;
        try {
          line = JSON.parse(text);
        } catch {
          line = undefined;
        }
        if (number === 1) {
          const head = line as { format?: unknown; version?: unknown } | undefined;
          if (head?.format !== format)
            throw refused(`is not a p100-mock state file (its first line does not say "${format}")`);
          if (head.version !== version)
            throw refused(
              `has state format version ${String(head.version)}, and this p100-mock reads version ${version}`,
            );
          continue;
        }
        const record = line as Partial<Record<"w" | "f" | "k" | "i" | "v", unknown>> | undefined;
        if (typeof record?.w !== "string" || (record.f !== undefined && typeof record.f !== "string"))
          throw refused(`is corrupt (line ${number} is not a state record)`);
        let state = worlds.get(record.w);
        if (!state) {
          state = {};
          worlds.set(record.w, state);
        }
        if (record.f === undefined) continue;
        const field = record.f;
        const kind = "k" in record ? "entry" : "i" in record ? "item" : "value";
        const problem = this.check({
          field,
          kind,
          key: record.k,
          value: kind === "item" ? record.i : record.v,
          sofar: state[field],
        });
        if (problem !== undefined) throw refused(`is corrupt (line ${number}: ${problem})`);
        if ("k" in record) {
          if (!(state[field] instanceof Map)) state[field] = new Map();
          (state[field] as Map<unknown, unknown>).set(record.k, record.v);
        } else if ("i" in record) {
          if (!Array.isArray(state[field])) state[field] = [];
          (state[field] as unknown[]).push(record.i);
        } else state[field] = record.v;
      }
    } catch (error) {
      if (error instanceof MockStartError) throw error;
      throw new MockStartError(`cannot read the state file ${this.path}: ${(error as NodeJS.ErrnoException).code}`);
    } finally {
      lines.close();
      input.destroy();
    }
    if (number === 0) throw refused("is empty, not a p100-mock state file");
    return worlds;
  }

  /** A write soon: changes made before it begins are written with it. */
  schedule(snapshot: () => Iterable<[string, WorldState]>) {
    this.dirty = true;
    if (this.timer || this.writing) return;
    this.timer = setTimeout(() => void this.run(snapshot), this.delayMs);
    this.timer.unref();
  }

  /** Writes now (after a write under way), whatever changed. */
  async flush(snapshot: () => Iterable<[string, WorldState]>) {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.writing;
    this.dirty = false;
    await this.write(snapshot()).catch((error: NodeJS.ErrnoException) => this.failed(error));
  }

  private async run(snapshot: () => Iterable<[string, WorldState]>) {
    this.timer = undefined;
    this.dirty = false;
    const started = performance.now();
    this.writing = this.write(snapshot()).catch((error: NodeJS.ErrnoException) => this.failed(error));
    await this.writing;
    this.writing = undefined;
    this.delayMs = Math.max(minDelayMs, 10 * (performance.now() - started));
    if (this.dirty) this.schedule(snapshot);
  }

  private failed(error: NodeJS.ErrnoException) {
    this.log(
      `p100-mock: cannot write the state file ${this.path}: ${error.code ?? error.message}; the sandbox keeps its state in memory and tries again after the next change\n`,
    );
  }

  /** The whole file, serialised at once (a consistent snapshot), then written beside it and renamed over it. */
  private async write(worlds: Iterable<[string, WorldState]>) {
    const chunks: string[] = [`${JSON.stringify({ format, version, savedAt: new Date().toISOString() })}\n`];
    let chunk = "";
    const add = (line: StateLine) => {
      chunk += `${JSON.stringify(line)}\n`;
      if (chunk.length > 1 << 20) {
        chunks.push(chunk);
        chunk = "";
      }
    };
    for (const [w, state] of worlds) {
      add({ w });
      for (const [f, value] of Object.entries(state)) {
        if (value instanceof Map) for (const [k, v] of value) add({ w, f, k, v });
        else if (Array.isArray(value)) for (const i of value) add({ w, f, i });
        else if (value !== undefined) add({ w, f, v: value });
      }
    }
    chunks.push(chunk);
    const temporary = `${this.path}.${process.pid}.tmp`;
    try {
      const handle = await fs.open(temporary, "w", 0o600);
      try {
        for (const piece of chunks) await handle.write(piece);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(temporary, this.path);
    } catch (error) {
      await fs.rm(temporary, { force: true });
      throw error;
    }
  }
}
