# lib.sh - network-namespace lab for meetgate (POSIX sh; source it, run as root).
#
#   IN1 198.18.1.10/24 -+                                          +- OUT1 198.19.0.20/24
#                       +- [SWI] -- $LAB_BI [GW] $LAB_BO -- [SWO] -+
#   IN2 198.18.1.11/24 -+  bridge                           bridge +- OUT2 198.19.0.21/24
#
#   GW: $LAB_BI 198.18.1.1/24, $LAB_BO 198.19.0.1, .2, .3/24
#
# The gateway GW has one veth per side, $LAB_BI (inside) and $LAB_BO
# (outside), the way a real gateway has one NIC per side; their peers and
# every host's eth0 peer are ports of a bridge in a switch namespace, SWI
# inside and SWO outside.  Traffic between two hosts on one side is switched
# and never reaches the gateway.  Every veth (both ends) has its offloads off
# (ethtool, where installed): a wire carries finished checksums, and veth
# would otherwise pass partial ones.
#
# A third and fourth inside host are made on demand (the last argument names
# the side: "$LAB_BI" is the SWI bridge, "$LAB_BO" the SWO one):
#     lab_host IN3 pi3 198.18.1.12/24 198.18.1.1 "$LAB_BI"
#     lab_host IN4 pi4 198.18.1.13/24 198.18.1.1 "$LAB_BI"
#
# Every namespace and link name starts with a per-run prefix (LAB_P, "mg" +
# pid digits + random hex), so parallel runs never meet and nothing of the
# host's own network is touched: the hosts live only in their namespaces and
# only 198.18.0.0/15 addresses are used.  The caller sets the trap:
#     . tests/lab/lib.sh; trap lab_down EXIT INT TERM; lab_up
# Host names for lab_exec: GW IN1 IN2 OUT1 OUT2 (IN3, IN4 when made), and the
# switches SWI SWO.  Every traffic helper below is bounded in time (python
# socket timeouts, `timeout`).
#
# LAB_DATAPATH (e.g. "afxdp"), when set, makes lab_gw_start run meetgate with
# a copy of the given config that ends in "datapath $LAB_DATAPATH";
# lab_datapath_unavailable tells whether the gateway fell back to NFQUEUE.

LAB_MEETGATE=${LAB_MEETGATE:-build/rel/meetgate}
LAB_BG_PIDS=""
LAB_GW_PID=""
LAB_GW_CONF=""

lab_log() { echo "lab: $*" >&2; }

lab_rand() { od -An -N2 -tx1 /dev/urandom | tr -d ' \n'; }

lab_ns() { # HOST -> namespace name
	case "$1" in
	GW) echo "${LAB_P}gw" ;; IN1) echo "${LAB_P}i1" ;; IN2) echo "${LAB_P}i2" ;; IN3) echo "${LAB_P}i3" ;;
	IN4) echo "${LAB_P}i4" ;; OUT1) echo "${LAB_P}o1" ;; OUT2) echo "${LAB_P}o2" ;;
	SWI) echo "${LAB_P}si" ;; SWO) echo "${LAB_P}so" ;;
	*) lab_log "unknown host '$1'"; return 1 ;;
	esac
}

lab_exec() { # HOST cmd...
	_ns=$(lab_ns "$1") || return 1
	shift
	ip netns exec "$_ns" "$@"
}

lab_sysctl() { # HOST key value  (key as a /proc/sys path below net/)
	lab_exec "$1" sh -c "echo $3 > /proc/sys/net/$2"
}

lab_nooffload() { # HOST dev: no segmentation or checksum offloads on dev
	command -v ethtool >/dev/null 2>&1 || return 0
	lab_exec "$1" ethtool -K "$2" tso off gso off gro off tx off rx off >/dev/null 2>&1
	return 0
}

lab_switch() { # "$LAB_BI" or "$LAB_BO" -> the switch host on that side
	case "$1" in
	"$LAB_BI") echo SWI ;; "$LAB_BO") echo SWO ;;
	*) lab_log "no switch for '$1' (give \$LAB_BI or \$LAB_BO)"; return 1 ;;
	esac
}

