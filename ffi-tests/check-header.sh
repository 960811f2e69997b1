#!/bin/sh
# Fails when include/m800_sign.h differs from a fresh cbindgen generation
# (ffi-tests/gen-header). The fresh copy goes to a temporary file, so the check
# never modifies the tree it checks; `make -C ffi-tests header` rewrites it.
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cargo run --quiet --locked --manifest-path ffi-tests/gen-header/Cargo.toml \
  --target-dir target/gen-header -- "$tmp/m800_sign.h"
if ! diff -u include/m800_sign.h "$tmp/m800_sign.h"; then
  echo "include/m800_sign.h is stale: run 'make -C ffi-tests header' and commit it" >&2
  exit 1
fi
echo "include/m800_sign.h is up to date"
