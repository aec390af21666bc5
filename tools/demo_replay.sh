#!/bin/sh
# `make demo`: replay a real H.323 call (ooh323c, fastStart + H.245
# tunnelling, captured on both sides of a router) through meetgate with the
# built-in default configuration, and show what the gateway did.
# Usage: tools/demo_replay.sh [OUTDIR]   (default build/demo; replay's
# output files, calls.html among them, are written there)
set -eu
cd "$(dirname "$0")/.."
out=${1:-build/demo}
fix=tests/fixtures
echo "   meetgate replay --config default --inside $fix/plain-default-inside.pcap \\"
echo "       --outside $fix/plain-default-outside.pcap --follow-peer --out $out"
echo "   (built-in default: inside 198.18.1.0/24 behind public 198.19.0.1, NetMeeting policy,"
echo "   H.323 ALG on; meetgate check-config --config default prints all of it)"
mkdir -p "$out"
rc=0
./build/rel/meetgate replay --config default --inside "$fix/plain-default-inside.pcap" \
	--outside "$fix/plain-default-outside.pcap" --follow-peer --out "$out" >"$out/replay.txt" 2>&1 || rc=$?
sed 's/^/   /' "$out/replay.txt"
[ $rc -eq 0 ] || exit $rc
if command -v tshark >/dev/null 2>&1; then
	fields="-T fields -E separator=/s -E aggregator=, -e ip.src -e ip.dst -e h225.ipV4 -e h225.ipV4_port -e h245.ip4_network -e h245.tsapIdentifier"
	echo "   the Setup as the inside host sent it (sourceCallSignalAddress, then fastStart media addresses):"
	# shellcheck disable=SC2086
	tshark -n -r "$fix/plain-default-inside.pcap" -Y 'h225.setup_element' $fields 2>/dev/null | sed 's/^/      /'
	echo "   the same Setup as meetgate sent it to the outside:"
	# shellcheck disable=SC2086
	tshark -n -r "$out/outside.pcap" -Y 'h225.setup_element' $fields 2>/dev/null | sed 's/^/      /'
fi
echo "   RTP delivered (UDP packets per direction):"
python3 - "$fix" "$out" <<'PY'
import sys, os
sys.path.insert(0, "tests/replay")
import pcaptool
fix, out = sys.argv[1], sys.argv[2]
def count(path, want_src_inside):
    n = 0
    for p in pcaptool.packets(path):
        if p["proto"] == 17 and pcaptool.in_prefix(p["src"], "198.18.1.0", 24) == want_src_inside:
            n += 1
    return n
print(f"      inside -> outside: {count(os.path.join(fix, 'plain-default-inside.pcap'), True)} sent, "
      f"{count(os.path.join(out, 'outside.pcap'), False)} left by the public side")
print(f"      outside -> inside: {count(os.path.join(fix, 'plain-default-outside.pcap'), False)} sent, "
      f"{count(os.path.join(out, 'inside.pcap'), False)} delivered inside")
PY