# veth between HOST's dev $2 and port $4 of the bridge of switch $3 (SWI or
# SWO): both ends up, offloads off
lab_wire() { # HOST dev SWITCH port
	ip link add "$2" netns "$(lab_ns "$1")" type veth peer name "$4" netns "$(lab_ns "$3")" || return 1
	lab_exec "$3" ip link set "$4" master "$(lab_swbr "$3")" up || return 1
	lab_exec "$1" ip link set "$2" up || return 1
	lab_nooffload "$1" "$2"
	lab_nooffload "$3" "$4"
}

lab_swbr() { # SWI|SWO -> name of its bridge
	case "$1" in SWI) echo "${LAB_P}si" ;; SWO) echo "${LAB_P}so" ;; esac
}

# host $1 with eth0 wired to switch port $2 on side $5 ("$LAB_BI" or
# "$LAB_BO"), address $3, default route $4
lab_host() {
	_sw=$(lab_switch "$5") || return 1
	ip netns add "$(lab_ns "$1")" || return 1
	lab_exec "$1" ip link set lo up
	lab_wire "$1" eth0 "$_sw" "${LAB_P}$2" || return 1
	lab_exec "$1" ip addr add "$3" dev eth0
	lab_exec "$1" ip route add default via "$4"
	return 0
}

lab_up() {
	[ "$(id -u)" = 0 ] || { lab_log "needs root"; return 1; }
	LAB_P="mg$(($$ % 100000))$(lab_rand)"
	LAB_DIR=$(mktemp -d "/tmp/${LAB_P}.XXXXXX") || return 1
	LAB_BI="${LAB_P}bi"
	LAB_BO="${LAB_P}bo"
	LAB_UP=1
	for _h in GW SWI SWO; do
		ip netns add "$(lab_ns $_h)" || return 1
		lab_exec $_h ip link set lo up
	done
	for _h in SWI SWO; do
		# a switch sends nothing of its own: no IPv6 on its bridge and
		# ports (else their MLD reports, router and neighbour
		# solicitations reach the gateway and the hosts), no multicast
		# snooping (else the bridge joins 224.0.0.106 and reports it);
		# multicast is flooded to every port, as by a plain switch
		lab_sysctl $_h ipv6/conf/all/disable_ipv6 1
		lab_sysctl $_h ipv6/conf/default/disable_ipv6 1
		lab_exec $_h ip link add "$(lab_swbr $_h)" type bridge mcast_snooping 0 || return 1
		lab_exec $_h ip link set "$(lab_swbr $_h)" up || return 1
		# a switch passes frames, it does not filter them (br_netfilter,
		# where loaded, would send bridged IP through this namespace's hooks)
		for _k in bridge-nf-call-iptables bridge-nf-call-ip6tables bridge-nf-call-arptables; do
			[ -f "/proc/sys/net/bridge/$_k" ] && lab_sysctl $_h "bridge/$_k" 0
		done
	done
	lab_wire GW "$LAB_BI" SWI "${LAB_P}gi" || return 1
	lab_wire GW "$LAB_BO" SWO "${LAB_P}go" || return 1
	lab_exec GW ip addr add 198.18.1.1/24 dev "$LAB_BI"
	lab_exec GW ip addr add 198.19.0.1/24 dev "$LAB_BO"
	lab_exec GW ip addr add 198.19.0.2/24 dev "$LAB_BO"
	lab_exec GW ip addr add 198.19.0.3/24 dev "$LAB_BO"
	lab_host IN1 pi1 198.18.1.10/24 198.18.1.1 "$LAB_BI" || return 1
	lab_host IN2 pi2 198.18.1.11/24 198.18.1.1 "$LAB_BI" || return 1
	lab_host OUT1 po1 198.19.0.20/24 198.19.0.1 "$LAB_BO" || return 1
	lab_host OUT2 po2 198.19.0.21/24 198.19.0.1 "$LAB_BO" || return 1
	# the gateway's sysctls are left as a new namespace has them (forwarding
	# off): `meetgate run` sets what it needs itself (doc/live.md)
	lab_write_py
	lab_log "up: prefix $LAB_P, files in $LAB_DIR"
}

