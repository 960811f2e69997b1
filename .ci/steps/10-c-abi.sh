#!/usr/bin/env bash
# The C ABI: the checked-in header must equal a fresh cbindgen generation, then
# the C11/C++17/Python suites, ASan+UBSan, valgrind, the allocation count and
# the install + pkg-config example (ffi-tests/Makefile).
set -euo pipefail
ffi-tests/check-header.sh
make -C ffi-tests test
