#!/bin/sh
# test_xdp.sh - `meetgate run` on the AF_XDP data path (`datapath afxdp`) in
# the network-namespace lab: programs on both interfaces, the gateway's own
# traffic left to the kernel, forwarding and translation through the
# sockets with next hops from the kernel's tables, fail closed / fail open
# after SIGKILL, a program left by a killed daemon replaced, clean removal
# on SIGTERM.  Skipped, with the reason, where the kernel has no AF_XDP.
# Prints "ok - ..." / "FAIL - ..." and "lab-xdp: N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lab/lib.sh
. tests/lab/suite.sh

lab_suite lab-xdp "$LAB_MEETGATE"

CTL="$LAB_DIR/ctl.sock"
CONF="$LAB_DIR/gw.conf"
write_conf() { # extra lines on stdin are appended
	cat >"$CONF" <<EOC
interface inside $LAB_BI
interface outside $LAB_BO
control $CTL
inside 198.18.1.0/24
public 198.19.0.1
allow outbound any
datapath afxdp ${DP_MODE:-}
EOC
	cat >>"$CONF"
}
gw_log() { cat "$LAB_DIR/gw.log"; }
gw_alive() { [ -n "$LAB_GW_PID" ] && kill -0 "$LAB_GW_PID" 2>/dev/null; }
stat_of() { lab_exec GW "$LAB_MEETGATE" show stats --socket "$CTL" 2>/dev/null | awk -v k="$1" '$1 == k { print $2 }'; }
xdp_on() { lab_exec GW ip -d link show "$1" | grep -q 'prog/xdp'; }

echo "" | write_conf
lab_gw_start "$CONF" || { bad "meetgate run starts with datapath afxdp"; gw_log; finish; }
if grep -q 'datapath afxdp unavailable' "$LAB_DIR/gw.log"; then
	echo "skip - AF_XDP is not available here: $(sed -n 's/.*datapath afxdp unavailable (\(.*\)): using NFQUEUE.*/\1/p' "$LAB_DIR/gw.log" | head -n 1)"
	lab_gw_stop
	finish
fi
# auto on veth: the generic hook (veth's own copies every frame once more)
check "it runs on AF_XDP, on veth through the generic hook ($(grep -o 'running: datapath afxdp ([^)]*)' "$LAB_DIR/gw.log"))" \
	grep -q 'running: datapath afxdp (generic' "$LAB_DIR/gw.log"
check "an XDP program is on the inside interface" xdp_on "$LAB_BI"
check "an XDP program is on the outside interface" xdp_on "$LAB_BO"
check "no nftables table is loaded on this path" sh -c "! ip netns exec $(lab_ns GW) nft list table inet meetgate >/dev/null 2>&1"

lab_py_bg OUT1 udpserve 5000 60
lab_py_bg OUT1 tcpserve 8080 60 "$LAB_DIR/out1.peers"
lab_py_bg GW tcpserve 2323 60 "$LAB_DIR/gw.peers"
sleep 0.5
lab_cap_start xdp 20 OUT1 OUT2

r=$(lab_py IN1 udpsend 198.19.0.20 5000 3 hello)
check "outbound UDP IN1 -> OUT1 answered, seen from 198.19.0.1 ($r)" \
	sh -c "echo '$r' | grep -q '^peer=198\.19\.0\.1:'"
