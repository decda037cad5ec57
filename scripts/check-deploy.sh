#!/usr/bin/env bash
# Checks of the deployment files and the shell scripts; `make test-deploy` runs this (from
# `make test` and `make lint`). Each check prints one line; every check runs even when an
# earlier one failed, and the exit status is 1 if any failed. No network, no Docker daemon, no
# stdin; a few seconds.
#
#   shell       every shell script passes shellcheck: scripts/*.sh, .ci/run, deploy/**/*.sh
#   yamllint    every YAML file of the repository (rules in .yamllint)
#   compose-config  docker-compose.yml passes `docker-compose config` (Debian's docker-compose 1.29,
#               which knows the Compose Specification: service_completed_successfully,
#               profiles) with placeholder secrets, and is refused without SECRET_KEY
#   systemd     deploy/systemd/*.service pass `systemd-analyze verify` without a warning, on
#               copies whose /usr/local/bin/interviewace is the built binary (verify wants the
#               program to exist; no systemd needs to run)
#   dockerfile  the Dockerfile passes dockerfilelint (npm, pinned in package-lock.json)
#   build-deps  `scripts/install-deps.sh --build --check`: the Dockerfile's build set is
#               installed (nothing is installed; the full set of `make test` contains it)
#   the structural checks of scripts/check_deploy.py: manifests, compose, runtime,
#               build-set, context (see that file)
#
# Usage: scripts/check-deploy.sh [BINARY]   (default build/interviewace, built by make)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO=$PWD
BIN=$(realpath "${1:-build/interviewace}")
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Runs a check quietly; prints "deploy: NAME ok" or its output and "deploy: NAME FAILED".
check() {
  local name=$1
  shift
  if "$@" >"$tmp/out" 2>&1; then
    printf 'deploy: %-15s ok\n' "$name:"
  else
    sed 's/^/  /' "$tmp/out"
    printf 'deploy: %-15s FAILED\n' "$name:"
    failed=1
  fi
}

need() {
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "check-deploy: $1 not found (run scripts/install-deps.sh)" >&2
    exit 1
  fi
}

for tool in shellcheck yamllint docker-compose systemd-analyze; do
  need "$tool"
done

shell_scripts() {
  find scripts deploy -type f -name '*.sh' -print0 | sort -z
  printf '%s\0' .ci/run
}

run_shellcheck() {
  local files
  mapfile -d '' files < <(shell_scripts)
  shellcheck --external-sources "${files[@]}"
}

# docker-compose resolves env_file and bind mounts against the project directory: validate in
# a scratch directory that holds an empty .env (a developer's own .env is never read) and
# links to what the compose file names.
run_compose() {
  local dir=$tmp/compose
  mkdir -p "$dir"
  ln -s "$REPO/docker-compose.yml" "$REPO/Dockerfile" "$REPO/deploy" "$dir/"
  : >"$dir/.env"
  local -a env=(env -i "PATH=$PATH" "HOME=$tmp" POSTGRES_PASSWORD=placeholder
    MINIO_ROOT_PASSWORD=placeholder S3_SECRET_ACCESS_KEY=placeholder)
  (cd "$dir" && "${env[@]}" SECRET_KEY=placeholder docker-compose config -q) || return 1
  (cd "$dir" && "${env[@]}" SECRET_KEY=placeholder docker-compose --profile local-llm config -q) ||
    return 1
  # SECRET_KEY is required, never defaulted: without it compose must refuse.
  if (cd "$dir" && "${env[@]}" docker-compose config -q) >"$tmp/nokey" 2>&1; then
    echo "docker-compose.yml was accepted without SECRET_KEY"
    return 1
  fi
  grep -q 'SECRET_KEY must be set' "$tmp/nokey" || {
    cat "$tmp/nokey"
    return 1
  }
}

run_systemd() {
  local dir=$tmp/units unit out
  mkdir -p "$dir"
  [ -x "$BIN" ] || {
    echo "no built binary at $BIN (make build)"
    return 1
  }
  for unit in deploy/systemd/*.service; do
    sed "s#/usr/local/bin/interviewace#$BIN#g" "$unit" >"$dir/$(basename "$unit")"
  done
  out=$(systemd-analyze verify --man=no "$dir"/*.service 2>&1) || {
    echo "$out"
    return 1
  }
  # Unknown keys and values are only warnings for systemd-analyze; here they are errors.
  if [ -n "$out" ]; then
    echo "$out"
    return 1
  fi
}

run_dockerfilelint() {
  local lint=node_modules/.bin/dockerfilelint
  [ -x "$lint" ] || {
    echo "$lint missing (npm ci, which make build runs)"
    return 1
  }
  "$lint" Dockerfile
}

check shell run_shellcheck
check yamllint yamllint --strict .
check compose-config run_compose
check systemd run_systemd
check dockerfile run_dockerfilelint
check build-deps scripts/install-deps.sh --build --check
if ! /usr/bin/python3 scripts/check_deploy.py "$BIN"; then
  failed=1
fi

if [ "$failed" -ne 0 ]; then
  echo "deploy: FAILED"
  exit 1
fi
echo "deploy: ok"
