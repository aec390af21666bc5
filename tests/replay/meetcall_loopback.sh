#!/bin/sh
# meetcall end to end on loopback (127.0.0.1 only): a listener and a caller
# in every fastStart x tunnelling combination plus --split-tpkt, a listener
# with --alias refusing unknown aliases (cause 1, --expect-release), then one
# captured run checked with tshark (every H.225.0 / H.245 message decodes,
# no malformed packet, no expert error).  Every wait is bounded.
# Binary: $MEETCALL, else build/rel/meetcall (built with make if missing).
set -u
cd "$(dirname "$0")/../.."
MC=${MEETCALL:-build/rel/meetcall}
if [ ! -x "$MC" ]; then
	make -s build/rel/meetcall >/dev/null 2>&1
fi
pass=0
fail=0
ok() { echo "ok - $1"; pass=$((pass + 1)); }
bad() { echo "FAIL - $1"; fail=$((fail + 1)); }
if [ ! -x "$MC" ]; then
	bad "meetcall binary $MC not available"
	echo "meetcall-loopback: $pass passed, $fail failed"
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
PORT=17200

# wait (3 s at most) for the listener started last to say it listens
wait_listening() {
	i=0
	while [ $i -lt 30 ] && ! grep -q listening "$tmp/listen.out" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
}

# one call: $1 = label, rest = options for both sides
one_call() {
	label=$1
	shift
	rm -f "$tmp/listen.out"
	timeout 25 "$MC" listen --bind 127.0.0.1 --port $PORT --calls 1 --timeout 20 "$@" >"$tmp/listen.out" 2>&1 &
	lp=$!
	wait_listening
	timeout 25 "$MC" call 127.0.0.1:$PORT --duration 2 --timeout 12 "$@" >"$tmp/call.out" 2>&1
	crc=$?
	wait $lp
	lrc=$?
	if [ $crc -eq 0 ] && [ $lrc -eq 0 ]; then
		ok "$label"
	else
		bad "$label (caller exit $crc, listener exit $lrc)"
		sed 's/^/    caller: /' "$tmp/call.out"
		sed 's/^/    listener: /' "$tmp/listen.out"
	fi
}

one_call "faststart + tunnelling"
one_call "faststart, no tunnelling (separate H.245)" --no-tunnel
one_call "no faststart, tunnelled H.245" --no-faststart
one_call "no faststart, separate H.245" --no-faststart --no-tunnel
one_call "split TPKT, no faststart, tunnelled H.245" --split-tpkt --no-faststart
one_call "split TPKT, no faststart, separate H.245" --split-tpkt --no-faststart --no-tunnel

# load: 6 calls, 3 at a time, 6 calls/s
rm -f "$tmp/listen.out"
timeout 30 "$MC" listen --bind 127.0.0.1 --port $PORT --calls 6 --timeout 25 --quiet >"$tmp/listen.out" 2>&1 &
lp=$!
sleep 0.3
timeout 30 "$MC" call 127.0.0.1:$PORT --duration 1 --calls 6 --rate 6 --concurrent 3 --quiet \
	--report "$tmp/load.json" >"$tmp/call.out" 2>&1
crc=$?
wait $lp
lrc=$?
if [ $crc -eq 0 ] && [ $lrc -eq 0 ] && grep -q '"ok": 6' "$tmp/load.json"; then
	ok "load mode: 6 calls, 3 concurrent"
else
	bad "load mode (caller exit $crc, listener exit $lrc)"
	cat "$tmp/call.out" "$tmp/listen.out"
fi

# back to back from one source port, each way of closing: 4 calls, no gap
for close in fin rst; do
	rm -f "$tmp/listen.out"
	timeout 30 "$MC" listen --bind 127.0.0.1 --port $PORT --calls 4 --timeout 25 --quiet --close $close \
		>"$tmp/listen.out" 2>&1 &
	lp=$!
	sleep 0.3
	timeout 30 "$MC" call 127.0.0.1:$PORT --duration 0.3 --calls 4 --sport 17209 --close $close --quiet \
		--report "$tmp/b2b.json" >"$tmp/call.out" 2>&1
	crc=$?
	wait $lp
	lrc=$?
	if [ $crc -eq 0 ] && [ $lrc -eq 0 ] && grep -q '"ok": 4' "$tmp/b2b.json"; then
		ok "4 calls back to back from one source port, --close $close"
	else
		bad "back to back --close $close (caller exit $crc, listener exit $lrc)"
		cat "$tmp/call.out" "$tmp/listen.out"
	fi
