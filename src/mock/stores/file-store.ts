// The file store (`p100-mock --stateful --state <file>`, `startMock({ stateFile })`): the memory
// store (memory-store.ts), with each commit appended to a log on the disk as it happens: only the
// records of what changed (records.ts), one line per commit of a world, written and synced at once,
// so that a change reaches the disk in the time its own records take, whatever the size of the
// state. Now and then, and when the file was of an older version or a write failed, the log is
// compacted: every world's records, written to a temporary file beside it, which then takes the
// log's place by an atomic rename (the records committed meanwhile are appended to both). Reading
// is file-reader.ts's.
import fs from "node:fs/promises";
import { MockStartError } from "../../errors.js";
import type { World, WorldChanges } from "../sandbox/world.js";
import { format, readStateFile, version } from "./file-reader.js";
import { MemoryStore } from "./memory-store.js";
import { codecs, type StateRecord, worldRecords } from "./records.js";
import type { StoreOptions } from "./store.js";

/** What the log holds of a world, to write only what changed: its values and faults as written, its lists' ends. */
interface Written {
  values: Map<string, string>;
  faults: Map<number, string>;
  deliveriesFirst: number;
  journalFirst: number;
  journalLast: number;
}

const line = (record: StateRecord | object) => `${JSON.stringify(record)}\n`;

function writtenOf(world: World): Written {
  return {
    values: new Map(Object.entries(world.values()).map(([field, value]) => [field, JSON.stringify(value)])),
    faults: new Map(world.faults.map((fault) => [fault.id, JSON.stringify(fault)])),
    deliveriesFirst: world.deliveries[0]?.id ?? 0,
    journalFirst: world.journal[0]?.id ?? 0,
    journalLast: world.journal.at(-1)?.id ?? 0,
  };
}

/** One commit of a world as one line (a line cut short by a crash is left out whole at the next start). */
function commitLine(w: string, records: StateRecord[]): string | undefined {
  if (records.length <= 1) return records[0] && line(records[0]);
  return line({ w, all: records });
}

/** The records of one commit of a world: its changed users, deliveries, faults, journal entries and values. */
function changeRecords(world: World, changes: WorldChanges, written: Written): StateRecord[] {
  const w = world.name;
  const records: StateRecord[] = [];
  for (const id of changes.users) {
    const user = world.users.peek(id);
    records.push(user ? codecs.user.toRecord(w, user) : { w, f: "users", x: id });
  }
  const firstDelivery = world.deliveries[0]?.id ?? 0;
  if (firstDelivery > written.deliveriesFirst) records.push({ w, f: "deliveries", below: firstDelivery });
  written.deliveriesFirst = Math.max(written.deliveriesFirst, firstDelivery);
  for (const id of changes.deliveries) {
    const delivery = world.delivery(id);
    if (delivery) records.push(codecs.delivery.toRecord(w, delivery));
  }
  const faults = new Set<number>();
  for (const fault of world.faults) {
    faults.add(fault.id);
    const text = JSON.stringify(fault);
    if (written.faults.get(fault.id) === text) continue;
    written.faults.set(fault.id, text);
    records.push(codecs.fault.toRecord(w, fault));
  }
  for (const id of written.faults.keys())
    if (!faults.has(id)) {
      written.faults.delete(id);
      records.push({ w, f: "faults", x: id });
    }
  const firstEntry = world.journal[0]?.id ?? 0;
  if (firstEntry > written.journalFirst) records.push({ w, f: "journal", below: firstEntry });
  written.journalFirst = Math.max(written.journalFirst, firstEntry);
  let from = world.journal.length;
  while (from > 0 && (world.journal[from - 1]?.id ?? 0) > written.journalLast) from--;
  for (const entry of world.journal.slice(from)) records.push(codecs.journalEntry.toRecord(w, entry));
  written.journalLast = Math.max(written.journalLast, world.journal.at(-1)?.id ?? 0);
  records.push(
    ...codecs.values.toRecords(w, world.values(), (field, value) => {
      const text = JSON.stringify(value);
      if (written.values.get(field) === text) return false;
      written.values.set(field, text);
      return true;
    }),
  );
  return records;
}

export interface FileStoreOptions extends StoreOptions {
  /** The file. */
  path: string;
  /** What this start refuses of a value read (a saved endpoint off this machine), in a few words. */
  check?: (field: string, value: unknown) => string | undefined;
}

export class FileStore extends MemoryStore {
  readonly path: string;
  private readonly check: FileStoreOptions["check"];
  private readonly written = new Map<string, Written>();
  /** Lines committed and not yet written, and who waits for them. */
  private pending: string[] = [];
  private waiters: (() => void)[] = [];
  private draining: Promise<void> | undefined;
  /** The log, open for appending. */
  private handle: fs.FileHandle | undefined;
  /** Writes to the log, and a compaction's last step, one after the other. */
  private serial: Promise<unknown> = Promise.resolve();
  /** While a compaction runs: what was appended since its snapshot began. */
  private since: string[] | undefined;
  private compacting: Promise<void> | undefined;
  private appended = 0;
  private live = 0;
  private broken = false;

  constructor(options: FileStoreOptions) {
    super(options);
    this.path = options.path;
    this.check = options.check;
  }

