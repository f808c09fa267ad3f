#!/usr/bin/env bash
# A classroom deployment on this one machine, listening on 127.0.0.1 only:
# a Ray head that runs the trainings, a PostgreSQL server that keeps people's
# work and the classes, two Streamlit replicas that send their trainings to Ray
# (MNIST_RAY_ADDRESS) and keep work in PostgreSQL (MNIST_DATABASE_URL), and
# nginx in front (deploy/nginx.conf).
#
#   bash deploy/local-cluster.sh start   # prints http://127.0.0.1:PORT once it answers
#   bash deploy/local-cluster.sh stop    # ends exactly what start started
#   bash deploy/local-cluster.sh restart 8502   # one replica, as a crash would
#
# Settings (environment): MNIST_CLUSTER_PORT (8080), MNIST_RAY_CPUS (this
# machine's cores), MNIST_RAY_TRAINING_CPUS (1 per training), MNIST_PATH (the
# MNIST file the replicas and the Ray workers read). It installs nothing: it
# says what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

RUN="$PWD/.cluster"  # pids, logs, nginx's files
PORT="${MNIST_CLUSTER_PORT:-8080}"
REPLICAS=(8501 8502)  # as in deploy/nginx.conf's upstream
RAY_PORT=6380
RAY_CLIENT_PORT=10001
RAY_CPUS="${MNIST_RAY_CPUS:-$(nproc)}"
PG_PORT=5433
PG_BIN="$(dirname "$(compgen -G '/usr/lib/postgresql/*/bin/initdb' | sort -V | tail -1)")"
export MNIST_RAY_TRAINING_CPUS="${MNIST_RAY_TRAINING_CPUS:-1}"
PYTHON=python3
[ -x .venv/bin/python ] && PYTHON="$PWD/.venv/bin/python"
RAY="$(dirname "$PYTHON")/ray"
[ -x "$RAY" ] || RAY="$(command -v ray || true)"
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

say() { echo "local-cluster: $*"; }

