#!/usr/bin/env bash
# The C ABI: the checked-in header must equal a fresh cbindgen generation, then
# the C11/C++17/Python suites, ASan+UBSan, valgrind, the allocation count, the
# stack budget, the install (pkg-config, CMake; the static library's symbols,
# beside a second Rust staticlib) and the Redis store example
# (ffi-tests/Makefile); and the C layer stays thin (src/ffi <= 0.35 of the
# core in code lines, issue 10).
set -euo pipefail
.ci/ffi-ratio
ffi-tests/check-header.sh
make -C ffi-tests test
