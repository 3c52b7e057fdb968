#!/usr/bin/env bash
# The one test command (npm test). It sets up what the tests need, then runs everything:
# type check + build, lint, the layer rules, content check, and the vitest suites (unit, conversation,
# HTTP, NLU and triage evaluations). Nothing is skipped silently: a missing prerequisite fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== system packages"
bash scripts/ensure-system-packages.sh

echo "== build (tsc, strict)"
npx tsc -p tsconfig.json
echo "== type check (src, tests, bench, scripts)"
npx tsc -p tsconfig.typecheck.json

echo "== layers (dependency-cruiser: no import circle, no import from a layer above)"
npm run --silent depcheck

echo "== lint (ESLint, and Prettier --check on the files .prettierignore does not exclude)"
npm run --silent lint

echo "== backline check (content and dialog trees)"
node bin/backline.js check

echo "== NLU models for the tests (trained once here, not by every test file at once on a cold cache)"
NLU_CACHE_DIR=data/test-nlu-cache LOG_LEVEL=silent node bin/backline.js nlu "warm up" >/dev/null

echo "== vitest"
mkdir -p test-artifacts
status=0
npx vitest run --reporter=default --reporter=json --outputFile=test-artifacts/vitest.json "$@" || status=$?
# One plain closing line for CI: "N passed, N failed".
node -e "const r=require('./test-artifacts/vitest.json'); console.log(r.numPassedTests + ' passed, ' + r.numFailedTests + ' failed' + (r.numPendingTests + r.numTodoTests ? ', ' + (r.numPendingTests + r.numTodoTests) + ' skipped' : ''))" || true
exit $status
