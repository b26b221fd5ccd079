#!/usr/bin/env bash
# The main job: on a fresh clone, installs dependencies, starts Kafka and
# Postgres, creates the development tenant and its keys, starts all six
# services, loads the bundled sample estate, and prints where to look.
# The services keep running; stop them with `bash scripts/services.sh down`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

stamp=".cache/npm-ci.sha256"
lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [[ ! -d node_modules || ! -f "$stamp" || "$(cat "$stamp")" != "$lock_hash" ]]; then
  echo "main-job: installing dependencies (npm ci)"
  npm ci --no-audit --no-fund
  mkdir -p .cache && echo "$lock_hash" >"$stamp"
fi

bash scripts/stack.sh up
npx ts-node tools/dev-tenant.ts
bash scripts/services.sh up

if [[ -f tools/load-sample.ts ]]; then
  npx ts-node tools/load-sample.ts
fi

cat <<EOT

Estate is running.
  API keys (one per role):  $root/.estate/dev-keys.json
  inventory     http://127.0.0.1:3001/docs
  policy        http://127.0.0.1:3002/docs
  approvals     http://127.0.0.1:3003/docs
  trace-ingest  http://127.0.0.1:3004/docs   OTLP/HTTP http://127.0.0.1:4318/v1/traces   OTLP/gRPC 127.0.0.1:4317
  cost-ledger   http://127.0.0.1:3005/docs
  reporting     http://127.0.0.1:3006/docs
Stop the services with: bash scripts/services.sh down   (and Kafka with: bash scripts/stack.sh down)
EOT