lab_down() {
	[ -n "${LAB_UP:-}" ] || return 0
	lab_gw_kill 2>/dev/null
	[ -n "$LAB_CAP_PIDS" ] && lab_cap_stop 2>/dev/null
	# TERM first: `timeout` passes it on to the python it runs
	for _p in $LAB_BG_PIDS; do kill -TERM "$_p" 2>/dev/null; done
	sleep 0.2
	for _p in $LAB_BG_PIDS; do kill -KILL "$_p" 2>/dev/null; done
	for _p in $LAB_BG_PIDS; do wait "$_p" 2>/dev/null; done
	LAB_BG_PIDS=""
	for _h in IN1 IN2 IN3 IN4 OUT1 OUT2 GW SWI SWO; do
		ip netns del "$(lab_ns $_h)" 2>/dev/null
	done
	[ -n "${LAB_DIR:-}" ] && rm -rf "$LAB_DIR"
	LAB_UP=""
}

# The config meetgate runs with for FILE: FILE itself, or with LAB_DATAPATH
# set a copy $LAB_DIR/datapath/<FILE's name> with "datapath $LAB_DATAPATH"
# appended (after the last line, so line numbers in messages stay FILE's).
# Written again from FILE before every start and every SIGHUP, so that a
# reload reads what the test wrote into FILE.
lab_gw_conf() { # FILE -> path to run with
	if [ -z "${LAB_DATAPATH:-}" ]; then
		echo "$1"
		return 0
	fi
	_dc="$LAB_DIR/datapath/$(basename "$1")"
	mkdir -p "$LAB_DIR/datapath" || return 1
	{
		cat "$1" || return 1
		# a last line without its newline must not take the datapath line
		[ -n "$(tail -c 1 "$1")" ] && echo
		echo "datapath $LAB_DATAPATH"
	} >"$_dc" || return 1
	echo "$_dc"
}

# Run `meetgate run --config FILE` in the GW in the background (FILE through
# lab_gw_conf); return once it logged "running" (its table and control
# socket are in place), or fail after 10 s.  Its stderr goes to
# $LAB_DIR/gw.log (appended).
lab_gw_start() {
	LAB_GW_CONF=$1
	_gc=$(lab_gw_conf "$1") || { lab_log "cannot write the datapath copy of $1"; return 1; }
	# not through lab_exec: a function run with & is a subshell, and $!
	# must be meetgate itself (ip netns exec execs it)
	touch "$LAB_DIR/gw.log"
	ip netns exec "$(lab_ns GW)" "$LAB_MEETGATE" run --config "$_gc" ${LAB_GW_ARGS:-} >>"$LAB_DIR/gw.log" 2>&1 &
	LAB_GW_PID=$!
	_n=0
	while [ $_n -lt 100 ]; do
		if ! kill -0 "$LAB_GW_PID" 2>/dev/null; then
			lab_log "meetgate exited during start-up:"
			tail -n 5 "$LAB_DIR/gw.log" >&2
			LAB_GW_PID=""
			return 1
		fi
		[ "$(grep -c 'meetgate: running' "$LAB_DIR/gw.log")" -gt "${LAB_GW_STARTS:-0}" ] && {
			LAB_GW_STARTS=$(grep -c 'meetgate: running' "$LAB_DIR/gw.log")
			# a suite run for a data path this kernel lacks says so and ends
			if [ -n "${LAB_DATAPATH:-}" ] && lab_datapath_unavailable && command -v finish >/dev/null 2>&1; then
				echo "skip - datapath $LAB_DATAPATH is not available here: $(grep -oE 'datapath [^ ]+ unavailable \(.*\)' "$LAB_DIR/gw.log" | head -n 1)"
				finish
			fi
			return 0
		}
		sleep 0.1
		_n=$((_n + 1))
	done
	lab_log "meetgate did not come up within 10 s"
	return 1
}

lab_gw_wait_exit() { # wait up to 5 s for the gateway process to end
	_n=0
	while [ -n "$LAB_GW_PID" ] && kill -0 "$LAB_GW_PID" 2>/dev/null && [ $_n -lt 50 ]; do
		sleep 0.1
		_n=$((_n + 1))
	done
	if [ -n "$LAB_GW_PID" ] && kill -0 "$LAB_GW_PID" 2>/dev/null; then
		return 1
	fi
	[ -n "$LAB_GW_PID" ] && wait "$LAB_GW_PID" 2>/dev/null
	LAB_GW_PID=""
	return 0
}

lab_gw_stop() { # SIGTERM: clean shutdown
	[ -n "$LAB_GW_PID" ] || return 0
	kill -TERM "$LAB_GW_PID" 2>/dev/null
	lab_gw_wait_exit
}

