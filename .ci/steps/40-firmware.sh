#!/usr/bin/env bash
# The C firmware under QEMU (ffi-tests/firmware: the staticlib built the documented
# way, the published vector, a 200-byte push, verify valid / replayed / tampered,
# beside the Mbed TLS peer when ../shared has it), its table, and the README's copy
# of that table (compared, never rewritten).
set -euo pipefail
# The library's panic-free lints (indexing, arithmetic, ...) on the code only the
# compact bare-metal build compiles (round-looped MD5 and SHA-256).
RUSTFLAGS='--cfg m800_footprint="compact"' cargo clippy --lib --target thumbv7m-none-eabi \
  --target-dir target/embedded --no-default-features --features panic-handler -- -D warnings
.ci/size-table --strict
.ci/readme-sync --check
