#!/bin/sh
# meetcall and H.225.0 RAS on loopback (127.0.0.1 only): `meetcall
# gatekeeper`, a listener and callers registered with it (--gk).  Checks
# registration (the gatekeeper's report holds the callSignalAddress and
# rasAddress as registered and the RRQ's source), keep-alives before the
# timeToLive runs out, admission and a direct call, a gatekeeper-routed call
# relayed through the gatekeeper, an unknown alias rejected (ARJ
# calledPartyNotRegistered), DRQ after each call and unregistration at the
# end; then one captured run decoded by tshark (RAS on the gatekeeper's
# port, no malformed packet, no expert error; the GRQ and RRQ of a listener
# with --h460-18 name H.460.18).  Every wait is bounded.
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
	echo "meetcall-gk: $pass passed, $fail failed"
	exit 1
fi
tmp=$(mktemp -d)
gkp=""
trap '[ -n "$gkp" ] && kill $gkp 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
GK=17219     # RAS
GKSIG=17221  # the routed gatekeeper's call signalling
PORT=17200   # the listener

# wait (3 s at most) for a line matching $2 in file $1
wait_for() {
	i=0
	while [ $i -lt 30 ] && ! grep -q "$2" "$1" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
}

# json FILE PYTHON-EXPRESSION(d): exit 0 when the expression is true
json() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if eval("(" + sys.argv[2] + ")") else 1)' "$1" "$2" \
		2>/dev/null
}

start_gk() { # options
	rm -f "$tmp/gk.out" "$tmp/gk.json"
	timeout 60 "$MC" gatekeeper --bind 127.0.0.1 --port $GK --timeout 50 --report "$tmp/gk.json" "$@" \
		>"$tmp/gk.out" 2>&1 &
	gkp=$!
	wait_for "$tmp/gk.out" "gatekeeper on"
}

stop_gk() {
	kill -TERM $gkp 2>/dev/null
	wait $gkp 2>/dev/null
	gkp=""
}

# run_pair LABEL "LISTEN OPTIONS" "CALL OPTIONS": a listener for alice and
# one call to alice, both registered; sets lrc / crc
run_pair() {
	rm -f "$tmp/listen.out" "$tmp/listen.json" "$tmp/call.json"
	timeout 30 "$MC" listen --bind 127.0.0.1 --port $PORT --alias alice --alias 5551234 --calls 1 --timeout 25 \
		--gk 127.0.0.1:$GK --report "$tmp/listen.json" $2 >"$tmp/listen.out" 2>&1 &
	lp=$!
	wait_for "$tmp/listen.out" "listening on"
	timeout 30 "$MC" call alice --gk 127.0.0.1:$GK --from bob --duration 1 --timeout 12 --report "$tmp/call.json" \
		$3 >"$tmp/call.out" 2>&1
	crc=$?
	wait $lp
	lrc=$?
	if [ $crc -ne 0 ] || [ $lrc -ne 0 ]; then
		bad "$1 (caller exit $crc, listener exit $lrc)"
		sed 's/^/    caller: /' "$tmp/call.out"
		sed 's/^/    listener: /' "$tmp/listen.out"
		sed 's/^/    gatekeeper: /' "$tmp/gk.out"
		return 1
	fi
	ok "$1"
}

# ---- direct calls: registration, keep-alive, admission, DRQ, URQ ----
start_gk --ttl 2 --alternate-gk 127.0.0.1:$((GK + 10))
if grep -q "gatekeeper on 127.0.0.1:$GK" "$tmp/gk.out"; then
	ok "gatekeeper listens on 127.0.0.1:$GK"
else
	bad "gatekeeper did not start"
	cat "$tmp/gk.out"
fi
# the listener waits 2 s before the call: a keep-alive is due after 1.3 s
rm -f "$tmp/listen.out"
timeout 30 "$MC" listen --bind 127.0.0.1 --port $PORT --alias alice --alias 5551234 --calls 1 --timeout 25 \
	--gk 127.0.0.1:$GK --report "$tmp/listen.json" >"$tmp/listen.out" 2>&1 &
lp=$!
wait_for "$tmp/listen.out" "listening on"
sleep 2
timeout 30 "$MC" call alice --gk 127.0.0.1:$GK --from bob --duration 1 --timeout 12 --report "$tmp/call.json" \
	>"$tmp/call.out" 2>&1
