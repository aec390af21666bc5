#!/bin/sh
# test_pool.sh - the public address pool (`pool`, RFC 3022 basic NAT beside
# NAPT) in the network-namespace lab (tests/lab/lib.sh).  Run as root from
# the top of the tree.
#
# A pool of two (198.19.0.10-198.19.0.11, given to the gateway's outside
# interface so that it answers ARP for them) and three inside hosts with
# `alias ... pool` lines: the first two get an address each, the third
# finds the pool empty.  Checks: show directory and show stats say so; a
# call to 198.19.0.10 by address alone (no alias) reaches the first host;
# TCP 1503 to 198.19.0.11 reaches the second with the caller's own
# address; the third is called by alias through `route h323` on the shared
# address; outbound UDP leaves from the host's pool address with its own
# port, and the third host's from the shared address; port 80 of a pool
# address and an address nobody holds admit nothing; a reload that drops
# the first host's line passes its address to the third, who is then
# called on it; no inside address on the outside link.
# Prints "ok - ..." / "FAIL - ..." and "lab-pool: N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lab/lib.sh
. tests/lab/suite.sh

MEETCALL=${MEETCALL:-build/rel/meetcall}
lab_suite lab-pool "$LAB_MEETGATE" "$MEETCALL"
lab_host IN3 pi3 198.18.1.12/24 198.18.1.1 "$LAB_BI"
lab_exec GW ip addr add 198.19.0.10/24 dev "$LAB_BO"
lab_exec GW ip addr add 198.19.0.11/24 dev "$LAB_BO"
lab_exec GW ip addr add 198.19.0.12/24 dev "$LAB_BO"

CONF="$LAB_DIR/gw.conf"
cat >"$CONF" <<EOC
interface inside $LAB_BI
interface outside $LAB_BO
queue 11
control $LAB_DIR/ctl.sock
inside 198.18.1.0/24
public 198.19.0.1
pool 198.19.0.10-198.19.0.11
route h323
alias alice 198.18.1.10 pool
alias bob 198.18.1.11 pool
alias carol 198.18.1.12 pool
allow outbound tcp 389,522,1503,1720,1731
allow outbound udp 1719,5000-5100
EOC
SOCK="$LAB_DIR/ctl.sock"

# captures of the outside hosts' own links and the no-inside-address check
# (lab_cap_start, lab_no_leak in lib.sh); CAP is the capture's name
cap_start() { CAP=$1; lab_cap_start "$1" 90 OUT1 OUT2; }
cap_stop() { lab_cap_stop; }
no_leak() { lab_no_leak "$1" 31 OUT1 OUT2; } # more than 30 packets
# udp_from HOST SPORT DST DPORT: send one datagram from SPORT, print the answer
udp_from() {
	lab_exec "$1" timeout 10 python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(3)
s.bind(("0.0.0.0", int(sys.argv[1]))); s.sendto(b"hello", (sys.argv[2], int(sys.argv[3])))
try: print(s.recv(2048).decode(errors="replace"))
except socket.timeout: print("timeout")' "$2" "$3" "$4"
}

lab_gw_start "$CONF" || { bad "meetgate run starts"; cat "$LAB_DIR/gw.log"; finish; }

# --- who holds what
check "the start-up log line counts the loans" grep -q 'pool: 2 addresses, 2 lent to alias lines, 1 asked in vain' "$LAB_DIR/gw.log"
dir=$(lab_exec GW "$LAB_MEETGATE" show directory --socket "$SOCK" 2>&1)
check "show directory: alice holds 198.19.0.10" sh -c "echo '$dir' | grep -q '^alice .* 198.19.0.10\$'"
check "show directory: bob holds 198.19.0.11" sh -c "echo '$dir' | grep -q '^bob .* 198.19.0.11\$'"
check "show directory: carol holds none (pool of two)" sh -c "echo '$dir' | grep -q '^carol .* -\$'"
stats=$(lab_exec GW "$LAB_MEETGATE" show stats --socket "$SOCK" 2>&1)
inuse=$(echo "$stats" | awk '$1 == "pool_in_use" {print $2}')
exh=$(echo "$stats" | awk '$1 == "pool_exhausted" {print $2}')
check "show stats: pool_in_use ${inuse:-?}, pool_exhausted ${exh:-?}" [ "${inuse:-0}" -eq 2 -a "${exh:-0}" -eq 1 ]

cap_start pool

# --- the first host by its pool address alone, on 1720
lab_bg IN1 "$MEETCALL" listen --bind 198.18.1.10 --port 1720 --calls 1 --timeout 30 --quiet \
	--report "$LAB_DIR/listen-IN1.json" >"$LAB_DIR/l1.log" 2>&1
