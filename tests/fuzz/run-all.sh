#!/usr/bin/env bash
# Runs every cargo-fuzz target of this directory for TIME seconds each
# (default 60) on the nightly toolchain; stops at the first crash.
# Usage: tests/fuzz/run-all.sh [TIME]
set -euo pipefail
time_s="${1:-60}"
fuzz_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$fuzz_dir/../.."
if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi
targets=$(cargo +nightly fuzz list --fuzz-dir "$fuzz_dir")
for target in $targets; do
    echo "== fuzz $target for ${time_s}s"
    # Seeds (checked in) and a dictionary help the fuzzer past the syntax;
    # the working corpus under corpus/ is not checked in.
    corpus="$fuzz_dir/corpus/$target"
    mkdir -p "$corpus"
    seeds=()
    [ -d "$fuzz_dir/seeds/$target" ] && seeds=("$fuzz_dir/seeds/$target")
    # The readers' differential target starts from the Authorization seeds too.
    [ "$target" = authorization_readers ] && seeds+=("$fuzz_dir/seeds/authorization")
    dict=()
    [ -f "$fuzz_dir/$target.dict" ] && dict=("-dict=$fuzz_dir/$target.dict")
    log="$fuzz_dir/corpus/$target.log"
    # libFuzzer's progress lines go to a log; the summary (or, on a crash, the
    # end of the log with the reproducer) is printed.
    if cargo +nightly fuzz run --fuzz-dir "$fuzz_dir" "$target" "$corpus" "${seeds[@]}" -- \
        -max_total_time="$time_s" -rss_limit_mb=2048 "${dict[@]}" >"$log" 2>&1; then
        grep -E '^Done [0-9]+ runs' "$log" || tail -n 3 "$log"
    else
        tail -n 60 "$log"
        echo "fuzz target $target FAILED (log: $log)" >&2
        exit 1
    fi
done
