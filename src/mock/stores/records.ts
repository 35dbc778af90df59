// What a store writes of each entity of a world, and how a record read back becomes the entity
// again: explicit codecs, one per field of a world (users, deliveries, faults, journal, values),
// each checked by the validator generated at build time (generated/state-validators.js: the
// control API's own schemas, and what the world keeps besides them). A record the world could not
// have written (a clock that is no time, a user under another's key) is refused in a few words.
import stateValidators from "../../../generated/state-validators.js";
import type { Validate, ValidationError } from "../../../generated/webhook-validators.js";
import webhookValidators from "../../../generated/webhook-validators.js";
import type { Delivery, Fault, JournalEntry, StoredUser, World, WorldValues } from "../sandbox/world.js";

/** How a field's records look: one entry of a table a line (`k`, `v`), one item of a list (`i`), or one value (`v`). */
type RecordKind = "entry" | "item" | "value";

/** One line of a state file or log, after its world's name `w`. */
export type StateRecord =
  | { w: string } // a world begins
  | { w: string; x: true } // a world is forgotten (version 2)
  | { w: string; f: string; k: string; v: unknown } // an entry of a table (a user)
  | { w: string; f: string; i: unknown } // an item of a list; version 2: it replaces the item of its id
  | { w: string; f: string; v: unknown } // a value
  | { w: string; f: string; x: string | number } // an entry or item removed, by key or id (version 2)
  | { w: string; f: string; below: number } // the items of a list below this id are gone (version 2)
  | { w: string; all: StateRecord[] }; // one commit of a world, whole or not at all (version 2)

/** The fields of a world's records, and how each is written. */
const fieldKinds: Record<string, RecordKind> = {
  users: "entry",
  deliveries: "item",
  endpoint: "value",
  clock: "value",
  nextId: "value",
  faults: "item",
  nextFaultId: "value",
  journal: "item",
  nextJournalId: "value",
  lastUsed: "value",
};

/** The fields written as one value: the table above says which. */
const valueFields = Object.keys(fieldKinds).filter((field) => fieldKinds[field] === "value") as (keyof WorldValues)[];

const kindWords: Record<RecordKind, string> = {
  entry: 'an entry ("k" and "v")',
  item: 'an item ("i")',
  value: 'a value ("v")',
};

/** A validator's first error, in words: `/kyc/attemptStatus must be equal to one of the allowed values`. */
function said(error: ValidationError | undefined): string {
  if (!error) return "is not valid";
  const where = error.instancePath ? `${error.instancePath} ` : "";
  const allowed = error.keyword === "enum" ? ` (${(error.params.allowedValues as unknown[]).join(", ")})` : "";
  return `${where}${error.message ?? "is not valid"}${allowed}`;
}

/** A record that cannot be taken, in a few words (the reader adds its line). */
export class RecordProblem extends Error {}

function checked(field: string, what: string, value: unknown): unknown {
  const validate = stateValidators[field] as Validate | undefined;
  // A field of the table above with no schema in scripts/generate-validators.js: the build's mistake, said.
  if (!validate) throw new RecordProblem(`${what}: generated/state-validators.js has no schema for ${field}`);
  if (!validate(value)) throw new RecordProblem(`${what}: the value ${said(validate.errors?.[0])}`);
  return value;
}

/** Each entity's codec: the record written for it, and the entity a record read back gives. */
export const codecs = {
  user: {
    toRecord: (w: string, user: StoredUser): StateRecord => ({ w, f: "users", k: user.externalUserId, v: user }),
    fromRecord(key: unknown, value: unknown): StoredUser {
      if (typeof key !== "string") throw new RecordProblem(`users: the key ${JSON.stringify(key)} is not a string`);
      const user = checked("users", `users ${JSON.stringify(key)}`, value) as StoredUser;
      if (user.externalUserId !== key)
        throw new RecordProblem(
          `users ${JSON.stringify(key)}: the user's externalUserId is ${JSON.stringify(user.externalUserId)}, not its key`,
        );
      return user;
    },
  },
  delivery: {
    toRecord: (w: string, delivery: Delivery): StateRecord => ({ w, f: "deliveries", i: delivery }),
    fromRecord(value: unknown): Delivery {
      const delivery = checked("deliveries", "deliveries", value) as Delivery;
      const validate = webhookValidators[delivery.webhook]?.payload;
      if (validate && !validate(delivery.payload))
        throw new RecordProblem(
          `deliveries: the payload is not a ${delivery.webhook} payload (${said(validate.errors?.[0] ?? undefined)})`,
        );
      return delivery;
    },
  },
  fault: {
    toRecord: (w: string, fault: Fault): StateRecord => ({ w, f: "faults", i: fault }),
    fromRecord: (value: unknown) => checked("faults", "faults", value) as Fault,
  },
  journalEntry: {
    toRecord: (w: string, entry: JournalEntry): StateRecord => ({ w, f: "journal", i: entry }),
    fromRecord: (value: unknown) => checked("journal", "journal", value) as JournalEntry,
  },
  values: {
    /** One record per value (an endpoint only once there is one). */
    toRecords(w: string, values: WorldValues, only?: (field: string, value: unknown) => boolean): StateRecord[] {
      const records: StateRecord[] = [];
      for (const field of valueFields) {
        const value = values[field];
        if (value !== undefined && (!only || only(field, value))) records.push({ w, f: field, v: value });
      }
      return records;
    },
    fromRecord(field: string, value: unknown): Partial<WorldValues> {
      return { [field]: checked(field, field, value) };
    },
  },
};

