#!/bin/sh
# `make check` part: the layering rules of DESIGN.md, checked by
# tools/layers.sh: every #include in src/ and tools/meetcall/ names a layer
# its own layer may use, and libmeetgate.a exports only mg_ names.
# Prints "ok - ..." / "FAIL - ..." (with the violations) per check and
# "layers: N passed, N failed".
set -u
cd "$(dirname "$0")/.."
pass=0
fail=0
run() { # $1 = what is checked, the rest = tools/layers.sh arguments
	what=$1
	shift
	if out=$(sh tools/layers.sh "$@" 2>&1); then
		echo "ok - $what"
		pass=$((pass + 1))
	else
		echo "FAIL - $what:"
		printf '%s\n' "$out" | sed 's/^/    /'
		fail=$((fail + 1))
	fi
}
run "includes follow the layer rules" --includes
run "libmeetgate.a exports only mg_ symbols" --symbols build/rel/libmeetgate.a
echo "layers: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
