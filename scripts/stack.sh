#!/usr/bin/env bash
# Starts and stops the local development stack: a single-node Kafka broker
# (KRaft, run from the jars that deploy/local/kafka/pom.xml resolves from Maven
# Central) and a database on the preinstalled PostgreSQL server.
#
# Usage: scripts/stack.sh up|down|status|reset
#
# Environment:
#   ESTATE_CACHE_DIR  jars, Kafka data and logs (default: <repo>/.cache)
#   ESTATE_DB_NAME    database created on PostgreSQL (default: estate)
#
# Requires Java 17 or newer, Maven, and the PostgreSQL client and server
# packages (pg_isready, psql, pg_ctlcluster).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_DIR="${ESTATE_CACHE_DIR:-$REPO_ROOT/.cache}"
DB_NAME="${ESTATE_DB_NAME:-estate}"

KAFKA_CONFIG_DIR="$REPO_ROOT/deploy/local/kafka"
KAFKA_POM="$KAFKA_CONFIG_DIR/pom.xml"
KAFKA_PROPERTIES_TEMPLATE="$KAFKA_CONFIG_DIR/server.properties"
KAFKA_LOG4J_CONFIG="$KAFKA_CONFIG_DIR/log4j2.yaml"

KAFKA_HOME="$CACHE_DIR/kafka"
KAFKA_LIB_DIR="$KAFKA_HOME/lib"
KAFKA_LIB_HASH_FILE="$KAFKA_HOME/lib.pom.sha256"
KAFKA_DATA_DIR="$KAFKA_HOME/data"
KAFKA_LOG_DIR="$KAFKA_HOME/logs"
KAFKA_PROPERTIES="$KAFKA_HOME/server.properties"
KAFKA_CLIENT_PROPERTIES="$KAFKA_HOME/client.properties"
KAFKA_PID_FILE="$KAFKA_HOME/kafka.pid"

# Host and ports match the listeners in deploy/local/kafka/server.properties.
KAFKA_HOST=127.0.0.1
KAFKA_PORT=9092
KAFKA_BROKERS="$KAFKA_HOST:$KAFKA_PORT"
KAFKA_READY_TIMEOUT_SECONDS=90
KAFKA_STOP_TIMEOUT_SECONDS=30
KAFKA_HEAP_OPTS=(-Xms512m -Xmx1g)
# G1 settings from Kafka's own bin/kafka-run-class.sh.
KAFKA_JVM_OPTS=(-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20
  -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent
  -Djava.awt.headless=true)
# Admin tools are short-lived, so a small heap and the C1 compiler start them faster.
TOOL_JVM_OPTS=(-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1)

PG_HOST=127.0.0.1
PG_PORT=5432
PG_USER=postgres
PG_READY_TIMEOUT_SECONDS=30

DATABASE_URL="postgres://$PG_USER@$PG_HOST:$PG_PORT/$DB_NAME"

log() {
  printf 'stack: %s\n' "$*"
}

fail() {
  printf 'stack: error: %s\n' "$*" >&2
  exit 1
}

require_command() {
  command -v "$1" >/dev/null 2>&1 || fail "$1 not found on PATH; $2"
}

# ---------------------------------------------------------------- PostgreSQL

postgres_is_ready() {
  pg_isready -q -h "$PG_HOST" -p "$PG_PORT"
}

