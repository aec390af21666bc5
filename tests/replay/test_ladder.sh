#!/bin/sh
# calls.html of `meetgate replay`: one arrow per signalling message, counted
# independently with tshark, and the page loads in headless Chromium without
# console errors.  Prints ok/FAIL lines and "ladder: N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
MG=${MEETGATE:-build/rel/meetgate}
FIX=tests/fixtures
TMP=$(mktemp -d /tmp/meetgate-ladder.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok - $*"; }
bad() { fail=$((fail + 1)); echo "FAIL - $*"; }
check() { # check COND-RESULT(0/1) MESSAGE
	if [ "$1" = 0 ]; then ok "$2"; else bad "$2"; fi
}

[ -x "$MG" ] || make -s "$MG" >/dev/null || { echo "FAIL - cannot build $MG"; echo "ladder: 0 passed, 1 failed"; exit 1; }

# messages in a capture, each counted once even when one frame holds several
tshark_count() { # FILE FIELD
	tshark -n -r "$1" -o h225.reassembly:TRUE -o tpkt.desegment:TRUE -T fields -e "$2" 2>/dev/null |
		tr ',' '\n' | grep -c .
}
arrows() { # HTML CLASS
	grep -o "<g class=\"arrow $2[ \"]" "$1" | wc -l | tr -d ' '
}

for name in plain-default plain-nofaststart-notunnel; do
	out="$TMP/$name"
	"$MG" replay --config default --inside "$FIX/$name-inside.pcap" --outside "$FIX/$name-outside.pcap" \
		--follow-peer --quiet --out "$out" >"$TMP/$name.log" 2>&1
	check $? "$name: replay exits 0"
	html="$out/calls.html"
	if [ ! -s "$html" ]; then
		bad "$name: calls.html written"
		continue
	fi
	ok "$name: calls.html written"
	# the inside capture holds every message once (both directions)
	q931=$(tshark_count "$FIX/$name-inside.pcap" q931.message_type)
	h245=$(tshark_count "$FIX/$name-inside.pcap" h245.pdu_type)
	aq=$(arrows "$html" q931)
	ah=$(arrows "$html" h245)
	[ "$q931" -gt 0 ] && [ "$aq" = "$q931" ]
	check $? "$name: $aq H.225/Q.931 arrows, tshark counts $q931 messages"
	[ "$ah" = "$h245" ]
	check $? "$name: $ah H.245 arrows, tshark counts $h245 messages"
	svgs=$(grep -c '<svg ' "$html")
	[ "$svgs" = 1 ]
	check $? "$name: one ladder (one call), found $svgs"
	grep -q 'class="ok">call 1 .*would have worked' "$html"
	check $? "$name: the call would have worked (page)"
	grep -q '^call 1 .*: would have worked' "$out/summary.txt"
	check $? "$name: the call would have worked (summary.txt)"
	grep -q 'rewrote 198\.18\.1\.10:[0-9]* -&gt; 198\.19\.0\.1:' "$html"
	check $? "$name: rewrites shown with before and after"
	grep -q 'pinhole rtp opened' "$html" && grep -q 'pinholes closed' "$html"
	check $? "$name: pinholes opened and closed shown"
done

# every packet dropped: exit status 3 (doc/replay.md); a config with no
# inside prefix matching and no allow rule drops the outside-only stream
cat >"$TMP/deny.conf" <<EOF
inside 198.18.99.0/24
public 198.19.98.1
EOF
"$MG" replay --config "$TMP/deny.conf" --inside "$FIX/plain-default-outside.pcap" --quiet \
	--out "$TMP/deny" >"$TMP/deny.log" 2>&1
rc=$?
[ "$rc" = 3 ]
check $? "every packet dropped: exit status 3 (got $rc)"

# the page in a real browser
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1
	CHROMIUM=$(command -v chromium || true)
fi
if [ -z "$CHROMIUM" ]; then
	echo "# skipped: chromium is not installed and cannot be installed"
else
	html="$TMP/plain-default/calls.html"
	png="$TMP/shot.png"
	# console messages go to stderr with --enable-logging=stderr
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--enable-logging=stderr --v=0 --window-size=1200,1600 --screenshot="$png" \
		"file://$html" >"$TMP/chromium.out" 2>"$TMP/chromium.err"
	check $? "chromium renders calls.html"
	if grep -i 'CONSOLE' "$TMP/chromium.err" >"$TMP/console.txt"; then
		bad "no console messages: $(head -3 "$TMP/console.txt")"
	else
		ok "no console messages"
	fi
	size=$(wc -c <"$png" 2>/dev/null || echo 0)
	[ "$size" -gt 20000 ] && head -c 8 "$png" | od -An -c | grep -q 'P   N   G'
	check $? "screenshot is a PNG of $size bytes (> 20000)"
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --dump-dom "file://$html" \
		>"$TMP/dom.html" 2>/dev/null
	n=$(grep -o '<g class="arrow' "$TMP/dom.html" | wc -l | tr -d ' ')
	want=$(grep -o '<g class="arrow' "$html" | wc -l | tr -d ' ')
	[ "$n" -gt 0 ] && [ "$n" = "$want" ]
	check $? "the loaded DOM holds the $want arrows (found $n)"
	[ -n "${LADDER_SCREENSHOT:-}" ] && cp "$png" "$LADDER_SCREENSHOT"
fi

echo "ladder: $pass passed, $fail failed"
[ "$fail" = 0 ]
