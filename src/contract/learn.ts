// `learn`: recorded HAR files against the spec, as findings and their overlay (compare.ts, then
// findings.ts, then overlay.ts), and the Markdown summary printed beside the overlay.
import { compareExchange } from "./compare.js";
import { type Learned, type LearnOptions, learnFrom } from "./findings.js";
import { type Overlay, overlayOf, tightens } from "./overlay.js";
import type { Spec } from "./spec.js";
import { readTraffic } from "./traffic.js";

export interface LearnResult {
  learned: Learned;
  overlay: Overlay;
}

/** Reads HAR files and proposes changes to the spec. `today` dates the overlay (YYYY-MM-DD). */
export function learn(spec: Spec, files: string[], today: string, options: LearnOptions = {}): LearnResult {
  if (!files.length) throw new Error("learn needs at least one HAR file");
  const exchanges = files.flatMap((file) => readTraffic(file, ["har"]).exchanges);
  const learned = learnFrom(
    exchanges.map((exchange) => compareExchange(spec, exchange)),
    options,
  );
  return { learned, overlay: overlayOf(learned, spec.bundle, today) };
}

/** What learn found, for a person: the proposals, what needs a person, and what was set apart. */
export function learnSummary({ learned, overlay }: LearnResult): string {
  const lines = [`# p100-contract learn: ${learned.exchanges} exchange(s)`, ""];
  const evidence = (e: { exchanges: number; first?: string; last?: string; hosts: string[]; example: string }) =>
    `${e.exchanges} exchange(s)${e.first ? `, ${e.first} to ${e.last}` : ""}${e.hosts.length ? `, ${e.hosts.join(", ")}` : ""}; see ${e.example}`;
  lines.push(`## Proposals (${overlay.actions.length} action(s))`, "");
  for (const action of overlay.actions) {
    lines.push(
      `- ${tightens(action) ? "[proposed only] " : ""}${action.description} \`${action.target}\` (${evidence(action["x-p100-proposal"].evidence)})`,
    );
  }
  if (!overlay.actions.length) lines.push("None: every answer fits the spec.");
  lines.push("", `## For a person (${learned.forReview.length})`, "");
  for (const f of learned.forReview) lines.push(`- ${f.summary} (${evidence(f.evidence)})`);
  lines.push("", `## Not P100's answers: no proposal (${learned.notP100.length})`, "");
  for (const g of learned.notP100) lines.push(`- ${g.reason} (${evidence(g.evidence)})`);
  return `${lines.join("\n")}\n`;
}
