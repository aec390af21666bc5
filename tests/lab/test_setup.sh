#!/bin/sh
# test_setup.sh - what `meetgate run` sets up by itself, in the network-
# namespace lab (tests/lab/lib.sh), and what it refuses.  Run as root from
# the top of the tree after `make build/rel/meetgate build/rel/meetcall`.
#
#   1. a fresh gateway with hostile sysctls (forwarding off, strict
#      reverse-path filter, no local sources, redirects on): meetgate sets
#      what it needs, a call carries media both ways, SIGTERM puts every
#      value back;
#   2. `sysctl keep`: a wrong value stops the start with its name, the right
#      ones let it start and stay as they are;
#   3. a file without `public` or without `inside` is refused by run,
#      check-config and replay;
#   4. no `interface` lines: the interfaces come from the routes (logged) and a
#      call works;
#   5. prefixes routed out of two interfaces, no route, both sides on one
#      interface: refused with the addresses and interfaces named.
# Prints "ok - ..." / "FAIL - ..." and "lab-setup: N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lab/lib.sh
. tests/lab/suite.sh

MEETCALL=${MEETCALL:-build/rel/meetcall}
lab_suite lab-setup "$LAB_MEETGATE" "$MEETCALL"

CTL="$LAB_DIR/ctl.sock"
conf() { # name, then the address lines on stdin; prints the path
	_f="$LAB_DIR/$1.conf"
	{
		echo "queue 6"
		echo "control $CTL"
		cat
	} >"$_f"
	echo "$_f"
}
IFLINES="interface inside $LAB_BI
interface outside $LAB_BO"
ADDRS="inside 198.18.1.0/24
public 198.19.0.1"
table_present() { lab_exec GW nft list table inet meetgate >/dev/null 2>&1; }

# --- the sysctls of the GW namespace
KEYS="ipv4/ip_forward"
for c in all default "$LAB_BI" "$LAB_BO"; do
	KEYS="$KEYS ipv4/conf/$c/rp_filter ipv4/conf/$c/accept_local ipv4/conf/$c/send_redirects"
done
want_of() { # key forward rp_filter accept_local send_redirects -> the value for key
	case "$1" in
	*/ip_forward) echo "$2" ;; */rp_filter) echo "$3" ;;
	*/accept_local) echo "$4" ;; */send_redirects) echo "$5" ;;
	esac
}
set_all() { # forward rp_filter accept_local send_redirects
	for k in $KEYS; do lab_sysctl GW "$k" "$(want_of "$k" "$@")"; done
}
# prints every key whose value differs ("key=value"); success if none does
values_are() { # forward rp_filter accept_local send_redirects
	_off=""
	for k in $KEYS; do
		_v=$(lab_exec GW cat "/proc/sys/net/$k")
		[ "$_v" = "$(want_of "$k" "$@")" ] || _off="$_off $k=$_v"
	done
	echo "${_off:- none}"
	[ -z "$_off" ]
}
HOSTILE="0 1 0 1"
NEEDED="1 0 1 0"

# --- calls: meetcall as in test_calls.sh, bounded in time
call_works() { # log file: OUT1 answers one call from IN1, media both ways
	lab_bg OUT1 "$MEETCALL" listen --bind 198.19.0.20 --port 1720 --calls 1 --timeout 20 --quiet
	_lp=$!
	sleep 0.3
	if lab_exec IN1 timeout 30 "$MEETCALL" call 198.19.0.20 --duration 2 --timeout 15 >"$1" 2>&1 &&
		wait "$_lp" 2>/dev/null; then
		return 0
	fi
	kill "$_lp" 2>/dev/null
	wait "$_lp" 2>/dev/null
	return 1
}

