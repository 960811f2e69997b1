#!/usr/bin/env bash
# Miri over the unsafe FFI layer (its unit tests call every extern fn with
# valid, NULL, too-small and wiped inputs) and the library's unit tests.
set -euo pipefail
cargo +nightly miri test --features ffi --lib
