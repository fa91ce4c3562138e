#!/usr/bin/env bash
# Builds Hearth's libFuzzer targets (Tests/Fuzz/Harness) with the address sanitizer and runs each
# for SECONDS (default 30), from the seed corpus in Tests/Fuzz/Corpus. Fails on a crash, a leak,
# a slow input (over 10 s) or a run over 2 GiB; the input that did it is kept in .build-fuzz/.
#   bench/fuzz.sh            # 30 s each, as the test command runs it
#   bench/fuzz.sh 600        # ten minutes each
#   FUZZ_TARGETS=payloads bench/fuzz.sh   # one target
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
# SwiftPM gives the executable its own main, so libFuzzer's is not linked: its driver is pulled in
# and exported, and the target's main runs it.
swift build -c release --scratch-path .build-fuzz --product hearth-fuzz -Xswiftc -sanitize=fuzzer,address \
    -Xlinker --undefined=LLVMFuzzerRunDriver -Xlinker --export-dynamic-symbol=LLVMFuzzerRunDriver >&2
fuzzer=.build-fuzz/release/hearth-fuzz
mkdir -p .build-fuzz/findings
for target in ${FUZZ_TARGETS:-packets payloads text keys themes}; do
    work=$(mktemp -d)
    echo "fuzz: $target for ${seconds} s" >&2
    # TOMLKit leaks its parse result when a file does not parse (TOMLTable(string:)): a theme is
    # read once, before the screen opens, and a bad one ends the program, so leaks are not
    # checked for themes. Every other target fails on a leak.
    leaks=1
    [ "$target" = themes ] && leaks=0
    if ! HEARTH_FUZZ=$target ASAN_OPTIONS=detect_leaks=$leaks "$fuzzer" "$work" "Tests/Fuzz/Corpus/$target" -max_total_time="$seconds" -timeout=10 \
        -detect_leaks=$leaks -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 -artifact_prefix=".build-fuzz/findings/$target-" \
        2> ".build-fuzz/$target.log"; then
        tail -n 40 ".build-fuzz/$target.log" >&2
        echo "fuzz: $target FAILED (input kept in .build-fuzz/findings/)" >&2
        exit 1
    fi
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" ".build-fuzz/$target.log" | tr '\n' ' ' >&2
    echo >&2
    rm -rf "$work"
done
