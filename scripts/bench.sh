#!/usr/bin/env bash
# Runs the benchmark suite: bash scripts/bench.sh [smoke|full]
# Needs the local stack (bash scripts/stack.sh up). Writes bench/results/latest.json
# and prints a Markdown table for BENCHMARKS.md. BENCH_ONLY=id,id runs a subset.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode="${1:-full}"
case "$mode" in smoke|full) ;; *) echo "bench: mode '$mode' is invalid; use smoke or full" >&2; exit 2 ;; esac
cd "$root"
bash scripts/stack.sh status
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:9092}"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/estate}"
export BENCH_MODE="$mode"
# Services the suite starts for memory sampling run as deployed: compiled, without ts-node.
bash scripts/build.sh
export ESTATE_RUNTIME=dist
exec node -r ts-node/register/transpile-only -r tsconfig-paths/register bench/suite/run-suite.ts
