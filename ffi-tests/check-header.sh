#!/bin/sh
# Fails when include/m800_sign.h differs from a fresh cbindgen generation.
# The fresh copy goes to a temporary file (M800_HEADER_OUT), so the check never
# modifies the tree it checks.
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
M800_HEADER_OUT="$tmp/m800_sign.h" cargo build --quiet --lib --features ffi
if ! diff -u include/m800_sign.h "$tmp/m800_sign.h"; then
  echo "include/m800_sign.h is stale: run 'cargo build --features ffi' and commit it" >&2
  exit 1
fi
echo "include/m800_sign.h is up to date"
