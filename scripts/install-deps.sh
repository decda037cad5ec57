#!/usr/bin/env bash
# Installs, with apt, every Debian package InterviewAce needs to build, run and test.
# Idempotent: packages already present are skipped, and nothing runs when all are there.
# Works as root on a fresh Debian 12 machine; elsewhere it uses sudo when available.
#
# Usage: scripts/install-deps.sh [--build | --fuzz | --bench] [--check | --print]
#   (no mode)  everything: build, run and every test and lint tool (make run, make test)
#   --build    only what compiles build/interviewace and builds the web app into it: no test
#              tools, no browser, no database server (the Dockerfile's build stage)
#   --fuzz     clang and libFuzzer for `make fuzz`
#   --bench    what `make bench` needs: the build set, wrk, nginx-light (the `return 200`
#              baseline), PostgreSQL and the driver's HTTP client (bench/README.md)
#   --check    install nothing: name the missing packages and exit 1 when there are any
#   --print    install nothing: print the packages of the mode, one per line
set -euo pipefail

# What compiles the binary: the toolchain, the libraries it links, and Node.js, which runs
# web/build.mjs (no npm packages) during the ninja build.
BUILD_PACKAGES=(
  # build
  build-essential pkg-config meson ninja-build
  # libraries
  libjansson-dev libsodium-dev libjwt-dev libcrypt-dev libsqlite3-dev libpq-dev
  libcurl4-openssl-dev libssl-dev libhiredis-dev
  # resume text extraction (src/docs/): PDF, DOCX, and the child's seccomp filter
  libpoppler-glib-dev libzip-dev libxml2-dev libseccomp-dev
  # the offline engine's text layer (src/ai/): Snowball stemmers, and the WordNet database it
  # reads at start-up (WORDNET_DIR; the unit tests read it too)
  libstemmer-dev wordnet-base
  # resume language identification (src/ai/lang.c) and its fingerprints
  libexttextcat-dev libexttextcat-data
  # the web app's build (web/build.mjs)
  nodejs
)

# What the tests and checks need on top of that.
TEST_PACKAGES=(
  # services the integration tests start on loopback (scripts/services.sh)
  postgresql redis-server
  # certificates for the rediss:// test (tests/integration/test_redis.py)
  openssl
  # the browser tests (tests/e2e/: playwright-core from npm driving Debian's Chromium, headless)
  chromium
  # tests and lint
  # (python3-jsonschema: the integration tests hold responses to /openapi.json)
  libcmocka-dev python3-pytest python3-httpx python3-jsonschema clang-format cppcheck
  # deployment checks (scripts/check-deploy.sh): docker-compose.yml, YAML, shell scripts and
  # the systemd units (systemd-analyze)
  docker-compose yamllint shellcheck systemd
)

mode=all
action=install
for arg in "$@"; do
  case "$arg" in
    --build) mode=build ;;
    --fuzz) mode=fuzz ;;
    --bench) mode=bench ;;
    --check) action=check ;;
    --print) action=print ;;
    *)
      echo "usage: scripts/install-deps.sh [--build | --fuzz | --bench] [--check | --print]" >&2
      exit 2
      ;;
  esac
done

case "$mode" in
  all) PACKAGES=("${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}") ;;
  build) PACKAGES=("${BUILD_PACKAGES[@]}") ;;
  # `make fuzz` only: clang with its runtime libraries (libFuzzer and the sanitizers).
  fuzz) PACKAGES=(clang libclang-rt-dev) ;;
  # `make bench` only: the load generator, the nginx baseline, the PostgreSQL pass and the
  # driver's HTTP client (bench/bench.py, run with /usr/bin/python3).
  bench) PACKAGES=("${BUILD_PACKAGES[@]}" wrk nginx-light postgresql python3-httpx) ;;
esac

if [ "$action" = print ]; then
  printf '%s\n' "${PACKAGES[@]}"
  exit 0
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

# npm (for `npm ci` of the browser tests and the Dockerfile linter) comes with some nodejs
# builds and is its own Debian package with others. The build alone does not need it.
if [ "$mode" = all ] && ! command -v npm >/dev/null 2>&1; then
  missing+=(npm)
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$action" = check ]; then
  echo "install-deps: missing ($mode): ${missing[*]}" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "install-deps: missing packages and not root: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
