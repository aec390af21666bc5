#!/bin/sh
# test_route_replay.sh - two inbound calls recorded through a routing gateway
# (tests/fixtures/routed-*.pcap: 198.19.0.20 calls alice@198.19.0.1, then
# bob@198.19.0.1; see tests/fixtures/README.md) replayed through `route h323`
# with alice and bob in the directory.  Checks: each call is routed to its
# own host by its alias, both would have worked (signalling and media both
# ways), no inside address leaves on the outside, the run is byte-identical
# when repeated and the routing decisions do not depend on the seed; with
# bob unknown, his call is answered with ReleaseComplete cause 1 instead.
# Prints "ok - ..." / "FAIL - ..." and "route_replay: N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
MEETGATE=${MEETGATE:-build/rel/meetgate}
FIX=tests/fixtures
pass=0
fail=0
ok() { echo "ok - $*"; pass=$((pass + 1)); }
bad() { echo "FAIL - $*"; fail=$((fail + 1)); }
check() {
	_d=$1
	shift
	if "$@"; then ok "$_d"; else bad "$_d"; fi
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

cat >"$tmp/route.conf" <<EOC
inside 198.18.1.0/24
public 198.19.0.1
route h323
alias alice 198.18.1.10
alias bob 198.18.1.11
EOC
sed '/^alias bob/d' "$tmp/route.conf" >"$tmp/nobob.conf"

play() { # conf outdir [seed]
	"$MEETGATE" replay --config "$1" --inside $FIX/routed-inside.pcap --outside $FIX/routed-outside.pcap \
		--out "$2" --seed "${3:-1}" --quiet
}
play "$tmp/route.conf" "$tmp/a" || bad "replay runs"
play "$tmp/route.conf" "$tmp/b"
play "$tmp/route.conf" "$tmp/c" 99

routes() { grep -o 'route-routed: call from [0-9.:]* routed to [0-9.:]* by .*' "$1/log.txt"; }
r=$(routes "$tmp/a" | sed 's/route-routed: call from [0-9.]*:[0-9]* //' | tr '\n' ';')
check "two calls routed, each to its host by its alias ($r)" \
	[ "$r" = "routed to 198.18.1.10:1720 by alias 'alice';routed to 198.18.1.11:1720 by alias 'bob';" ]
n=$(grep -c 'would have worked' "$tmp/a/summary.txt")
check "both calls would have worked: signalling and media both ways ($n)" [ "$n" -eq 2 ]
drops=$(sed -n '/^drops/,/^call/p' "$tmp/a/summary.txt" | grep -vE '^(drops|call)' | grep -v 'policy-outbound' | tr -s ' ')
check "no drop but the inside router's own multicast (${drops:-none})" [ -z "$drops" ]
same=yes
for f in inside.pcap outside.pcap report.json log.txt; do
	cmp -s "$tmp/a/$f" "$tmp/b/$f" || same="no ($f differs)"
done
check "a second run is byte-identical: $same" [ "$same" = yes ]
check "another seed makes the same routing decisions" [ "$(routes "$tmp/a" | cut -d' ' -f3-)" = "$(routes "$tmp/c" | cut -d' ' -f3-)" ]
leak=$(python3 - "$tmp/a/outside.pcap" <<'PY'
import sys
sys.path.insert(0, "tests/replay")
import pcaptool
pre = bytes([198, 18, 1])
n = bad = 0
for p in pcaptool.packets(sys.argv[1]):
    n += 1
    if p["src"][:3] == pre or p["dst"][:3] == pre or (p["proto"] in (6, 17) and pre in p["payload"]):
        bad += 1
print(f"{n} {bad}")
PY
)
check "outside.pcap: no inside address in any header or payload ($leak: packets, leaks)" [ "${leak#* }" = 0 -a "${leak% *}" -gt 100 ]
to_host() { python3 - "$tmp/a/inside.pcap" "$1" <<'PY'
import sys
sys.path.insert(0, "tests/replay")
import pcaptool
dst = bytes(int(x) for x in sys.argv[2].split("."))
print(sum(1 for p in pcaptool.packets(sys.argv[1]) if p["dst"] == dst))
PY
}
a=$(to_host 198.18.1.10)
b=$(to_host 198.18.1.11)
check "inside.pcap: each host gets its own call's packets (alice $a, bob $b)" [ "$a" -gt 50 -a "$b" -gt 50 ]

# bob unknown: his call gets ReleaseComplete cause 1 on the outside
play "$tmp/nobob.conf" "$tmp/d"
check "with bob unknown: alice still routed, bob's call released (route-no-route)" \
	sh -c "grep -q \"by alias 'alice'\" '$tmp/d/log.txt' && grep -q 'route-no-route: call from 198.19.0.20:[0-9]*: no inside host, ReleaseComplete cause 1' '$tmp/d/log.txt'"
if command -v tshark >/dev/null 2>&1; then
	c=$(tshark -o tcp.analyze_sequence_numbers:FALSE -o tcp.desegment_tcp_streams:FALSE -r "$tmp/d/outside.pcap" -Y 'q931.message_type == 0x5a && q931.cause_value == 1' 2>/dev/null | wc -l)
	check "tshark reads that ReleaseComplete with cause 1 on the outside ($c)" [ "$c" -ge 1 ]
else
	echo "# tshark not installed: the ReleaseComplete decode is not checked"
fi
echo "route_replay: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