ensure_postgres() {
  require_command pg_isready "install the PostgreSQL client (apt-get install postgresql)"
  require_command psql "install the PostgreSQL client (apt-get install postgresql)"

  # Only letters, digits and underscores, because the name is spliced into SQL.
  [[ "$DB_NAME" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] \
    || fail "invalid ESTATE_DB_NAME '$DB_NAME': use letters, digits and underscores"

  if postgres_is_ready; then
    log "postgres: already accepting connections on $PG_HOST:$PG_PORT"
  else
    start_postgres
  fi

  local exists
  exists="$(psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -tAc \
    "select 1 from pg_database where datname = '$DB_NAME'")"
  if [[ "$exists" == "1" ]]; then
    log "postgres: database $DB_NAME exists"
  else
    psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -qc "create database \"$DB_NAME\"" \
      || fail "could not create database $DB_NAME on $PG_HOST:$PG_PORT"
    log "postgres: created database $DB_NAME"
  fi
}

start_postgres() {
  require_command pg_ctlcluster "install the PostgreSQL server (apt-get install postgresql)"

  # The newest installed major version, if several are present.
  local version
  version="$(find /etc/postgresql -mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2>/dev/null | sort -V | tail -n 1)"
  [[ -n "$version" ]] || fail "no PostgreSQL cluster under /etc/postgresql; install the postgresql package"

  log "postgres: starting cluster $version/main"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start \
    || fail "pg_ctlcluster $version main start failed; see /var/log/postgresql/postgresql-$version-main.log"

  local deadline=$((SECONDS + PG_READY_TIMEOUT_SECONDS))
  until postgres_is_ready; do
    ((SECONDS < deadline)) \
      || fail "postgres did not accept connections on $PG_HOST:$PG_PORT within ${PG_READY_TIMEOUT_SECONDS}s"
    sleep 1
  done
  log "postgres: accepting connections on $PG_HOST:$PG_PORT"
}

# --------------------------------------------------------------------- Kafka

require_java_17() {
  require_command java "install a Java 17 or newer runtime (apt-get install openjdk-17-jre-headless)"
  local version major
  version="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')"
  major="${version#1.}"
  major="${major%%.*}"
  [[ "$major" =~ ^[0-9]+$ && "$major" -ge 17 ]] \
    || fail "the Kafka 4 broker requires Java 17 or newer, but java on PATH is version '${version:-unknown}'"
}

pom_hash() {
  sha256sum "$KAFKA_POM" | cut -d ' ' -f 1
}

# Copies the runtime classpath into KAFKA_LIB_DIR when it is missing or was
# resolved from an older version of the pom.
ensure_kafka_jars() {
  local wanted_hash
  wanted_hash="$(pom_hash)"
  if [[ -d "$KAFKA_LIB_DIR" && -f "$KAFKA_LIB_HASH_FILE" \
    && "$(cat "$KAFKA_LIB_HASH_FILE")" == "$wanted_hash" ]]; then
    log "kafka: jars up to date in $KAFKA_LIB_DIR"
    return
  fi

  require_command mvn "install Maven (apt-get install maven)"
  log "kafka: fetching jars with Maven into $KAFKA_LIB_DIR"

  # Copy into a staging folder first, so that a failed download never leaves a
  # partial classpath behind that the hash check would accept.
  local staging="$KAFKA_LIB_DIR.partial"
  rm -rf "$staging"
  local maven_log="$KAFKA_HOME/maven.log"
  if ! mvn -B -Dstyle.color=never -f "$KAFKA_POM" dependency:copy-dependencies \
    -DoutputDirectory="$staging" >"$maven_log" 2>&1; then
    tail -n 30 "$maven_log" >&2
    fail "Maven could not resolve $KAFKA_POM; full output in $maven_log"
  fi
  rm -rf "$KAFKA_LIB_DIR"
  mv "$staging" "$KAFKA_LIB_DIR"
  printf '%s\n' "$wanted_hash" >"$KAFKA_LIB_HASH_FILE"
  log "kafka: $(find "$KAFKA_LIB_DIR" -name '*.jar' | wc -l) jars in $KAFKA_LIB_DIR"
}

# Writes the broker configuration with log.dirs pointing into the cache folder.
render_kafka_config() {
  mkdir -p "$KAFKA_DATA_DIR" "$KAFKA_LOG_DIR"
  grep -q '^log\.dirs=' "$KAFKA_PROPERTIES_TEMPLATE" \
    || fail "$KAFKA_PROPERTIES_TEMPLATE has no log.dirs line to replace"
  awk -v data_dir="$KAFKA_DATA_DIR" '/^log\.dirs=/ { print "log.dirs=" data_dir; next } { print }' \
    "$KAFKA_PROPERTIES_TEMPLATE" >"$KAFKA_PROPERTIES"
}

# Writes the admin client settings of the readiness check. The short timeouts
# make a check against a broker that is still starting fail within seconds and
# be retried, instead of waiting the default 60 s.
write_client_properties() {
  mkdir -p "$KAFKA_HOME"
  cat >"$KAFKA_CLIENT_PROPERTIES" <<EOF
request.timeout.ms=5000
default.api.timeout.ms=8000
EOF
}

format_kafka_storage() {
  if [[ -f "$KAFKA_DATA_DIR/meta.properties" ]]; then
    log "kafka: storage already formatted in $KAFKA_DATA_DIR"
    return
  fi

  local cluster_id
  cluster_id="$(java "${TOOL_JVM_OPTS[@]}" -cp "$KAFKA_LIB_DIR/*" kafka.tools.StorageTool random-uuid)"
  log "kafka: formatting storage in $KAFKA_DATA_DIR (cluster id $cluster_id)"
  java "${TOOL_JVM_OPTS[@]}" -cp "$KAFKA_LIB_DIR/*" kafka.tools.StorageTool format \
    --standalone -t "$cluster_id" -c "$KAFKA_PROPERTIES" >/dev/null \
    || fail "kafka storage format failed for $KAFKA_DATA_DIR"
}

# Prints the broker pid from the pid file when that process is alive and is a
# Kafka broker. A pid reused by another program after a crash does not count.
kafka_running_pid() {
  [[ -f "$KAFKA_PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$KAFKA_PID_FILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka' || return 1
  printf '%s\n' "$pid"
}

kafka_port_open() {
  (exec 3<>"/dev/tcp/$KAFKA_HOST/$KAFKA_PORT") 2>/dev/null
}

# Lists topics through the admin client (a Metadata request), so a port that
# accepts connections before the broker serves requests does not count.
kafka_responds() {
  kafka_port_open || return 1
  [[ -d "$KAFKA_LIB_DIR" ]] || return 1
  [[ -f "$KAFKA_CLIENT_PROPERTIES" ]] || write_client_properties
  timeout 20 java "${TOOL_JVM_OPTS[@]}" -cp "$KAFKA_LIB_DIR/*" org.apache.kafka.tools.TopicCommand \
    --bootstrap-server "$KAFKA_BROKERS" --command-config "$KAFKA_CLIENT_PROPERTIES" --list \
    >/dev/null 2>&1
}

# Line count of server.log before this start, so that a startup failure shows
# only the errors of this run.
kafka_log_offset=0

start_kafka() {
  log "kafka: starting broker (log: $KAFKA_LOG_DIR/server.log)"
  if [[ -f "$KAFKA_LOG_DIR/server.log" ]]; then
    kafka_log_offset="$(wc -l <"$KAFKA_LOG_DIR/server.log")"
  fi
  # setsid moves the broker into a session of its own, so that Ctrl-C during
  # `up` or closing the terminal does not stop it.
  setsid nohup java "${KAFKA_HEAP_OPTS[@]}" "${KAFKA_JVM_OPTS[@]}" \
    -Dkafka.logs.dir="$KAFKA_LOG_DIR" \
    -Dlog4j2.configurationFile="$KAFKA_LOG4J_CONFIG" \
    -cp "$KAFKA_LIB_DIR/*" kafka.Kafka "$KAFKA_PROPERTIES" \
    >"$KAFKA_LOG_DIR/kafka.out" 2>&1 </dev/null &
  printf '%s\n' "$!" >"$KAFKA_PID_FILE"
}

print_kafka_startup_errors() {
  cat "$KAFKA_LOG_DIR/kafka.out" >&2 2>/dev/null || true
  tail -n +"$((kafka_log_offset + 1))" "$KAFKA_LOG_DIR/server.log" 2>/dev/null \
    | grep -E '^\[[^]]*\] (ERROR|FATAL) ' | tail -n 5 >&2 || true
}

wait_for_kafka() {
  local pid="$1"
  local deadline=$((SECONDS + KAFKA_READY_TIMEOUT_SECONDS))
  until kafka_responds; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$KAFKA_PID_FILE"
      print_kafka_startup_errors
      fail "kafka broker (pid $pid) exited during startup; see $KAFKA_LOG_DIR/server.log"
    fi
    ((SECONDS < deadline)) \
      || fail "kafka broker (pid $pid) did not respond on $KAFKA_BROKERS within ${KAFKA_READY_TIMEOUT_SECONDS}s; see $KAFKA_LOG_DIR/server.log"
    sleep 1
  done
  log "kafka: broker responding on $KAFKA_BROKERS (pid $pid)"
}

ensure_kafka() {
  local pid
  if pid="$(kafka_running_pid)"; then
    log "kafka: already running (pid $pid)"
    if [[ -f "$KAFKA_LIB_HASH_FILE" && "$(cat "$KAFKA_LIB_HASH_FILE")" != "$(pom_hash)" ]]; then
      log "kafka: $KAFKA_POM changed since the jars were fetched; run 'down' then 'up' to use the new jars"
    fi
    wait_for_kafka "$pid"
    return
  fi
  rm -f "$KAFKA_PID_FILE"

  require_java_17
  mkdir -p "$KAFKA_HOME"
  ensure_kafka_jars
  render_kafka_config

  # Another broker (for example from a second clone with its own cache folder)
  # may own the port. Reuse it if it serves Kafka requests, because a second
  # broker could not bind the port anyway.
  if kafka_port_open; then
    if kafka_responds; then
      log "kafka: a broker not started from $KAFKA_HOME already responds on $KAFKA_BROKERS; using it"
      return
    fi
    fail "$KAFKA_BROKERS is in use by a process that does not respond to Kafka requests; free the port and retry"
  fi

  format_kafka_storage
  start_kafka
  wait_for_kafka "$(cat "$KAFKA_PID_FILE")"
}

stop_kafka() {
  local pid
  if ! pid="$(kafka_running_pid)"; then
    rm -f "$KAFKA_PID_FILE"
    if kafka_port_open; then
      log "kafka: not started from $KAFKA_HOME, but $KAFKA_BROKERS is in use; leaving that process alone"
    else
      log "kafka: not running"
    fi
    return
  fi

  log "kafka: stopping broker (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + KAFKA_STOP_TIMEOUT_SECONDS))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      log "kafka: broker did not stop within ${KAFKA_STOP_TIMEOUT_SECONDS}s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 1
  done
  rm -f "$KAFKA_PID_FILE"
  log "kafka: stopped"
}

# Creates the project's topics when the root package.json defines a `topics`
# script, which owns the topic list and its settings.
create_topics() {
  local package_json="$REPO_ROOT/package.json"
  [[ -f "$package_json" ]] || return 0
  require_command node "install Node.js to run the topics script"
  node -e 'process.exit(require(process.argv[1]).scripts?.topics ? 0 : 1)' "$package_json" \
    || return 0

  log "kafka: creating topics (npm run topics)"
  (cd "$REPO_ROOT" && KAFKA_BROKERS="$KAFKA_BROKERS" DATABASE_URL="$DATABASE_URL" npm run --silent topics) \
    || fail "npm run topics failed against $KAFKA_BROKERS"
}

# ------------------------------------------------------------------ Commands

command_up() {
  ensure_postgres
  ensure_kafka
  create_topics
  echo "KAFKA_BROKERS=$KAFKA_BROKERS"
  echo "DATABASE_URL=$DATABASE_URL"
}

command_down() {
  stop_kafka
}

command_status() {
  local healthy=1 pid

  if pid="$(kafka_running_pid)"; then
    if kafka_responds; then
      log "kafka: running (pid $pid), responding on $KAFKA_BROKERS"
    else
      log "kafka: running (pid $pid), not responding on $KAFKA_BROKERS"
      healthy=0
    fi
  elif kafka_responds; then
    log "kafka: not started from $KAFKA_HOME, but a broker responds on $KAFKA_BROKERS"
  else
    log "kafka: not running"
    healthy=0
  fi

  if postgres_is_ready; then
    log "postgres: accepting connections on $PG_HOST:$PG_PORT"
  else
    log "postgres: not accepting connections on $PG_HOST:$PG_PORT"
    healthy=0
  fi

  if ((healthy)); then
    return 0
  fi
  return 3
}

command_reset() {
  stop_kafka
  rm -rf "$KAFKA_DATA_DIR"
  log "kafka: deleted $KAFKA_DATA_DIR (jars in $KAFKA_LIB_DIR kept)"
}

usage() {
  cat <<EOF
Usage: $(basename "$0") up|down|status|reset

  up      start PostgreSQL if needed, create database $DB_NAME, fetch the Kafka
          jars, start a single-node Kafka broker on $KAFKA_BROKERS, run the
          package.json 'topics' script if present, and print the addresses
  down    stop the Kafka broker (SIGTERM, SIGKILL after ${KAFKA_STOP_TIMEOUT_SECONDS}s)
  status  report Kafka and PostgreSQL; exit 0 if both respond, 3 otherwise
  reset   stop the broker and delete its data in $KAFKA_DATA_DIR

Environment: ESTATE_CACHE_DIR (default <repo>/.cache), ESTATE_DB_NAME (default estate)
EOF
}

main() {
  case "${1:-}" in
    up) command_up ;;
    down) command_down ;;
    status) command_status ;;
    reset) command_reset ;;
    -h | --help | help) usage ;;
    *)
      usage >&2
      exit 2
      ;;
  esac
}

main "$@"