crc=$?
wait $lp
lrc=$?
if [ $crc -eq 0 ] && [ $lrc -eq 0 ]; then
	ok "a direct call admitted by the gatekeeper (ACF) succeeds"
else
	bad "direct call through admission (caller exit $crc, listener exit $lrc)"
	sed 's/^/    caller: /' "$tmp/call.out"
	sed 's/^/    listener: /' "$tmp/listen.out"
fi
if json "$tmp/listen.json" 'd["ras"]["registered"] and d["ras"]["ttl"] == 2 and d["ras"]["keepalives"] >= 1 and
d["ras"]["admissions"] == 1 and d["ras"]["disengages"] == 1 and d["ras"]["unregistered"] and
d["ras"]["call_signal_address"] == "127.0.0.1:'$PORT'" and d["calls"][0]["admission"] == "ACF" and
d["ras"]["alternate_gatekeepers"] == ["127.0.0.1:'$((GK + 10))'"]'; then
	ok "listener: registered (ttl 2, the RCF's alternate gatekeeper), kept alive, admitted the answer (ARQ answerCall), DRQ, URQ"
else
	bad "listener's RAS report"
	cat "$tmp/listen.json"
fi
if json "$tmp/call.json" 'd["ras"]["registered"] and d["ras"]["admissions"] == 1 and d["ras"]["disengages"] == 1 and
d["ras"]["unregistered"] and d["calls"][0]["admission"] == "ACF" and
d["calls"][0]["acf_address"] == "127.0.0.1:'$PORT'" and not d["calls"][0]["acf_routed"] and
d["calls"][0]["target"] == "127.0.0.1:'$PORT'"'; then
	ok "caller: called the destCallSignalAddress of the ACF, DRQ, URQ"
else
	bad "caller's RAS report"
	cat "$tmp/call.json"
fi

# an unknown alias: ARJ calledPartyNotRegistered, the call fails and says so
timeout 10 "$MC" call nobody --gk 127.0.0.1:$GK --from bob --duration 1 --timeout 5 --report "$tmp/arj.json" \
	>"$tmp/arj.out" 2>&1
arc=$?
if [ $arc -eq 1 ] && grep -q "ARJ calledPartyNotRegistered" "$tmp/arj.out" &&
	json "$tmp/arj.json" 'd["calls"][0]["admission"] == "ARJ" and
d["calls"][0]["admission_reason"] == "calledPartyNotRegistered" and d["ras"]["admission_rejects"] == 1'; then
	ok "an unknown alias is rejected: ARJ calledPartyNotRegistered (exit 1)"
else
	bad "unknown alias (exit $arc)"
	cat "$tmp/arj.out"
fi

# no gatekeeper there: GRQ is sent three times, then the run ends with exit 1
t0=$(date +%s)
timeout 15 "$MC" call alice --gk 127.0.0.1:$((GK + 9)) --timeout 3 >"$tmp/nogk.out" 2>&1
nrc=$?
t1=$(date +%s)
if [ $nrc -eq 1 ] && [ $((t1 - t0)) -le 6 ] && grep -q "registration with the gatekeeper failed: no answer to GRQ" "$tmp/nogk.out"; then
	ok "no gatekeeper: registration fails after the GRQ's retries (exit 1, $((t1 - t0)) s)"
else
	bad "no gatekeeper (exit $nrc, $((t1 - t0)) s)"
	cat "$tmp/nogk.out"
fi

# usage: ALIAS alone needs --gk
"$MC" call alice >"$tmp/usage.out" 2>&1
[ $? -eq 2 ] && grep -q "needs --gk" "$tmp/usage.out" && ok "call ALIAS without --gk is a usage error" ||
	bad "call ALIAS without --gk"
"$MC" listen --h460-18 >"$tmp/usage.out" 2>&1
[ $? -eq 2 ] && grep -q "needs --gk" "$tmp/usage.out" && ok "--h460-18 without --gk is a usage error" ||
	bad "--h460-18 without --gk"
"$MC" gatekeeper --port 1719 >"$tmp/usage.out" 2>&1
[ $? -eq 2 ] && ok "gatekeeper without --bind is a usage error" || bad "gatekeeper without --bind"

stop_gk
if json "$tmp/gk.json" '[ (r["aliases"], r["call_signal_address"], r["state"]) for r in d["registrations"]
 if "alice" in r["aliases"] ] == [(["alice", "5551234"], "127.0.0.1:'$PORT'", "unregistered")] and
