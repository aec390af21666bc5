#!/bin/sh
# `make demo`: the lab (network namespaces, 198.18.0.0/15 only), meetgate as
# the gateway, and two real H.323 calls through it with meetcall: one from
# an inside host out, one from outside in through a port forward.  Each step
# is announced in one sentence before it runs and checked after it; the
# counters are shown with every drop explained; then a captured third-party
# call is replayed (tools/demo_replay.sh), which writes build/demo/calls.html.
# The last line is "demo passed" (exit 0) or "demo FAILED: <what>" (exit 1).
#
# MEETGATE_DEMO_BREAK=forward leaves the port forward out of the gateway's
# configuration, so that step 3 (the inbound call) fails: a way to see what a
# failing demo prints.  It changes only this script's configuration file.
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/lab/lib.sh
MEETCALL=build/rel/meetcall
MEETGATE=build/rel/meetgate
OUT=build/demo
FAILED=""

fail() { # what: remember the first failure, say it now
	echo "   !! $1"
	[ -n "$FAILED" ] || FAILED=$1
}

finish() {
	if [ -z "$FAILED" ]; then
		echo "demo passed"
		exit 0
	fi
	echo "demo FAILED: $FAILED"
	exit 1
}

step() { # N sentence
	echo
	echo "Step $1: $2"
}

indent() { sed 's/^/   /'; }

# why a drop or event counter of `meetgate show stats` can be there in this demo
explain() { # reason
	case "$1" in
	inbound-no-pinhole) echo "packets from outside that no pinhole or forward admitted (the
      gateway's log, below, says which); when the demo passes, only the IPv6 multicast listener
      reports (ICMPv6 to ff02::16) the outside hosts send unasked when their interfaces come up" ;;
	pkt-unsupported) echo "packets the policy has no rule for: the IPv6 multicast listener
      reports (ICMPv6 to ff02::16) the inside hosts' kernels send when their interfaces come up" ;;
	policy-outbound) echo "inside packets to a port the NetMeeting policy does not open
      (only TCP 389, 522, 1503, 1720, 1731 and UDP 1719 go out freely)" ;;
	tcp-invalid-state | tcp-out-of-window | tcp-no-syn | tcp-bad-rst) echo "TCP segments
      that do not fit the connection's state, typically the last segments of a connection meetgate
      already saw closed; harmless at the end of a call" ;;
	icmp-err-no-flow) echo "ICMP errors about a flow that is already gone (e.g. a port
      unreachable for a late media packet after the call ended)" ;;
	*) echo "not expected in this demo: see the gateway's log" ;;
	esac
}

# what the gateway logged for one reason, grouped: "N x side proto -> dst"
logged() { # reason
	sed -n "s/.* meetgate: $1: \([a-z]*\): \([a-z0-9]*\) .* -> \([^,]*\),.*/\1 \2 to \3/p" \
		"$LAB_DIR/gw.log" | sort | uniq -c | sort -rn | head -n 3 |
		while read -r _n _what; do echo "      logged: $_n x $_what"; done
}

rm -rf "$OUT"
mkdir -p "$OUT"

trap 'lab_down' EXIT
trap 'exit 1' INT TERM

step 1 "the lab comes up (an inside network 198.18.1.0/24 and an outside one 198.19.0.0/24,
   each in its own network namespace) and meetgate starts as the gateway between them, with the
   NetMeeting policy and one port forward: TCP 1720 on the public address to 198.18.1.10."
if ! lab_up 2>"$OUT/lab.log"; then
	indent <"$OUT/lab.log"
	fail "the lab did not come up (make demo needs root)"
	finish
fi
CONF="$LAB_DIR/gw.conf"
{
	echo "interface inside $LAB_BI"
	echo "interface outside $LAB_BO"
	echo "control $LAB_DIR/ctl.sock"
	echo "inside 198.18.1.0/24"
	echo "public 198.19.0.1"
	[ "${MEETGATE_DEMO_BREAK:-}" = forward ] || echo "forward tcp 1720 to 198.18.1.10:1720"
} >"$CONF"
cat <<EOT
   IN1 198.18.1.10, IN2 198.18.1.11  --  [ meetgate: 198.18.1.1 | 198.19.0.1 ]  --  OUT1 198.19.0.20, OUT2 198.19.0.21
   meetgate's configuration:
