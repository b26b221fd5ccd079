#!/usr/bin/env bash
# Starts, stops and reports the six Estate services as background processes
# against the local stack. Logs go to .cache/logs/<service>.log.
#
# Usage: scripts/services.sh up|down|status
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${ESTATE_CACHE_DIR:-$root/.cache}"
run_dir="$cache/run"
log_dir="$cache/logs"
READY_TIMEOUT_SECONDS="${ESTATE_READY_TIMEOUT_SECONDS:-180}"

# name:http-port, in start order: the registry first, the joined views last.
SERVICES=(inventory:3001 policy:3002 approvals:3003 trace-ingest:3004 cost-ledger:3005 reporting:3006)

export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:9092}"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/estate}"

log() { printf 'services: %s\n' "$*"; }

is_running() {
  local pid_file="$run_dir/$1.pid"
  [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

start_one() {
  local name="$1"
  if is_running "$name"; then
    log "$name already running (pid $(cat "$run_dir/$name.pid"))"
    return
  fi
  nohup bash "$root/scripts/start-service.sh" "$name" >>"$log_dir/$name.log" 2>&1 &
  echo $! >"$run_dir/$name.pid"
  log "$name starting (pid $!, log $log_dir/$name.log)"
}

wait_ready() {
  local name="$1" port="$2" deadline=$((SECONDS + READY_TIMEOUT_SECONDS))
  until curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; do
    if ! is_running "$name"; then
      log "error: $name exited during start; last log lines:" >&2
      tail -n 20 "$log_dir/$name.log" >&2
      return 1
    fi
    if ((SECONDS > deadline)); then
      log "error: $name not ready on port $port after ${READY_TIMEOUT_SECONDS}s; see $log_dir/$name.log" >&2
      return 1
    fi
    sleep 1
  done
  log "$name ready on http://127.0.0.1:$port"
}

up() {
  mkdir -p "$run_dir" "$log_dir"
  for entry in "${SERVICES[@]}"; do start_one "${entry%%:*}"; done
  for entry in "${SERVICES[@]}"; do wait_ready "${entry%%:*}" "${entry##*:}"; done
}

down() {
  for entry in "${SERVICES[@]}"; do
    local name="${entry%%:*}" pid_file="$run_dir/${entry%%:*}.pid"
    if is_running "$name"; then
      local pid; pid="$(cat "$pid_file")"
      # SIGTERM lets the service finish its batch in flight and commit before it exits.
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
      kill -0 "$pid" 2>/dev/null && { log "$name did not stop in 30s; killing"; kill -KILL "$pid" 2>/dev/null || true; }
      log "$name stopped"
    fi
    rm -f "$pid_file"
  done
}

status() {
  local code=0
  for entry in "${SERVICES[@]}"; do
    local name="${entry%%:*}" port="${entry##*:}"
    if curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then
      log "$name ready on port $port"
    elif is_running "$name"; then
      log "$name running but not ready"; code=3
    else
      log "$name stopped"; code=3
    fi
  done
  return "$code"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: scripts/services.sh up|down|status" >&2; exit 2 ;;
esac