lab_gw_kill() { # SIGKILL: no clean-up at all
	[ -n "$LAB_GW_PID" ] || return 0
	kill -KILL "$LAB_GW_PID" 2>/dev/null
	lab_gw_wait_exit
}

lab_gw_signal() { # SIG  (HUP: the datapath copy is written again first)
	[ -n "$LAB_GW_PID" ] || return 1
	[ "$1" = HUP ] && [ -n "${LAB_DATAPATH:-}" ] && { lab_gw_conf "$LAB_GW_CONF" >/dev/null || return 1; }
	kill -"$1" "$LAB_GW_PID"
}

# True when $LAB_DIR/gw.log says the gateway could not use the data path
# asked for ("datapath afxdp unavailable") and fell back to NFQUEUE; suites
# print a skip for that.
lab_datapath_unavailable() {
	[ -f "$LAB_DIR/gw.log" ] && grep -qE 'datapath [^ ]+ unavailable' "$LAB_DIR/gw.log"
}

# Plain kernel NAT for comparison: masquerade out of the outside interface and
# a forward filter that admits new flows only from the inside; no helper.
# The kernel path needs forwarding on and nothing else of meetgate's list:
# its translated packets leave with the source the kernel chose, no martian
# to accept.  A meetgate stopped before restored forwarding to off.
lab_masq_start() {
	lab_sysctl GW ipv4/ip_forward 1
	lab_exec GW nft -f - <<EOF
table ip labmasq {
	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related accept
		iifname "$LAB_BI" oifname "$LAB_BO" accept
	}
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "$LAB_BO" masquerade
	}
}
EOF
}

lab_masq_stop() {
	lab_exec GW nft delete table ip labmasq 2>/dev/null
	return 0
}

lab_bg() { # HOST cmd... : run in the background, killed by lab_down
	_ns=$(lab_ns "$1") || return 1
	shift
	ip netns exec "$_ns" "$@" &
	LAB_BG_PIDS="$LAB_BG_PIDS $!"
}

# Socket helpers (python3), one mode per use; every mode stops by itself.
#   tcpserve PORT SECONDS PEERFILE    accept, log peer "ip:port", echo data
#   udpserve PORT SECONDS             answer each datagram with "peer=ip:port"
#   tcpconnect IP PORT TIMEOUT [MSG]  print "connected [reply]", "timeout" or "refused"
#   udpsend IP PORT TIMEOUT MSG       print the reply or "timeout"
#   tcphold IP PORT TRIGGER TIMEOUT   echo once, wait for file TRIGGER, echo again: "held ok"
#   rawline SOCKPATH LINE             send LINE + "\n" to a UNIX socket, print the answer
lab_write_py() {
	cat >"$LAB_DIR/lab.py" <<'EOF'
import os, socket, sys, threading, time
mode, a = sys.argv[1], sys.argv[2:]
def echo(c, f):
    c.settimeout(20)
    try:
        while True:
            d = c.recv(4096)
            if not d: break
            c.sendall(d)
    except OSError: pass
    c.close()
if mode == 'tcpserve':
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(('0.0.0.0', int(a[0]))); s.listen(16); end = time.time() + float(a[1])
    while time.time() < end:
        s.settimeout(max(0.1, end - time.time()))
        try: c, p = s.accept()
        except OSError: continue
        with open(a[2], 'a') as f: f.write('%s:%d\n' % p)
        threading.Thread(target=echo, args=(c, None), daemon=True).start()
elif mode == 'udpserve':
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('0.0.0.0', int(a[0])))
    end = time.time() + float(a[1])
    while time.time() < end:
        s.settimeout(max(0.1, end - time.time()))
        try: d, p = s.recvfrom(2048)
        except OSError: continue
        s.sendto(('peer=%s:%d' % p).encode(), p)
elif mode == 'tcpconnect':
    s = socket.socket(); s.settimeout(float(a[2]))
    try:
        s.connect((a[0], int(a[1])))
        out = 'connected'
        if len(a) > 3:
            s.sendall(a[3].encode()); out += ' ' + s.recv(4096).decode(errors='replace')
        print(out)
    except socket.timeout: print('timeout')
    except ConnectionRefusedError: print('refused')
    except OSError as e: print('error', e)
elif mode == 'udpsend':
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(float(a[2]))
    s.sendto(a[3].encode(), (a[0], int(a[1])))
    try: print(s.recv(2048).decode(errors='replace'))
    except socket.timeout: print('timeout')
