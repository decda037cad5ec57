#!/usr/bin/env bash
# Throw-away services for the integration tests, listening on loopback only.
#
#   scripts/services.sh start  [service...]   start (no-op for a service already running)
#   scripts/services.sh stop   [service...]   stop and delete its data (no-op when stopped)
#   scripts/services.sh status [service...]   exit 0 when every named service runs
#   scripts/services.sh env    [service...]   print `export NAME=value` lines for the tests:
#                                             eval "$(scripts/services.sh env)"
#
# Services (default: all), each a set of <name>_start/_stop/_status/_env functions and an entry
# in SERVICES:
#   postgres  a throw-away PostgreSQL cluster
#   redis     a throw-away redis-server (Debian's) without persistence, with 4096 databases so
#             that every test server can have one of its own
#   s3        moto's S3-compatible server (`python3 -m moto.server` with the python3 first on
#             PATH, or $MOTO_PYTHON) with signature checks on: a bucket and an IAM access key are
#             created at start, every later request must be signed with that key, and a wrong
#             secret is refused (SignatureDoesNotMatch)
#
# State lives in $SERVICES_DIR (default <repo>/.services; as root, a /tmp directory when the
# `postgres` user cannot reach the repository). As root, the PostgreSQL cluster is created and
# run by the `postgres` user (initdb and pg_ctl refuse to run as root). No stdin is read.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SERVICES=(postgres redis s3)

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

# ---- Redis -------------------------------------------------------------------------------

REDIS_DIR=$DIR/redis

redis_pid() {
  [ -f "$REDIS_DIR/pid" ] || return 1
  cat "$REDIS_DIR/pid"
}

# True while the recorded pid is alive (not a zombie) and is a redis-server.
redis_running() {
  local pid state
  pid=$(redis_pid) || return 1
  state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$pid/status" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'redis-server' || return 1
  [ -f "$REDIS_DIR/port" ]
}

redis_kill() {
  redis_running || return 0
  local pid i
  pid=$(redis_pid)
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 100; i++)); do
    redis_running || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

redis_start() {
  if redis_running; then
    echo "services: redis running on 127.0.0.1:$(cat "$REDIS_DIR/port") (data $REDIS_DIR)"
    return
  fi
  command -v redis-server >/dev/null 2>&1 ||
    die "redis-server not found (install the redis-server package: scripts/install-deps.sh)"
  redis_kill
  rm -rf "$REDIS_DIR"
  mkdir -p "$REDIS_DIR"
  chmod 0700 "$REDIS_DIR"
  local attempt port i
  for attempt in 1 2 3; do
    port=$(free_port)
    echo "$port" >"$REDIS_DIR/port"
    # No persistence (save "", appendonly no): the data is thrown away with the server.
    setsid redis-server --bind 127.0.0.1 --port "$port" --dir "$REDIS_DIR" --save "" \
      --appendonly no --databases 4096 --protected-mode yes --loglevel warning \
      --logfile "$REDIS_DIR/redis.log" </dev/null >/dev/null 2>&1 9>&- &
    echo $! >"$REDIS_DIR/pid"
    for ((i = 0; i < 100; i++)); do
      if [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" = PONG ]; then
        echo "services: redis running on 127.0.0.1:$port (data $REDIS_DIR)"
        return
      fi
      redis_running || break
      sleep 0.1
    done
    redis_kill
  done
  tail -n 30 "$REDIS_DIR/redis.log" >&2 || true
  die "redis-server did not start (log: $REDIS_DIR/redis.log)"
}

redis_stop() {
  redis_kill
  rm -rf "$REDIS_DIR"
}

redis_status() {
  if redis_running; then
    echo "services: redis running on 127.0.0.1:$(cat "$REDIS_DIR/port") (data $REDIS_DIR)"
  else
    echo "services: redis not running"
    return 1
  fi
}

redis_env() {
  redis_running || return 1
  printf 'export %s=%q\n' TEST_REDIS_URL "redis://127.0.0.1:$(cat "$REDIS_DIR/port")"
}

# ---- S3 (moto) ----------------------------------------------------------------------------

S3_DIR=$DIR/s3
S3_BUCKET=interviewace-test
S3_REGION=us-east-1
S3_USER=interviewace
# moto checks no signature for this many requests: the IAM calls that create the user, its
# policy and its access key. Every later request must carry a valid SigV4 signature.
S3_BOOTSTRAP_ACTIONS=3

# The interpreter that runs moto: $MOTO_PYTHON, else the python3 first on PATH, resolved to the
# real executable (not a version manager's shim) so that the recorded pid is the server's.
moto_python() {
  local py=${MOTO_PYTHON:-}
  if [ -z "$py" ]; then
    py=$(command -v python3) || die "python3 not found on PATH (moto's server runs with it)"
  fi
  "$py" -c 'import sys; print(sys.executable)' 2>/dev/null || die "cannot run $py"
}

s3_pid() {
  [ -f "$S3_DIR/pid" ] || return 1
  cat "$S3_DIR/pid"
}

# True while the pid in $S3_DIR/pid is alive (not a zombie) and is moto's server.
s3_process_alive() {
  local pid state
  pid=$(s3_pid) || return 1
  state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$pid/status" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'moto\.server'
}

# True once the server runs and its user, access key and bucket exist.
s3_running() {
  s3_process_alive && [ -f "$S3_DIR/credentials" ]
}

# Stops the server this directory started, by its recorded pid only: SIGTERM, then SIGKILL
# after 10 seconds.
s3_kill() {
  s3_process_alive || return 0
  local pid i
  pid=$(s3_pid)
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 100; i++)); do
    s3_process_alive || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

