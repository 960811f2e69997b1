#!/usr/bin/env bash
# Installs m800-sign into scratch prefixes and uses it as a C packager and a C
# user would, without LD_LIBRARY_PATH:
#  - the layout is exactly the contract's (cargo cinstall's, plus CMake's files),
#    the shared library has the SONAME, the links point at the versioned file;
#  - the README's pkg-config commands build programs that run: shared (found
#    through the rpath in the command) and static (no NEEDED libm800_sign);
#  - a CMake project with find_package builds and runs against both targets;
#  - DESTDIR stages the same tree with the final prefix inside the files;
#  - when cargo-c is installed, `cargo cinstall` gives the same layout.
# Usage (from ffi-tests/Makefile): test-install.sh BUILD_DIR VERSION SONAME
set -euo pipefail
build=$1 version=$2 soname=$3
cd "$(dirname "$0")"
unset LD_LIBRARY_PATH
CC=${CC:-cc}
MAKE=${MAKE:-make}
fail() { echo "test-install: FAILED: $*" >&2; exit 1; }
prefix=$build/prefix
rm -rf "$prefix" "$build/stage" "$build/cmake-example" "$build/cinstall"
"$MAKE" --no-print-directory -s install PREFIX="$prefix"

# What a prefix holds: files, and links with their targets.
listing() {
  (cd "$1" && find . \( -type f -o -type l \) | sed 's|^\./||' | while read -r f; do
    if [ -L "$f" ]; then echo "$f -> $(readlink "$f")"; else echo "$f"; fi
  done | LC_ALL=C sort)
}
expected=$(LC_ALL=C sort <<END
include/m800_sign.h
lib/libm800_sign.a
lib/libm800_sign.so.$version
lib/$soname -> libm800_sign.so.$version
lib/libm800_sign.so -> libm800_sign.so.$version
lib/pkgconfig/m800_sign.pc
lib/pkgconfig/m800_sign_static.pc
lib/cmake/m800_sign/m800_signConfig.cmake
lib/cmake/m800_sign/m800_signConfigVersion.cmake
END
)
diff -u <(echo "$expected") <(listing "$prefix") || fail "installed layout"
[[ $(readelf -d "$prefix/lib/libm800_sign.so.$version") == *"Library soname: [$soname]"* ]] \
  || fail "SONAME is not $soname"
echo "layout and SONAME ($soname): ok"

# Libs.private is rustc's list for the staticlib, as is.
native=$(cat "$build/native-static-libs")
grep -qxF "Libs.private: $native" "$prefix/lib/pkgconfig/m800_sign.pc" \
  || fail "Libs.private is not rustc's native-static-libs ($native)"

