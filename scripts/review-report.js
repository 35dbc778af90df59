// The review's verdict and its Markdown: which breaking changes are accepted (by the exceptions
// file), the version bump the change needs against the one it has, whether the check passes and
// what is still missing when it does not, one table per section, and a ready CHANGELOG entry.
import { sections } from "./review-compare.js";

const levels = ["breaking", "warning", "info"];
export const approvalLabel = "breaking-change-approved";
const exceptionsFile = "openapi/review-exceptions.yaml";

/** Semver as [major, minor, patch]; a version that is not semver counts as 0.0.0. */
const parse = (version) => (/^(\d+)\.(\d+)\.(\d+)/.exec(version ?? "") ?? [0, 0, 0, 0]).slice(1).map(Number);

/**
 * The bump a set of changes needs, by semver for clients of this package: a breaking change
 * (not accepted by an exception) a major, a warning (a new value clients may not handle) or
 * something added or removed a minor, anything else a patch. Before 1.0.0 each moves down one
 * (semver's rule for 0.x: a breaking change is a minor bump, the rest patches).
 */
export function neededBump(changes, baseVersion) {
  const order = parse(baseVersion)[0] === 0 ? ["minor", "patch", "patch"] : ["major", "minor", "patch"];
  if (changes.some((c) => c.level === "breaking" && c.accepted === undefined)) return order[0];
  if (changes.some((c) => c.level === "warning" || c.kind === "added" || c.kind === "removed")) return order[1];
  return changes.length ? order[2] : "none";
}

/** The bump from one version to another: major, minor, patch or none (also for a step back). */
export function actualBump(from, to) {
  const [a, b] = [parse(from), parse(to)];
  const index = a.findIndex((part, i) => part !== b[i]);
  if (index === -1 || b[index] < a[index]) return "none";
  return ["major", "minor", "patch"][index];
}

/** The version a bump leads to: `nextVersion("0.2.3", "minor")` → `0.3.0`. */
export function nextVersion(version, bump) {
  const [major, minor, patch] = parse(version);
  if (bump === "major") return `${major + 1}.0.0`;
  if (bump === "minor") return `${major}.${minor + 1}.0`;
  if (bump === "patch") return `${major}.${minor}.${patch + 1}`;
  return version;
}

const rank = { none: 0, patch: 1, minor: 2, major: 3 };

/** The version a set of changes should carry: the revision's when it went up enough, else the base's, bumped. */
export function targetVersion(changes, versions) {
  const needed = neededBump(changes, versions[0]);
  return rank[actualBump(versions[0], versions[1])] >= rank[needed] ? versions[1] : nextVersion(versions[0], needed);
}

/** Edit distance (Levenshtein), for exceptions that nearly name a change. */
function distance(a, b) {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length];
}

/** `POST /v1/user › responses/400` → `POST /v1/user`: the operation or webhook a location is in. */
const operationOf = (where) => where.split(" › ")[0].split(" · ")[0];

/** Why an exception that matches no change does not, and the change it probably meant. */
function hintFor(exception, changes, versions, inChange) {
  const named = changes.filter((c) => c.where === exception.where || c.shared === exception.where);
  const forThis = exception.version !== undefined ? exception.version === versions[1] : inChange(exception.commit);
  if (named.length && !forThis) {
    return exception.version !== undefined
      ? `it was accepted for version ${exception.version} and this change is ${versions[1]}: an exception stops matching after its version (remove it, or name ${versions[1]} if this is a new break you accept)`
      : `commit ${exception.commit} is not part of this change (it is already in the base, or not on this branch): remove the exception, or name a commit of this change`;
  }
  if (named.length) return `the change there is ${named[0].level}, not breaking: nothing to accept`;
  const breaking = changes.filter((c) => c.level === "breaking" && c.accepted === undefined);
  const sameOperation = breaking.filter((c) => operationOf(c.where) === operationOf(exception.where));
  if (sameOperation.length) {
    return `same operation, another location: did you mean ${sameOperation
      .slice(0, 3)
      .map((c) => `\`${c.where}\``)
      .join(" or ")}?`;
  }
  const close = breaking
    .flatMap((c) => [c.where, c.shared].filter(Boolean).map((where) => [where, distance(where, exception.where)]))
    .filter(([where, d]) => d <= Math.max(3, Math.round(where.length / 10)))
    .sort((a, b) => a[1] - b[1])[0];
  return close ? `did you mean \`${close[0]}\`?` : undefined;
}

