#!/usr/bin/env bash
# The layer check of `make lint` (scripts/lint.sh): a source file under src/<dir>/ may include
# headers only from its own directory and from the layers below it (docs/design.md, "Layout"):
#
#   api          everything below it
#   http         core, obs, db (the HTTP layer knows no resource)
#   jobs         ai, files, docs and the layers below them (the handlers of background jobs
#                analyse stored files)
#   auth, ai, files, docs, mail
#                core, obs, db, store (never each other)
#   store        core, obs, db
#   db           core, obs
#   obs          core
#   core         nothing else
#
# src/main.c wires everything together and is not checked. Prints each offending include as
# file:line: text, and exits 1 if there is any.
# Usage: scripts/check-layers.sh   (from any directory)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The directories each layer may include besides its own.
allowed()
{
    case "$1" in
        api) echo "core obs db store auth jobs ai files docs mail http" ;;
        http) echo "core obs db" ;;
        jobs) echo "core obs db store ai files docs" ;;
        auth | ai | files | docs | mail) echo "core obs db store" ;;
        store) echo "core obs db" ;;
        db) echo "core obs" ;;
        obs) echo "core" ;;
        core) echo "" ;;
        *) echo "?" ;;
    esac
}

bad=0
checked=0
for dir in src/*/; do
    layer=$(basename "$dir")
    ok=$(allowed "$layer")
    if [ "$ok" = "?" ]; then
        echo "layers: src/$layer/ is not a known layer: add it to scripts/check-layers.sh"
        bad=$((bad + 1))
        continue
    fi
    while IFS= read -r -d '' file; do
        checked=$((checked + 1))
        while IFS=: read -r line text; do
            target=${text#*\"}
            target=${target%%/*}
            if [ "$target" = "$layer" ] || [[ " $ok " == *" $target "* ]]; then
                continue
            fi
            echo "$file:$line: $text  ($layer may not include $target)"
            bad=$((bad + 1))
        done < <(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]+"[a-z_]+/' "$file" || true)
    done < <(find "$dir" -type f \( -name '*.c' -o -name '*.h' \) -print0 | sort -z)
done

if [ "$bad" -ne 0 ]; then
    echo "layers: $bad include(s) from a layer above (see scripts/check-layers.sh)"
    exit 1
fi
echo "layers: ok ($checked files)"
