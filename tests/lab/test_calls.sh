#!/bin/sh
# test_calls.sh - real H.323 calls (meetcall) through `meetgate run` in the
# network-namespace lab (tests/lab/lib.sh), and the same calls through plain
# kernel masquerade for contrast.  Run as root from the top of the tree.
#
#   outbound calls IN1 -> OUT1 in all four option sets (fastStart x H.245
#   tunnelling) and NetMeeting-style split TPKTs; inbound calls OUT1 ->
#   198.19.0.1:1720 forwarded to IN1; two inside hosts calling out at once;
#   an outside host calling two inside hosts through two forwards
#   (198.19.0.1 -> IN1, 198.19.0.2 -> IN2); a call across SIGHUP; a call
#   cut by killing meetgate (fail-closed) and a new one after the restart.
# Every call must carry media both ways from the negotiated addresses
# (meetcall's exit status), and a capture of the outside link must hold no
# inside address in any header or payload.
# Prints "ok - ..." / "FAIL - ..." and "lab-calls: N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lab/lib.sh
. tests/lab/suite.sh

MEETCALL=${MEETCALL:-build/rel/meetcall}
lab_suite lab-calls "$LAB_MEETGATE" "$MEETCALL"

CONF="$LAB_DIR/gw.conf"
cat >"$CONF" <<EOC
interface inside $LAB_BI
interface outside $LAB_BO
queue 4
control $LAB_DIR/ctl.sock
inside 198.18.1.0/24
public 198.19.0.1
public 198.19.0.2
forward tcp 198.19.0.1:1720 to 198.18.1.10:1720
forward tcp 198.19.0.2:1720 to 198.18.1.11:1720
EOC

# capture of the outside link, taken on the outside hosts' own interfaces
# (what really crossed the wire; a capture on the gateway's interface can show
# a packet after the gateway rewrote it in place), bounded in time
# (lab_cap_start, lab_no_leak in lib.sh); CAP is the capture's name
cap_start() { CAP=$1; lab_cap_start "$1" 60 OUT1 OUT2; }
cap_stop() { lab_cap_stop; }
no_leak() { lab_no_leak "$1" 51 OUT1 OUT2; } # more than 50 packets

# listen HOST IP [meetcall options...]: a callee answering one call, bounded
listen() {
	_h=$1 _ip=$2
	shift 2
	lab_bg "$_h" "$MEETCALL" listen --bind "$_ip" --port 1720 --calls 1 --timeout 25 --quiet "$@"
	LISTEN_PID=$!
	sleep 0.3
}
# call HOST TARGET LOG [meetcall options...]: returns meetcall's status
call() {
	_h=$1 _t=$2 _log=$3
	shift 3
	lab_exec "$_h" timeout 40 "$MEETCALL" call "$_t" --duration 3 --timeout 20 "$@" >"$_log" 2>&1
}
callee_ok() { wait "$LISTEN_PID" 2>/dev/null; }

lab_gw_start "$CONF" || { bad "meetgate run starts"; cat "$LAB_DIR/gw.log"; finish; }

# --- outbound, four option sets and split TPKTs
for opts in "" "--no-tunnel" "--no-faststart" "--no-faststart --no-tunnel" "--split-tpkt" \
	"--no-faststart --split-tpkt"; do
	name="outbound ${opts:-fastStart+tunnelling}"
	cap_start out
	# shellcheck disable=SC2086
	listen OUT1 198.19.0.20 $opts
	# shellcheck disable=SC2086
	if call IN1 198.19.0.20 "$LAB_DIR/c.log" $opts && callee_ok; then
		ok "$name: media both ways ($(tail -n 1 "$LAB_DIR/c.log"))"
	else
		bad "$name: $(cat "$LAB_DIR/c.log")"
	fi
	cap_stop
	if r=$(no_leak "$CAP"); then ok "$name: outside link clean ($r)"; else bad "$name: outside link: $r"; fi
done

# --- inbound through the forwards
for opts in "" "--no-faststart --no-tunnel"; do
	name="inbound via forward ${opts:-fastStart+tunnelling}"
	cap_start in
	# shellcheck disable=SC2086
	listen IN1 198.18.1.10 $opts
	# shellcheck disable=SC2086
	if call OUT1 198.19.0.1 "$LAB_DIR/c.log" $opts && callee_ok; then
		ok "$name: media both ways"
	else
		bad "$name: $(cat "$LAB_DIR/c.log")"
	fi
	cap_stop
	if r=$(no_leak "$CAP"); then ok "$name: outside link clean ($r)"; else bad "$name: outside link: $r"; fi
done

# --- two inside hosts calling out at the same time (to the same callee)
cap_start two-out
lab_bg OUT1 "$MEETCALL" listen --bind 198.19.0.20 --port 1720 --calls 2 --timeout 25 --quiet
L2=$!
sleep 0.3
call IN1 198.19.0.20 "$LAB_DIR/a.log" --duration 4 &
A=$!
call IN2 198.19.0.20 "$LAB_DIR/b.log" --duration 4 &
B=$!
if wait $A && wait $B && wait $L2; then
	ok "two inside hosts call out at once: both calls carry media both ways"