  /** Reads the file (a MockStartError of one line when it cannot be); a missing file is written at once, to check that it can be. */
  override async open(): Promise<void> {
    const read = await readStateFile(this.path, this.check);
    for (const [name, state] of read.worlds) {
      const world = this.fresh(name);
      world.restore(state.lists(), state.values);
      world.takeChanges(); // what was read is on the disk already
      this.adopt(world);
      this.written.set(name, writtenOf(world));
    }
    if (read.torn) this.log(`p100-mock: the state file ${this.path}'s last line was cut short; it is left out\n`);
    this.live = read.records;
    if (!read.found || read.version !== version || !read.ended || read.records > 2 * this.liveRecords() + 1000)
      await this.compact().catch((failure: NodeJS.ErrnoException) => {
        throw new MockStartError(`cannot write the state file ${this.path}: ${failure.code ?? failure.message}`);
      });
    else this.handle = await fs.open(this.path, "a", 0o600);
  }

  protected override persist(batch: [World, WorldChanges][]): Promise<void> {
    for (const [world, changes] of batch) {
      const written = this.written.get(world.name);
      // A world new to the file: all of it.
      const records = written ? changeRecords(world, changes, written) : [...worldRecords(world)];
      if (!written) this.written.set(world.name, writtenOf(world));
      const text = commitLine(world.name, records);
      if (text) this.pending.push(text);
    }
    return this.kick();
  }

  protected override forget(name: string): Promise<void> {
    if (this.written.delete(name)) this.pending.push(line({ w: name, x: true }));
    return this.kick();
  }

  override async close(): Promise<void> {
    await super.close();
    await this.draining;
    await this.compacting;
    await this.serial;
    await this.handle?.close();
    this.handle = undefined;
  }

  /** Resolves once every line committed so far is on the disk (or its write failed, said in the log). */
  private kick(): Promise<void> {
    if (!this.pending.length) return this.draining ?? Promise.resolve();
    const done = new Promise<void>((resolve) => this.waiters.push(resolve));
    this.draining ??= this.drain();
    return done;
  }

  private async drain() {
    while (this.pending.length) {
      const text = this.pending.join("");
      const count = this.pending.length;
      const waiters = this.waiters;
      this.pending = [];
      this.waiters = [];
      await this.exclusive(() => this.append(text, count));
      for (const resolve of waiters) resolve();
    }
    this.draining = undefined;
    if ((this.broken || this.appended > Math.max(this.live, 10_000)) && !this.compacting)
      this.compacting = this.compact()
        .catch((error: NodeJS.ErrnoException) => this.failed(error))
        .finally(() => {
          this.compacting = undefined;
        });
  }

  private async append(text: string, count: number) {
    this.since?.push(text);
    try {
      if (!this.handle) this.handle = await fs.open(this.path, "a", 0o600);
      await this.handle.write(text);
      await this.handle.datasync();
      this.appended += count;
    } catch (error) {
      // The log no longer says what memory holds: the next compaction writes it all again.
      this.broken = true;
      this.failed(error as NodeJS.ErrnoException);
    }
  }

  private exclusive<T>(step: () => Promise<T>): Promise<T> {
    const run = this.serial.then(step);
    this.serial = run.catch(() => undefined);
    return run;
  }

  private failed(error: NodeJS.ErrnoException) {
    this.log(
      `p100-mock: cannot write the state file ${this.path}: ${error.code ?? error.message}; the sandbox keeps its state in memory and tries again after the next change\n`,
    );
  }

  private liveRecords(): number {
    let count = 0;
    for (const world of this.worlds.values())
      count += 7 + world.users.size + world.deliveries.length + world.faults.length + world.journal.length;
    return count;
  }

  /**
   * Every world's records, to a temporary file beside the log, then renamed over it. The snapshot
   * is taken a slice at a time (the event loop keeps answering); the records committed meanwhile
   * are appended to the log as usual and, before the rename, to the new file too: replaying a
   * record twice gives the same world.
   */
  private async compact() {
    const temporary = `${this.path}.${process.pid}.tmp`;
    this.broken = false;
    this.since = [];
    let records = 0;
    try {
      const handle = await fs.open(temporary, "w", 0o600);
      try {
        let chunk = line({ format, version, savedAt: new Date(this.now()).toISOString() });
        for (const name of [...this.worlds.keys()]) {
          const world = this.worlds.get(name);
          if (!world) continue;
          for (const record of worldRecords(world)) {
            chunk += line(record);
            records++;
            if (chunk.length > 1 << 20) {
              await handle.write(chunk);
              chunk = "";
            }
          }
        }
        await handle.write(chunk);
        await this.exclusive(async () => {
          for (const text of this.since ?? []) await handle.write(text);
          await handle.sync();
          await fs.rename(temporary, this.path);
          await this.handle?.close();
          this.handle = await fs.open(this.path, "a", 0o600);
          this.appended = 0;
          this.live = records;
        });
      } finally {
        await handle.close();
      }
    } catch (error) {
      this.broken = true;
      await fs.rm(temporary, { force: true });
      throw error;
    } finally {
      this.since = undefined;
    }
  }
}