all(r["rrq_source"] == r["ras_address"] and r["ras_address"].startswith("127.0.0.1:") for r in d["registrations"]) and
[r["keepalives"] >= 1 for r in d["registrations"] if "alice" in r["aliases"]] == [True]'; then
	ok "gatekeeper report: alice registered with 127.0.0.1:$PORT, rasAddress = RRQ source, kept alive, unregistered"
else
	bad "gatekeeper registrations"
	cat "$tmp/gk.json"
fi
if json "$tmp/gk.json" '[(a["answer_call"], a["result"], a["reason"], a["disengaged"]) for a in d["admissions"]] ==
[(False, "ACF", None, True), (True, "ACF", None, True), (False, "ARJ", "calledPartyNotRegistered", False)] and
d["counts"]["URQ"] == 3 and d["counts"]["UCF"] == 3 and d["counts"]["DRQ"] == 2 and d["counts"]["malformed"] == 0'; then
	ok "gatekeeper report: admissions (ACF, ACF answering, ARJ), 2 DRQ, 3 URQ/UCF"
else
	bad "gatekeeper admissions and counts"
	cat "$tmp/gk.json"
fi

# ---- expiry: a registration that is not kept alive runs out ----
start_gk --ttl 1
rm -f "$tmp/listen.out"
"$MC" listen --bind 127.0.0.1 --port $PORT --alias carol --calls 1 --timeout 8 --gk 127.0.0.1:$GK \
	>"$tmp/listen.out" 2>&1 &
lp=$! # meetcall itself (bounded by its --timeout): killed below
wait_for "$tmp/listen.out" "listening on"
kill -KILL $lp 2>/dev/null # no keep-alive, no URQ
wait $lp 2>/dev/null
sleep 2
stop_gk
if json "$tmp/gk.json" '[r["state"] for r in d["registrations"] if r["aliases"] == ["carol"]] == ["expired"] and
d["counts"]["expired"] == 1'; then
	ok "a registration without keep-alives expires after its timeToLive (1 s)"
else
	bad "expiry"
	cat "$tmp/listen.out" "$tmp/gk.out"
fi
rm -f "$tmp/listen.out"
start_gk
timeout 10 "$MC" listen --bind 127.0.0.1 --port $PORT --alias carol --calls 1 --timeout 1 --gk 127.0.0.1:$GK \
	>"$tmp/listen.out" 2>&1
stop_gk
if grep -q "unregistered (URQ -> UCF)" "$tmp/listen.out" &&
	json "$tmp/gk.json" '[r["state"] for r in d["registrations"]] == ["unregistered"]'; then
	ok "a listener that ends without a call unregisters (URQ -> UCF)"
else
	bad "listener without calls"
	cat "$tmp/listen.out" "$tmp/gk.out"
fi

# ---- the callee's ARQ refused: the gatekeeper restarted and forgot the
# listener, so its ARQ answerCall gets ARJ and it releases with cause 21 ----
start_gk
rm -f "$tmp/listen.out"
timeout 30 "$MC" listen --bind 127.0.0.1 --port $PORT --alias alice --calls 1 --timeout 20 --gk 127.0.0.1:$GK \
	--report "$tmp/listen.json" >"$tmp/listen.out" 2>&1 &
lp=$!
wait_for "$tmp/listen.out" "listening on"
stop_gk
start_gk
timeout 10 "$MC" call alice@127.0.0.1:$PORT --expect-release 21 --timeout 5 >"$tmp/call.out" 2>&1
crc=$?
wait $lp
lrc=$?
stop_gk
if [ $crc -eq 0 ] && [ $lrc -eq 1 ] && grep -q "ARJ callerNotRegistered" "$tmp/listen.out" &&
	json "$tmp/listen.json" 'd["calls"][0]["admission"] == "ARJ" and
d["calls"][0]["admission_reason"] == "callerNotRegistered"'; then
	ok "an ARJ to the callee's ARQ answerCall: ReleaseComplete cause 21 to the caller"
else
	bad "callee ARJ (caller exit $crc, listener exit $lrc)"
	cat "$tmp/call.out" "$tmp/listen.out"
fi

# ---- gatekeeper-routed: the ACF points at the gatekeeper, which relays ----
start_gk --routed --sig-port $GKSIG
if run_pair "a gatekeeper-routed call (ACF gatekeeperRouted, signalling relayed) succeeds" "" ""; then
	if json "$tmp/call.json" 'd["calls"][0]["acf_routed"] and d["calls"][0]["acf_address"] == "127.0.0.1:'$GKSIG'" and