/** Every record of a world, for a whole file. */
export function* worldRecords(world: World): Generator<StateRecord> {
  const w = world.name;
  yield { w };
  for (const user of world.users.values()) yield codecs.user.toRecord(w, user);
  for (const delivery of world.deliveries) yield codecs.delivery.toRecord(w, delivery);
  for (const fault of world.faults) yield codecs.fault.toRecord(w, fault);
  for (const entry of world.journal) yield codecs.journalEntry.toRecord(w, entry);
  yield* codecs.values.toRecords(w, world.values());
}

/** A world as its records give it, before it becomes a `World`. */
export class WorldRead {
  readonly users = new Map<string, StoredUser>();
  readonly deliveries = new Map<number, Delivery>();
  readonly faults = new Map<number, Fault>();
  readonly journal = new Map<number, JournalEntry>();
  values: Partial<WorldValues> = {};
  /** The last id of each list read (version 1's order check). */
  readonly lastIds: Record<string, number> = {};

  /** The lists sorted by id, for World.restore. */
  lists() {
    const sorted = <T extends { id: number }>(items: Map<number, T>) => [...items.values()].sort((a, b) => a.id - b.id);
    return {
      users: this.users.values(),
      deliveries: sorted(this.deliveries),
      faults: sorted(this.faults),
      journal: sorted(this.journal),
    };
  }
}

const lists = { deliveries: "deliveries", faults: "faults", journal: "journal" } as const;

/**
 * Applies one record to the worlds read so far. Version 1 (whole files of today's 0.x releases)
 * holds each item once, its ids going up; version 2 (a log) may replace, remove and trim.
 * `check` adds what this start refuses (a saved endpoint off this machine).
 */
export function applyRecord(
  worlds: Map<string, WorldRead>,
  record: Record<string, unknown>,
  version: 1 | 2,
  check: (field: string, value: unknown) => string | undefined = () => undefined,
) {
  const name = record.w as string;
  if (version === 2 && Array.isArray(record.all)) {
    for (const one of record.all as Record<string, unknown>[]) {
      if (one?.w !== name || (one.f !== undefined && typeof one.f !== "string") || Array.isArray(one.all))
        throw new RecordProblem(`a commit holds a record that is not one of its world's`);
      applyRecord(worlds, one, version, check);
    }
    return;
  }
  if (version === 2 && record.x === true && record.f === undefined) {
    worlds.delete(name);
    return;
  }
  let world = worlds.get(name);
  if (!world) {
    world = new WorldRead();
    worlds.set(name, world);
  }
  if (record.f === undefined) return;
  const field = record.f as string;
  const kind = fieldKinds[field];
  if (!kind) throw new RecordProblem(`"${field}" is not a field of a world (${Object.keys(fieldKinds).join(", ")})`);
  const removal = version === 2 && ("x" in record || "below" in record);
  const written: RecordKind = "k" in record ? "entry" : "i" in record ? "item" : "value";
  if (!removal && written !== kind)
    throw new RecordProblem(`${field} is written as ${kindWords[kind]}, not as ${kindWords[written]}`);
  if (removal) return remove(world, field, kind, record);
  if (kind === "entry") {
    const user = codecs.user.fromRecord(record.k, record.v);
    world.users.set(user.externalUserId, user);
    return;
  }
  if (kind === "value") {
    const values = codecs.values.fromRecord(field, record.v);
    const problem = check(field, record.v);
    if (problem) throw new RecordProblem(problem);
    Object.assign(world.values, values);
    return;
  }
  const list = field as keyof typeof lists;
  const item =
    list === "deliveries"
      ? codecs.delivery.fromRecord(record.i)
      : list === "faults"
        ? codecs.fault.fromRecord(record.i)
        : codecs.journalEntry.fromRecord(record.i);
  const items = world[list] as Map<number, { id: number }>;
  if (version === 1) {
    // Version 1 lists are written sorted, each item once (a page is found by a binary search).
    const last = world.lastIds[list];
    if (last !== undefined && last >= item.id)
      throw new RecordProblem(`${field}: id ${item.id} follows id ${last} (ids go up, one item a line)`);
    world.lastIds[list] = item.id;
  }
  items.set(item.id, item);
}

function remove(world: WorldRead, field: string, kind: RecordKind, record: Record<string, unknown>) {
  if (kind === "value") throw new RecordProblem(`${field} is a value: it is replaced, never removed`);
  if (kind === "entry") {
    if (typeof record.x !== "string") throw new RecordProblem(`${field}: "x" names the removed key, a string`);
    world.users.delete(record.x);
    return;
  }
  const items = world[field as keyof typeof lists] as Map<number, unknown>;
  const id = "below" in record ? record.below : record.x;
  if (!Number.isInteger(id)) throw new RecordProblem(`${field}: an id is a whole number (got ${JSON.stringify(id)})`);
  if ("x" in record) items.delete(id as number);
  else for (const kept of items.keys()) if (kept < (id as number)) items.delete(kept);
}
