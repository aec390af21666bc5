#!/bin/sh
# test_ils.sh - ILS registrations through `meetgate run` between real TCP
# stacks, in the network-namespace lab (tests/lab/lib.sh).  Run as root from
# the top of the tree.
#
# An inside host (198.18.1.10) registers with a directory outside
# (198.19.0.20:389) three times over one connection: Bind, AddRequest,
# ModifyRequest, SearchRequest, each request written in pieces with pauses
# (cut inside the sipaddress value too), each answered before the next.
# The gateway rewrites the sipaddress "167842502" (198.18.1.10) to
# "16782278" (198.19.0.1): one byte shorter, so every segment after the
# first edit leaves with shifted sequence numbers and every ACK of the
# directory must be mapped back.  Real stacks on both ends stall or reset
# on one wrong number.  Checks: the client gets every answer and a clean
# close; every message the directory receives decodes (each BER length fits
# its parent); it holds only the public sipaddress; the gateway counts the
# rewrites and no TCP drop.
# Prints "ok - ..." / "FAIL - ..." and "lab-ils: N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lab/lib.sh
. tests/lab/suite.sh

lab_suite lab-ils "$LAB_MEETGATE"

CONF="$LAB_DIR/gw.conf"
cat >"$CONF" <<EOC
interface inside $LAB_BI
interface outside $LAB_BO
queue 7
control $LAB_DIR/ctl.sock
inside 198.18.1.0/24
public 198.19.0.1
EOC
PEER="$LAB_DIR/ldap_peer.py"
cp tests/lab/ldap_peer.py "$PEER"
OUT="$LAB_DIR/server.json"
ROUNDS=3

lab_gw_start "$CONF" || { bad "meetgate run starts"; tail -n 5 "$LAB_DIR/gw.log"; finish; }
lab_bg OUT1 timeout 40 python3 "$PEER" server 389 30 "$OUT"
sleep 0.5
res=$(lab_exec IN1 timeout 40 python3 "$PEER" client 198.19.0.20 389 167842502 $ROUNDS 2>&1)
check "the inside host gets all $((ROUNDS * 4)) answers and a clean close ($res)" \
	[ "$res" = "ok $((ROUNDS * 4)) answers" ]
_n=0
while [ ! -s "$OUT" ] && [ $_n -lt 50 ]; do sleep 0.1; _n=$((_n + 1)); done
srv=$(cat "$OUT" 2>/dev/null)
field() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$OUT" "$1" 2>/dev/null; }
check "the directory decoded every message, each BER length fitting its parent ($srv)" \
	[ "$(field 'd["messages"]')" = "$((ROUNDS * 4))" -a "$(field 'd["error"]')" = "None" ]
check "the directory holds the public sipaddress in every registration" \
	[ "$(field 'sorted(set(d["sips"]))')" = "['16782278']" -a "$(field 'len(d["sips"])')" = "$((ROUNDS * 2))" ]
stats=$(lab_exec GW "$LAB_MEETGATE" show stats --socket "$LAB_DIR/ctl.sock" 2>&1)
rew=$(echo "$stats" | awk '$1 == "alg_rewrites" {print $2}')
check "the gateway counts $((ROUNDS * 2)) rewrites (alg_rewrites ${rew:-none})" [ "${rew:-0}" -eq $((ROUNDS * 2)) ]
tcpdrops=$(echo "$stats" | grep -E '^drop (tcp-|seqadj-|alg-ldap|ils-)' | tr '\n' ' ')
check "no TCP, seqadj or ILS drop on the way (${tcpdrops:-none})" [ -z "$tcpdrops" ]
lab_gw_stop
check "the gateway log holds no sanitizer report" sh -c "! grep -q 'ERROR: AddressSanitizer\|runtime error' '$LAB_DIR/gw.log'"
finish