# Waits until the server on port answers its management API (which is no S3 or IAM request,
# so it spends none of the bootstrap requests), for at most 30 seconds; fails at once when the
# process has exited (e.g. the port was taken meanwhile).
s3_wait_ready() {
  local port=$1 i
  for ((i = 0; i < 300; i++)); do
    s3_process_alive || return 1
    if python -c 'import sys, urllib.request
urllib.request.urlopen("http://127.0.0.1:%s/moto-api/config" % sys.argv[1], timeout=1).read()' \
      "$port" >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}

# Creates the IAM user, its S3 policy and its access key with the unauthenticated bootstrap
# requests, then the bucket with a signed request, and proves that a wrong secret is refused.
# Writes the export lines of `env` to $S3_DIR/credentials (mode 0600).
s3_setup() {
  local py=$1 port=$2
  if ! (umask 077 && "$py" - "http://127.0.0.1:$port" "$S3_BUCKET" "$S3_REGION" "$S3_USER" \
    "$S3_DIR/credentials.new" >"$S3_DIR/setup.log" 2>&1) <<'PY'; then
import json, shlex, sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint, bucket, region, user, out = sys.argv[1:6]
cfg = Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"},
             connect_timeout=5, read_timeout=30)


def client(service, key_id, secret):
    return boto3.client(service, endpoint_url=endpoint, region_name=region, config=cfg,
                        aws_access_key_id=key_id, aws_secret_access_key=secret)


# The bootstrap requests: moto checks no signature for these.
iam = client("iam", "bootstrap", "bootstrap")
iam.create_user(UserName=user)
iam.put_user_policy(UserName=user, PolicyName="s3-all", PolicyDocument=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
key = iam.create_access_key(UserName=user)["AccessKey"]
key_id, secret = key["AccessKeyId"], key["SecretAccessKey"]

# From here on every request is checked: a signed one works, a wrong secret is refused.
client("s3", key_id, secret).create_bucket(Bucket=bucket)
wrong = secret[:-1] + ("A" if secret[-1] != "A" else "B")
try:
    client("s3", key_id, wrong).list_objects_v2(Bucket=bucket, MaxKeys=1)
except ClientError as exc:
    code = exc.response["Error"]["Code"]
    if code != "SignatureDoesNotMatch":
        sys.exit(f"a wrong secret was refused with {code}, not SignatureDoesNotMatch")
else:
    sys.exit("moto accepted a request signed with a wrong secret: signatures are not checked")

with open(out, "w") as f:
    for name, value in (("TEST_S3_ENDPOINT", endpoint), ("TEST_S3_BUCKET", bucket),
                        ("TEST_S3_REGION", region), ("TEST_S3_ACCESS_KEY_ID", key_id),
                        ("TEST_S3_SECRET_ACCESS_KEY", secret)):
        f.write(f"export {name}={shlex.quote(value)}\n")
PY
    cat "$S3_DIR/setup.log" >&2
    return 1
  fi
  mv "$S3_DIR/credentials.new" "$S3_DIR/credentials"
}

s3_start() {
  if s3_running; then
    echo "services: s3 (moto) running on 127.0.0.1:$(cat "$S3_DIR/port") (data $S3_DIR)"
    return
  fi
  s3_kill # a server left half set up by an interrupted start
  local py
  py=$(moto_python)
  "$py" -c 'import moto.server, boto3' 2>/dev/null ||
    die "moto's server is not installed for $py (pip install 'moto[server]'), or set MOTO_PYTHON"
  rm -rf "$S3_DIR"
  mkdir -p "$S3_DIR/data"
  chmod 0700 "$S3_DIR"
  local attempt port
  for attempt in 1 2 3; do
    port=$(free_port)
    echo "$port" >"$S3_DIR/port"
    # In its own session (a Ctrl-C at the terminal does not reach it), with its own temporary
    # files, and without the lock's descriptor.
    INITIAL_NO_AUTH_ACTION_COUNT=$S3_BOOTSTRAP_ACTIONS TMPDIR="$S3_DIR/data" \
      setsid "$py" -m moto.server -H 127.0.0.1 -p "$port" \
      </dev/null >"$S3_DIR/moto.log" 2>&1 9>&- &
    echo $! >"$S3_DIR/pid"
    if s3_wait_ready "$port"; then
      break
    fi
    s3_kill
    if [ "$attempt" -eq 3 ]; then
      tail -n 30 "$S3_DIR/moto.log" >&2 || true
      die "moto's server did not start (log: $S3_DIR/moto.log)"
    fi
  done
  if ! s3_setup "$py" "$port"; then
    s3_kill
    die "could not set up moto with signature checks (log: $S3_DIR/setup.log)"
  fi
  echo "services: s3 (moto) running on 127.0.0.1:$port, bucket $S3_BUCKET, signatures checked" \
    "(data $S3_DIR)"
}

s3_stop() {
  s3_kill
  rm -rf "$S3_DIR"
}

s3_status() {
  if s3_running; then
    echo "services: s3 (moto) running on 127.0.0.1:$(cat "$S3_DIR/port") (data $S3_DIR)"
  else
    echo "services: s3 not running"
    return 1
  fi
}

s3_env() {
  s3_running || return 1
  cat "$S3_DIR/credentials"
  printf 'export %s=%q\n' TEST_S3_LOG "$S3_DIR/moto.log"
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
