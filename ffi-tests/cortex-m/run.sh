#!/usr/bin/env bash
# Stack of the C API on Cortex-M3, measured from C under QEMU (lm3s6965evb):
# builds the no_std staticlib for thumbv7m-none-eabi (opt-level s, the compact
# SHA-256 and footprint cfgs of examples/firmware), links stack.c with
# arm-none-eabi-gcc and prints each call's stack below its caller.
#
#   ffi-tests/cortex-m/run.sh
#
# Needs: rustup target thumbv7m-none-eabi, gcc-arm-none-eabi, qemu-system-arm.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${M800_CM_TARGET_DIR:-$root/target/cortex-m-stack}
(cd "$root" && CARGO_TARGET_DIR=$out CARGO_PROFILE_RELEASE_OPT_LEVEL=s \
  RUSTFLAGS='--cfg sha2_backend_soft="compact" --cfg m800_footprint="compact"' \
  cargo rustc -q --release --lib --target thumbv7m-none-eabi --no-default-features \
  --features ffi,panic-handler --crate-type staticlib)
arm-none-eabi-gcc -mcpu=cortex-m3 -mthumb -Os -ffunction-sections -fdata-sections -nostdlib \
  -nostartfiles -I"$root/include" -T "$here/link.ld" "$here/stack.c" \
  "$out/thumbv7m-none-eabi/release/libm800_sign.a" -lgcc -Wl,--gc-sections \
  -Wl,--no-warn-execstack -o "$out/stack.elf"
# Semihosting output to stdout; QEMU's exit status is the firmware's verdict.
timeout 60 qemu-system-arm -M lm3s6965evb -display none -serial null -monitor none \
  -chardev stdio,id=out -semihosting-config enable=on,target=native,chardev=out \
  -kernel "$out/stack.elf" < /dev/null
