#!/usr/bin/env bash
# The C firmware under QEMU (ffi-tests/firmware: the staticlib built the documented
# way, the published vector, a 200-byte push, verify valid / replayed / tampered,
# beside the Mbed TLS peer when ../shared has it), its table, and the README's copy
# of that table (compared, never rewritten).
set -euo pipefail
.ci/size-table
.ci/readme-sync --check
