// The review's verdict and its Markdown: which breaking changes are accepted (by the exceptions
// file), the version bump the change needs against the one it has, whether the check passes, one
// table per section, and a ready CHANGELOG entry.
import { sections } from "./review-compare.js";

const levels = ["breaking", "warning", "info"];
const approvalLabel = "breaking-change-approved";

/** Semver as [major, minor, patch]; a version that is not semver counts as 0.0.0. */
const parse = (version) => (/^(\d+)\.(\d+)\.(\d+)/.exec(version ?? "") ?? [0, 0, 0, 0]).slice(1).map(Number);

/** The bump a set of changes needs. Before 1.0.0 a breaking change needs a minor bump (semver's rule for 0.x). */
export function neededBump(changes, baseVersion) {
  if (changes.some((c) => c.level === "breaking")) return parse(baseVersion)[0] === 0 ? "minor" : "major";
  if (changes.some((c) => c.level === "warning" || c.kind === "added" || c.kind === "removed")) return "minor";
  return changes.length ? "patch" : "none";
}

/** The bump from one version to another: major, minor, patch or none (also for a step back). */
export function actualBump(from, to) {
  const [a, b] = [parse(from), parse(to)];
  const index = a.findIndex((part, i) => part !== b[i]);
  if (index === -1 || b[index] < a[index]) return "none";
  return ["major", "minor", "patch"][index];
}

const rank = { none: 0, patch: 1, minor: 2, major: 3 };

/**
 * Decides the review: each breaking change is accepted when the exceptions file names its
 * `where` (with a reason); the rest pass only with the approval label and the version bump
 * they need (or `allowBreaking`).
 */
/**
 * @param {{ changes: import("./review-compare.js").Change[], versions: string[] }} comparison
 * @param {{ exceptions?: { where: string, reason: string }[], labels?: string[], allowBreaking?: boolean }} [options]
 */
export function verdict({ changes, versions }, { exceptions = [], labels = [], allowBreaking = false } = {}) {
  const accepted = new Map(exceptions.map((e) => [e.where, e.reason]));
  const graded = changes.map((c) =>
    c.level === "breaking" && accepted.has(c.where) ? { ...c, accepted: accepted.get(c.where) } : c,
  );
  const unused = exceptions.filter((e) => !graded.some((c) => c.accepted !== undefined && c.where === e.where));
  const needed = neededBump(graded, versions[0]);
  const actual = actualBump(versions[0], versions[1]);
  const bumped = rank[actual] >= rank[needed];
  const open = graded.filter((c) => c.level === "breaking" && c.accepted === undefined);
  const approved = labels.includes(approvalLabel) && bumped;
  return {
    changes: graded,
    versions,
    needed,
    actual,
    bumped,
    unused,
    open: open.length,
    approved,
    passes: open.length === 0 || approved || allowBreaking,
  };
}

const cell = (text) => String(text).replaceAll("|", "\\|").replaceAll("\n", " ");

export function formatReport(review, baseLabel) {
  const { changes, versions, needed, actual, bumped, unused, open, approved, passes } = review;
  const count = (level) => changes.filter((c) => c.level === level).length;
  const lines = [
    `# Spec review: ${baseLabel} → this change`,
    "",
    `**${passes ? "✅ passes" : "❌ fails"}**: ${count("breaking")} breaking (${open} not accepted), ${count("warning")} warning, ${count("info")} info.`,
    "",
    `Version ${versions[0]} → ${versions[1]}: ${actual === "none" ? "no bump" : `a ${actual} bump`}; this change needs ${needed === "none" ? "none" : `a ${needed} bump`} ${bumped ? "✅" : "⚠️"}.`,
  ];
  if (open && approved)
    lines.push("", `The breaking changes are approved: the PR carries \`${approvalLabel}\` and the version went up.`);
  if (open && !passes) {
    lines.push(
      "",
      `To accept them: add the \`${approvalLabel}\` label and bump the version (${needed}) in package.json and openapi/openapi.yaml, or list each in openapi/review-exceptions.yaml with its reason.`,
    );
  }
  if (changes.length === 0) lines.push("", "No changes to the contract.");
  for (const section of sections) {
    const rows = changes
      .filter((c) => c.section === section)
      .sort((a, b) => levels.indexOf(a.level) - levels.indexOf(b.level));
    if (rows.length === 0) continue;
    lines.push("", `## ${section}`, "", "| level | change | where | details |", "|---|---|---|---|");
    for (const c of rows) {
      const level =
        c.level === "breaking" ? (c.accepted === undefined ? "**breaking**" : "breaking (accepted)") : c.level;
      const details = c.accepted === undefined ? c.details : `${c.details} Accepted: ${c.accepted}`;
      lines.push(`| ${level} | ${c.kind} | \`${cell(c.where)}\` | ${cell(details)} |`);
    }
  }
  if (unused.length) {
    lines.push("", "Exceptions that match no change (remove them):", ...unused.map((e) => `- \`${e.where}\``));
  }
  if (changes.length) lines.push("", "## CHANGELOG entry", "", "```markdown", changelogEntry(review), "```");
  return `${lines.join("\n")}\n`;
}

/** A CHANGELOG.md entry: the breaking changes, the new values, what was added or removed, and a count of the rest. */
export function changelogEntry({ changes, versions }) {
  const listed = changes.filter((c) => c.level !== "info" || c.kind === "added" || c.kind === "removed");
  const prefix = { breaking: "**Breaking:** ", warning: "New values: ", info: "" };
  const ordered = [...listed].sort((a, b) => levels.indexOf(a.level) - levels.indexOf(b.level));
  const rest = changes.length - listed.length;
  return [
    `## ${versions[1]}`,
    "",
    ...ordered.map((c) => `- ${prefix[c.level]}${c.details} (\`${c.where}\`)`),
    ...(rest ? [`- ${rest} other change(s): descriptions, examples and schema details (see the review).`] : []),
  ].join("\n");
}