d["calls"][0]["target"] == "127.0.0.1:'$GKSIG'"'; then
		ok "routed: the caller called the gatekeeper's call signalling port 127.0.0.1:$GKSIG"
	else
		bad "routed: caller's target"
		cat "$tmp/call.json"
	fi
fi
run_pair "routed, split TPKTs and a separate H.245 channel (direct)" "--split-tpkt --no-tunnel" "--split-tpkt --no-tunnel"
stop_gk
if json "$tmp/gk.json" 'len(d["routed_calls"]) == 2 and d["routed_calls"][0]["to"] == "127.0.0.1:'$PORT'" and
[(r["tpkts_to_callee"], r["tpkts_to_caller"], r["error"]) for r in d["routed_calls"][1:]] == [(2, 3, "")] and
d["routed_calls"][0]["tpkts_to_callee"] >= 3 and d["routed_calls"][0]["tpkts_to_caller"] >= 4 and
d["routed_calls"][0]["error"] == "" and d["call_signal_address"] == "127.0.0.1:'$GKSIG'"'; then
	ok "routed: the gatekeeper relayed the TPKTs both ways to 127.0.0.1:$PORT"
else
	bad "routed: gatekeeper relay"
	cat "$tmp/gk.json" "$tmp/gk.out"
fi

# ---- a captured run decoded by tshark ----
if command -v tcpdump >/dev/null 2>&1 && command -v tshark >/dev/null 2>&1; then
	timeout 30 tcpdump -i lo --immediate-mode -U -s 0 -w "$tmp/cap.pcap" "udp port $GK or tcp port $GKSIG" >/dev/null 2>&1 &
	tp=$!
	sleep 1
	start_gk --routed --sig-port $GKSIG --ttl 2
	run_pair "captured: a routed call, no faststart, tunnelled H.245, the listener naming H.460.18" \
		"--no-faststart --h460-18" "--no-faststart"
	timeout 10 "$MC" call nobody --gk 127.0.0.1:$GK --timeout 3 >/dev/null 2>&1
	stop_gk
	sleep 1 # the last packets reach the file before tcpdump stops
	kill $tp 2>/dev/null
	wait $tp 2>/dev/null
	dec="-d udp.port==$GK,h225"
	types=$(tshark -r "$tmp/cap.pcap" $dec -Y "h225.RasMessage" -T fields -e h225.RasMessage 2>/dev/null | sort -n |
		uniq | tr '\n' ' ')
	nras=$(tshark -r "$tmp/cap.pcap" $dec -Y "h225.RasMessage" 2>/dev/null | wc -l)
	nq931=$(tshark -r "$tmp/cap.pcap" $dec -Y "q931 && h225" 2>/dev/null | wc -l)
	nbad=$(tshark -r "$tmp/cap.pcap" $dec -Y "_ws.malformed || _ws.expert.severity >= error" 2>/dev/null | wc -l)
	# GRQ GCF RRQ RCF URQ UCF ARQ ACF ARJ DRQ DCF
	if [ "$types" = "0 1 3 4 6 7 9 10 11 15 16 " ] && [ "$nbad" -eq 0 ] && [ "$nq931" -ge 8 ]; then
		ok "tshark decodes $nras RAS messages (types $types) and $nq931 relayed H.225.0 messages, nothing malformed"
	else
		bad "tshark: RAS types '$types' ($nras), relayed h225 $nq931, malformed/error $nbad"
		tshark -r "$tmp/cap.pcap" $dec -Y "_ws.malformed || _ws.expert.severity >= error" 2>/dev/null | head
	fi
	# --h460-18: the listener's GRQ and RRQs (0, 3) name feature 18, nothing else does
	h18=$(tshark -r "$tmp/cap.pcap" $dec -Y "h225.supportedFeatures && h225.standard == 18" -T fields \
		-e h225.RasMessage 2>/dev/null | sort -n | uniq | tr '\n' ' ')
	if [ "$h18" = "0 3 " ]; then
		ok "tshark: the listener's GRQ and RRQ carry supportedFeatures H.460.18 (standard 18)"
	else
		bad "tshark: messages naming H.460.18: '$h18' (want GRQ and RRQ: '0 3 ')"
	fi
else
	ok "tshark check skipped: tcpdump or tshark not installed"
fi

echo "meetcall-gk: $pass passed, $fail failed"
[ $fail -eq 0 ]
