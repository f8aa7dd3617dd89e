#!/usr/bin/env bash
# npm run release: what .github/workflows/release.yml checks before it publishes, then `npm publish --dry-run`.
# Nothing is published and nothing is tagged. Run it before tagging vX.Y.Z:
#   - the version is new (no git tag v<version> yet) and CHANGELOG.md has a section for it (or [Unreleased]);
#   - build, lint (zero warnings), the unit suite (`npm test` also runs end to end: the release workflow runs it all);
#   - the package holds only dist/, README, LICENSE, package.json, and every file package.json's "n8n" section lists;
#   - `npm publish --dry-run` (provenance is added by the workflow: it needs CI's OIDC identity).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

version="$(node -p "require('./package.json').version")"
step() { printf '\n== %s\n' "$*"; }

step "version ${version}"
if git rev-parse -q --verify "refs/tags/v${version}" >/dev/null; then
	echo "release: tag v${version} exists already: bump the version in package.json first" >&2
	exit 1
fi
if ! grep -Eq "^## \[(${version//./\\.}|Unreleased)\]" CHANGELOG.md; then
	echo "release: CHANGELOG.md has no section for ${version} (nor [Unreleased])" >&2
	exit 1
fi

# npm provenance binds the package to the repository that built it: npm refuses a provenance publish whose
# package.json has no repository.url matching the GitHub repository running the workflow
repository="$(node -p "(require('./package.json').repository || {}).url || ''")"
if [[ -z "${repository}" ]]; then
	echo "release: WARNING package.json has no repository.url; the release workflow will refuse to publish (npm provenance"
	echo "         needs it to match the GitHub repository), e.g. \"repository\": {\"type\": \"git\", \"url\": \"git+https://github.com/<owner>/<repo>.git\"}"
fi

step "build"
npm run build
step "lint"
npm run lint
step "unit tests"
npm run test:unit -- --silent

step "package contents"
node -e '
const { execFileSync } = require("child_process");
const pkg = require("./package.json");
const [packed] = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { encoding: "utf8" }));
const files = packed.files.map((f) => f.path);
const outside = files.filter((p) => !/^(dist\/|README\.md$|LICENSE$|package\.json$)/.test(p));
const missing = [...pkg.n8n.nodes, ...pkg.n8n.credentials].filter((f) => !files.includes(f));
if (outside.length || missing.length) {
	console.error("release: outside dist/: " + (outside.join(", ") || "none") + "; listed but missing: " + (missing.join(", ") || "none"));
	process.exit(1);
}
console.log(packed.name + "@" + packed.version + ": " + files.length + " files, " + packed.size + " bytes packed");
'

step "npm publish --dry-run"
npm publish --dry-run --ignore-scripts
step "ready: tag v${version} and push the tag; the release workflow publishes it with provenance"
