#!/usr/bin/env bash
# Runs one service: scripts/start-service.sh <service>
# From source through ts-node by default; ESTATE_RUNTIME=dist runs the
# JavaScript that scripts/build.sh compiled, which starts faster and uses
# about 70 MB less memory.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
service="${1:?usage: start-service.sh <inventory|policy|approvals|trace-ingest|cost-ledger|reporting>}"
entry="$root/services/$service/src/main.ts"
[[ -f "$entry" ]] || { echo "start-service: unknown service '$service' (no $entry)" >&2; exit 2; }
cd "$root"
case "${ESTATE_RUNTIME:-source}" in
  source)
    exec node -r ts-node/register -r tsconfig-paths/register "$entry" ;;
  dist)
    compiled="$root/dist/services/$service/src/main.js"
    [[ -f "$compiled" ]] || { echo "start-service: $compiled is missing; run scripts/build.sh first" >&2; exit 2; }
    TS_NODE_PROJECT="$root/dist/tsconfig.json" exec node -r tsconfig-paths/register "$compiled" ;;
  *)
    echo "start-service: ESTATE_RUNTIME=${ESTATE_RUNTIME} is invalid; expected source or dist" >&2; exit 2 ;;
esac
