#!/usr/bin/env bash
# The bare-metal firmware under QEMU (self-check of the published vector, a full
# push request and a verified callback), the size and stack table, and the
# README's copy of that table.
set -euo pipefail
.ci/size-table --strict
.ci/readme-sync --check
