#!/usr/bin/env bash
# Throw-away services for the integration tests, listening on loopback only.
#
#   scripts/services.sh start  [service...]   start (no-op for a service already running)
#   scripts/services.sh stop   [service...]   stop and delete its data (no-op when stopped)
#   scripts/services.sh status [service...]   exit 0 when every named service runs
#   scripts/services.sh env    [service...]   print `export NAME=value` lines for the tests:
#                                             eval "$(scripts/services.sh env)"
#
# Services: postgres (default: all). Redis and S3 come later, each as one more set of
# <name>_start/_stop/_running/_env functions and an entry in SERVICES.
#
# State lives in $SERVICES_DIR (default <repo>/.services; as root, a /tmp directory when the
# `postgres` user cannot reach the repository). As root, the PostgreSQL cluster is created and
# run by the `postgres` user (initdb and pg_ctl refuse to run as root). No stdin is read.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SERVICES=(postgres)

die() {
  echo "services: $*" >&2
  exit 1
}

is_root() { [ "$(id -u)" -eq 0 ]; }

python() {
  if [ -x /usr/bin/python3 ]; then /usr/bin/python3 "$@"; else python3 "$@"; fi
}

# A TCP port free on 127.0.0.1 right now.
free_port() {
  python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

port_in_use() {
  python - "$1" <<'EOF'
import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(0)
sys.exit(1)
EOF
}

services_dir() {
  if [ -n "${SERVICES_DIR:-}" ]; then
    case "$SERVICES_DIR" in
      /*) echo "$SERVICES_DIR" ;;
      *) echo "$PWD/$SERVICES_DIR" ;;
    esac
  elif is_root && id postgres >/dev/null 2>&1 && ! (cd / && runuser -u postgres -- test -x "$REPO"); then
    # The postgres user cannot traverse the repository (e.g. under /root): use a directory
    # of /tmp that is the same on every call for this repository.
    echo "/tmp/interviewace-services-$(printf '%s' "$REPO" | cksum | cut -d' ' -f1)"
  else
    echo "$REPO/.services"
  fi
}

DIR=$(services_dir)

# ---- PostgreSQL ---------------------------------------------------------------------------

PG_ROLE=interviewace # superuser created by initdb
PG_DB=interviewace
PG_DIR=$DIR/pg
PG_DATA=$PG_DIR/data
PG_SOCKETS=$PG_DIR/run
PG_LOG=$PG_DIR/postgres.log
PG_PORT_FILE=$PG_DIR/port

pg_bin() {
  if [ -n "${PG_BIN:-}" ]; then
    echo "$PG_BIN"
    return
  fi
  local d
  d=$(printf '%s\n' /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)
  if [ -x "$d" ]; then # the newest installed version
    dirname "$d"
    return
  fi
  if command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
    return
  fi
  die "PostgreSQL server binaries not found (install the postgresql package: scripts/install-deps.sh)"
}

# The operating-system user that owns and runs the cluster.
pg_ctl_user() {
  if is_root; then echo postgres; else id -un; fi
}

# Runs a command as the cluster's owner, from / (the owner may not be able to read $PWD),
# without the lock's descriptor (a server started here would hold the lock forever).
as_pg() {
  if is_root; then
    (cd / && runuser -u postgres -- "$@") 9>&-
  else
    "$@" 9>&-
  fi
}

pg_port() {
  [ -f "$PG_PORT_FILE" ] || return 1
  cat "$PG_PORT_FILE"
}

# True while the postmaster runs. A postmaster killed but not yet reaped (a zombie, as under a
# container's minimal init) counts as stopped, and its stale lock files are removed.
postgres_running() {
  [ -f "$PG_DATA/PG_VERSION" ] || return 1
  as_pg "$BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1 || return 1
  local pid state
  pid=$(as_pg head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null) || return 0
  state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$pid/status" 2>/dev/null) || return 0
  if [ "$state" = Z ]; then
    # shellcheck disable=SC2016
    as_pg sh -c 'rm -f "$1/postmaster.pid" "$2"/.s.PGSQL.*.lock' sh "$PG_DATA" "$PG_SOCKETS"
    return 1
  fi
}

pg_set_port() {
  local port=$1
  # shellcheck disable=SC2016 # $1 and $2 belong to the inner shell
  as_pg sh -c 'printf "port = %s\n" "$1" >>"$2"' sh "$port" "$PG_DATA/postgresql.conf"
  echo "$port" >"$PG_PORT_FILE"
  chmod 0644 "$PG_PORT_FILE"
}

pg_init() {
  if is_root; then
    id postgres >/dev/null 2>&1 || die "user postgres does not exist (install the postgresql package)"
  fi
  rm -rf "$PG_DIR"
  mkdir -p "$PG_DIR"
  chmod 0755 "$PG_DIR"
  mkdir -m 0700 "$PG_SOCKETS"
  if is_root; then
    chown postgres: "$PG_DIR" "$PG_SOCKETS"
  fi

  local locale=C
  if locale -a 2>/dev/null | grep -qix 'c.utf-\?8'; then
    locale=C.UTF-8
  fi
  if ! as_pg "$BIN/initdb" -D "$PG_DATA" -U "$PG_ROLE" --auth=trust -E UTF8 --locale="$locale" \
    --no-sync >"$PG_DIR/initdb.log" 2>&1; then
    cat "$PG_DIR/initdb.log" >&2
    die "initdb failed"
  fi

  # Unix socket paths are limited to 107 bytes; with a deep directory, TCP only.
  local sockets="$PG_SOCKETS"
  if [ $((${#PG_SOCKETS} + 20)) -gt 107 ]; then
    sockets=""
  fi
  # shellcheck disable=SC2016
  as_pg sh -c 'cat >>"$1"' sh "$PG_DATA/postgresql.conf" <<EOF

# ---- scripts/services.sh: a throw-away cluster for tests ----
listen_addresses = '127.0.0.1'
unix_socket_directories = '$sockets'
unix_socket_permissions = 0700
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
# No replicas: minimal WAL makes CREATE DATABASE ... STRATEGY = FILE_COPY (one per test server) fast.
wal_level = minimal
max_wal_senders = 0
log_min_messages = warning
log_line_prefix = '%m [%p] %q%u@%d '
EOF
  # shellcheck disable=SC2016
  as_pg sh -c 'cat >"$1"' sh "$PG_DATA/pg_hba.conf" <<EOF
# scripts/services.sh: trust, on the private socket directory and 127.0.0.1 only.
local all all trust
host  all all 127.0.0.1/32 trust
EOF
  pg_set_port "$(free_port)"
}

pg_psql() {
  "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$(pg_port)" -U "$PG_ROLE" "$@"
}

postgres_start() {
  if ! postgres_running; then
    if [ ! -f "$PG_DATA/PG_VERSION" ] || [ ! -f "$PG_PORT_FILE" ]; then
      pg_init
    fi
    local attempt out
    for attempt in 1 2 3; do
      if out=$(as_pg "$BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 -s start 2>&1); then
        break
      fi
      if [ "$attempt" -lt 3 ] && port_in_use "$(pg_port)"; then
        # Someone took the port since it was chosen: choose another one.
        pg_set_port "$(free_port)"
        continue
      fi
      tail -n 30 "$PG_LOG" >&2 || true
      echo "$out" >&2
      die "PostgreSQL did not start (log: $PG_LOG)"
    done
  fi
  # Running already (perhaps still starting up): wait until it accepts connections.
  if ! "$BIN/pg_isready" -q -h 127.0.0.1 -p "$(pg_port)" -U "$PG_ROLE" -d postgres -t 30; then
    die "PostgreSQL in $PG_DATA runs but does not accept connections on 127.0.0.1:$(pg_port)" \
      "(log: $PG_LOG; scripts/services.sh stop, then start)"
  fi
  if [ -z "$(pg_psql -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" ]; then
    pg_psql -d postgres -c "CREATE DATABASE $PG_DB OWNER $PG_ROLE"
  fi
  echo "services: postgres running on 127.0.0.1:$(pg_port) (data $PG_DATA)"
}

postgres_stop() {
  if [ -f "$PG_DATA/PG_VERSION" ] && postgres_running; then
    as_pg "$BIN/pg_ctl" -D "$PG_DATA" -w -t 60 -s stop -m fast ||
      die "pg_ctl stop failed; $PG_DIR left in place"
  fi
  rm -rf "$PG_DIR"
}

postgres_status() {
  if postgres_running; then
    echo "services: postgres running on 127.0.0.1:$(pg_port) (data $PG_DATA)"
  else
    echo "services: postgres not running"
    return 1
  fi
}

postgres_env() {
  postgres_running || return 1
  local port
  port=$(pg_port)
  printf 'export %s=%q\n' \
    TEST_POSTGRES_URL "postgresql://$PG_ROLE@127.0.0.1:$port/$PG_DB" \
    TEST_PG_BIN "$BIN" \
    TEST_PG_DATA "$PG_DATA" \
    TEST_PG_LOG "$PG_LOG" \
    TEST_PG_PORT "$port" \
    TEST_PG_CTL_USER "$(pg_ctl_user)"
}

# ---- main ---------------------------------------------------------------------------------

usage() {
  echo "usage: scripts/services.sh start|stop|status|env [${SERVICES[*]}]" >&2
  exit 2
}

[ $# -ge 1 ] || usage
command=$1
shift
selected=("$@")
[ ${#selected[@]} -gt 0 ] || selected=("${SERVICES[@]}")
for s in "${selected[@]}"; do
  case " ${SERVICES[*]} " in
    *" $s "*) ;;
    *) die "unknown service '$s' (known: ${SERVICES[*]})" ;;
  esac
done

BIN=$(pg_bin)

case "$command" in
  start | stop)
    mkdir -p "$DIR"
    # One start/stop at a time per services directory.
    exec 9>"$DIR/.lock"
    flock 9
    if [ "$command" = start ]; then
      for s in "${selected[@]}"; do "${s}_start"; done
    else
      for ((i = ${#selected[@]} - 1; i >= 0; i--)); do "${selected[$i]}_stop"; done
      # Remove the directory once no service is left in it.
      left=$(find "$DIR" -mindepth 1 -maxdepth 1 ! -name .lock -print -quit)
      if [ -z "$left" ]; then
        rm -f "$DIR/.lock"
        rmdir "$DIR" 2>/dev/null || true
      fi
    fi
    ;;
  status)
    rc=0
    for s in "${selected[@]}"; do "${s}_status" || rc=1; done
    exit $rc
    ;;
  env)
    rc=0
    for s in "${selected[@]}"; do
      if ! "${s}_env"; then
        echo "services: $s is not running (scripts/services.sh start $s)" >&2
        rc=1
      fi
    done
    exit $rc
    ;;
  *) usage ;;
esac
