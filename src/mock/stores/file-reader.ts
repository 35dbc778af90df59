// Reading the file store's file (file-store.ts): one record a line (records.ts), after a first
// line that names the format and its version. Version 1 (written whole by 0.x releases before the
// log) and version 2 (a log: later records replace, remove and trim) are read. A file whose first
// line does not name the format, or with a line that is not a record, or a record the world could
// not hold, stops the start with one line naming the line, and is left as it is; only a last line
// cut short (a write the process did not finish) is left out.
import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import { createInterface } from "node:readline";
import { MockStartError } from "../../errors.js";
import { applyRecord, RecordProblem, type WorldRead } from "./records.js";

export const format = "p100-mock-sandbox-state";
export const version = 2;

export interface FileRead {
  /** The worlds, by name; none when the file does not exist. */
  worlds: Map<string, WorldRead>;
  /** Whether the file exists. */
  found: boolean;
  /** The version it was written in. */
  version: number;
  /** Its records (lines after the first). */
  records: number;
  /** Whether its last line was cut short (and left out). */
  torn: boolean;
  /** Whether it ends with a line break (else an append would join its last line). */
  ended: boolean;
}

/** The refusal of a file, in one line. */
export const refused = (path: string, why: string) =>
  new MockStartError(
    `the state file ${path} ${why}; it is left as it is: move it away, or name another file with --state (startMock's stateFile)`,
  );

/** Whether the file's last byte is a line break (a last line without one was cut short). */
async function endsWithNewline(path: string): Promise<boolean> {
  const handle = await fs.open(path, "r");
  try {
    const { size } = await handle.stat();
    if (size === 0) return true;
    const { buffer } = await handle.read(Buffer.alloc(1), 0, 1, size - 1);
    return buffer[0] === 0x0a;
  } finally {
    await handle.close();
  }
}

/** Reads the file; `check` adds what this start refuses of a value (a saved endpoint off this machine). */
export async function readStateFile(
  path: string,
  check: (field: string, value: unknown) => string | undefined = () => undefined,
): Promise<FileRead> {
  const worlds = new Map<string, WorldRead>();
  try {
    await fs.access(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT") throw new MockStartError(`cannot read the state file ${path}: ${code}`);
    return { worlds, found: false, version, records: 0, torn: false, ended: true };
  }
  const whole = await endsWithNewline(path).catch(() => true);
  const input = createReadStream(path);
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let number = 0;
  let read: 1 | 2 = 2;
  let torn = false;
  let pending: { text: string; number: number } | undefined;
  /** Takes one record line (the line before the current one: the last may be cut short). */
  const take = ({ text, number }: { text: string; number: number }, last: boolean) => {
    let record: Record<string, unknown> | undefined;
    try {
      record = JSON.parse(text);
    } catch {
      if (last && !whole) {
        torn = true;
        return;
      }
    }
    if (typeof record?.w !== "string" || (record.f !== undefined && typeof record.f !== "string"))
      throw refused(path, `is corrupt (line ${number} is not a state record)`);
    try {
      applyRecord(worlds, record, read, check);
    } catch (error) {
      if (error instanceof RecordProblem) throw refused(path, `is corrupt (line ${number}: ${error.message})`);
      throw error;
    }
  };
  try {
    for await (const text of lines) {
      number++;
      if (number === 1) {
        let head: { format?: unknown; version?: unknown } | undefined;
        try {
          head = JSON.parse(text);
        } catch {
          head = undefined;
        }
        if (head?.format !== format)
          throw refused(path, `is not a p100-mock state file (its first line does not say "${format}")`);
        if (head.version !== 1 && head.version !== 2)
          throw refused(path, `has state format version ${String(head.version)}, and this p100-mock reads 1 and 2`);
        read = head.version;
        continue;
      }
      if (pending) take(pending, false);
      pending = { text, number };
    }
    if (pending) take(pending, true);
  } catch (error) {
    if (error instanceof MockStartError) throw error;
    throw new MockStartError(`cannot read the state file ${path}: ${(error as NodeJS.ErrnoException).code}`);
  } finally {
    lines.close();
    input.destroy();
  }
  if (number === 0) throw refused(path, "is empty, not a p100-mock state file");
  return { worlds, found: true, version: read, records: number - 1, torn, ended: whole };
}