/**
 * Decides the review. A breaking change is accepted when an exception names its `where` (or the
 * shared component it is in, `shared`) for this change: its `version` is the revision's version,
 * or its `commit` is part of the change (`inChange`). The others pass only with the approval
 * label and the bump they need (or `allowBreaking`); warnings need their bump; an exception that
 * matches no change fails the check. `missing` says what is still missing, one sentence each.
 * @param {{ changes: import("./review-compare.js").Change[], versions: string[] }} comparison
 * @param {{ exceptions?: { where: string, reason: string, version?: string, commit?: string }[], labels?: string[], allowBreaking?: boolean, inChange?: (commit: string) => boolean }} [options]
 */
export function verdict(
  { changes, versions },
  { exceptions = [], labels = [], allowBreaking = false, inChange = () => false } = {},
) {
  const applies = (e) => (e.version !== undefined ? e.version === versions[1] : inChange(e.commit));
  const used = new Set();
  const graded = changes.map((c) => {
    if (c.level !== "breaking") return c;
    const exception = exceptions.find((e) => (e.where === c.where || e.where === c.shared) && applies(e));
    if (!exception) return c;
    used.add(exception);
    return { ...c, accepted: exception.reason };
  });
  const unused = exceptions
    .filter((e) => !used.has(e))
    .map((e) => ({ ...e, hint: hintFor(e, graded, versions, inChange) }));
  const needed = neededBump(graded, versions[0]);
  const actual = actualBump(versions[0], versions[1]);
  const bumped = rank[actual] >= rank[needed];
  const target = targetVersion(graded, versions);
  const open = graded.filter((c) => c.level === "breaking" && c.accepted === undefined).length;
  const warnings = graded.filter((c) => c.level === "warning").length;
  const labelled = labels.includes(approvalLabel);
  const approved = open > 0 && labelled && bumped;
  const bumpTo = `set ${target} in package.json and openapi/openapi.yaml (now ${versions[1]}${actual === "none" ? "" : `, a ${actual} bump`})`;
  const missing = [];
  if (open && !allowBreaking && !labelled) {
    missing.push(
      `the \`${approvalLabel}\` label for ${open} breaking change(s)${bumped ? " (the version bump is there)" : ""}, or an entry for each in ${exceptionsFile} (where, reason, version ${versions[1]})`,
    );
  }
  if (open && !allowBreaking && !bumped) {
    missing.push(`the ${needed} bump the breaking change(s) need: ${bumpTo}${labelled ? "; the label is there" : ""}`);
  } else if (warnings && !allowBreaking && !bumped) {
    missing.push(`the ${needed} bump that ${warnings} warning(s) need (new values clients may not handle): ${bumpTo}`);
  }
  if (unused.length)
    missing.push(`the removal of ${unused.length} exception(s) in ${exceptionsFile} that match no change`);
  return {
    changes: graded,
    versions,
    needed,
    actual,
    bumped,
    target,
    unused,
    open,
    warnings,
    approved,
    allowBreaking,
    missing,
    passes: missing.length === 0,
  };
}

/** How the breaking changes stand, for the report's first line: `1 breaking (1 approved by the label)`. */
function breakingSummary({ changes, open, approved, allowBreaking }) {
  const breaking = changes.filter((c) => c.level === "breaking");
  const accepted = breaking.length - open;
  const parts = [
    ...(accepted ? [`${accepted} accepted in ${exceptionsFile}`] : []),
    ...(open
      ? [
          approved
            ? `${open} approved by the \`${approvalLabel}\` label`
            : allowBreaking
              ? `${open} let through by --allow-breaking`
              : `${open} neither accepted nor approved`,
        ]
      : []),
  ];
  return `${breaking.length} breaking${parts.length ? ` (${parts.join(", ")})` : ""}`;
}

const cell = (text) => String(text).replaceAll("|", "\\|").replaceAll("\n", " ");