done

# a call back to the advertised port, and the callIdentifier given
rm -f "$tmp/listen.out"
timeout 25 "$MC" listen --bind 127.0.0.1 --port $PORT --calls 1 --timeout 20 --call-back --duration 1 \
	--report "$tmp/cb.json" >"$tmp/listen.out" 2>&1 &
lp=$!
timeout 25 "$MC" listen --bind 127.0.0.1 --port $((PORT + 1)) --calls 1 --timeout 20 >"$tmp/listen2.out" 2>&1 &
lp2=$!
sleep 0.3
timeout 25 "$MC" call 127.0.0.1:$PORT --duration 2 --advertise-port $((PORT + 1)) \
	--call-id 000102030405060708090a0b0c0d0e0f >"$tmp/call.out" 2>&1
crc=$?
wait $lp
lrc=$?
wait $lp2
lrc2=$?
if [ $crc -eq 0 ] && [ $lrc -eq 0 ] && [ $lrc2 -eq 0 ] &&
	grep -q "\"setup_source\": \"127.0.0.1:$((PORT + 1))\"" "$tmp/cb.json" &&
	grep -q "call-back 1 to 127.0.0.1:$((PORT + 1)) ok" "$tmp/listen.out"; then
	ok "listen --call-back calls the advertised sourceCallSignalAddress back"
else
	bad "call back (caller $crc, listener $lrc, called-back listener $lrc2)"
	cat "$tmp/call.out" "$tmp/listen.out" "$tmp/listen2.out"
fi

# a usage error exits 2 and quotes the bad argument
"$MC" call 127.0.0.1:17200 --duration abc >"$tmp/usage.out" 2>&1
if [ $? -eq 2 ] && grep -q "'abc'" "$tmp/usage.out"; then
	ok "usage error exits 2 quoting the argument"
else
	bad "usage error handling"
fi

# listen --alias: an unknown alias is refused with cause 1 within 1 s (the
# caller expects it), the listener's own alias, dialled as ALIAS@HOST with
# digits, is answered, and the listener's report names the aliases dialled
"$MC" call x@127.0.0.1:$PORT --alias y >"$tmp/usage.out" 2>&1
[ $? -eq 2 ] && ok "ALIAS@HOST with --alias too is a usage error" || bad "ALIAS@HOST with --alias too"
rm -f "$tmp/listen.out"
timeout 25 "$MC" listen --bind 127.0.0.1 --port $PORT --alias Alice --alias 5551234 --calls 1 --timeout 20 \
	--report "$tmp/alias.json" >"$tmp/listen.out" 2>&1 &
lp=$!
wait_listening
timeout 10 "$MC" call nobody@127.0.0.1:$PORT --expect-release 1 --timeout 1 --report "$tmp/refused.json" \
	>"$tmp/call.out" 2>&1
crc=$?
timeout 10 "$MC" call carol@127.0.0.1:$PORT --timeout 1 >"$tmp/call2.out" 2>&1
crc2=$?
timeout 25 "$MC" call 5551234@127.0.0.1:$PORT --duration 1 --timeout 12 >"$tmp/call3.out" 2>&1
crc3=$?
wait $lp
lrc=$?
ms=$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["calls"][0]
print(c["release_ms"] if c["release_cause"] == 1 and c["release_reason"] == "calledPartyNotRegistered" else -1)' \
	"$tmp/refused.json" 2>/dev/null)
if [ $crc -eq 0 ] && [ -n "$ms" ] && [ "$ms" -ge 0 ] && [ "$ms" -lt 1000 ]; then
	ok "an unknown alias is refused with cause 1 in $ms ms (--expect-release 1)"
