#!/usr/bin/env bash
# Installs, with apt, every Debian package InterviewAce needs to build, run and test.
# Idempotent: packages already present are skipped, and nothing runs when all are there.
# Works as root on a fresh Debian 12 machine; elsewhere it uses sudo when available.
# Usage: scripts/install-deps.sh [--fuzz]   (--fuzz adds clang and libFuzzer for `make fuzz`)
set -euo pipefail

PACKAGES=(
  # build
  build-essential pkg-config meson ninja-build
  # libraries
  libmicrohttpd-dev libjansson-dev libsodium-dev libjwt-dev libcrypt-dev libsqlite3-dev libpq-dev
  libcurl4-openssl-dev
  # resume text extraction (src/docs/): PDF, DOCX, and the child's seccomp filter
  libpoppler-glib-dev libzip-dev libxml2-dev libseccomp-dev
  # services the integration tests start on loopback (scripts/services.sh)
  postgresql
  # the web app's build (web/build.mjs) and its browser tests (tests/e2e/: playwright-core
  # from npm driving Debian's Chromium, headless)
  nodejs chromium
  # tests and lint
  # (python3-jsonschema: the integration tests hold responses to /openapi.json)
  libcmocka-dev python3-pytest python3-httpx python3-jsonschema clang-format cppcheck
)

# `make fuzz` only: clang with its runtime libraries (libFuzzer and the sanitizers).
if [ "${1:-}" = "--fuzz" ]; then
  PACKAGES=(clang libclang-rt-dev)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

# npm comes with some nodejs builds and is its own Debian package with others.
if ! command -v npm >/dev/null 2>&1; then
  missing+=(npm)
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
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
