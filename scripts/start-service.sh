#!/usr/bin/env bash
# Runs one service from source: scripts/start-service.sh <service>
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
service="${1:?usage: start-service.sh <inventory|policy|approvals|trace-ingest|cost-ledger|reporting>}"
entry="$root/services/$service/src/main.ts"
[[ -f "$entry" ]] || { echo "start-service: unknown service '$service' (no $entry)" >&2; exit 2; }
cd "$root"
exec node -r ts-node/register -r tsconfig-paths/register "$entry"
