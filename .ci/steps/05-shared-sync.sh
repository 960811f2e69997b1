#!/usr/bin/env bash
# The repository's copies of the wire contract (PROTOCOL.md) and the vectors
# (tests/data/m800-vectors.json) must equal the shared originals, byte for byte.
# The originals live in ../shared next to the clone (or in $M800_SHARED); a
# clone without them (e.g. a crates.io user's) skips the check, saying so.
set -euo pipefail
cd "$(dirname "$0")/../.."
shared="${M800_SHARED:-../shared}"
if [ ! -d "$shared" ]; then
  echo "SKIPPED: no shared directory at $shared (set M800_SHARED to check the copies)"
  exit 0
fi
status=0
for pair in "spec/PROTOCOL.md:PROTOCOL.md" "vectors/m800-vectors.json:tests/data/m800-vectors.json"; do
  original="$shared/${pair%%:*}"
  copy="${pair#*:}"
  if [ ! -f "$original" ]; then
    echo "missing $original" >&2
    status=1
  elif cmp -s "$original" "$copy"; then
    echo "$copy equals $original"
  else
    diff -u "$original" "$copy" | head -n 40 >&2 || true
    echo "$copy differs from $original: copy the shared file and commit it" >&2
    status=1
  fi
done
exit "$status"
