#!/usr/bin/env bash
# A private PostgreSQL for the storage tests: one cluster in a temp folder, listening on loopback only.
#
#   tools/dev/postgres-test-server.sh start   install PostgreSQL from Debian packages if missing, create the cluster
#                                            on first use, start it, create role and database; prints nothing on stdout
#   tools/dev/postgres-test-server.sh env     prints `export DRONESCAN_TEST_POSTGRES=...` for eval
#   tools/dev/postgres-test-server.sh url     prints the connection string alone
#   tools/dev/postgres-test-server.sh status  exit 0 when running
#   tools/dev/postgres-test-server.sh stop    stops the cluster (its data folder stays, so the next start is fast)
#
# Port 54329 (DRONESCAN_PG_PORT), data in ${TMPDIR:-/tmp}/dronescan-pg-PORT (DRONESCAN_PG_DIR). Superuser `postgres`
# over the Unix socket in the data folder only; the tests log in over TCP as `dronescan` / `dronescan`
# (scram-sha-256), which may create databases. As root the server runs as the OS user `postgres` (the package
# creates it): PostgreSQL refuses to run as root.
set -euo pipefail

port=${DRONESCAN_PG_PORT:-54329}
data=${DRONESCAN_PG_DIR:-${TMPDIR:-/tmp}/dronescan-pg-$port}
url="Host=127.0.0.1;Port=$port;Username=dronescan;Password=dronescan;Database=dronescan_test"

log() { echo "postgres-test-server: $*" >&2; }

find_bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then
    echo "$dir"
  elif command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
  fi
}

install_postgres() {
  local sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { log "PostgreSQL is missing and sudo is not available: install the 'postgresql' package"; exit 1; }
    sudo_cmd=(sudo)
  fi
  log "installing PostgreSQL from Debian packages"
  "${sudo_cmd[@]}" apt-get update >&2
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql >&2
}

# Runs a command as the cluster's OS user: ourselves, or `postgres` when we are root.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

bindir=$(find_bindir)

is_running() {
  [ -n "$bindir" ] && [ -f "$data/PG_VERSION" ] && as_pg "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1
}

psql_super() {
  as_pg "$bindir/psql" -h "$data" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -tAq "$@"
}

start() {
  if [ -z "$bindir" ]; then
    install_postgres
    bindir=$(find_bindir)
    [ -n "$bindir" ] || { log "initdb not found after installing postgresql"; exit 1; }
  fi
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    log "running as root needs the OS user 'postgres' (created by the postgresql package)"; exit 1
  fi

  if [ ! -f "$data/PG_VERSION" ]; then
    log "creating a cluster in $data"
    as_pg mkdir -p "$data"
    as_pg chmod 700 "$data"
    local pwfile
    pwfile=$(as_pg mktemp)
    as_pg sh -c "echo postgres > '$pwfile'"
    as_pg "$bindir/initdb" -D "$data" -U postgres --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 \
      --encoding=UTF8 --locale=C.UTF-8 >&2
    as_pg rm -f "$pwfile"
  fi

  if ! is_running; then
    # Durability is not wanted from a throwaway test server: fsync off makes CREATE DATABASE and commits fast.
    as_pg "$bindir/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$data -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >&2 || { log "start failed; log:"; tail -n 30 "$data/server.log" >&2 || true; exit 1; }
  fi

  if [ "$(psql_super -c "SELECT 1 FROM pg_roles WHERE rolname = 'dronescan'")" != "1" ]; then
    psql_super -c "CREATE ROLE dronescan LOGIN CREATEDB PASSWORD 'dronescan'"
  fi
  if [ "$(psql_super -c "SELECT 1 FROM pg_database WHERE datname = 'dronescan_test'")" != "1" ]; then
    psql_super -c "CREATE DATABASE dronescan_test OWNER dronescan"
  fi
  log "running on 127.0.0.1:$port (data $data)"
}

stop() {
  if is_running; then
    as_pg "$bindir/pg_ctl" -D "$data" -m fast -w stop >&2
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) is_running ;;
  env) echo "export DRONESCAN_TEST_POSTGRES='$url'" ;;
  url) echo "$url" ;;
  *) echo "usage: $0 start|stop|status|env|url" >&2; exit 2 ;;
esac
