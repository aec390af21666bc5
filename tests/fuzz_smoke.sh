#!/bin/sh
# `make check` part: build every libFuzzer harness (clang) and run it briefly
# over its seed corpus (every seed once, then a few seconds of mutation).
# Long runs: `make fuzz-long` (see doc/hacking.md).
set -u
cd "$(dirname "$0")/.."
SECS=${FUZZ_SECS:-5}
pass=0
fail=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
for src in fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	corpus=fuzz/corpus/${name#fuzz_}
	if ! make -s "build/fuzz/$name" >"$work/$name.build" 2>&1; then
		echo "FAIL - $name does not build"; tail -5 "$work/$name.build"
		fail=$((fail + 1)); continue
	fi
	mkdir -p "$work/$name"
	[ -d "$corpus" ] && cp "$corpus"/* "$work/$name/" 2>/dev/null
	if timeout $((SECS + 60)) "./build/fuzz/$name" "$work/$name" -max_total_time="$SECS" \
		-timeout=10 -rss_limit_mb=1024 -print_final_stats=0 >"$work/$name.log" 2>&1; then
		echo "ok - $name ($(ls "$work/$name" | wc -l) inputs, $SECS s)"
		pass=$((pass + 1))
	else
		echo "FAIL - $name"; grep -E 'ERROR|SUMMARY|crash-|leak' "$work/$name.log" | head -5
		fail=$((fail + 1))
	fi
done
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
