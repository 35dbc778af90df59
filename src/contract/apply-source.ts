// `learn --apply`: the overlay applied to the multi-file source (openapi/), not to the bundle.
// Each action's target is evaluated on the bundle; each selected node is then found in the file
// that holds it by following the source's file `$ref`s from openapi.yaml (components the bundler
// collected are found by openapi/README.md's layout: components/<kind>/<Name>.yaml). Files are
// edited with the yaml package, so comments and order stay; a new catalogue entry gets its own
// file. Each operation a change is for records the evidence under `x-p100-source.observed`.
import fs from "node:fs";
import path from "node:path";
import { type Document, isMap, isSeq, parseDocument, Scalar, type YAMLMap } from "yaml";
import { type Overlay, type OverlayAction, tightens } from "./overlay.js";
import { type NodePath, selected } from "./overlay-apply.js";
import { unescapePointer } from "./spec.js";

interface Place {
  file: string;
  path: (string | number)[];
}

class SourceTree {
  private readonly docs = new Map<string, Document>();
  readonly root: string;

  constructor(readonly dir: string) {
    this.root = path.join(dir, "openapi.yaml");
    if (!fs.existsSync(this.root)) throw new Error(`${dir} has no openapi.yaml: is it the spec's source folder?`);
  }

  doc(file: string): Document {
    let doc = this.docs.get(file);
    if (!doc) {
      doc = parseDocument(fs.readFileSync(file, "utf8"));
      this.docs.set(file, doc);
    }
    return doc;
  }

  /** The file and the path in it of a node of the bundle. */
  locate(segments: (string | number)[]): Place {
    const viaRef = (p: Place): Place => {
      const node = this.doc(p.file).getIn(p.path, true);
      const ref = isMap(node) ? node.get("$ref") : undefined;
      if (typeof ref === "string" && !ref.startsWith("#"))
        return viaRef({ file: path.resolve(path.dirname(p.file), ref), path: [] });
      return p;
    };
    let place: Place = { file: this.root, path: [] };
    let rest = segments;
    // A component the bundler collected from a file reference: openapi/README.md's layout names its file.
    const [group, kind, name] = segments;
    if (group === "components" && name !== undefined && !this.doc(this.root).hasIn(segments.slice(0, 3))) {
      const file = path.join(this.dir, "components", String(kind), `${name}.yaml`);
      if (!fs.existsSync(file)) throw new Error(`no source file for components/${kind}/${name}`);
      place = { file, path: [] };
      rest = segments.slice(3);
    }
    for (const segment of rest) {
      place = viaRef(place);
      const next = { file: place.file, path: [...place.path, segment] };
      if (!this.doc(next.file).hasIn(next.path)) throw new Error(`the source has nothing at ${segments.join(" › ")}`);
      place = next;
    }
    return viaRef(place);
  }

  /** A `#/components/<kind>/<Name>` reference of the bundle as the source writes it from `file`. */
  refFrom(file: string, ref: string): string {
    const [, kind, name] = /^#\/components\/([^/]+)\/([^/]+)$/.exec(ref) ?? [];
    if (!kind || !name || file === this.root) return ref;
    const target = path.join(this.dir, "components", kind, `${name}.yaml`);
    return path.relative(path.dirname(file), target).split(path.sep).join("/");
  }

  /** A value for `file`, its bundle references rewritten as file references. */
  localize(file: string, value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.localize(file, v));
    if (value && typeof value === "object") {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [
          k,
          k === "$ref" && typeof v === "string" ? this.refFrom(file, v) : this.localize(file, v),
        ]),
      );
    }
    return value;
  }

  save(): string[] {
    const files = [...this.docs.entries()].filter(([, doc]) => (doc as Document & { changed?: boolean }).changed);
    for (const [file, doc] of files) fs.writeFileSync(file, doc.toString(yamlOutput));
    return files.map(([file]) => file);
  }
}

/** As the spec's authors write: long lines kept whole, `[8, 16]` without inner spaces. */
const yamlOutput = { lineWidth: 0, flowCollectionPadding: false } as const;

/** A date as a quoted string: some YAML readers take a plain 2026-12-01 for a date object. */
function quotedText(doc: Document, text: string) {
  const node = doc.createNode(text) as Scalar;
  node.type = Scalar.QUOTE_SINGLE;
  return node;
}

const markChanged = (doc: Document) => Object.assign(doc, { changed: true });

