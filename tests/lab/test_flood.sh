#!/bin/sh
# test_flood.sh - meetgate under attack in the network-namespace lab
# (tests/lab/lib.sh), with real calls (meetcall) going on:
#
#   1. a SYN flood (spoofed sources, ~20k/s for 4 s) at a forwarded 1720:
#      a call in progress keeps two-way media, a new call succeeds during
#      the flood and another one right after it;
#   2. an outside host holding many idle connections to the forward: calls
#      still succeed; its connections past the per-source limit are refused
#      and counted;
#   3. a second call with the same callIdentifier on the attacker's own
#      connection to another forward, released early: the first call keeps
#      its media (a ReleaseComplete acts only on its own connection's call);
#   4. 100,000 blind RSTs spoofed as the caller of a live call: the call
#      stays up and is released normally.
# Floods come from OUT2 only, inside the lab; every loop is bounded.
# Prints "ok - ..." / "FAIL - ..." and "lab-flood: N passed, N failed", and a
# table of what each attack reached.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lab/lib.sh
. tests/lab/suite.sh

MEETCALL=${MEETCALL:-build/rel/meetcall}
lab_suite lab-flood "$LAB_MEETGATE" "$MEETCALL"
cp tests/lab/flood.py "$LAB_DIR/flood.py"

CONF="$LAB_DIR/gw.conf"
cat >"$CONF" <<EOC
interface inside $LAB_BI
interface outside $LAB_BO
queue 6
control $LAB_DIR/ctl.sock
inside 198.18.1.0/24
public 198.19.0.1
public 198.19.0.2
forward tcp 198.19.0.1:1720 to 198.18.1.10:1720
forward tcp 198.19.0.2:1720 to 198.18.1.11:1720
EOC
lab_gw_start "$CONF" || { bad "meetgate run starts"; finish; }

show() { "$LAB_MEETGATE" show "$1" --socket "$LAB_DIR/ctl.sock" 2>/dev/null; }
stat_of() { show stats | awk -v k="$1" '$1 == k { print $2; exit }'; }
# a reason's count: packets dropped for it plus events counted under it
reason_of() { show stats | awk -v k="$1" '($1 == "drop" || $1 == "event") && $2 == k { n += $3 } END { print n + 0 }'; }
rss_kb() { awk '/VmHWM/ { print $2 }' "/proc/$LAB_GW_PID/status" 2>/dev/null; }
flood() { # mode args... (on OUT2, bounded by the script and by timeout)
	lab_exec OUT2 timeout 30 python3 "$LAB_DIR/flood.py" "$@"
}

# listeners on both inside hosts for the whole test
lab_bg IN1 sh -c "timeout 150 $MEETCALL listen --calls 0 --timeout 140 --quiet >$LAB_DIR/listen1 2>&1"
lab_bg IN2 sh -c "timeout 150 $MEETCALL listen --calls 0 --timeout 140 --quiet >$LAB_DIR/listen2 2>&1"
sleep 0.5

