#!/bin/sh
# test_route.sh - inbound calls to many inside hosts on one public address
# (`route h323`), in the network-namespace lab (tests/lab/lib.sh).  Run as
# root from the top of the tree.
#
# Four inside hosts answer calls for their own alias only (meetcall listen
# --alias: a Setup for anyone else gets cause 1), so a call that reached the
# wrong host fails.  Checks: calls from two outside hosts by h323-ID and by
# E.164 number reach the right host with two-way media; eight calls at once
# across the four; an unknown alias gets ReleaseComplete cause 1 within 1 s;
# a SYN flood to the public 1720 during calls leaves their media intact and
# meetgate's memory flat; no inside address on the outside link; `show
# calls` says how a call was routed; the directory lists the static aliases.
# Then the same lab through the kernel's DNAT and its H.323 helper: the
# second inside host cannot be reached at all (contrast).
# Prints "ok - ..." / "FAIL - ..." and "lab-route: N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lab/lib.sh
. tests/lab/suite.sh

MEETCALL=${MEETCALL:-build/rel/meetcall}
lab_suite lab-route "$LAB_MEETGATE" "$MEETCALL"
lab_host IN3 pi3 198.18.1.12/24 198.18.1.1 "$LAB_BI"
lab_host IN4 pi4 198.18.1.13/24 198.18.1.1 "$LAB_BI"

CONF="$LAB_DIR/gw.conf"
cat >"$CONF" <<EOC
interface inside $LAB_BI
interface outside $LAB_BO
queue 9
control $LAB_DIR/ctl.sock
inside 198.18.1.0/24
public 198.19.0.1
route h323
alias alice 198.18.1.10
alias bob 198.18.1.11
alias 3003 198.18.1.12
alias dave@example.org 198.18.1.13
EOC
SOCK="$LAB_DIR/ctl.sock"
HOSTS="IN1:198.18.1.10:alice IN2:198.18.1.11:bob IN3:198.18.1.12:3003 IN4:198.18.1.13:dave@example.org"

# captures of the outside hosts' own links and the no-inside-address check
# (lab_cap_start, lab_no_leak in lib.sh); CAP is the capture's name
cap_start() { CAP=$1; lab_cap_start "$1" 90 OUT1 OUT2; }
cap_stop() { lab_cap_stop; }
no_leak() { lab_no_leak "$1" 51 OUT1 OUT2; } # more than 50 packets