export function formatReport(review, baseLabel) {
  const { changes, versions, needed, actual, bumped, unused, approved, missing, passes } = review;
  const count = (level) => changes.filter((c) => c.level === level).length;
  const lines = [
    `# Spec review: ${baseLabel} → this change`,
    "",
    `**${passes ? "✅ passes" : "❌ fails"}**: ${breakingSummary(review)}, ${count("warning")} warning, ${count("info")} info.`,
    "",
    `Version ${versions[0]} → ${versions[1]}: ${actual === "none" ? "no bump" : `a ${actual} bump`}; this change needs ${needed === "none" ? "none" : `a ${needed} bump`} ${bumped ? "✅" : "⚠️"}.`,
  ];
  if (approved)
    lines.push("", `The breaking changes are approved: the PR carries \`${approvalLabel}\` and the version went up.`);
  if (missing.length) lines.push("", "Still missing:", ...missing.map((m) => `- ${m}.`));
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
      const via = c.shared ? ` Via \`${c.shared}\`.` : "";
      const details = c.accepted === undefined ? `${c.details}${via}` : `${c.details}${via} Accepted: ${c.accepted}`;
      lines.push(`| ${level} | ${c.kind} | \`${cell(c.where)}\` | ${cell(details)} |`);
    }
  }
  if (unused.length) {
    lines.push(
      "",
      "Exceptions that match no change (remove them):",
      ...unused.map((e) => `- \`${e.where}\` (${e.version ?? e.commit})${e.hint ? `: ${e.hint}` : ""}`),
    );
  }
  if (changes.length) lines.push("", "## CHANGELOG entry", "", "```markdown", changelogEntry(review), "```");
  return `${lines.join("\n")}\n`;
}

/**
 * The review as JSON, for bots (`npm run review -- --format json`): the verdict the Markdown
 * shows, every row, the exceptions that match no change, and the CHANGELOG entry.
 */
export function formatJson(review, baseLabel) {
  const { passes, missing, versions, needed, actual, target, open, warnings, approved, changes, unused } = review;
  const result = { base: baseLabel, passes, missing, versions, needed, actual, target, open, warnings, approved };
  const changelog = changes.length ? changelogEntry(review) : null;
  return `${JSON.stringify({ ...result, changes, unusedExceptions: unused, changelog }, null, 2)}\n`;
}

/** A row's details as a CHANGELOG sentence, after the operation's name: "the `404` answer is no longer documented." */
function sentence(details) {
  const response = /^Response `([^`]+)` was (removed|added)\.$/.exec(details);
  if (response)
    return response[2] === "removed"
      ? `the \`${response[1]}\` answer is no longer documented.`
      : `a \`${response[1]}\` answer is now documented.`;
  return /^[A-Z][a-z]/.test(details) ? `${details[0].toLowerCase()}${details.slice(1)}` : details;
}

/**
 * A CHANGELOG.md entry headed with the version the change needs: the breaking changes (an
 * accepted one is a change, with its reason), the new values, what was added or removed, one
 * bullet per change naming each operation and place it shows in, and a count of the rest.
 */
export function changelogEntry({ changes, versions }) {
  const listed = changes.filter((c) => c.level !== "info" || c.kind === "added" || c.kind === "removed");
  const open = (c) => c.level === "breaking" && c.accepted === undefined;
  const prefix = (c) => (open(c) ? "**Breaking:** " : c.level === "warning" ? "New values: " : "");
  const rank = (c) => (open(c) ? 0 : levels.indexOf(c.level) + 1);
  const bullets = new Map();
  for (const c of [...listed].sort((a, b) => rank(a) - rank(b))) {
    const accepted = c.accepted === undefined ? "" : ` (Accepted, not breaking for clients: ${c.accepted})`;
    const text = `${sentence(c.details)}${accepted}`;
    const key = `${prefix(c)}\n${text}`;
    const place = c.operation ? `${c.operation} (\`${c.where}\`)` : `\`${c.where}\``;
    bullets.set(key, [...(bullets.get(key) ?? []), place]);
  }
  const rest = changes.length - listed.length;
  return [
    `## ${targetVersion(changes, versions)}`,
    "",
    ...[...bullets].map(([key, places]) => {
      const [start, text] = key.split("\n");
      return `- ${start}${places.join(", ")}: ${text}`;
    }),
    ...(rest ? [`- ${rest} other change(s): descriptions, examples and schema details (see the review).`] : []),
  ].join("\n");
}
