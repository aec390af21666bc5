#!/bin/sh
# test_gateway.sh - `meetgate run` in the network-namespace lab (tests/lab/lib.sh).
# Run as root from the top of the tree after `make build/rel/meetgate`.
# Prints "ok - ..." / "FAIL - ..." and "lab-gateway: N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lab/lib.sh
. tests/lab/suite.sh

lab_suite lab-gateway "$LAB_MEETGATE"

CTL="$LAB_DIR/ctl.sock"
CONF="$LAB_DIR/gw.conf"
write_conf() { # extra lines on stdin are appended
	cat >"$CONF" <<EOC
interface inside $LAB_BI
interface outside $LAB_BO
queue 3
control $CTL
inside 198.18.1.0/24
public 198.19.0.1
allow outbound any
forward tcp 1720 to 198.18.1.10:1720
EOC
	cat >>"$CONF"
}
gw_log() { cat "$LAB_DIR/gw.log"; }
table_present() { lab_exec GW nft list table inet meetgate >/dev/null 2>&1; }
gw_alive() { [ -n "$LAB_GW_PID" ] && kill -0 "$LAB_GW_PID" 2>/dev/null; }
show() { lab_exec GW "$LAB_MEETGATE" show "$1" --socket "$CTL"; }

echo "" | write_conf
check "--print-rules prints the table without loading it" \
	sh -c "'$LAB_MEETGATE' run --config '$CONF' --print-rules | grep -q 'chain prerouting' && ! ip netns exec $(lab_ns GW) nft list table inet meetgate >/dev/null 2>&1"

lab_gw_start "$CONF" || { bad "meetgate run starts"; gw_log; finish; }
ok "meetgate run starts and loads table inet meetgate"
check "the table is loaded" table_present

# servers on the outside and the inside, all self-terminating
lab_py_bg OUT1 udpserve 5000 50
lab_py_bg OUT1 tcpserve 8080 50 "$LAB_DIR/out1.peers"
lab_py_bg IN1 tcpserve 1720 50 "$LAB_DIR/in1.peers"
lab_py_bg IN1 tcpserve 2222 50 "$LAB_DIR/in1-2222.peers"
sleep 0.5

r=$(lab_py IN1 udpsend 198.19.0.20 5000 3 hello)
check "outbound UDP IN1 -> OUT1 answered, seen from 198.19.0.1 ($r)" \
	sh -c "echo '$r' | grep -q '^peer=198\.19\.0\.1:'"

r=$(lab_py IN1 tcpconnect 198.19.0.20 8080 3 ping)
check "outbound TCP IN1 -> OUT1 connects and echoes ($r)" [ "$r" = "connected ping" ]
check "OUT1 saw the TCP connection from 198.19.0.1" grep -q '^198\.19\.0\.1:' "$LAB_DIR/out1.peers"

r=$(lab_py OUT1 tcpconnect 198.19.0.1 2222 1.5)
check "unsolicited inbound TCP to the public address is dropped ($r)" [ "$r" = "timeout" ]
r=$(lab_py OUT1 tcpconnect 198.18.1.10 2222 1.5)
check "unsolicited inbound TCP to an inside address is dropped ($r)" [ "$r" = "timeout" ]
check "IN1 never saw an inbound connection on 2222" [ ! -s "$LAB_DIR/in1-2222.peers" ]
r=$(lab_py OUT1 udpsend 198.19.0.1 5000 1.5 x)
check "unsolicited inbound UDP is dropped ($r)" [ "$r" = "timeout" ]

r=$(lab_py OUT1 tcpconnect 198.19.0.1 1720 3)
check "forward tcp 1720: OUT1 reaches IN1:1720 through 198.19.0.1 ($r)" [ "$r" = "connected" ]
sleep 0.2
check "IN1:1720 saw OUT1's own address 198.19.0.20" grep -q '^198\.19\.0\.20:' "$LAB_DIR/in1.peers"

out=$(show stats 2>&1)
check "meetgate show stats answers" sh -c "echo '$out' | grep -q '^pkts_in_inside [1-9]' && echo '$out' | grep -q '^nfq_received [1-9]'"
out=$(show flows 2>&1)
check "meetgate show flows lists IN1's flow" sh -c "echo '$out' | grep -q 'src=198.18.1.10 dst=198.19.0.20'"
# the same tables as JSON, and conntrack-like filters that narrow them
shown() { lab_exec GW "$LAB_MEETGATE" show "$@" --socket "$CTL"; }
# jrows EXPR ARGS...: rows of `show ARGS --json`, or "bad" unless every row satisfies EXPR (over `r`)
jrows() {
	_j_e=$1
	shift
	shown "$@" --json 2>/dev/null | python3 -c "import json,sys
rows = json.load(sys.stdin)
assert isinstance(rows, list)
print(len(rows) if all($_j_e for r in rows) else 'bad')" 2>/dev/null || echo bad
}
ports() { echo "{r['orig'].get('sport'), r['orig'].get('dport'), r['reply'].get('sport'), r['reply'].get('dport')}"; }
addrs="{r['orig']['src'], r['orig']['dst'], r['reply']['src'], r['reply']['dst']}"
ntext=$(shown flows 2>/dev/null | grep -c .)
njson=$(jrows True flows)
check "show flows --json parses, with as many rows as the text table ($njson, $ntext)" \
	sh -c "[ '$njson' = '$ntext' ] && [ '$ntext' -ge 3 ]"
n=$(jrows "r['proto'] == 'tcp'" flows --proto tcp)
check "show flows --proto tcp: only TCP rows, fewer than all ($n of $ntext)" \
	sh -c "[ '$n' != bad ] && [ '$n' -ge 1 ] && [ '$n' -lt '$ntext' ]"