call() { # out-file args... : a call from OUT1, its summary in the file
	_f=$1
	shift
	lab_exec OUT1 timeout 40 "$MEETCALL" call "$@" >"$_f" 2>&1
}
tot() { grep '^total:' "$1" | tail -n 1; }
rows=""
row() { rows="$rows$*
"; }

# ---- 1. SYN flood ----------------------------------------------------------
rss0=$(rss_kb)
call "$LAB_DIR/long1" 198.19.0.1 --duration 9 &
long=$!
sleep 1.5
flood synflood 198.19.0.1 1720 20000 4 >"$LAB_DIR/flood1" 2>&1 &
fl=$!
sleep 1.5
call "$LAB_DIR/during1" 198.19.0.1 --duration 1 --timeout 15
during=$?
wait "$fl"
emb_peak=$(stat_of flows_embryonic)
call "$LAB_DIR/after1" 198.19.0.1 --duration 1 --timeout 5
after=$?
wait "$long"
longrc=$?
early=$(reason_of ct-early-drop)
full=$(reason_of ct-full)
rss1=$(rss_kb)
echo "# $(cat "$LAB_DIR/flood1")"
echo "# embryonic right after the flood: $emb_peak; early drops ${early:-0}; ct-full ${full:-0}; meetgate VmHWM ${rss0} -> ${rss1} kB"
[ "$longrc" -eq 0 ] && ok "SYN flood: the call in progress keeps two-way media ($(tot "$LAB_DIR/long1"))" ||
	bad "SYN flood: the call in progress failed: $(cat "$LAB_DIR/long1")"
[ "$during" -eq 0 ] && ok "SYN flood: a new call during the flood succeeds ($(tot "$LAB_DIR/during1"))" ||
	bad "SYN flood: a new call during the flood failed: $(cat "$LAB_DIR/during1")"
[ "$after" -eq 0 ] && ok "SYN flood: a new call right after the flood succeeds within 5 s" ||
	bad "SYN flood: a call right after the flood failed: $(cat "$LAB_DIR/after1")"
[ "${full:-0}" -eq 0 ] && [ "${early:-0}" -gt 0 ] &&
	ok "SYN flood: handshakes recycled (${early} early drops), no flow refused as ct-full" ||
	bad "SYN flood: early drops ${early:-0}, ct-full ${full:-0}"
row "SYN flood | $(sed 's/synflood //' "$LAB_DIR/flood1") | VmHWM ${rss1} kB | ct-early-drop ${early:-0}, ct-full ${full:-0} | $([ $longrc -eq 0 ] && echo yes || echo no) | $([ $during -eq 0 ] && [ $after -eq 0 ] && echo yes || echo no)"

# ---- 2. idle connections ---------------------------------------------------
flood idle 198.19.0.1 1720 200 12 >"$LAB_DIR/idle2" 2>&1 &
idl=$!
sleep 4
call "$LAB_DIR/idlecall" 198.19.0.1 --duration 1 --timeout 15
icall=$?
lim=$(reason_of alg-pending-limit)
wait "$idl"
echo "# $(cat "$LAB_DIR/idle2"); alg-pending-limit ${lim:-0}"
[ "$icall" -eq 0 ] && ok "idle connections: a call still succeeds ($(tot "$LAB_DIR/idlecall"))" ||
	bad "idle connections: the call failed: $(cat "$LAB_DIR/idlecall")"
[ "${lim:-0}" -gt 0 ] && ok "idle connections: those past the per-source limit are refused and counted (${lim})" ||
	bad "idle connections: no alg-pending-limit counted"
row "idle connections | $(cat "$LAB_DIR/idle2") | VmHWM $(rss_kb) kB | alg-pending-limit ${lim:-0} | - | $([ $icall -eq 0 ] && echo yes || echo no)"

# ---- 3. a ReleaseComplete from another connection --------------------------
CID=0123456789abcdef0123456789abcdef
call "$LAB_DIR/victim3" 198.19.0.1 --duration 5 --call-id $CID &
victim=$!
sleep 1.5
lab_exec OUT2 timeout 20 "$MEETCALL" call 198.19.0.2 --duration 0.3 --call-id $CID >"$LAB_DIR/attacker3" 2>&1
arc=$?
wait "$victim"
vrc=$?
[ "$arc" -eq 0 ] && ok "the attacker's call with the victim's callIdentifier was set up and released" ||
	bad "the attacker's call did not complete, so nothing was tested: $(cat "$LAB_DIR/attacker3")"
[ "$vrc" -eq 0 ] && ok "same callIdentifier released on another connection: the first call keeps its media ($(tot "$LAB_DIR/victim3"))" ||
	bad "the first call lost its media to another connection's release: $(cat "$LAB_DIR/victim3")"
row "cross-connection release | 1 call with the victim's callIdentifier | - | - | $([ $vrc -eq 0 ] && echo yes || echo no) | yes"

# ---- 4. blind RSTs ---------------------------------------------------------
call "$LAB_DIR/victim4" 198.19.0.1 --duration 8 --sport 31000 &
victim=$!
sleep 1.5
flood rst 198.19.0.20 31000 198.19.0.1 1720 100000 4 >"$LAB_DIR/rst4" 2>&1
wait "$victim"
vrc=$?
echo "# $(cat "$LAB_DIR/rst4")"
[ "$vrc" -eq 0 ] && ok "100,000 blind RSTs: the call stays up and is released normally ($(tot "$LAB_DIR/victim4"))" ||
	bad "blind RSTs broke the call: $(cat "$LAB_DIR/victim4")"
row "blind RSTs | $(cat "$LAB_DIR/rst4") | VmHWM $(rss_kb) kB | tcp-bad-rst $(reason_of tcp-bad-rst) | $([ $vrc -eq 0 ] && echo yes || echo no) | -"

echo "# attack | rate reached | memory | drops/events | call kept | new calls"
printf '%s' "$rows" | sed 's/^/# /'
if grep -q 'ERROR: AddressSanitizer\|runtime error' "$LAB_DIR/gw.log"; then
	bad "sanitizer report in the gateway log"
else
	ok "the gateway log holds no sanitizer report"
fi
finish
