#!/bin/sh
# Makes the libm800_sign.a that `make install` ships: rustc's staticlib with the
# C API (the m800_* functions) as its only global symbols.
#
#   localize-staticlib.sh IN_ARCHIVE OUT_ARCHIVE
#
# A Rust staticlib carries its own copy of std, core and compiler_builtins, and
# leaves some of their symbols global: rust_eh_personality, two std statics, the
# DW.ref.rust_eh_personality COMDAT group and (hidden, but still global to a
# static link) compiler-rt's helpers. A C program that links it beside a second
# Rust staticlib (rustls-ffi's librustls.a, say) then fails with "multiple
# definition of rust_eh_personality", and one that defines or calls such a name
# itself binds it to our copy (rust-lang/rust#44322, #104707).
#
# So, as Ruby's YJIT and wlroots do for their static libraries:
#  1. `ld -r` prelinks the members the API needs (the crate's object, and any
#     compiler_builtins member it calls) into one relocatable object, whose
#     internal references are then resolved among themselves;
#  2. objcopy makes every symbol local except the API, and renames the COMDAT
#     groups: a linker keeps one group of a name, so ours would otherwise be
#     merged with the other library's (its unwind tables then point at a
#     DW.ref it cannot see: "relocation ... against undefined hidden symbol");
#  3. ar archives that one object.
# The API is what the crate defines as m800_* with default visibility: the set
# the cdylib exports (test-symbols.sh compares the two and the header).
# Tools: LD (ld), OBJCOPY (objcopy), AR (ar), READELF (readelf), GNU binutils of
# the archive's target (the embedded archive: LD=arm-none-eabi-ld and so on);
# readelf rather than nm, whose LLVM plugin cannot read rustc's embedded bitcode.
set -eu
in=$1 out=$2
LD=${LD:-ld} OBJCOPY=${OBJCOPY:-objcopy} AR=${AR:-ar} READELF=${READELF:-readelf}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$READELF" -sW "$in" | awk '($5 == "GLOBAL" || $5 == "WEAK") && $6 == "DEFAULT" && $7 != "UND" &&
    $8 ~ /^m800_/ { print $8 }' | LC_ALL=C sort -u >"$tmp/api"
[ -s "$tmp/api" ] || { echo "localize-staticlib: no m800_* function in $in" >&2; exit 1; }

# shellcheck disable=SC2046
"$LD" -r -o "$tmp/prelinked.o" $(sed 's/^/-u /' "$tmp/api") "$in"

"$READELF" -gW "$tmp/prelinked.o" | sed -n 's/^COMDAT group section .*\[\([^]]*\)\] contains .*/\1/p' |
    grep -v '^m800_' | sed 's/.*/& m800_sign.&/' >"$tmp/groups" || true
"$OBJCOPY" --keep-global-symbols="$tmp/api" --redefine-syms="$tmp/groups" \
    "$tmp/prelinked.o" "$tmp/m800_sign.o"

# Replaced at once: concurrent installs (make -j test) never see half an archive.
# (A rename in OUT's directory: a move from another file system would copy.)
"$AR" rcsD "$out.$$.tmp" "$tmp/m800_sign.o"
mv -f "$out.$$.tmp" "$out"