# run_refused FILE PATTERN: `meetgate run` exits 1 before it is up, with a
# message holding PATTERN (grep -F); leaves its stderr in $LAB_DIR/refused.txt
run_refused() {
	lab_exec GW timeout 10 "$LAB_MEETGATE" run --config "$1" >"$LAB_DIR/refused.txt" 2>&1
	_rc=$?
	[ "$_rc" -eq 1 ] && grep -qF "$2" "$LAB_DIR/refused.txt" && ! grep -q 'meetgate: running' \
		"$LAB_DIR/refused.txt"
}
refused_text() { tr '\n' ' ' <"$LAB_DIR/refused.txt" | cut -c1-300; }
refused_check() { # description file pattern
	if run_refused "$2" "$3"; then ok "$1 ($(refused_text))"; else bad "$1: $(refused_text)"; fi
}
log_lines() { wc -l <"$LAB_DIR/gw.log"; }
log_since() { tail -n +$(($1 + 1)) "$LAB_DIR/gw.log"; } # lines after the first $1

# ---------------------------------------------------------------- 1
set_all $HOSTILE
r=$(values_are $HOSTILE)
check "hostile sysctls in place before the start (differing:$r)" [ "$r" = " none" ]
C1=$(printf '%s\n%s\n' "$IFLINES" "$ADDRS" | conf full)
if lab_gw_start "$C1"; then
	ok "meetgate run starts on a gateway with hostile sysctls"
	r=$(values_are $NEEDED)
	check "while it runs every sysctl has the needed value (differing:$r)" [ "$r" = " none" ]
	n=$(grep -c 'meetgate: sysctl net\.ipv4\..* -> ' "$LAB_DIR/gw.log")
	check "one log line per sysctl changed ($n of 13)" [ "$n" -eq 13 ]
	check "the log names the accept_local it turned on" \
		grep -q "sysctl net\.ipv4\.conf\.$LAB_BO\.accept_local 0 -> 1" "$LAB_DIR/gw.log"
	if call_works "$LAB_DIR/c1.log"; then
		ok "a call IN1 -> OUT1 carries media both ways ($(tail -n 1 "$LAB_DIR/c1.log"))"
	else
		bad "call through the gateway: $(tail -n 3 "$LAB_DIR/c1.log" | tr '\n' ' ')"
	fi
	lab_gw_stop
	check "meetgate exits on SIGTERM" [ -z "$LAB_GW_PID" ]
	r=$(values_are $HOSTILE)
	check "after SIGTERM every sysctl is back to its hostile value (differing:$r)" [ "$r" = " none" ]
	n=$(grep -c 'meetgate: sysctl .*(restored)' "$LAB_DIR/gw.log")
	check "one log line per sysctl restored ($n of 13)" [ "$n" -eq 13 ]
else
	bad "meetgate run starts on a gateway with hostile sysctls: $(tail -n 3 "$LAB_DIR/gw.log")"
fi

# ---------------------------------------------------------------- 2
C2=$(printf '%s\n%s\nsysctl keep\n' "$IFLINES" "$ADDRS" | conf keep)
set_all $NEEDED
lab_sysctl GW "ipv4/conf/$LAB_BI/rp_filter" 2
refused_check "sysctl keep with a wrong value: start refused, naming it" "$C2" \
	"net.ipv4.conf.$LAB_BI.rp_filter is 2, meetgate needs 0"
check "the refused start left no table behind" sh -c "! ip netns exec $(lab_ns GW) nft list table inet meetgate >/dev/null 2>&1"
check "the refused start changed no sysctl" \
	[ "$(lab_exec GW cat "/proc/sys/net/ipv4/conf/$LAB_BI/rp_filter")" = 2 ]
lab_sysctl GW "ipv4/conf/$LAB_BI/rp_filter" 0
mark=$(log_lines)
if lab_gw_start "$C2"; then
	ok "sysctl keep with the right values: meetgate starts"
	if log_since "$mark" | grep -q 'meetgate: sysctl'; then
		bad "sysctl keep changed something: $(log_since "$mark" | grep 'meetgate: sysctl' | head -n 2)"
	else
		ok "sysctl keep changes nothing (no sysctl log line)"
	fi
	lab_gw_stop
	r=$(values_are $NEEDED)
	check "sysctl keep: the values stay after SIGTERM (differing:$r)" [ "$r" = " none" ]
else
	bad "sysctl keep with the right values: $(tail -n 3 "$LAB_DIR/gw.log")"
fi