needed() { local d; d=$(readelf -d "$1"); sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' <<<"$d"; }
expect_output() {
  "$1" > "$1.out" || fail "$1 exited with $?"
  grep -q 'signature="36440251e21c8679823798b73be96777c75e1ccd7075e59c1d4314036db1c7db"' "$1.out" \
    || fail "$1 printed a wrong request"
  cmp -s "$1.out" "$build/example_shared.out" || fail "$1 differs from example_shared"
}

# The README's commands, as printed there.
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
(cd "$build" && $CC "$OLDPWD/example.c" $(pkg-config --cflags --libs m800_sign) \
  -Wl,-rpath,$(pkg-config --variable=libdir m800_sign) -o example_shared)
(cd "$build" && $CC "$OLDPWD/example.c" $(pkg-config --cflags --libs --static m800_sign_static) \
  -o example_static)
$CC -std=c11 -Wall -Wextra -Wpedantic -Werror push_example.c \
  $(pkg-config --cflags --libs m800_sign) -Wl,-rpath,$(pkg-config --variable=libdir m800_sign) \
  -o "$build/push_example"
"$build/example_shared" > "$build/example_shared.out" || fail "example_shared exited with $?"
expect_output "$build/example_shared"
expect_output "$build/example_static"
needed "$build/example_shared" | grep -qx "$soname" || fail "example_shared does not need $soname"
if needed "$build/example_static" | grep -q libm800_sign; then
  fail "example_static needs the shared library"
fi
echo "pkg-config: shared (rpath) and static examples run: ok"

# CMake: find_package and both imported targets.
if command -v cmake >/dev/null; then
  cmake -S cmake-example -B "$build/cmake-example" -DCMAKE_PREFIX_PATH="$prefix" \
    -DCMAKE_C_COMPILER="$CC" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build/cmake-example" >/dev/null
  expect_output "$build/cmake-example/example_shared"
  expect_output "$build/cmake-example/example_static"
  needed "$build/cmake-example/example_shared" | grep -qx "$soname" \
    || fail "CMake example_shared does not need $soname"
  if needed "$build/cmake-example/example_static" | grep -q libm800_sign; then
    fail "CMake example_static needs the shared library"
  fi
  # The version file: same ABI (SONAME) and not older.
  cat > "$build/version-check.cmake" <<'END'
include("${FILE}")
if(PACKAGE_VERSION_COMPATIBLE)
  message("TRUE")
else()
  message("FALSE")
endif()
END
  for case in "0.1:TRUE" "$version:TRUE" "0.0.1:FALSE" "0.2:FALSE" "1.0:FALSE" "99:FALSE"; do
    got=$(cmake -DPACKAGE_FIND_VERSION="${case%%:*}" \
      -DFILE="$prefix/lib/cmake/m800_sign/m800_signConfigVersion.cmake" \
      -P "$build/version-check.cmake" 2>&1)
    [ "$got" = "${case#*:}" ] || fail "version file: request ${case%%:*} gives $got"
  done
  echo "CMake: find_package, m800_sign::m800_sign and m800_sign::m800_sign_static run: ok"
else
  fail "cmake is not installed (apt-get install cmake)"
fi

# DESTDIR: the same tree under the staging directory, naming the final prefix.
"$MAKE" --no-print-directory -s install DESTDIR="$build/stage" PREFIX=/opt/m800
diff -u <(echo "$expected") <(listing "$build/stage/opt/m800") || fail "DESTDIR layout"
grep -qx 'prefix=/opt/m800' "$build/stage/opt/m800/lib/pkgconfig/m800_sign.pc" \
  || fail "DESTDIR leaked into m800_sign.pc"
echo "DESTDIR: ok"

# cargo-c, when installed: `cargo cinstall` must give the same layout (less the
# files it does not make: the CMake package and m800_sign_static.pc).
if cargo cinstall --version >/dev/null 2>&1; then
  (cd .. && cargo cinstall --release --prefix=/usr --libdir=lib \
    --destdir="$build/cinstall" >/dev/null 2>"$build/cinstall.log") \
    || { cat "$build/cinstall.log" >&2; fail "cargo cinstall"; }
  diff -u <(echo "$expected" | grep -v -e cmake -e _static.pc) <(listing "$build/cinstall/usr") \
    || fail "cargo cinstall layout differs"
  [[ $(readelf -d "$build/cinstall/usr/lib/libm800_sign.so.$version") == *"Library soname: [$soname]"* ]] \
    || fail "cargo cinstall: SONAME"
  cmp "$build/cinstall/usr/include/m800_sign.h" "$prefix/include/m800_sign.h" \
    || fail "cargo cinstall installs another header"
  pc_fields() { grep -E '^(Name|Version|Libs|Libs.private|Cflags):' "$1" | LC_ALL=C sort; }
  diff -u <(pc_fields "$build/cinstall/usr/lib/pkgconfig/m800_sign.pc") \
    <(pc_fields "$prefix/lib/pkgconfig/m800_sign.pc") || fail "cargo cinstall's m800_sign.pc differs"
  echo "cargo cinstall: same layout, SONAME, header and pkg-config fields: ok"
else
  echo "cargo cinstall: not installed, layout comparison skipped"
fi
