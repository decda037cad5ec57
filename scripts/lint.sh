#!/usr/bin/env bash
# Static checks for the C sources; `make lint` runs this. Four checks, each reported on one line:
#   format   clang-format --dry-run --Werror (rules in .clang-format) on src/, tests/unit/, tests/fuzz/
#   cppcheck cppcheck on src/ (warning, performance, portability)
#   banned   no call to a banned function (see docs/style.md / docs/design.md "Style") in the same files
#   layers   no file in src/ includes a header of a layer above its own (scripts/check-layers.sh)
# Every check runs even when an earlier one fails; the exit status is 1 if any of them failed.
# Usage: scripts/lint.sh   (from any directory; it works on the repository the script lives in)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

BANNED='\b(strcpy|strcat|sprintf|vsprintf|gets|strtok|atoi|atol)\s*\('
failed=0

# Prints the C sources (*.c, *.h) under the given directories, NUL-separated, sorted;
# directories that do not exist are skipped.
c_sources()
{
    local dirs=()
    local d
    for d in "$@"; do
        if [ -d "$d" ]; then
            dirs+=("$d")
        fi
    done
    if [ ${#dirs[@]} -eq 0 ]; then
        return 0
    fi
    find "${dirs[@]}" -type f \( -name '*.c' -o -name '*.h' \) -print0 | sort -z
}

need()
{
    if ! command -v "$1" >/dev/null 2>&1; then
        echo "lint: $1 not found (run scripts/install-deps.sh)" >&2
        exit 1
    fi
}

# (a) formatting
mapfile -d '' fmt_files < <(c_sources src tests/unit tests/fuzz)
if [ ${#fmt_files[@]} -eq 0 ]; then
    echo "lint: format:   skipped (no C sources in src/ or tests/unit/)"
else
    need clang-format
    if clang-format --style=file --dry-run --Werror "${fmt_files[@]}"; then
        echo "lint: format:   ok (${#fmt_files[@]} files)"
    else
        echo "lint: format:   FAILED (fix with: make fmt)"
        failed=1
    fi
fi

# (b) cppcheck
mapfile -d '' src_files < <(c_sources src)
if [ ${#src_files[@]} -eq 0 ]; then
    echo "lint: cppcheck: skipped (no C sources in src/)"
else
    need cppcheck
    # --std=c11: cppcheck 2.10 documents c89/c99/c11 only; C17 is C11 plus defect fixes.
    if cppcheck --enable=warning,performance,portability --error-exitcode=1 --inline-suppr \
        --quiet -I src --suppress=missingIncludeSystem --std=c11 src; then
        echo "lint: cppcheck: ok (${#src_files[@]} files)"
    else
        echo "lint: cppcheck: FAILED"
        failed=1
    fi
fi

# (c) banned functions
if [ ${#fmt_files[@]} -eq 0 ]; then
    echo "lint: banned:   skipped (no C sources in src/ or tests/unit/)"
else
    hits=$(printf '%s\0' "${fmt_files[@]}" | xargs -0 grep -nHE "$BANNED" || true)
    if [ -n "$hits" ]; then
        printf '%s\n' "$hits"
        n=$(printf '%s\n' "$hits" | wc -l)
        echo "lint: banned:   FAILED ($n line(s) call strcpy/strcat/sprintf/vsprintf/gets/strtok/atoi/atol)"
        failed=1
    else
        echo "lint: banned:   ok"
    fi
fi

# (d) layers
if layers=$(./scripts/check-layers.sh); then
    echo "lint: $layers"
else
    printf '%s\n' "$layers"
    echo "lint: layers:   FAILED"
    failed=1
fi

if [ "$failed" -ne 0 ]; then
    echo "lint: FAILED"
    exit 1
fi
echo "lint: ok"