else
	bad "unknown alias (caller exit $crc, release_ms '$ms')"
	cat "$tmp/call.out" "$tmp/listen.out"
fi
if [ $crc2 -eq 1 ] && grep -q "released by the far end: cause 1 (unallocated number)" "$tmp/call2.out"; then
	ok "a refused call fails without --expect-release and says why"
else
	bad "refused call without --expect-release (exit $crc2)"
	cat "$tmp/call2.out"
fi
if [ $crc3 -eq 0 ] && [ $lrc -eq 0 ] && python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
a=[c["dest_aliases"] for c in d["calls"] if not c["refused"]]
sys.exit(0 if d["refused"] == 2 and d["total"] == 1 and a == [["5551234"]] else 1)' "$tmp/alias.json"; then
	ok "listen --alias answers its own alias, refuses two others, reports dest_aliases"
else
	bad "listen --alias (caller exit $crc3, listener exit $lrc)"
	cat "$tmp/call3.out" "$tmp/listen.out"
fi

# garbage from the caller side: the listener refuses the call, no crash
timeout 10 "$MC" listen --bind 127.0.0.1 --port $PORT --calls 1 --timeout 5 >"$tmp/listen.out" 2>&1 &
lp=$!
sleep 0.3
python3 -c '
import socket, time
s = socket.create_connection(("127.0.0.1", '$PORT'), timeout=2)
s.sendall(b"\x03\x00\x00\x10\x08\x02\x00\x01\x05\x7e\x00\x05\x05\xff\xff\xff")
time.sleep(0.5)
s.close()' >/dev/null 2>&1
wait $lp
lrc=$?
if [ $lrc -eq 1 ] && grep -q "malformed H.225.0" "$tmp/listen.out"; then
	ok "malformed Setup ends the call with a reason"
else
	bad "malformed Setup (listener exit $lrc)"
	cat "$tmp/listen.out"
fi

# a captured pair of calls, decoded by tshark
if command -v tcpdump >/dev/null 2>&1 && command -v tshark >/dev/null 2>&1; then
	timeout 20 tcpdump -i lo -U -s 0 -w "$tmp/cap.pcap" "host 127.0.0.1" >/dev/null 2>&1 &
	tp=$!
	sleep 1
	one_call "captured: faststart + tunnelling" --split-tpkt
	one_call "captured: no faststart, separate H.245" --no-faststart --no-tunnel
	sleep 0.5
	kill $tp 2>/dev/null
	wait $tp 2>/dev/null
	dec=""
	for p in $(tshark -r "$tmp/cap.pcap" -T fields -e h225.h245IpPort 2>/dev/null | sort -u); do
		dec="$dec -d tcp.port==$p,h245"
	done
	n225=$(tshark -r "$tmp/cap.pcap" $dec -Y h225 2>/dev/null | wc -l)
	n245=$(tshark -r "$tmp/cap.pcap" $dec -Y "h245 && !h225" 2>/dev/null | wc -l)
	nbad=$(tshark -r "$tmp/cap.pcap" $dec -Y "_ws.malformed || _ws.expert.severity >= error" 2>/dev/null | wc -l)
	nrtcp=$(tshark -r "$tmp/cap.pcap" $dec -Y "_ws.expert.severity >= warning && rtcp" 2>/dev/null | wc -l)
	if [ "$n225" -ge 12 ] && [ "$n245" -ge 8 ] && [ "$nbad" -eq 0 ] && [ "$nrtcp" -eq 0 ]; then
		ok "tshark decodes $n225 H.225.0 and $n245 H.245 messages, nothing malformed"
	else
		bad "tshark: h225 $n225, separate h245 $n245, malformed/error $nbad, rtcp warnings $nrtcp"
		tshark -r "$tmp/cap.pcap" $dec -Y "_ws.malformed || _ws.expert.severity >= error" 2>/dev/null | head
	fi
else
	ok "tshark check skipped: tcpdump or tshark not installed"
fi

echo "meetcall-loopback: $pass passed, $fail failed"
[ $fail -eq 0 ]