n=$(jrows "5000 in $(ports)" flows --port 5000)
check "show flows --port 5000: only rows with port 5000 ($n of $ntext)" \
	sh -c "[ '$n' != bad ] && [ '$n' -ge 1 ] && [ '$n' -lt '$ntext' ]"
nt=$(shown flows --port 5000 2>/dev/null | grep -c .)
check "the text table takes the same filter ($nt rows)" [ "$nt" = "$n" ]
n=$(jrows "'198.19.0.20' in $addrs and r['proto'] == 'tcp'" flows --addr 198.19.0.20 --proto tcp)
check "show flows --addr 198.19.0.20 --proto tcp: rows with both ($n)" \
	sh -c "[ '$n' != bad ] && [ '$n' -ge 1 ] && [ '$n' -lt '$ntext' ]"
check "show flows --proto udp --port 8080 finds nothing" [ "$(jrows True flows --proto udp --port 8080)" = 0 ]
out=$(shown stats --json 2>/dev/null | python3 -c "import json,sys; s=json.load(sys.stdin); print(s['pkts_in_inside'] > 0 and s['nfq_received'] > 0)" 2>&1)
check "show stats --json is one object with the engine's and the queue's counters ($out)" [ "$out" = True ]
check "show calls --port is refused, saying what applies" \
	sh -c "ip netns exec $(lab_ns GW) '$LAB_MEETGATE' show calls --port 1720 --socket '$CTL' 2>&1 | grep -q 'addr and call'"
out=$(ip netns exec "$(lab_ns GW)" "$LAB_MEETGATE" show flows --socket "$LAB_DIR/none.sock" 2>&1)
check "show without a daemon says what to do ($out)" sh -c "echo '$out' | grep -q 'is meetgate running'"
out=$(lab_py GW rawline "$CTL" "show nonsense")
check "an unknown request gets an error ($out)" sh -c "echo '$out' | grep -q '^error '"
out=$(lab_py GW rawline "$CTL" "$(head -c 600 /dev/zero | tr '\0' 'a')")
check "an over-long request gets an error" sh -c "echo '$out' | grep -q '^error '"
check "the daemon survives bad requests" gw_alive
check "show stats still works after them" sh -c "ip netns exec $(lab_ns GW) '$LAB_MEETGATE' show stats --socket '$CTL' >/dev/null"
check "show rejects an unknown table locally" sh -c "! '$LAB_MEETGATE' show nonsense --socket '$CTL' 2>/dev/null"

# SIGHUP with a good config keeps an established TCP connection
rm -f "$LAB_DIR/trigger"
ip netns exec "$(lab_ns IN1)" timeout 30 python3 "$LAB_DIR/lab.py" tcphold 198.19.0.20 8080 "$LAB_DIR/trigger" 10 >"$LAB_DIR/hold.out" 2>&1 &
hold=$!
sleep 0.7
echo "log-rate 20" | write_conf
lab_gw_signal HUP
sleep 0.5
touch "$LAB_DIR/trigger"
wait $hold
check "SIGHUP with a good config is applied" grep -q 'reloaded' "$LAB_DIR/gw.log"
check "an established TCP connection survives the reload ($(cat "$LAB_DIR/hold.out"))" \
	grep -q '^held ok' "$LAB_DIR/hold.out"

# SIGHUP with a broken config is refused, the daemon keeps forwarding
echo "forward tcp 99999 to nowhere" | write_conf
lab_gw_signal HUP
sleep 0.5
check "SIGHUP with a broken config is refused with line and token" \
	grep -q "reload refused.*gw.conf:[0-9]*:.*'99999'" "$LAB_DIR/gw.log"
check "the daemon keeps running after a refused reload" gw_alive
r=$(lab_py IN1 tcpconnect 198.19.0.20 8080 3 again)
check "forwarding goes on after a refused reload ($r)" [ "$r" = "connected again" ]

# SIGKILL: the table stays, nobody listens on the queue: fail closed
lab_gw_kill
check "after SIGKILL the table is still loaded" table_present
r=$(lab_py IN1 tcpconnect 198.19.0.20 8080 1.5 dead)
check "after SIGKILL nothing is forwarded (fail closed) ($r)" [ "$r" = "timeout" ]
echo "" | write_conf
if lab_gw_start "$CONF"; then
	r=$(lab_py IN1 tcpconnect 198.19.0.20 8080 3 back)
	check "a restarted gateway forwards new connections ($r)" [ "$r" = "connected back" ]
else
	bad "meetgate restarts over the table a killed daemon left"
fi

# SIGTERM: clean shutdown removes the table and the control socket
lab_gw_stop
check "meetgate exits on SIGTERM" [ -z "$LAB_GW_PID" ]
check "the nft table is gone after SIGTERM" sh -c "! ip netns exec $(lab_ns GW) nft list table inet meetgate >/dev/null 2>&1"
check "the control socket is removed" [ ! -e "$CTL" ]

# the kernel's own masquerade, for comparison: the lab itself is sound
lab_masq_start
r=$(lab_py IN1 tcpconnect 198.19.0.20 8080 3 masq)
check "kernel masquerade baseline forwards ($r)" [ "$r" = "connected masq" ]
lab_masq_stop

# with LAB_MEETGATE=build/asan/meetgate this catches memory errors and leaks
check "the gateway log holds no sanitizer report" sh -c "! grep -q 'Sanitizer\|runtime error' '$LAB_DIR/gw.log'"

if [ "$fail" -ne 0 ]; then
	echo "--- gateway log ---"
	gw_log
fi
finish
