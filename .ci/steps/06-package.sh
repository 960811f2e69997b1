#!/usr/bin/env bash
# The crates.io package: it holds the licences, PROTOCOL.md (the wire contract
# the docs cite), the README and every file a packaged Rust source includes
# (include_str!/include_bytes!); it builds on its own (cargo package verifies
# in target/package); and its docs build with all features, as docs.rs will
# ([package.metadata.docs.rs]).
set -euo pipefail
cd "$(dirname "$0")/../.."
list=$(cargo package --list --locked --allow-dirty 2>/dev/null)
need=(LICENSE-MIT LICENSE-APACHE PROTOCOL.md README.md Cargo.lock include/m800_sign.h)
while IFS= read -r f; do
  dir=$(dirname "$f")
  while IFS= read -r ref; do
    need+=("$(realpath -m --relative-to=. "$dir/$ref")")
  done < <(grep -o 'include_\(str\|bytes\)!("[^"]*")' "$f" | sed 's/.*("\(.*\)")/\1/')
done < <(grep '\.rs$' <<<"$list")
missing=0
for f in "${need[@]}"; do
  if ! grep -qxF "$f" <<<"$list"; then
    echo "the package lacks $f" >&2
    missing=1
  fi
done
[ "$missing" = 0 ]
echo "package holds: ${need[*]}"
cargo package --quiet --locked --allow-dirty
RUSTDOCFLAGS="-D warnings" cargo doc --quiet --all-features --no-deps
# The maintainers' docs too (private items), with and without the features:
# a link that only resolves in one build is a warning in the other.
RUSTDOCFLAGS="-D warnings" cargo doc --quiet --all-features --no-deps --document-private-items
RUSTDOCFLAGS="-D warnings" cargo doc --quiet --no-deps --document-private-items
echo "package builds; docs build with all features and none, private items included"
