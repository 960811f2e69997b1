#!/usr/bin/env python3
"""A flat instruction profile of one measured call, by function.

Usage: profile.py IMAGE.elf N   (N: the 0-based measurement, in the order of the
harness's "measure" lines; calibration is 0..2). Runs the image under QEMU with
the icount plugin's profile=N and sums the executed instructions per symbol.
"""
import bisect, pathlib, subprocess, sys, tempfile

elf, n = sys.argv[1], int(sys.argv[2])
build = pathlib.Path(elf).parent
syms = []
for line in subprocess.run(["arm-none-eabi-nm", "-C", "-n", elf], capture_output=True, text=True,
                           check=True).stdout.splitlines():
    parts = line.split(" ", 2)
    if len(parts) == 3 and parts[1] in "tTwW":
        syms.append((int(parts[0], 16) & ~1, parts[2]))
marker = next(a for a, s in syms if s == "fw_mark")
with tempfile.NamedTemporaryFile(suffix=".log") as log:
    subprocess.run(["qemu-system-arm", "-cpu", "cortex-m3", "-machine", "lm3s6965evb", "-nographic",
                    "-monitor", "none", "-serial", "none", "-semihosting-config",
                    "enable=on,target=native", "-plugin",
                    f"{build}/icount.so,marker={marker:#x},profile={n}", "-d", "plugin", "-D",
                    log.name, "-kernel", elf], check=True, capture_output=True, timeout=120)
    text = pathlib.Path(log.name).read_text()
addrs = [a for a, _ in syms]
by = {}
for line in text.splitlines():
    if line.startswith("pc "):
        _, pc, count = line.split()
        i = bisect.bisect_right(addrs, int(pc, 16)) - 1
        name = syms[i][1] if i >= 0 else "?"
        by[name] = by.get(name, 0) + int(count)
total = sum(by.values())
for name, count in sorted(by.items(), key=lambda x: -x[1]):
    print(f"{count:8d} {100 * count / total:5.1f}%  {name}")
print(f"{total:8d} total")
