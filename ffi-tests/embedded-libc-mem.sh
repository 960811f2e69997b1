#!/bin/sh
# Leaves the C memory routines of a no_std staticlib to the firmware's C library.
#
#   embedded-libc-mem.sh ARCHIVE
#
# A Rust staticlib carries compiler_builtins' memcpy, memmove, memset, memcmp,
# bcmp, strlen and the ARM EABI __aeabi_mem* entry points (weak definitions, for
# targets without a libc). Archive members are pulled in link order, so those
# copies shadow the C library's (newlib's) and add about 1.6 KB to a C firmware
# that already has its own. This deletes the archive members that define them
# (each defines only such a routine); the firmware's libc then provides them, as
# it does for the C code around it. Uses only host `ar` and `readelf` (ar's LTO
# plugin cannot read rustc's embedded bitcode and says so on stderr: silenced).
set -eu
archive=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
drop=""
for member in $(ar t "$archive" 2>/dev/null); do
    case $member in compiler_builtins-*) ;; *) continue ;; esac
    ar p "$archive" "$member" >"$tmp/m.o" 2>/dev/null
    defs=$(readelf -sW "$tmp/m.o" | awk '($5 == "GLOBAL" || $5 == "WEAK") && $7 != "UND" { print $8 }')
    [ -n "$defs" ] || continue
    keep=no
    for sym in $defs; do
        case $sym in
            memcpy | memmove | memset | memcmp | bcmp | strlen | __aeabi_mem*) ;;
            *) keep=yes ;;
        esac
    done
    [ $keep = yes ] || drop="$drop $member"
done
[ -n "$drop" ] || { echo "embedded-libc-mem: no memory routines in $archive" >&2; exit 1; }
# shellcheck disable=SC2086
ar d "$archive" $drop >/dev/null 2>&1
