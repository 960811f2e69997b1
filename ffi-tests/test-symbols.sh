#!/usr/bin/env bash
# The installed static library as one of several in a C program (issue: two Rust
# staticlibs in one link), from a scratch prefix:
#  - libm800_sign.a's global definitions are the C API alone: the m800_*
#    functions, exactly the set libm800_sign.so exports and m800_sign.h declares
#    (localize-staticlib.sh made it so; the .so exports m800_* alone too);
#  - a C program (test_two_rust.c) links it beside a second Rust staticlib
#    (other-rust-lib, with its own std and rust_eh_personality) in either
#    order and with --whole-archive, and runs: both libraries work, and the
#    other one's unwind is caught by its own runtime.
# Usage (from ffi-tests/Makefile): test-symbols.sh BUILD_DIR OTHER_RUST_LIB
set -euo pipefail
build=$1 other=$2
cd "$(dirname "$0")"
CC=${CC:-cc}
MAKE=${MAKE:-make}
fail() { echo "test-symbols: FAILED: $*" >&2; exit 1; }
dir=$build/symbols
prefix=$dir/prefix
rm -rf "$dir"
mkdir -p "$dir"
"$MAKE" --no-print-directory -s install PREFIX="$prefix"
lib=$prefix/lib

# Global and weak definitions (readelf: nm's LLVM plugin cannot read the
# bitcode rustc embeds in an archive's objects).
defined() {
  readelf -sW "$1" | awk '($5 == "GLOBAL" || $5 == "WEAK") && $7 != "UND" { print $8 }' | LC_ALL=C sort -u
}
archive=$(defined "$lib/libm800_sign.a")
exports=$(nm -D --defined-only "$lib/libm800_sign.so" | awk '{ print $3 }' | LC_ALL=C sort -u)
# The header's functions: cbindgen starts each declaration's line with its
# return type, then the name and "(".
declared=$(grep -o '^[a-z][a-z0-9_ ]*[ *]m800_[a-z0-9_]*(' "$prefix/include/m800_sign.h" |
  sed 's/.*[ *]\(m800_[a-z0-9_]*\)($/\1/' | LC_ALL=C sort -u)
[ -n "$declared" ] || fail "no function found in m800_sign.h"
if grep -v '^m800_' <<<"$archive"; then
  fail "libm800_sign.a defines the global symbols above, outside the C API (m800_*)"
fi
if grep -v '^m800_' <<<"$exports"; then
  fail "libm800_sign.so exports the symbols above, outside the C API (m800_*)"
fi
diff -u <(echo "$exports") <(echo "$archive") || fail "libm800_sign.a's globals are not libm800_sign.so's exports"
diff -u <(echo "$declared") <(echo "$archive") || fail "libm800_sign.a's globals are not m800_sign.h's functions"
echo "libm800_sign.a: the $(wc -l <<<"$archive") m800_* functions of m800_sign.h are its only globals, as libm800_sign.so's exports: ok"

# The second library must carry a Rust runtime of its own, or the link below
# proves nothing. (From a string, not a pipe: grep -q stops at the match, and
# under pipefail the sort still writing its 180 KB would then fail on SIGPIPE.)
grep -qx rust_eh_personality <<<"$(defined "$other")" || fail "$other defines no rust_eh_personality"
export PKG_CONFIG_PATH=$lib/pkgconfig
static=$lib/libm800_sign.a
cflags=$(pkg-config --cflags m800_sign_static)
syslibs=$(pkg-config --libs-only-l --static m800_sign_static)
two_rust() { # NAME ARCHIVES...: links test_two_rust.c with the archives in that order, runs it
  local name=$1
  shift
  # shellcheck disable=SC2086
  $CC -std=c11 -Wall -Wextra -Wpedantic -Werror $cflags test_two_rust.c "$@" $syslibs \
    -o "$dir/$name" 2>"$dir/$name.log" || { cat "$dir/$name.log" >&2; return 1; }
  [ "$("$dir/$name")" = "m800_md5 and other_rust_sum: ok" ] || fail "$name: wrong output or exit status"
}
two_rust m800_first "$static" "$other" || fail "libm800_sign.a then $other: link failed"
two_rust other_first "$other" "$static" || fail "$other then libm800_sign.a: link failed"
two_rust whole_archive -Wl,--whole-archive "$static" "$other" -Wl,--no-whole-archive \
  || fail "--whole-archive libm800_sign.a $other: link failed"
echo "beside a second Rust staticlib (either order, --whole-archive): links and runs: ok"
# For the record: rustc's archive as is (what localize-staticlib.sh starts from).
if two_rust raw_archive ../target/release/libm800_sign.a "$other" 2>/dev/null; then
  echo "(rustc's own libm800_sign.a links beside it too on this toolchain)"
else
  echo "(rustc's own libm800_sign.a does not: $(grep -c 'multiple definition' "$dir/raw_archive.log") multiple definitions)"
fi
