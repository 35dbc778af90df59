// The release workflow's gate (.github/workflows/release.yml), run before anything is published:
// the pushed tag, package.json's version, the spec's info.version and the newest CHANGELOG entry
// name one version, and package.json's repository is the repository that publishes (npm checks
// provenance against it). On success it writes the CHANGELOG section as the release notes and,
// in GitHub Actions, the step outputs the later steps use.
//
//   node scripts/release-version-check.js <tag> [--notes <file>]
//
// Problems: one line each on stderr, exit 1. Bad arguments: one line, exit 2.
import fs from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { root } from "./toolchain.js";

/** The section of CHANGELOG.md headed `## <version>`, without its heading, or undefined. */
export function changelogSection(changelog, version) {
  const lines = changelog.split("\n");
  const start = lines.findIndex((line) => line.trim() === `## ${version}`);
  if (start < 0) return undefined;
  const end = lines.findIndex((line, i) => i > start && /^## /.test(line));
  return lines
    .slice(start + 1, end < 0 ? undefined : end)
    .join("\n")
    .trim();
}

/** `git+https://github.com/o/r.git`, `https://github.com/o/r`, ... → `o/r` (undefined for other hosts). */
export function githubRepository(url) {
  return /^(?:git\+)?https:\/\/github\.com\/([^/]+\/[^/]+?)(?:\.git)?\/?$/.exec(url ?? "")?.[1];
}

/**
 * What stops a release of `tag`: an empty list when the tag is `v<version>` and package.json, the
 * spec and CHANGELOG.md's newest entry all carry that version (and, when `githubRepo` is given,
 * package.json's repository is that GitHub repository).
 */
export function releaseProblems({ tag, pkg, specVersion, changelog, githubRepo }) {
  const problems = [];
  const version = pkg.version;
  if (!/^v\d+\.\d+\.\d+(-[\w.]+)?$/.test(tag)) {
    problems.push(`the tag "${tag}" is not v<major>.<minor>.<patch>[-<prerelease>]`);
  } else if (tag !== `v${version}`) {
    problems.push(`the tag ${tag} does not match package.json's version ${version} (expected v${version})`);
  }
  if (specVersion !== version) {
    problems.push(`openapi/openapi.yaml info.version is ${specVersion}, package.json's version is ${version}`);
  }
  const newest = /^## (\S+)/m.exec(changelog)?.[1];
  if (newest !== version) {
    problems.push(`CHANGELOG.md's newest entry is ${newest ?? "missing"}, not ## ${version}`);
  } else if (!changelogSection(changelog, version)) {
    problems.push(`CHANGELOG.md's entry ## ${version} is empty`);
  }
  if (githubRepo) {
    const declared = githubRepository(pkg.repository?.url);
    if (declared?.toLowerCase() !== githubRepo.toLowerCase()) {
      problems.push(
        `package.json's repository.url (${pkg.repository?.url ?? "missing"}) is not https://github.com/${githubRepo}: npm's provenance check would refuse the publish`,
      );
    }
  }
  return problems;
}

/** The npm tarball's file name for this package.json (`npm pack` names it so). */
export const tarballName = (pkg) => `${pkg.name.replace(/^@/, "").replace("/", "-")}-${pkg.version}.tgz`;

function main(argv) {
  const [tag, ...rest] = argv;
  const notesAt = rest.indexOf("--notes");
  if (!tag || tag.startsWith("-") || (notesAt >= 0 && !rest[notesAt + 1]) || rest.length !== (notesAt >= 0 ? 2 : 0)) {
    console.error("usage: node scripts/release-version-check.js <tag> [--notes <file>]");
    return 2;
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  const specVersion = parse(fs.readFileSync(path.join(root, "openapi/openapi.yaml"), "utf8")).info?.version;
  const changelog = fs.readFileSync(path.join(root, "CHANGELOG.md"), "utf8");
  const githubRepo = process.env.GITHUB_REPOSITORY || undefined;
  const problems = releaseProblems({ tag, pkg, specVersion, changelog, githubRepo });
  for (const problem of problems) console.error(`release: ${problem}`);
  if (problems.length) return 1;

  const prerelease = pkg.version.includes("-");
  if (notesAt >= 0) fs.writeFileSync(rest[notesAt + 1], `${changelogSection(changelog, pkg.version)}\n`);
  if (process.env.GITHUB_OUTPUT) {
    const outputs = {
      version: pkg.version,
      tarball: tarballName(pkg),
      "dist-tag": prerelease ? "next" : "latest",
      prerelease,
    };
    const lines = Object.entries(outputs).map(([key, value]) => `${key}=${value}\n`);
    fs.appendFileSync(process.env.GITHUB_OUTPUT, lines.join(""));
  }
  console.log(`release: ${tag} = package.json = openapi/openapi.yaml = CHANGELOG.md (${pkg.version})`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.join(root, "scripts", "release-version-check.js")) {
  process.exitCode = main(process.argv.slice(2));
}