elif mode == 'tcphold':
    s = socket.socket(); s.settimeout(3)
    try:
        s.connect((a[0], int(a[1]))); s.sendall(b'one'); r1 = s.recv(16)
        end = time.time() + float(a[3])
        while not os.path.exists(a[2]) and time.time() < end: time.sleep(0.05)
        s.sendall(b'two'); r2 = s.recv(16)
        print('held ok' if (r1, r2) == (b'one', b'two') else 'held bad %r %r' % (r1, r2))
    except OSError as e: print('held failed', e)
elif mode == 'rawline':
    s = socket.socket(socket.AF_UNIX); s.settimeout(3); s.connect(a[0])
    s.sendall(a[1].encode() + b'\n'); out = b''
    try:
        while True:
            d = s.recv(4096)
            if not d: break
            out += d
    except OSError: pass
    sys.stdout.write(out.decode(errors='replace'))
EOF
}

lab_py() { # HOST mode args...
	_h=$1
	shift
	lab_exec "$_h" timeout 30 python3 "$LAB_DIR/lab.py" "$@"
}

lab_py_bg() { # HOST mode args...
	_h=$1
	shift
	lab_bg "$_h" timeout 60 python3 "$LAB_DIR/lab.py" "$@"
}

# Captures of what really crossed a link, taken on the hosts' own eth0 (a
# capture on the gateway's bridge can show a packet after meetgate rewrote
# it in place), each bounded by `timeout`, in immediate mode (a packet is
# written when it arrives, not when a kernel buffer block fills or times out,
# so a capture stopped right after the traffic holds all of it):
#   lab_cap_start NAME SECONDS HOST... [-- FILTER]   files $LAB_DIR/NAME-HOST.pcap
#   lab_cap_stop                                      stop them all (flushed)
#   lab_no_leak NAME MIN HOST...   prints a summary; succeeds when the
#       captures hold at least MIN IPv4 packets and no inside address
#       (198.18.1.x) in any IP header or TCP/UDP payload
LAB_CAP_PIDS=""
lab_cap_start() {
	_cn=$1 _cs=$2
	shift 2
	_ch=""
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		_ch="$_ch $1"
		shift
	done
	[ "${1:-}" = "--" ] && shift
	_cf=${*:-ip}
	for _h in $_ch; do
		rm -f "$LAB_DIR/$_cn-$_h.cap.log"
		ip netns exec "$(lab_ns "$_h")" timeout "$_cs" tcpdump --immediate-mode -i eth0 -s 0 -U -n -w "$LAB_DIR/$_cn-$_h.pcap" \
			$_cf >/dev/null 2>"$LAB_DIR/$_cn-$_h.cap.log" &
		LAB_CAP_PIDS="$LAB_CAP_PIDS $!"
	done
	# each tcpdump says "listening on" once it captures (5 s at most)
	for _h in $_ch; do
		_n=0
		while [ $_n -lt 50 ] && ! grep -q "listening on" "$LAB_DIR/$_cn-$_h.cap.log" 2>/dev/null; do
			sleep 0.1
			_n=$((_n + 1))
		done
	done
	sleep 0.2
}

lab_cap_stop() {
	sleep 0.3
	for _p in $LAB_CAP_PIDS; do kill -INT "$_p" 2>/dev/null; done
	for _p in $LAB_CAP_PIDS; do wait "$_p" 2>/dev/null; done
	LAB_CAP_PIDS=""
}

lab_no_leak() {
	_cn=$1 _cm=$2
	shift 2
	_cfs=""
	for _h in "$@"; do _cfs="$_cfs $LAB_DIR/$_cn-$_h.pcap"; done
	python3 - "$_cm" $_cfs <<'PY'
import sys
sys.path.insert(0, "tests/replay")
import pcaptool
n = hdr = pay = 0
pre = bytes([198, 18, 1])
for p in (p for f in sys.argv[2:] for p in pcaptool.packets(f)):
    n += 1
    if p["src"][:3] == pre or p["dst"][:3] == pre:
        hdr += 1
    if p["proto"] in (6, 17) and pre in p["payload"]:
        pay += 1
print(f"{n} packets, {hdr} inside headers, {pay} payloads with inside bytes")
sys.exit(0 if n >= int(sys.argv[1]) and hdr == 0 and pay == 0 else 1)
PY
}
