#!/usr/bin/env python3
"""The embedded table: reads the firmware images' linker maps, the harness's output
and the icount plugin's log (ffi-tests/build/firmware), checks them, and prints the
README's Markdown table on stdout.

Usage: report.py BUILD_DIR IMAGE...   (the images `make -C ffi-tests/firmware run` ran)
       report.py --cores [--peer] NAME=BUILD_DIR...
                 (the other cores, each run by `make CORE=... run`, --peer with the
                 peer's images: per core the sizes, and the stack and instructions of
                 signing and verifying, checked as the Cortex-M3's are; the target
                 column holds them to the Cortex-M3's targets for comparison only)

Fails (exit 1) when an image did not pass its self-check, the instruction counter does
not match the calibration loop, an image of ours (vectors.elf, the whole C API on every
vector, included) links a `core::panicking` symbol, or
the peer's outputs differ from ours. Targets missed are marked **over** in the table
and listed on stderr (exit status 3 with --strict).

Attribution: an input section of the linker map belongs to libm800_sign.a (ours) or
to the peer's objects; libc/libgcc routines present in an image but not in the
baseline image (the harness alone, which uses none) belong to the library that pulled
them. .text counts code; .rodata counts read-only data, .ARM.exidx/.extab and the
initial values of .data.
"""
import pathlib
import re
import subprocess
import sys

TEXT_SIGN_MAX = 8192
TEXT_VERIFY_MAX = 12288
STACK_MAX = 1024
CALIB = (10, 1000)  # calib_loop_N() runs 2N + 3 instructions after its call

SECTION = re.compile(r"^ (\.\S+|COMMON)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$")
NAME_ONLY = re.compile(r"^ (\.\S+|COMMON)$")
ADDR_LINE = re.compile(r"^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$")
OUTPUT = re.compile(r"^(\.\S+)\s+0x[0-9a-f]+\s+0x[0-9a-f]+")
KIND = {".text": "text", ".rodata": "rodata", ".ARM.exidx": "rodata", ".ARM.extab": "rodata",
        ".data": "rodata"}


def owner(path):
    if "libm800_sign.a(" in path:
        return "ours"
    if "/peer/" in path and path.endswith(".o"):
        return "peer"
    m = re.search(r"/(lib(?:c_nano|c|g|gcc|m|nosys))\.a\((.*)\)$", path)
    if m:
        return "libc:" + m.group(1) + ":" + m.group(2)
    return "harness"


def map_sections(path):
    """(output section, input section, size, file) for every input section in the image."""
    out, current, pending = [], None, None
    started = False
    for line in pathlib.Path(path).read_text().splitlines():
        if line.startswith("Linker script and memory map"):
            started = True
            continue
        if not started:
            continue
        m = OUTPUT.match(line)
        if m:
            current = m.group(1)
            continue
        m = NAME_ONLY.match(line)
        if m:
            pending = m.group(1)
            continue
        m = SECTION.match(line)
        if m:
            name, size, f = m.group(1), int(m.group(3), 16), m.group(4)
        elif pending:
            m = ADDR_LINE.match(line)
            name, size, f = pending, (int(m.group(2), 16) if m else 0), (m.group(3) if m else "")
        else:
            continue
        pending = None
        if size and current in KIND and not f.startswith("*"):
            out.append((current, name, size, f.strip()))
    return out


def library_bytes(build, image, who):
    base = {(o, n, owner(f)) for o, n, _, f in map_sections(build / "base.map")}
    sizes = {"text": 0, "rodata": 0}
    for o, n, size, f in map_sections(build / f"{image}.map"):
        w = owner(f)
        if w == who or (w.startswith("libc:") and (o, n, w) not in base):
            sizes[KIND[o]] += size
    return sizes


