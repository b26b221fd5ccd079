#!/usr/bin/env bash
# Runs the whole test suite: type check, lint (module boundaries), then every
# jest tier against the local Kafka and Postgres, which it starts if needed.
# Prints a closing line "tests: N passed, N failed" and exits non-zero on any failure.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:9092}"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/estate}"
export NX_DAEMON=false NX_NO_CLOUD=true

if [[ "$KAFKA_BROKERS" == "127.0.0.1:9092" ]]; then
  bash scripts/stack.sh up || { echo "test: the local stack did not start; see the lines above" >&2; exit 1; }
fi

status=0
failed_steps=0
echo "test: type check"
npx tsc -p tsconfig.json --noEmit || { status=1; failed_steps=$((failed_steps + 1)); echo "test: type check FAILED"; }
echo "test: lint"
npm run --silent lint || { status=1; failed_steps=$((failed_steps + 1)); echo "test: lint FAILED"; }

echo "test: jest"
report="$(mktemp)"
npx jest --maxWorkers=2 --json --outputFile="$report" "$@" || status=1

# The closing line counts a failed type check or lint run as one failed test each,
# so it never reads as a pass while the command exits non-zero.
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const failed = r.numFailedTests + r.numRuntimeErrorTestSuites + Number(process.argv[2]);
  console.log(`tests: ${r.numPassedTests} passed, ${failed} failed`);
' "$report" "$failed_steps" || { echo "tests: 0 passed, $((failed_steps + 1)) failed"; status=1; }
rm -f "$report"
exit "$status"