$(sed 's/^/      /' "$CONF")
   (no "allow" line: the NetMeeting policy of KB 158623; everything else comes in only through pinholes)
EOT
if ! lab_gw_start "$CONF" 2>>"$OUT/lab.log"; then
	tail -n 5 "$LAB_DIR/gw.log" | indent
	fail "meetgate did not start in the lab"
	finish
fi

show() { lab_exec GW "$MEETGATE" show "$@" --socket "$LAB_DIR/ctl.sock"; }

# one call through the gateway: caller-host callee-host callee-ip dial-ip
# direction label, then meetcall options for both ends
call_through() {
	_from=$1 _to=$2 _bind=$3 _dial=$4 _dir=$5
	shift 5
	lab_bg "$_to" "$MEETCALL" listen --bind "$_bind" --calls 1 --timeout 20 --quiet "$@" \
		>"$LAB_DIR/listen-$_dir.txt" 2>&1
	sleep 0.3
	lab_exec "$_from" "$MEETCALL" call "$_dial" --duration 4 --timeout 10 "$@" >"$LAB_DIR/call.txt" 2>&1 &
	_c=$!
	sleep 2
	echo "   meetgate show calls, during the call:"
	show calls >"$LAB_DIR/calls.txt" 2>&1
	indent <"$LAB_DIR/calls.txt"
	echo "   meetgate show pinholes:"
	show pinholes | indent
	wait $_c
	_rc=$?
	echo "   meetcall on $_from:"
	indent <"$LAB_DIR/call.txt"
	if [ $_rc -ne 0 ]; then
		fail "the $_dir call did not work (meetcall exit status $_rc)"
	elif ! grep -q "connected *$_dir" "$LAB_DIR/calls.txt"; then
		fail "meetgate's call table showed no connected $_dir call"
	else
		echo "   -> the $_dir call worked: media flowed both ways through meetgate."
	fi
}

step 2 "an inside host, IN1 198.18.1.10, calls OUT1 198.19.0.20 outside (fastStart, H.245
   tunnelled, 4 s of G.711); meetgate rewrites the call's addresses to its public address 198.19.0.1
   and opens pinholes for the media the call negotiates."
call_through IN1 OUT1 198.19.0.20 198.19.0.20 outbound

step 3 "an outside caller, OUT1, dials the gateway's public address 198.19.0.1; meetgate forwards
   the call to 198.18.1.10 (port forward of step 1) and opens pinholes for the separate H.245
   channel and the media (no fastStart, no tunnelling)."
call_through OUT1 IN1 198.18.1.10 198.19.0.1 inbound --no-faststart --no-tunnel

step 4 "meetgate's counters after both calls (meetgate show stats), then every drop and event
   counter explained."
show stats >"$LAB_DIR/stats.txt" 2>&1 || fail "meetgate show stats failed"
grep -v '^nfq_\|^drop \|^event ' "$LAB_DIR/stats.txt" | indent
echo "   (the nfq_* counters of the kernel queue are in the full output of meetgate show stats)"
if grep -q '^drop \|^event ' "$LAB_DIR/stats.txt"; then
	grep '^drop \|^event ' "$LAB_DIR/stats.txt" | while read -r _kind _reason _n; do
		echo "   $_kind $_reason $_n: $(explain "$_reason")"
		logged "$_reason"
	done
else
	echo "   no drop and no event: every packet the lab sent was forwarded."
fi
lab_gw_stop
cp "$LAB_DIR/gw.log" "$OUT/gateway.log" 2>/dev/null
lab_down

step 5 "meetgate replay runs a real captured call (another H.323 stack, recorded on both sides
   of a router) through the gateway engine offline, says whether the call would have worked, and
   draws it as a ladder diagram in $OUT/calls.html."
sh tools/demo_replay.sh "$OUT"
rc=$?
if [ $rc -ne 0 ]; then
	fail "the replay failed (exit status $rc)"
elif ! grep -q 'would have worked' "$OUT/summary.txt"; then
	fail "the replayed call would not have worked ($OUT/summary.txt)"
elif [ ! -s "$OUT/calls.html" ]; then
	fail "the replay wrote no $OUT/calls.html"
else
	echo "   -> open $OUT/calls.html in a browser: one ladder per call, every message and drop."
fi

echo
echo "Files: $OUT/calls.html (the ladder), $OUT/summary.txt, $OUT/report.json, $OUT/gateway.log (the live gateway's log)"
finish
