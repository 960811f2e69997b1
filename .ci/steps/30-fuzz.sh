#!/usr/bin/env bash
# Every cargo-fuzz target (Authorization, the Authorization readers compared
# with each other, date, raw HTTP request, push body, push response and JSON
# string text against serde_json, the signature / Content-MD5 / nonce header
# values against independent oracles, the whole verify path, the C ABI
# itself against the header's contract and the Rust API) for a bounded time
# each; a crash fails.
set -euo pipefail
tests/fuzz/run-all.sh "${FUZZ_SECONDS:-60}"
