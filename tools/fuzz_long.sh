#!/bin/sh
# Run every fuzz harness for $1 seconds (two at a time), starting from the
# seed corpora; print a line per harness with runs and findings.
set -u
cd "$(dirname "$0")/.."
SECS=${1:-600}
mkdir -p build/fuzz-corpus build/fuzz-findings
run() {
	name=$1
	mkdir -p "build/fuzz-corpus/$name"
	cp -n "fuzz/corpus/${name#fuzz_}"/* "build/fuzz-corpus/$name/" 2>/dev/null
	"./build/fuzz/$name" "build/fuzz-corpus/$name" -max_total_time="$SECS" -timeout=10 \
		-rss_limit_mb=2048 -artifact_prefix="build/fuzz-findings/$name-" -print_final_stats=1 \
		>"build/fuzz-findings/$name.log" 2>&1
	rc=$?
	runs=$(grep -E 'stat::number_of_executed_units' "build/fuzz-findings/$name.log" | awk '{print $2}')
	echo "$name: ${SECS}s, ${runs:-?} runs, exit $rc"
}
set -- fuzz/fuzz_*.c
while [ $# -gt 0 ]; do
	a=$(basename "$1" .c); shift
	if [ $# -gt 0 ]; then
		b=$(basename "$1" .c); shift
		run "$a" & run "$b"; wait
	else
		run "$a"
	fi
done