else
	bad "two inside hosts at once: $(cat "$LAB_DIR/a.log" "$LAB_DIR/b.log")"
fi
cap_stop
if r=$(no_leak "$CAP"); then ok "two inside hosts: outside link clean ($r)"; else bad "two inside hosts: $r"; fi

# --- one outside host calls two inside hosts through two forwards
cap_start two-in
listen IN1 198.18.1.10
P1=$LISTEN_PID
listen IN2 198.18.1.11
P2=$LISTEN_PID
call OUT1 198.19.0.1 "$LAB_DIR/a.log" --duration 4 &
A=$!
call OUT1 198.19.0.2 "$LAB_DIR/b.log" --duration 4 --no-faststart &
B=$!
if wait $A && wait $B && wait $P1 && wait $P2; then
	ok "outside host calls two inside hosts (two public addresses): both carry media both ways"
else
	bad "two forwards: $(cat "$LAB_DIR/a.log" "$LAB_DIR/b.log")"
fi
cap_stop
if r=$(no_leak "$CAP"); then ok "two forwards: outside link clean ($r)"; else bad "two forwards: $r"; fi

# --- the call table is visible while a call runs
listen OUT1 198.19.0.20
call IN1 198.19.0.20 "$LAB_DIR/c.log" --duration 3 &
A=$!
sleep 1.5
calls=$(lab_exec GW "$LAB_MEETGATE" show calls --socket "$LAB_DIR/ctl.sock" 2>&1)
if echo "$calls" | grep -q "198.18.1.10" && echo "$calls" | grep -q "198.19.0.20"; then
	ok "meetgate show calls lists the running call"
else
	bad "meetgate show calls: $calls"
fi
# its ladder: the Setup going out, the Connect coming back
cid=$(echo "$calls" | awk '$4 == "198.18.1.10" && $5 == "198.19.0.20" { print $1; exit }')
ladder=$(lab_exec GW "$LAB_MEETGATE" show calls --ladder "${cid:-0}" --socket "$LAB_DIR/ctl.sock" 2>&1)
if echo "$ladder" | grep -q "^ *[0-9.]*  setup .*-->" && echo "$ladder" | grep -q "^ *[0-9.]*  connect .*<--"; then
	ok "meetgate show calls --ladder shows the call's Setup and Connect"
else
	bad "meetgate show calls --ladder $cid: $ladder"
fi
wait $A
callee_ok

# --- SIGHUP in the middle of a call
listen OUT1 198.19.0.20
call IN1 198.19.0.20 "$LAB_DIR/c.log" --duration 5 &
A=$!
sleep 2
lab_gw_signal HUP
if wait $A && callee_ok; then ok "a call survives SIGHUP"; else bad "call across SIGHUP: $(cat "$LAB_DIR/c.log")"; fi

# --- killing meetgate mid-call stops the traffic; a restart accepts new calls
listen OUT1 198.19.0.20
call IN1 198.19.0.20 "$LAB_DIR/c.log" --duration 5 &
A=$!
sleep 2
lab_gw_kill
if wait $A; then
	bad "media kept flowing after meetgate was killed: $(cat "$LAB_DIR/c.log")"
else
	ok "killing meetgate mid-call stops the call's traffic (fail-closed)"
fi
kill "$LISTEN_PID" 2>/dev/null
wait "$LISTEN_PID" 2>/dev/null
lab_exec GW nft delete table inet meetgate 2>/dev/null
if lab_gw_start "$CONF"; then
	listen OUT1 198.19.0.20
	if call IN1 198.19.0.20 "$LAB_DIR/c.log" && callee_ok; then
		ok "after a restart meetgate accepts new calls"
	else
		bad "call after restart: $(cat "$LAB_DIR/c.log")"
	fi
else
	bad "meetgate restarts"
fi
lab_gw_stop

# --- the same fastStart call through plain kernel masquerade, no helper
lab_exec GW nft delete table inet meetgate 2>/dev/null
lab_masq_start
for opts in "" "--no-tunnel"; do
	listen OUT1 198.19.0.20 $opts
	# shellcheck disable=SC2086
	if call IN1 198.19.0.20 "$LAB_DIR/c.log" $opts; then
		bad "kernel masquerade without a helper carried the fastStart call ${opts} (the tests could not fail)"
	else
		ok "kernel masquerade without a helper loses the fastStart call ${opts:-with tunnelling} ($(tail -n 1 "$LAB_DIR/c.log"))"
	fi
	kill "$LISTEN_PID" 2>/dev/null
	wait "$LISTEN_PID" 2>/dev/null
done
lab_masq_stop

if grep -qE "AddressSanitizer|runtime error" "$LAB_DIR/gw.log"; then
	bad "sanitizer report in the gateway log"
	grep -E "AddressSanitizer|runtime error" "$LAB_DIR/gw.log" | head -5
fi
finish