L1=$!
sleep 0.4
if lab_exec OUT1 timeout 30 "$MEETCALL" call 198.19.0.10 --duration 2 --timeout 15 >"$LAB_DIR/c1.log" 2>&1 &&
	wait "$L1"; then
	ok "OUT1 calls 198.19.0.10 (no alias): alice answers, media both ways ($(tail -n 1 "$LAB_DIR/c1.log"))"
else
	bad "call to 198.19.0.10: $(cat "$LAB_DIR/c1.log")"
fi

# --- the second host's T.120 port on its pool address
lab_py_bg IN2 tcpserve 1503 15 "$LAB_DIR/peer1503"
sleep 0.4
r=$(lab_py OUT2 tcpconnect 198.19.0.11 1503 5 t120)
peer=$(cat "$LAB_DIR/peer1503" 2>/dev/null)
check "OUT2 reaches bob on 198.19.0.11:1503 ($r; bob sees ${peer:-nobody})" \
	[ "$r" = "connected t120" -a "${peer%%:*}" = 198.19.0.21 ]

# --- the third host by alias through the shared address (only carol's
# host listens: a call routed anywhere else fails)
lab_bg IN3 "$MEETCALL" listen --bind 198.18.1.12 --port 1720 --calls 1 --timeout 30 --quiet \
	>"$LAB_DIR/l3.log" 2>&1
L3=$!
sleep 0.4
if lab_exec OUT2 timeout 30 "$MEETCALL" call 198.19.0.1 --alias carol --duration 2 --timeout 15 \
	>"$LAB_DIR/c3.log" 2>&1 &&
	wait "$L3"; then
	ok "OUT2 calls 'carol' on 198.19.0.1: routed to the host without a pool address ($(tail -n 1 "$LAB_DIR/c3.log"))"
else
	bad "call to 'carol' on 198.19.0.1: $(cat "$LAB_DIR/c3.log")"
fi

# --- outbound: basic NAT on the pool address, NAPT for the third host
lab_py_bg OUT1 udpserve 5050 10
sleep 0.3
r1=$(udp_from IN1 5004 198.19.0.20 5050)
r2=$(udp_from IN2 5006 198.19.0.20 5050)
r3=$(udp_from IN3 5008 198.19.0.20 5050)
check "alice's UDP leaves from 198.19.0.10:5004 ($r1)" [ "$r1" = "peer=198.19.0.10:5004" ]
check "bob's UDP leaves from 198.19.0.11:5006 ($r2)" [ "$r2" = "peer=198.19.0.11:5006" ]
check "carol's UDP leaves from the shared 198.19.0.1 ($r3)" sh -c "echo '$r3' | grep -q '^peer=198.19.0.1:'"

# --- what a pool address does not admit
lab_py_bg IN1 tcpserve 80 8 "$LAB_DIR/peer80"
sleep 0.3
r=$(lab_py OUT1 tcpconnect 198.19.0.10 80 2)
check "port 80 of alice's pool address admits nothing ($r)" [ "$r" = "timeout" ]
r=$(lab_py OUT1 tcpconnect 198.19.0.12 1720 2)
check "an address outside the pool is not forwarded ($r)" [ "$r" != "connected" ]
# --- a reload drops alice's line: her address goes to carol, who waited
grep -v '^alias alice' "$CONF" >"$CONF.new" && mv "$CONF.new" "$CONF"
lab_gw_signal HUP
sleep 1
dir=$(lab_exec GW "$LAB_MEETGATE" show directory --socket "$SOCK" 2>&1)
check "after the reload carol holds 198.19.0.10" sh -c "echo '$dir' | grep -q '^carol .* 198.19.0.10\$'"
lab_bg IN3 "$MEETCALL" listen --bind 198.18.1.12 --port 1720 --calls 1 --timeout 30 --quiet \
	>"$LAB_DIR/l3b.log" 2>&1
L3=$!
sleep 0.4
if lab_exec OUT1 timeout 30 "$MEETCALL" call 198.19.0.10 --duration 2 --timeout 15 >"$LAB_DIR/c4.log" 2>&1 &&
	wait "$L3"; then
	ok "OUT1 calls 198.19.0.10 again: now carol answers ($(tail -n 1 "$LAB_DIR/c4.log"))"
else
	bad "call to 198.19.0.10 after the reload: $(cat "$LAB_DIR/c4.log")"
fi
cap_stop
if r=$(no_leak "$CAP"); then ok "outside link clean ($r)"; else bad "outside link: $r"; fi

lab_gw_stop
check "the gateway log holds no sanitizer report" sh -c "! grep -q 'ERROR: AddressSanitizer\|runtime error' '$LAB_DIR/gw.log'"
finish