def run_log(build, image):
    """{label: (stack, instructions)} from the harness's output and the plugin's log."""
    out = (build / f"{image}.out").read_text()
    if "result: PASS" not in out:
        sys.exit(f"report: {image}: the firmware's self-check did not pass")
    labels = re.findall(r"^measure (\S+)$", out, re.M)
    stacks = dict(re.findall(r"^stack (\S+) (\d+)$", out, re.M))
    counts = [int(x) for x in re.findall(r"^icount (\d+)$", (build / f"{image}.icount").read_text(), re.M)]
    if len(counts) != 2 * len(labels):
        sys.exit(f"report: {image}: {len(counts)} marker hits for {len(labels)} measurements")
    raw = {lab: counts[2 * i + 1] - counts[2 * i] for i, lab in enumerate(labels)}
    empty = raw["calib-empty"]
    got = raw[f"calib-loop-{CALIB[1]}"] - raw[f"calib-loop-{CALIB[0]}"]
    if got != 2 * (CALIB[1] - CALIB[0]):
        sys.exit(f"report: {image}: the counter saw {got} instructions for a loop of "
                 f"{2 * (CALIB[1] - CALIB[0])}")
    res = {lab: (int(stacks[lab]), raw[lab] - empty) for lab in labels}
    res["auth200"] = re.search(r"^auth200 (.*)$", out, re.M).group(1) if "auth200" in out else None
    return res


def panics(elf):
    nm = subprocess.run(["arm-none-eabi-nm", "-C", str(elf)], check=True, capture_output=True,
                        text=True).stdout
    return [l for l in nm.splitlines() if "core::panicking" in l or "panic_fmt" in l
            or "panic_bounds_check" in l]


def checked_runs(build, have_peer, where=""):
    """The runs of `all` and `peer-all` (or {}), and whether a check failed: a panic
    symbol in an image of ours, a peer that signed differently (run_log exits on a
    failed self-check or counter)."""
    bad = False
    for image in ("sign", "verify", "all", "vectors"):
        p = panics(build / f"{image}.elf")
        if p:
            print(f"report: {where}{image}.elf links panic symbols:\n  " + "\n  ".join(p),
                  file=sys.stderr)
            bad = True
    ours = run_log(build, "all")
    peer = run_log(build, "peer-all") if have_peer else {}
    if have_peer and peer["auth200"] != ours["auth200"]:
        print(f"report: {where}the peer signed the 200-byte push differently:\n  "
              f"{peer['auth200']}\n  {ours['auth200']}", file=sys.stderr)
        bad = True
    return ours, peer, bad


class Verdicts:
    """The target column: "ok (<= N)" or "**over** (<= N)", and the misses."""

    def __init__(self):
        self.misses = []

    def __call__(self, value, limit, what):
        if value > limit:
            self.misses.append(f"{what}: {value:,} (target <= {limit:,})")
            return f"**over** (<= {limit:,})"
        return f"ok (<= {limit:,})"


def size_cell(s):
    return f"{s['text'] + s['rodata']:,} B ({s['text']:,} + {s['rodata']:,})"


def ratio(a, b):
    return f"{a / b:.2f}" if b else "—"


def size_rows(build, have_peer, verdict, where=""):
    """The two size rows (sign-only beside the peer's; sign + verify)."""
    sign = library_bytes(build, "sign", "ours")
    verify = library_bytes(build, "verify", "ours")
    psign = library_bytes(build, "peer-sign", "peer") if have_peer else None
    st, vt = sign["text"] + sign["rodata"], verify["text"] + verify["rodata"]
    return [["library .text + .rodata, sign-only (`m800_signer_init` + `m800_sign_request`)",
             size_cell(sign), size_cell(psign) if psign else "—",
             ratio(st, psign["text"] + psign["rodata"]) if psign else "—",
             verdict(st, TEXT_SIGN_MAX, f"{where}sign-only size")],
            ["library .text + .rodata, sign + verify (+ `m800_replay_cache_init`, "
             "`m800_verify_request`)", size_cell(verify), "—", "—",
             verdict(vt, TEXT_VERIFY_MAX, f"{where}sign+verify size")]]


CORE_CALLS = [("m800_sign_request/200", "`m800_sign_request`, 200-byte push body"),
              ("m800_verify_request/valid", "`m800_verify_request`, valid (200-byte body)")]