# ---------------------------------------------------------------- 3
NOPUB=$(printf '%s\ninside 198.18.1.0/24\n' "$IFLINES" | conf nopub)
NOIN=$(printf '%s\npublic 198.19.0.1\n' "$IFLINES" | conf noin)
refused_check "run without 'public' refused" "$NOPUB" \
	"$NOPUB: no 'public' line: name the gateway's outside address, for example 'public 198.19.0.1'"
refused_check "run without 'inside' refused" "$NOIN" \
	"$NOIN: no 'inside' line: name the inside network, for example 'inside 198.18.1.0/24'"
check "check-config without 'public' refused" \
	sh -c "! '$LAB_MEETGATE' check-config --config '$NOPUB' >'$LAB_DIR/cc.txt' 2>&1 && grep -qF \"no 'public' line\" '$LAB_DIR/cc.txt'"
check "replay without 'inside' refused" \
	sh -c "! '$LAB_MEETGATE' replay --config '$NOIN' --inside tests/fixtures/plain-default-inside.pcap --out '$LAB_DIR/rp' >'$LAB_DIR/rp.txt' 2>&1 && grep -qF \"no 'inside' line\" '$LAB_DIR/rp.txt'"
check "check-config --config default still gives the lab addresses" \
	sh -c "'$LAB_MEETGATE' check-config --config default | grep -qx 'public 198.19.0.1'"

# ---------------------------------------------------------------- 4
set_all $HOSTILE
C4=$(printf '%s\n' "$ADDRS" | conf derive)
if lab_gw_start "$C4"; then
	ok "meetgate run starts without interface lines"
	check "inside interface derived and logged ($(grep -o 'inside interface.*' "$LAB_DIR/gw.log"))" \
		grep -qF "inside interface $LAB_BI (route to 198.18.1.0/24)" "$LAB_DIR/gw.log"
	check "outside interface derived and logged ($(grep -o 'outside interface.*' "$LAB_DIR/gw.log"))" \
		grep -qF "outside interface $LAB_BO (holds 198.19.0.1)" "$LAB_DIR/gw.log"
	check "the ruleset names the derived interfaces" \
		sh -c "ip netns exec $(lab_ns GW) nft list table inet meetgate 2>/dev/null | grep -qF '\"$LAB_BI\", \"$LAB_BO\"'"
	if call_works "$LAB_DIR/c4.log"; then
		ok "a call through derived interfaces carries media both ways ($(tail -n 1 "$LAB_DIR/c4.log"))"
	else
		bad "call through derived interfaces: $(tail -n 3 "$LAB_DIR/c4.log" | tr '\n' ' ')"
	fi
	lab_gw_stop
	r=$(values_are $HOSTILE)
	check "sysctls of the derived interfaces restored too (differing:$r)" [ "$r" = " none" ]
else
	bad "meetgate run without interface lines: $(tail -n 3 "$LAB_DIR/gw.log")"
fi

# ---------------------------------------------------------------- 5
C5=$(printf 'inside 198.18.1.0/24\ninside 198.19.0.128/25\npublic 198.19.0.1\n' | conf twoways)
refused_check "inside prefixes routed out of two interfaces refused" "$C5" \
	"inside 198.18.1.0/24 is routed out of $LAB_BI, inside 198.19.0.128/25 out of $LAB_BO"
C5=$(printf 'inside 198.18.200.0/24\npublic 198.19.0.1\n' | conf noroute)
refused_check "an inside prefix without a route refused" "$C5" \
	"from the route to inside 198.18.200.0/24: no route to 198.18.200.0"
C5=$(printf 'inside 198.19.0.128/25\npublic 198.19.0.1\n' | conf oneif)
refused_check "both sides on one interface refused" "$C5" \
	"inside and outside both resolve to interface $LAB_BO"
check "no refused start left a table" sh -c "! ip netns exec $(lab_ns GW) nft list table inet meetgate >/dev/null 2>&1"
r=$(values_are $HOSTILE)
check "no refused start touched a sysctl (differing:$r)" [ "$r" = " none" ]

check "the gateway log holds no sanitizer report" sh -c "! grep -q 'Sanitizer\|runtime error' '$LAB_DIR/gw.log' '$LAB_DIR/refused.txt'"

if [ "$fail" -ne 0 ]; then
	echo "--- gateway log ---"
	cat "$LAB_DIR/gw.log"
fi
finish
