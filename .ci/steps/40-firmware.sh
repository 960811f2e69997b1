#!/usr/bin/env bash
# The C firmware under QEMU (ffi-tests/firmware: the staticlib built the documented
# way, the published vector, a 200-byte push, verify valid / replayed / tampered,
# beside the Mbed TLS peer when ../shared has it), its table, and the README's copy
# of that table (compared, never rewritten); then the same harness on a Cortex-M0
# (thumbv6m-none-eabi, QEMU microbit) and a Cortex-M33 (thumbv8m.main-none-eabi,
# QEMU mps2-an505), with their table (.ci/size-table runs both); then, on each core,
# the library beside a second no_std Rust staticlib (make two-rust: its globals are
# m800_sign.h's functions alone; a firmware links both in either order and passes).
set -euo pipefail
# The library's panic-free lints (indexing, arithmetic, ...) on the code only the
# compact bare-metal build compiles (round-looped MD5 and SHA-256).
RUSTFLAGS='--cfg m800_footprint="compact"' cargo clippy --lib --target thumbv7m-none-eabi \
  --target-dir target/embedded --no-default-features --features panic-handler -- -D warnings
.ci/size-table --strict
.ci/readme-sync --check
for core in m3 $(make -s -C ffi-tests/firmware --no-print-directory print-cores); do
  make -C ffi-tests/firmware CORE="$core" two-rust
done
