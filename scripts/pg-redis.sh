#!/usr/bin/env bash
# Start or stop a throwaway PostgreSQL and Redis on loopback, all state under one directory.
# Redis keeps an append-only file, as a broker should: a restart loses no queued job chunk.
#
#   scripts/pg-redis.sh start DIR   → initdb + postgres + redis-server in DIR on free ports;
#                                     prints `export DATABASE_URL=... REDIS_URL=...` lines
#   scripts/pg-redis.sh stop DIR    → stops both (the directory is left for the caller to remove)
#   scripts/pg-redis.sh pg-stop|pg-start|redis-stop|redis-start DIR  → one service (fault tests)
#
# PostgreSQL refuses to run as root: as root the cluster belongs to the `postgres` user that
# Debian's package creates; otherwise to the caller. Binaries come from PG_BIN (Debian 12:
# /usr/lib/postgresql/15/bin).
set -euo pipefail
cmd=${1:?usage: pg-redis.sh start|stop|pg-stop|pg-start|redis-stop|redis-start DIR}
dir=${2:?usage: pg-redis.sh $cmd DIR}
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_start() {
  as_owner "$PG_BIN/pg_ctl" -D "$dir/pg" -l "$dir/pg.log" -w -t 60 start >/dev/null
}

pg_stop() {
  as_owner "$PG_BIN/pg_ctl" -D "$dir/pg" -m fast -w -t 60 stop >/dev/null 2>&1 || true
}

redis_start() {
  redis-server --port "$(cat "$dir/redis.port")" --bind 127.0.0.1 --save '' --appendonly yes \
    --dir "$dir" --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
  for _ in $(seq 100); do
    redis-cli -p "$(cat "$dir/redis.port")" ping >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "redis did not start (see $dir/redis.log)" >&2
  return 1
}

redis_stop() {
  [ -f "$dir/redis.pid" ] || return 0
  local pid
  pid=$(cat "$dir/redis.pid")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$dir/redis.pid"
}

exports() {
  echo "export DATABASE_URL=postgres://webnet@127.0.0.1:$(cat "$dir/pg.port")/webnet"
  echo "export REDIS_URL=redis://127.0.0.1:$(cat "$dir/redis.port")/0"
}

start() {
  [ -x "$PG_BIN/initdb" ] || { echo "PostgreSQL binaries not found (PG_BIN=$PG_BIN)" >&2; exit 1; }
  if [ -f "$dir/pg/PG_VERSION" ]; then  # started before (make dev-services): same data, ports
    pg_start
    redis_start
    exports
    return
  fi
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
  local pg_port
  pg_port=$(free_port)
  echo "$pg_port" >"$dir/pg.port"
  free_port >"$dir/redis.port"
  as_owner "$PG_BIN/initdb" -D "$dir/pg" -U webnet --auth=trust -E UTF8 --no-sync >/dev/null
  cat >>"$dir/pg/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $pg_port
unix_socket_directories = ''
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
EOF
  pg_start
  "$PG_BIN/createdb" -h 127.0.0.1 -p "$pg_port" -U webnet webnet
  redis_start
  exports
}

case "$cmd" in
  start) start ;;
  stop) redis_stop; pg_stop ;;
  pg-stop) pg_stop ;;
  pg-start) pg_start ;;
  redis-stop) redis_stop ;;
  redis-start) redis_start ;;
  *) echo "unknown command: $cmd" >&2; exit 2 ;;
esac