check_installed() {
  local missing=()
  "$PYTHON" -c "import streamlit, tensorflow" 2>/dev/null \
    || missing+=("the app's packages: $PYTHON -m pip install -r requirements.txt")
  { [ -n "$RAY" ] && "$PYTHON" -c "import ray.util.client" 2>/dev/null; } \
    || missing+=("Ray: $PYTHON -m pip install -r requirements-cluster.txt")
  [ -x "$NGINX" ] || missing+=("nginx: sudo apt-get install nginx")
  [ -x "$PG_BIN/initdb" ] || missing+=("PostgreSQL: sudo apt-get install postgresql")
  if [ ${#missing[@]} -gt 0 ]; then
    say "missing, install it first:"
    printf '  %s\n' "${missing[@]}"
    exit 1
  fi
}

check_ports_free() {
  local port
  for port in "$PORT" "$RAY_PORT" "$RAY_CLIENT_PORT" "$PG_PORT" "${REPLICAS[@]}"; do
    if "$PYTHON" -c "import socket,sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 1)" "$port" 2>/dev/null; then
      say "port $port on 127.0.0.1 is in use; stop what uses it (or set MNIST_CLUSTER_PORT)"
      exit 1
    fi
  done
}

# Start a command in its own process group, remembered as $RUN/NAME.pid.
launch() {
  local name="$1"; shift
  setsid "$@" >"$RUN/logs/$name.log" 2>&1 < /dev/null &
  echo $! >"$RUN/$name.pid"
}

wait_for() {  # wait_for URL_OR_PORT NAME
  local target="$1" name="$2" i
  for i in $(seq 1 240); do
    if [ "${target#http}" != "$target" ]; then
      "$PYTHON" -c "import sys, urllib.request as u; sys.exit(u.urlopen(sys.argv[1], timeout=2).read() != b'ok')" "$target" 2>/dev/null && return 0
    elif "$PYTHON" -c "import socket,sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 1)" "$target" 2>/dev/null; then
      return 0
    fi
    alive "$name" || { say "$name stopped; see $RUN/logs/$name.log"; stop; exit 1; }
    sleep 0.5
  done
  say "$name did not answer in 2 minutes; see $RUN/logs/$name.log"
  stop
  exit 1
}

alive() { [ -f "$RUN/$1.pid" ] && kill -0 "$(cat "$RUN/$1.pid")" 2>/dev/null; }

# PostgreSQL refuses to run as root: as root, its files belong to "postgres".
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# The database's folder outlives stop and start (people's work is kept): it
# lives in /tmp, where the postgres user can reach it, named in $RUN/pg-dir.
start_postgres() {
  local dir
  if [ -f "$RUN/pg-dir" ] && [ -d "$(cat "$RUN/pg-dir")/data" ]; then
    dir="$(cat "$RUN/pg-dir")"
  else
    dir="$(mktemp -d /tmp/mnist-pg.XXXXXX)"
    echo "$dir" >"$RUN/pg-dir"
    (umask 077 && od -An -tx1 -N16 /dev/urandom | tr -d ' \n' >"$dir/password")
    [ "$(id -u)" -ne 0 ] || chown -R postgres "$dir"
    as_pg "$PG_BIN/initdb" -D "$dir/data" -U studio -A scram-sha-256 \
      --pwfile="$dir/password" >"$RUN/logs/postgres-init.log" 2>&1
  fi
  as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -w -l "$dir/log" \
    -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -k $dir" start >/dev/null
  DATABASE_URL="postgresql://studio:$(cat "$dir/password")@127.0.0.1:$PG_PORT/postgres"
}

stop_postgres() {
  [ -f "$RUN/pg-dir" ] || return 0
  local dir; dir="$(cat "$RUN/pg-dir")"
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    say "stopped postgres"
  fi
}

start() {
  check_installed
  if compgen -G "$RUN/*.pid" >/dev/null; then
    say "already started (bash deploy/local-cluster.sh stop first)"
    exit 1
  fi
  check_ports_free
  mkdir -p "$RUN/logs" "$RUN/temp"
  [ -n "${MNIST_PATH:-}" ] || say "MNIST_PATH is not set: replicas and workers download MNIST on first use"
  # Ray's socket paths must stay short: its files live in /tmp.
  mktemp -d /tmp/mnist-ray.XXXXXX >"$RUN/ray-temp-dir"
  # Ray's client port runs any code sent to it, unauthenticated: it must stay
  # private. Without the first variable Ray listens on every network
  # interface; with it, the head and its client server (which listens on the
  # node's address) take 127.0.0.1 only (docs/scale.md: closing it elsewhere).
  # RAY_AUTH_MODE: a token in ~/.ray would turn on token auth, which Ray's
  # ray:// client (the replicas') cannot pass (docs/scale.md).
  launch ray env RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0 RAY_AUTH_MODE=disabled \
    "$RAY" start --head --block \
    --node-ip-address=127.0.0.1 --port="$RAY_PORT" \
    --ray-client-server-port="$RAY_CLIENT_PORT" --num-cpus="$RAY_CPUS" \
    --include-dashboard=false --disable-usage-stats \
    --temp-dir="$(cat "$RUN/ray-temp-dir")"
  wait_for "$RAY_CLIENT_PORT" ray
  start_postgres
  local port
  # The replicas listen on 127.0.0.1 behind this script's own nginx, so every
  # connection comes from nginx: MNIST_TRUSTED_PROXY makes each visitor count
  # as the address nginx saw, not all of them as one.
  for port in "${REPLICAS[@]}"; do
    launch_replica "$port"
  done
  for port in "${REPLICAS[@]}"; do
    wait_for "http://127.0.0.1:$port/_stcore/health" "replica-$port"
  done
  # The secret nginx hashes with each browser's key (deploy/nginx.conf), so
  # no browser can work out which key reaches which replica: new at every
  # start, readable by this user only, never sent to anyone.
  (umask 077 && printf 'map "" $replica_secret { default "%s"; }\n' \
    "$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')" >"$RUN/replica-secret.conf")
  local conf="$RUN/nginx.conf"
  sed "s/listen 127.0.0.1:8080;/listen 127.0.0.1:$PORT;/" deploy/nginx.conf >"$conf"
  # As root, nginx's workers would run as "nobody" and could not write here.
  [ "$(id -u)" -ne 0 ] || sed -i '1i user root;' "$conf"
  launch nginx "$NGINX" -p "$RUN" -c "$conf" -e "$RUN/logs/nginx-error.log" -g "daemon off;"
  wait_for "http://127.0.0.1:$PORT/_stcore/health" nginx
  echo "http://127.0.0.1:$PORT"
}

launch_replica() {
  # RAY_AUTH_MODE as for the head: a client that reconnects would otherwise
  # make a token in ~/.ray, and every later connection would then need one.
  launch "replica-$1" env MNIST_RAY_ADDRESS="ray://127.0.0.1:$RAY_CLIENT_PORT" \
    RAY_AUTH_MODE=disabled MNIST_DATABASE_URL="$DATABASE_URL" MNIST_TRUSTED_PROXY=1 \
    MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}" \
    "$PYTHON" -m streamlit run streamlit_app.py --server.headless true \
    --server.address 127.0.0.1 --server.port "$1" \
    --browser.gatherUsageStats false
}

# Restart one replica (as an upgrade or a crash would): its visitors reconnect
# and find their work, kept in PostgreSQL.
restart() {
  local port="${1:-}" dir
  alive "replica-$port" || { say "no running replica on port '$port'"; exit 1; }
  end_group "replica-$port"
  dir="$(cat "$RUN/pg-dir")"
  DATABASE_URL="postgresql://studio:$(cat "$dir/password")@127.0.0.1:$PG_PORT/postgres"
  launch_replica "$port"
  wait_for "http://127.0.0.1:$port/_stcore/health" "replica-$port"
  say "restarted replica-$port"
}

# Stop a process started by launch, with its whole group.
end_group() {
  local file="$RUN/$1.pid" pid
  [ -f "$file" ] || return 0
  pid="$(cat "$file")"
  # The whole process group: Ray's head takes its workers down with it.
  kill -TERM -- "-$pid" 2>/dev/null || true
  for _ in $(seq 1 120); do
    kill -0 -- "-$pid" 2>/dev/null || break  # until the whole group is gone
    sleep 0.5
  done
  kill -KILL -- "-$pid" 2>/dev/null || true
  rm -f "$file"
}

stop() {
  local name
  for name in nginx "${REPLICAS[@]/#/replica-}" ray; do
    [ -f "$RUN/$name.pid" ] || continue
    end_group "$name"
    say "stopped $name"
  done
  if [ -f "$RUN/ray-temp-dir" ]; then
    rm -rf "$(cat "$RUN/ray-temp-dir")" "$RUN/ray-temp-dir"
  fi
  rm -f "$RUN/replica-secret.conf"
  stop_postgres
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart) restart "${2:-}" ;;
  *) echo "usage: bash deploy/local-cluster.sh start|stop|restart PORT" >&2; exit 2 ;;
esac