LPIDS=""
# listen_all CALLS: every inside host answers CALLS calls for its own alias
listen_all() {
	LPIDS=""
	for x in $HOSTS; do
		h=${x%%:*} r=${x#*:} ip=${r%%:*} al=${r#*:}
		lab_bg "$h" "$MEETCALL" listen --bind "$ip" --port 1720 --calls "$1" --timeout 40 --quiet \
			--alias "$al" --report "$LAB_DIR/listen-$h.json"
		LPIDS="$LPIDS $!"
	done
	sleep 0.4
}
listeners_ok() { # all listeners answered all their calls
	_rc=0
	for p in $LPIDS; do wait "$p" 2>/dev/null || _rc=1; done
	return $_rc
}
# call HOST ALIAS LOG [options]: meetcall's status
call() {
	_h=$1 _a=$2 _log=$3
	shift 3
	lab_exec "$_h" timeout 40 "$MEETCALL" call "$_a@198.19.0.1" --duration 3 --timeout 20 "$@" >"$_log" 2>&1
}

lab_gw_start "$CONF" || { bad "meetgate run starts"; cat "$LAB_DIR/gw.log"; finish; }

# --- the directory holds the four static aliases
dir=$(lab_exec GW "$LAB_MEETGATE" show directory --socket "$SOCK" 2>&1)
n=$(echo "$dir" | grep -c 'static')
check "show directory lists the four alias lines ($n static)" [ "$n" -eq 4 ]

# --- each host by its alias, from both outside hosts, one call at a time
cap_start seq
listen_all 2
for x in $HOSTS; do
	al=${x##*:}
	for o in OUT1 OUT2; do
		if call "$o" "$al" "$LAB_DIR/c.log"; then
			ok "$o calls '$al' on 198.19.0.1: right host, media both ways ($(tail -n 1 "$LAB_DIR/c.log"))"
		else
			bad "$o calls '$al': $(cat "$LAB_DIR/c.log")"
		fi
	done
done
check "every inside host answered exactly its two calls" listeners_ok
cap_stop
if r=$(no_leak "$CAP"); then ok "outside link clean ($r)"; else bad "outside link: $r"; fi
routed=$(lab_exec GW "$LAB_MEETGATE" show stats --socket "$SOCK" 2>&1 | awk '$2 == "route-routed" {print $3}')
check "the gateway routed 8 calls (event route-routed ${routed:-none})" [ "${routed:-0}" -eq 8 ]

# --- eight calls at once across the four hosts
listen_all 2
pids=""
i=0
for x in $HOSTS; do
	al=${x##*:}
	for o in OUT1 OUT2; do
		i=$((i + 1))
		call "$o" "$al" "$LAB_DIR/par$i.log" --duration 5 &
		pids="$pids $!"
	done
done
sleep 2.5
calls=$(lab_exec GW "$LAB_MEETGATE" show calls --socket "$SOCK" 2>&1)
nr=$(echo "$calls" | grep -c 'routed-alias')
check "show calls says 'routed-alias' for the calls in progress ($nr of 8)" [ "$nr" -ge 6 ]
rc=0
for p in $pids; do wait "$p" || rc=1; done
if [ $rc -eq 0 ] && listeners_ok; then
	ok "eight concurrent inbound calls across four hosts: all with media both ways"
else
	bad "eight concurrent calls: $(cat "$LAB_DIR"/par*.log | grep -v '^ok' | head -n 8)"
fi

# --- an unknown alias: ReleaseComplete cause 1, at once
lab_exec OUT1 timeout 10 "$MEETCALL" call nobody@198.19.0.1 --expect-release 1 --timeout 5 \
	--report "$LAB_DIR/rel.json" >"$LAB_DIR/rel.log" 2>&1
rc=$?
ms=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["calls"][0].get("release_ms", 99999))' \
	"$LAB_DIR/rel.json" 2>/dev/null)
check "an unknown alias gets ReleaseComplete cause 1 in ${ms:-?} ms (< 1000) ($(tail -n 1 "$LAB_DIR/rel.log"))" \
	[ $rc -eq 0 -a "${ms:-99999}" -lt 1000 ]

# --- a SYN flood to the public 1720 during calls
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$LAB_GW_PID/status" 2>/dev/null; }
cp tests/lab/flood.py "$LAB_DIR/flood.py"
listen_all 1
pids=""
for x in $HOSTS; do
	al=${x##*:}
	call OUT1 "$al" "$LAB_DIR/fl-$al.log" --duration 8 &
	pids="$pids $!"
done
sleep 1.5
rss0=$(rss_kb)
lab_exec OUT2 timeout 20 python3 "$LAB_DIR/flood.py" synflood 198.19.0.1 1720 20000 4 >"$LAB_DIR/flood.out" 2>&1
rss1=$(rss_kb)
rc=0
for p in $pids; do wait "$p" || rc=1; done
listeners_ok || rc=1
check "SYN flood ($(cat "$LAB_DIR/flood.out")): the four calls in progress keep two-way media" [ $rc -eq 0 ]
check "SYN flood: meetgate's memory flat (VmRSS ${rss0} -> ${rss1} kB, < 1024 kB more)" \
	[ -n "$rss0" -a -n "$rss1" ] && [ $((rss1 - rss0)) -lt 1024 ]
stats=$(lab_exec GW "$LAB_MEETGATE" show stats --socket "$SOCK" 2>&1)
cookies=$(echo "$stats" | awk '$2 == "route-cookie" {print $3}')
emb=$(echo "$stats" | awk '$1 == "flows_embryonic" {print $2}')
check "SYN flood answered by cookies (${cookies:-0}), no flow held for it (embryonic ${emb:-?})" \
	[ "${cookies:-0}" -gt 10000 -a "${emb:-1}" -eq 0 ]
listen_all 1
call OUT2 bob "$LAB_DIR/after.log" --duration 1 --timeout 5 &&
	ok "a call right after the flood reaches bob" || bad "after the flood: $(cat "$LAB_DIR/after.log")"
for p in $LPIDS; do kill "$p" 2>/dev/null; done
lab_gw_stop
check "the gateway log holds no sanitizer report" sh -c "! grep -q 'ERROR: AddressSanitizer\|runtime error' '$LAB_DIR/gw.log'"

# --- contrast: the kernel's DNAT and H.323 helper reach one inside host only
ip netns exec "$(lab_ns GW)" nft -f - <<EON
table ip kroute {
	ct helper h323 { type "Q.931" protocol tcp; }
	chain pre { type nat hook prerouting priority dstnat; ip daddr 198.19.0.1 tcp dport 1720 dnat to 198.18.1.10; }
	chain post { type nat hook postrouting priority srcnat; ip saddr 198.18.1.0/24 oifname "$LAB_BO" masquerade; }
	chain helpers { type filter hook prerouting priority 0; tcp dport 1720 ct helper set "h323"; }
}
EON
lab_sysctl GW ipv4/ip_forward 1
listen_all 1
call OUT1 alice "$LAB_DIR/k1.log" --duration 1 && k1=0 || k1=1
call OUT1 bob "$LAB_DIR/k2.log" --duration 1 --timeout 5 && k2=0 || k2=1
for p in $LPIDS; do kill "$p" 2>/dev/null; done
check "kernel DNAT + H.323 helper: the call to alice (the DNAT target) gets through" [ $k1 -eq 0 ]
check "kernel DNAT + H.323 helper: bob (second inside host) is unreachable ($(tail -n 1 "$LAB_DIR/k2.log"))" [ $k2 -ne 0 ]
ip netns exec "$(lab_ns GW)" nft delete table ip kroute 2>/dev/null
finish