/** Adds a key to a map in order: where the map's keys are sorted, the new one goes at its place. */
function insertSorted(doc: Document, map: YAMLMap, key: string, value: unknown) {
  const pair = doc.createPair(key, value);
  // A status code is quoted, as the spec's authors write it ('404'): a plain 404 is a number.
  if (/^\d+$/.test(key) && pair.key instanceof Scalar) pair.key.type = Scalar.QUOTE_SINGLE;
  const keys = map.items.map((item) => String((item.key as { value?: unknown })?.value ?? item.key));
  const sorted = keys.every((k, i) => i === 0 || (keys[i - 1] ?? "").localeCompare(k) <= 0);
  const at = sorted ? keys.findIndex((k) => k.localeCompare(key) > 0) : -1;
  if (at < 0) map.items.push(pair);
  else map.items.splice(at, 0, pair);
}

function mergeInto(tree: SourceTree, place: Place, update: unknown) {
  const doc = tree.doc(place.file);
  const node = doc.getIn(place.path, true);
  markChanged(doc);
  if (isSeq(node)) {
    node.add(doc.createNode(tree.localize(place.file, update)));
    return;
  }
  if (!isMap(node) || !update || typeof update !== "object" || Array.isArray(update)) {
    doc.setIn(place.path, doc.createNode(tree.localize(place.file, update)));
    return;
  }
  for (const [key, value] of Object.entries(update)) {
    const existing = node.get(key, true);
    if (existing && value && typeof value === "object" && (isMap(existing) || isSeq(existing))) {
      mergeInto(tree, { file: place.file, path: [...place.path, key] }, value);
      continue;
    }
    // A new component at the root (a catalogue entry): its own file, referenced from openapi.yaml.
    const kind =
      place.file === tree.root && place.path.length === 2 && place.path[0] === "components"
        ? String(place.path[1])
        : "";
    if (!existing && kind) {
      const file = path.join(tree.dir, "components", kind, `${key}.yaml`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(
        file,
        new (doc.constructor as typeof Document)(tree.localize(file, value)).toString({ lineWidth: 100 }),
      );
      insertSorted(doc, node, key, { $ref: `components/${kind}/${key}.yaml` });
      continue;
    }
    if (existing) node.set(key, doc.createNode(tree.localize(place.file, value)));
    else insertSorted(doc, node, key, doc.createNode(tree.localize(place.file, value)));
  }
}

/**
 * Applies an overlay's actions (all but the tightening ones, which stay proposals) to the source in
 * `dir`; `bundle` is the bundle the overlay was made against. Returns the files changed.
 */
export function applyToSource(
  dir: string,
  bundle: unknown,
  overlay: Overlay,
  learnedOn: string,
): { files: string[]; skipped: OverlayAction[] } {
  const tree = new SourceTree(dir);
  const skipped: OverlayAction[] = [];
  const observed = new Map<string, OverlayAction[]>();
  for (const action of overlay.actions) {
    if (tightens(action)) {
      skipped.push(action);
      continue;
    }
    const paths = selected(bundle, action.target);
    if (!paths.length)
      throw new Error(
        `the target ${action.target} selects nothing in the spec: was the overlay made against another version?`,
      );
    // Removals from a list go last index first, so that the other indexes stay right.
    for (const p of [...paths].reverse()) {
      const segments: NodePath = p;
      if (action.remove) {
        const parent = tree.locate(segments.slice(0, -1));
        const doc = tree.doc(parent.file);
        doc.deleteIn([...parent.path, ...segments.slice(-1)]);
        markChanged(doc);
      } else mergeInto(tree, tree.locate(segments), action.update);
    }
    for (const op of action["x-p100-proposal"].operations) observed.set(op, [...(observed.get(op) ?? []), action]);
  }
  for (const [pointer, actions] of observed) {
    const place = tree.locate(pointer.split("/").slice(1).map(unescapePointer));
    const doc = tree.doc(place.file);
    const source = doc.getIn([...place.path, "x-p100-source"], true);
    if (!isMap(source))
      throw new Error(`${path.relative(dir, place.file)} has no x-p100-source to record the evidence in`);
    if (!source.has("observed")) source.set("observed", doc.createNode([]));
    const list = source.get("observed", true);
    for (const action of actions) {
      const { evidence } = action["x-p100-proposal"];
      const entry = doc.createNode({
        change: action.description,
        learned: quotedText(doc, learnedOn),
        exchanges: evidence.exchanges,
        ...(evidence.first && {
          first: quotedText(doc, evidence.first),
          last: quotedText(doc, evidence.last ?? evidence.first),
        }),
        ...(evidence.hosts.length && { hosts: evidence.hosts }),
        example: evidence.example,
      });
      if (isSeq(list)) list.add(entry);
    }
    markChanged(doc);
  }
  return { files: tree.save(), skipped };
}
