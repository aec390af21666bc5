#!/bin/sh
# layers.sh - check the layering rules of DESIGN.md ("Layout to aim for").
#
#   sh tools/layers.sh [--includes|--symbols] [LIB]
#
# --includes: every #include "..." in src/ and tools/meetcall/ must name a
# layer its own layer may use (table below); an include without a folder
# ("h323_priv.h") is the file's own layer.  Each violation is printed as
# file:line.
# --symbols: every symbol LIB (default build/rel/libmeetgate.a) exports must
# start with mg_; offenders are printed with the object that defines them.
# Without an option both checks run.  Exit 0 when clean, 1 on violations,
# 2 when LIB is missing.
set -u
cd "$(dirname "$0")/.."

# layer: the layers (folders below src/, or meetcall) and single headers it
# may include
RULES='
util: util
asn1: util asn1
proto: util asn1 proto core/reason.h
core: util core
alg: util asn1 proto core alg
io: util core io
ctl: util core ctl
cli: util asn1 proto core alg io ctl cli
meetcall: util asn1 proto core meetcall
'

check_includes() {
	files=$(for d in src/util src/asn1 src/proto src/core src/alg src/io src/ctl src/cli tools/meetcall; do
		[ -d "$d" ] && find "$d" -name '*.[ch]'
	done | sort)
	[ -n "$files" ] || return 0
	printf '%s\n' "$RULES" | awk '
		FNR == NR {
			if (NF > 1) {
				rest = $0
				sub(/^[^:]*: */, "", rest)
				key = $1
				sub(/:$/, "", key)
				may[key] = " " rest " "
				told[key] = rest
			}
			next
		}
		FNR == 1 { split(FILENAME, part, "/"); layer = part[1] == "src" ? part[2] : "meetcall" }
		/^[ \t]*#[ \t]*include[ \t]*"/ {
			inc = $0
			sub(/^[^"]*"/, "", inc)
			sub(/".*/, "", inc)
			if (index(inc, "/") == 0)
				next # beside the file: its own layer
			to = inc
			sub(/\/.*/, "", to)
			if (index(may[layer], " " to " ") || index(may[layer], " " inc " "))
				next
			printf "%s:%d: %s includes \"%s\" (%s may use %s)\n", FILENAME, FNR, layer, inc, layer, told[layer]
			bad++
		}
		END { exit bad ? 1 : 0 }
	' - $files
}

check_symbols() {
	lib=$1
	if [ ! -f "$lib" ]; then
		echo "$lib: not built (make build/rel/meetgate)"
		return 2
	fi
	nm -g --defined-only "$lib" | awk '
		/:$/ { obj = $0; sub(/:$/, "", obj); next }
		NF == 3 && $3 !~ /^mg_/ { printf "%s: exports %s (not mg_)\n", obj, $3; bad++ }
		END { exit bad ? 1 : 0 }
	'
}

mode=${1:-all}
case $mode in
--includes | --symbols) shift ;;
-*) echo "usage: sh tools/layers.sh [--includes|--symbols] [LIB]" >&2; exit 2 ;;
*) mode=all ;;
esac
lib=${1:-build/rel/libmeetgate.a}
rc=0
if [ "$mode" != --symbols ]; then
	check_includes || rc=1
fi
if [ "$mode" != --includes ]; then
	check_symbols "$lib"
	r=$?
	[ $r -gt $rc ] && rc=$r
fi
exit $rc
