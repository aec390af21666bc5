#!/bin/sh
# Runs every test suite of `make check` and closes with one summary line
# "N passed, N failed" (the sum over suites).  Each suite prints its own
# "<suite>: N passed, N failed" line.
set -u
cd "$(dirname "$0")/.."
total_pass=0
total_fail=0
tally() { # $1 = suite output file
	line=$(grep -E '^[a-z0-9_-]+: [0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1)
	if [ -z "$line" ]; then
		echo "suite $1 printed no summary line: counted as 1 failure" >&2
		total_fail=$((total_fail + 1))
		return
	fi
	p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed.*/\1/')
	f=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed.*/\2/')
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT INT TERM

./build/asan/unit_tests >"$out/unit" 2>&1
cat "$out/unit" | grep -vE '^\s*$' | grep -E 'FAIL|CHECK|passed' || true
tally "$out/unit"

# the live gateway runs with the sanitizers on in the lab tests too
LAB_MEETGATE=build/asan/meetgate
export LAB_MEETGATE
for t in tests/replay/*.sh tests/install/test_*.sh tests/lab/test_*.sh; do
	[ -f "$t" ] || continue
	name=$(basename "$t" .sh)
	sh "$t" >"$out/$name" 2>&1
	rc=$?
	grep -E '^(ok|FAIL|not ok)|passed, ' "$out/$name" || true
	if [ $rc -ne 0 ] && ! grep -qE '[0-9]+ failed' "$out/$name"; then
		tail -n 20 "$out/$name"
	fi
	tally "$out/$name"
done

# calls again through the AF_XDP data path (`datapath afxdp`): every option
# set, outbound and inbound, forwarded and routed, meetcall and the
# third-party peer; each suite says "skip" where the kernel has no AF_XDP
for t in test_calls test_route test_realpeer; do
	LAB_DATAPATH=afxdp sh "tests/lab/$t.sh" >"$out/$t-afxdp" 2>&1
	rc=$?
	grep -E '^(ok|FAIL|not ok|skip)|passed, ' "$out/$t-afxdp" || true
	if [ $rc -ne 0 ] && ! grep -qE '[0-9]+ failed' "$out/$t-afxdp"; then
		tail -n 20 "$out/$t-afxdp"
	fi
	tally "$out/$t-afxdp"
done

# the layering rules (may fail until every layer change is merged: it says so)
sh tests/layers.sh >"$out/layers" 2>&1
grep -E '^(ok|FAIL)|passed, ' "$out/layers" || true
tally "$out/layers"

if [ -x tests/fuzz_smoke.sh ] || [ -f tests/fuzz_smoke.sh ]; then
	sh tests/fuzz_smoke.sh >"$out/fuzz" 2>&1
	grep -E 'passed, |FAIL' "$out/fuzz" || true
	tally "$out/fuzz"
fi

echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