def cores(specs, have_peer):
    """The other cores' table: per core (NAME=BUILD_DIR), the sizes, and the stack and
    instructions of m800_sign_request (200-byte push) and m800_verify_request (valid)."""
    bad = False
    verdict = Verdicts()
    rows = []
    for spec in specs:
        name, _, build = spec.partition("=")
        build = pathlib.Path(build)
        where = f"{name}: "
        ours, peer, b = checked_runs(build, have_peer, where)
        bad |= b
        core_rows = size_rows(build, have_peer, verdict, where)
        for kind, i, unit in (("stack", 0, " B"), ("instructions", 1, "")):
            for lab, what in CORE_CALLS:
                n, p = ours[lab][i], peer.get(lab)
                core_rows.append([f"{kind}, {what}", f"{n:,}{unit}",
                                  f"{p[i]:,}{unit}" if p else "—", ratio(n, p[i]) if p else "—",
                                  verdict(n, STACK_MAX, f"{where}stack {lab}") if i == 0
                                  else "—"])
        rows += [[f"{name}: {r[0]}"] + r[1:] for r in core_rows]
    print("<!-- Generated by .ci/size-table; do not edit. -->")
    if not have_peer:
        print("<!-- peer: absent -->")
    print("| figure (C ABI) | m800-sign | Mbed TLS peer | ours / peer | Cortex-M3's target |")
    print("| --- | ---: | ---: | ---: | --- |")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    for m in verdict.misses:
        print(f"report: above the Cortex-M3's target: {m}", file=sys.stderr)
    if bad:
        sys.exit(1)


def main():
    if sys.argv[1:2] == ["--cores"]:
        specs = [a for a in sys.argv[2:] if not a.startswith("--")]
        return cores(specs, "--peer" in sys.argv)
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    strict = "--strict" in sys.argv
    build, images = pathlib.Path(args[0]), set(args[1:])
    have_peer = {"peer-sign", "peer-all"} <= images
    ours, peer, bad = checked_runs(build, have_peer)
    verdict = Verdicts()
    misses = verdict.misses
    rows = size_rows(build, have_peer, verdict)
    calls = [
        ("m800_signer_init", "`m800_signer_init`", True),
        ("m800_sign_request", "`m800_sign_request`, published vector (112-byte body)", True),
        ("m800_sign_request/200", "`m800_sign_request`, 200-byte push body", True),
        ("m800_sign_request_md5", "`m800_sign_request_md5` (published vector)", True),
        ("m800_signature_hex", "`m800_signature_hex` (published vector)", False),
        ("m800_verify_request/valid", "`m800_verify_request`, valid (200-byte body)", True),
        ("m800_verify_request/replayed", "`m800_verify_request`, replayed", True),
        ("m800_verify_request/tampered", "`m800_verify_request`, tampered body", True),
        ("m800_verify/valid", "`m800_verify` (params struct, no details), valid", "sign+25%"),
    ]
    # m800_verify's budget is relative: no more than signing the same request + 25%.
    verify_max = ours["m800_sign_request/200"][0] * 5 // 4
    for lab, name, target in calls:
        s = ours[lab][0]
        p = peer.get(lab)
        limit = verify_max if target == "sign+25%" else STACK_MAX
        rows.append([f"stack, {name}", f"{s:,} B", f"{p[0]:,} B" if p else "—",
                     ratio(s, p[0]) if p else "—",
                     verdict(s, limit, f"stack {lab}") if target else "—"])
    for lab, name, _ in calls:
        n = ours[lab][1]
        p = peer.get(lab)
        tgt = "—"
        if lab == "m800_sign_request/200":
            tgt = (verdict(n, p[1], "instructions m800_sign_request/200 vs the peer")
                   .replace("<= ", "<= peer's ") if p else "(peer absent)")
        rows.append([f"instructions, {name}", f"{n:,}", f"{p[1]:,}" if p else "—",
                     ratio(n, p[1]) if p else "—", tgt])

    print("<!-- Generated by .ci/size-table; do not edit. -->")
    if not have_peer:
        print("<!-- peer: absent -->")
    print("| figure (C ABI, Cortex-M3, QEMU `lm3s6965evb`) | m800-sign | Mbed TLS peer "
          "| ours / peer | target |")
    print("| --- | ---: | ---: | ---: | --- |")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    for m in misses:
        print(f"report: target missed: {m}", file=sys.stderr)
    if bad:
        sys.exit(1)
    if misses and strict:
        sys.exit(3)


if __name__ == "__main__":
    main()