r=$(lab_py IN1 tcpconnect 198.19.0.20 8080 3 ping)
check "outbound TCP IN1 -> OUT1 connects and echoes ($r)" [ "$r" = "connected ping" ]
check "OUT1 saw the TCP connection from 198.19.0.1" grep -q '^198\.19\.0\.1:' "$LAB_DIR/out1.peers"
# a bulk transfer: many segments each way through the rings
r=$(lab_exec IN1 timeout 10 python3 -c "
import socket
s = socket.create_connection(('198.19.0.20', 8080), timeout=5)
s.sendall(b'z' * 200000)
n = 0
while n < 200000:
    d = s.recv(65536)
    if not d: break
    n += len(d)
print(n)" 2>&1)
check "200 kB echoed through the gateway ($r)" [ "$r" = 200000 ]

lab_cap_stop
out=$(lab_no_leak xdp 20 OUT1 OUT2)
check "no inside address on the outside wire ($out)" lab_no_leak xdp 20 OUT1 OUT2
# (after the capture: these name an inside address themselves)
r=$(lab_py OUT1 tcpconnect 198.19.0.1 2222 1.5)
check "unsolicited inbound TCP to the public address is dropped ($r)" [ "$r" = "timeout" ]
r=$(lab_py OUT1 tcpconnect 198.18.1.10 2222 1.5)
check "unsolicited inbound TCP to an inside address is dropped ($r)" [ "$r" = "timeout" ]

# the gateway's own sessions on its inside address are the kernel's
r=$(lab_py IN1 tcpconnect 198.18.1.1 2323 3 own)
check "IN1 reaches a service of the gateway itself on 198.18.1.1 ($r)" [ "$r" = "connected own" ]
check "the gateway's service saw IN1's own address" grep -q '^198\.18\.1\.10:' "$LAB_DIR/gw.peers"
passed=$(stat_of xdp_prog_passed)
check "the programs passed the kernel's frames to it (xdp_prog_passed ${passed:-none})" [ "${passed:-0}" -gt 0 ]
tx=$(stat_of xdp_transmitted)
check "packets left through the AF_XDP transmit rings (xdp_transmitted ${tx:-none})" [ "${tx:-0}" -gt 100 ]
hits=$(stat_of xdp_nexthop_hits)
tk=$(stat_of xdp_nexthop_to_kernel)
check "next hops came from the kernel's neighbour table: ${hits:-0} hits, ${tk:-0} handed to the kernel to resolve" \
	sh -c "[ '${hits:-0}' -gt '${tk:-0}' ]"

# SIGKILL: the programs stay, no socket is bound: fail closed drops
lab_gw_kill
check "after SIGKILL the program stays on the inside interface" xdp_on "$LAB_BI"
r=$(lab_py IN1 tcpconnect 198.19.0.20 8080 1.5 dead)
check "after SIGKILL nothing is forwarded (fail closed) ($r)" [ "$r" = "timeout" ]
r=$(lab_py IN1 tcpconnect 198.18.1.1 2323 3 own2)
check "the gateway's own service still answers (its traffic never needed meetgate) ($r)" [ "$r" = "connected own2" ]

# a new daemon replaces the programs the killed one left
if lab_gw_start "$CONF"; then
	check "a restarted gateway runs on AF_XDP over the programs left behind" \
		sh -c "[ \$(grep -c 'running: datapath afxdp' '$LAB_DIR/gw.log') -ge 2 ]"
	r=$(lab_py IN1 tcpconnect 198.19.0.20 8080 3 back)
	check "a restarted gateway forwards new connections ($r)" [ "$r" = "connected back" ]
else
	bad "meetgate restarts over the programs a killed daemon left"
fi

# SIGTERM: clean removal
lab_gw_stop
check "meetgate exits on SIGTERM" [ -z "$LAB_GW_PID" ]
check "no XDP program on the inside interface after SIGTERM" sh -c "! ip netns exec $(lab_ns GW) ip -d link show $LAB_BI | grep -q prog/xdp"
check "no XDP program on the outside interface after SIGTERM" sh -c "! ip netns exec $(lab_ns GW) ip -d link show $LAB_BO | grep -q prog/xdp"

# fail open: killed, the kernel forwards (untranslated, unfiltered); this
# time in the driver's own mode
DP_MODE=native
echo "fail open" | write_conf
if lab_gw_start "$CONF"; then
	check "datapath afxdp native attaches in the driver's mode" \
		sh -c "[ \$(grep -c 'running: datapath afxdp (native' '$LAB_DIR/gw.log') -eq 1 ]"
	r=$(lab_py IN1 tcpconnect 198.19.0.20 8080 3 native)
	check "forwarding in native mode ($r)" [ "$r" = "connected native" ]
	lab_gw_kill
	r=$(lab_py IN1 udpsend 198.19.0.20 5000 3 open)
	check "fail open: after SIGKILL the kernel forwards, untranslated ($r)" \
		sh -c "echo '$r' | grep -q '^peer=198\.18\.1\.10:'"
	lab_exec GW ip link set "$LAB_BI" xdp off 2>/dev/null
	lab_exec GW ip link set "$LAB_BO" xdp off 2>/dev/null
else
	bad "meetgate starts with fail open"
fi

check "the gateway log holds no sanitizer report" sh -c "! grep -q 'Sanitizer\|runtime error' '$LAB_DIR/gw.log'"
if [ "$fail" -ne 0 ]; then
	echo "--- gateway log ---"
	gw_log
fi
finish
