// Overlay 1.0's actions applied to a parsed document: targets are RFC 9535 JSONPaths, evaluated by
// jsonpath-rfc9535 (an optional peer, as learn --apply alone needs it).
import { exec } from "jsonpath-rfc9535";
import { isObject } from "./json.js";
import type { Overlay, OverlayAction } from "./overlay.js";

/** A selected node's place: its names and indexes from the root. */
export type NodePath = (string | number)[];

/** The paths an action's target selects in a document. */
export function selected(doc: unknown, target: string): NodePath[] {
  const found: NodePath[] = [];
  exec(doc as never, target, (_value, path) => found.push(path));
  return found;
}

/** Overlay 1.0's update: an object merges into an object, a value is appended to an array. */
export function merge(target: unknown, update: unknown): unknown {
  if (Array.isArray(target)) return [...target, update];
  if (isObject(target) && isObject(update)) {
    const out: Record<string, unknown> = { ...target };
    for (const [key, value] of Object.entries(update)) out[key] = key in out ? merge(out[key], value) : value;
    return out;
  }
  return update;
}

/** Applies an overlay to a parsed document in memory (a copy); returns it and the actions that selected nothing. */
export function applyOverlay(
  doc: unknown,
  overlay: Pick<Overlay, "actions">,
): { doc: unknown; unmatched: OverlayAction[] } {
  let copy = structuredClone(doc);
  const unmatched: OverlayAction[] = [];
  for (const action of overlay.actions) {
    const paths = selected(copy, action.target);
    if (!paths.length) unmatched.push(action);
    // Last first, so that removing from an array keeps the other indexes right.
    for (const path of [...paths].reverse()) {
      if (!path.length) {
        copy = action.remove ? undefined : merge(copy, action.update);
        continue;
      }
      const parent = path.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], copy);
      const key = path[path.length - 1] ?? "";
      if (Array.isArray(parent)) {
        if (action.remove) parent.splice(Number(key), 1);
        else parent[Number(key)] = merge(parent[Number(key)], action.update);
      } else if (isObject(parent)) {
        if (action.remove) delete parent[key];
        else parent[key] = merge(parent[key], action.update);
      }
    }
  }
  return { doc: copy, unmatched };
}
