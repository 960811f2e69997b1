#!/usr/bin/env bash
# Benchmarks compile and run (figures printed, not judged: this machine is
# shared and noisy): criterion in test mode, which also prints the signature
# vs SHA-256 floor ratio, and a short run of the C benchmark against OpenSSL,
# which first checks that all implementations produce identical headers.
set -euo pipefail
cargo bench --bench sign -- --test
make -C ffi-tests/bench quick
