#!/bin/sh
# test_ras.sh - gatekeepers through the gateway: H.225.0 RAS across `meetgate
# run`, in the network-namespace lab (tests/lab/lib.sh).  Run as root from
# the top of the tree.
#
# Hosts: inside IN1 .10, IN2 .11, IN3 .12 (endpoints A, B, C), IN4 .13 (a
# gatekeeper inside, part 3); outside OUT1 198.19.0.20 (gatekeeper, direct
# mode) and 198.19.0.22 (a second one, gatekeeper-routed), OUT2 198.19.0.21
# (the outside caller).  Gateway public 198.19.0.1.  Every endpoint and
# gatekeeper is meetcall (listen / call --gk, gatekeeper).
#   1. A, B and C register with the outside gatekeeper; OUT2 calls each by
#      alias, in direct mode (ACF gives the public callSignalAddress) and
#      through the routed gatekeeper; every call has media both ways (both
#      reports); `meetgate show registrations` lists each with its public
#      address and gatekeeper; the gatekeeper saw public callSignalAddresses
#      only; the outside captures hold no inside address in any header or
#      payload.
#   2. Expiry: A registers with ttl 3 (`timeout registration-grace 2`), a
#      TCP connect from outside to its public callSignalAddress is answered;
#      its keep-alives stop (SIGSTOP: its kernel still answers SYNs), and
#      past ttl + grace the same connect is refused or unanswered; the
#      stats and the log show the expiry (ras-expired) and `show
#      registrations` no longer lists it.
#   3. A gatekeeper inside (forward udp 1719, and tcp 1720 for its routed
#      call signalling), direct and routed: an outside endpoint and an
#      inside one register with it; an inside endpoint calls the outside
#      one by alias and an outside caller calls the inside one, media both
#      ways; no inside address on the outside captures.
#   4. H.460.18 (`alg h460 confirmed`, the default): an inside endpoint
#      whose GRQ and RRQ name H.460.18 (meetcall --h460-18) registers
#      outside.  (a) With a gatekeeper that does not confirm the feature,
#      they are translated like any other RAS (no inside address outside),
#      counted as h460-translated.  (b) With one whose RCF confirms it
#      (meetcall gatekeeper --h460-18), the first GRQ and RRQ are still
#      translated, and the keep-alive RRQs after the RCF leave with their
#      RAS payload byte-identical to what the endpoint sent (inside and
#      outside captures compared), counted as ras-h460.
#   5. Under `ras reachable gatekeeper` (the gateway restarted with it), a
#      registered endpoint's public callSignalAddress answers its
#      gatekeeper's host and no other outside host.
# RAS_PARTS="1 3" runs only those parts.
# Prints "ok - ..." / "FAIL - ..." and "lab-ras: N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lab/lib.sh
. tests/lab/suite.sh

command -v tcpdump >/dev/null 2>&1 || {
	echo "FAIL - tcpdump not installed (make deps)"
	echo "lab-ras: 0 passed, 1 failed"
	exit 1
}
MEETCALL=${MEETCALL:-build/rel/meetcall}
lab_suite lab-ras "$LAB_MEETGATE" "$MEETCALL"
lab_host IN3 pi3 198.18.1.12/24 198.18.1.1 "$LAB_BI" || { bad "third inside host"; finish; }
lab_host IN4 pi4 198.18.1.13/24 198.18.1.1 "$LAB_BI" || { bad "fourth inside host"; finish; }
lab_exec OUT1 ip addr add 198.19.0.22/24 dev eth0
# Hosts on the same side talk to each other here (OUT2 with the gatekeeper
# on OUT1, inside endpoints with the inside gatekeeper): the lab's switches
# carry that traffic, the gateway never sees it.

PUB=198.19.0.1
GK1=198.19.0.20  # outside gatekeeper, direct
GK2=198.19.0.22  # outside gatekeeper, routed (same host)
GKIN=198.18.1.13 # inside gatekeeper
SOCK="$LAB_DIR/ctl.sock"
CONF="$LAB_DIR/gw.conf"
GRACE=2
TTL=3
cat >"$CONF" <<EOC
interface inside $LAB_BI
interface outside $LAB_BO
queue 13
control $SOCK
inside 198.18.1.0/24
public $PUB
forward udp 1719 to $GKIN:1719
forward tcp 1720 to $GKIN:1720
timeout registration-grace $GRACE
EOC
# A, B, C: host, address, alias
EPS="IN1:198.18.1.10:alpha IN2:198.18.1.11:bravo IN3:198.18.1.12:charlie"

# wait_for FILE PATTERN [TENTHS]: bounded (default 5 s)
wait_for() {
	_i=0
	while [ $_i -lt "${3:-50}" ] && ! grep -q "$2" "$1" 2>/dev/null; do
		sleep 0.1
		_i=$((_i + 1))
	done
	grep -q "$2" "$1" 2>/dev/null
}
# json FILE EXPRESSION(d): true when the expression is
json() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if eval("(" + sys.argv[2] + ")") else 1)' \
		"$1" "$2" 2>/dev/null
}
stat_of() { # reason name -> its count (0 when absent)
	lab_exec GW "$LAB_MEETGATE" show stats --socket "$SOCK" 2>/dev/null |
		awk -v r="$1" '$2 == r { n = $3 } END { print n + 0 }'
}

# reg_row INSIDE-IP: its row of `meetgate show registrations` (inside
# address:port, public address:port, gatekeeper, seconds left, aliases)
reg_row() {
	lab_exec GW "$LAB_MEETGATE" show registrations --socket "$SOCK" 2>/dev/null |
		awk -v a="$1" 'index($1, a ":") == 1'
}

# gk_start NAME HOST IP [options]: a meetcall gatekeeper; GKPID
gk_start() {
	_n=$1 _h=$2 _ip=$3
	shift 3
	lab_bg "$_h" timeout 120 "$MEETCALL" gatekeeper --bind "$_ip" --timeout 110 --report "$LAB_DIR/$_n.json" "$@" \
		>"$LAB_DIR/$_n.out" 2>&1
	GKPID=$!
	wait_for "$LAB_DIR/$_n.out" "gatekeeper on"
}
stop_pid() { # TERM, wait (bounded: everything runs under timeout or --timeout)
	kill -TERM "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# listen NAME HOST IP ALIAS GK [options]: a registered listener; sets LPID,
# succeeds once it is registered and listening (5 s at most)
listen() {
	_n=$1 _h=$2 _ip=$3 _al=$4 _gk=$5
	shift 5
	lab_bg "$_h" timeout 60 "$MEETCALL" listen --bind "$_ip" --port 1720 --alias "$_al" --gk "$_gk" \
		--timeout 50 --report "$LAB_DIR/$_n.json" "$@" >"$LAB_DIR/$_n.out" 2>&1
	LPID=$!
	wait_for "$LAB_DIR/$_n.out" "listening on"
}
# call NAME HOST ALIAS GK [options]: meetcall call by alias, its status
call() {
	_n=$1 _h=$2 _al=$3 _gk=$4
	shift 4
	lab_exec "$_h" timeout 40 "$MEETCALL" call "$_al" --gk "$_gk" --from "caller-$_n" --duration 2 \
		--timeout 15 --report "$LAB_DIR/$_n.json" "$@" >"$LAB_DIR/$_n.out" 2>&1
}
# media_both REPORT: every call of the report has RTP sent and received
media_both() {
	json "$1" 'len(d["calls"]) > 0 and all(c["ok"] and c["rtp_sent"] > 0 and c["rtp_received"] > 0 for c in d["calls"])'
}
model_ok() { # REPORT direct|routed: the ACF gave that call model
	if [ "$2" = routed ]; then
		json "$1" 'all(c["admission"] == "ACF" and c["acf_routed"] for c in d["calls"])'
	else
		json "$1" 'all(c["admission"] == "ACF" and not c["acf_routed"] for c in d["calls"])'
	fi
}
rtp_of() { # REPORT -> "sent/received" of its first call
	python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["calls"][0]; print("%d/%d" % (c["rtp_sent"], c["rtp_received"]))' \
		"$1" 2>/dev/null || echo "no report"
}
show_fail() { # NAME...: the tail of their outputs, indented
	for _f in "$@"; do
		[ -f "$LAB_DIR/$_f.out" ] && tail -n 4 "$LAB_DIR/$_f.out" | sed "s/^/    $_f: /"
	done
	return 0
}

# h460_ras INSIDE.pcap SRC OUTSIDE.pcap PUBSRC CONFIRMED: the GRQs and
# RRQs (RasMessage alternatives 0 and 3) SRC sent to UDP 1719 on the inside
# link and those PUBSRC sent on the outside, in order, as many on both.
# CONFIRMED 0: none of the outside ones names SRC.  CONFIRMED 1: the first
# two (GRQ, RRQ, before the RCF) name SRC inside and not outside; every
# later one (keep-alives after the confirming RCF) is byte-identical.
h460_ras() {
	python3 - "$@" <<'PY'
import sys
sys.path.insert(0, "tests/replay")
import pcaptool
def ras(path, src):
    out = []
    for p in pcaptool.packets(path):
        if p["proto"] == 17 and p["dport"] == 1719 and pcaptool.dotted(p["src"]) == src and p["payload"]:
            if (p["payload"][0] >> 2) & 0x1F in (0, 3):
                out.append(p["payload"])
    return out
a = ras(sys.argv[1], sys.argv[2])
b = ras(sys.argv[3], sys.argv[4])
me = bytes(int(o) for o in sys.argv[2].split("."))
named_out = [i for i, x in enumerate(b) if me in x]
if sys.argv[5] == "0":
    print(f"{len(a)} GRQ/RRQ sent inside, {len(b)} outside, {len(named_out)} of them naming {sys.argv[2]}")
    sys.exit(0 if len(a) >= 2 and len(a) == len(b) and not named_out else 1)
same = [i for i in range(min(len(a), len(b))) if a[i] == b[i]]
print(f"{len(a)} GRQ/RRQ sent inside, {len(b)} outside; identical: {same}; "
      f"naming {sys.argv[2]} outside: {named_out}")
ok = (len(a) >= 3 and len(a) == len(b) and all(me in x for x in a[:2]) and not any(me in x for x in b[:2])
      and same == list(range(2, len(a))))
sys.exit(0 if ok else 1)
PY
}

# RAS_PARTS: the parts to run (all by default)
part() { case " ${RAS_PARTS:-1 2 3 4 5} " in *" $1 "*) return 0 ;; esac; return 1; }

lab_gw_start "$CONF" || { bad "meetgate run starts with the RAS configuration"; tail -n 5 "$LAB_DIR/gw.log"; finish; }

# ---- 1. inside endpoints registered outside, called by alias ---------------
if part 1; then
	lab_cap_start p1 150 OUT1 OUT2
	for mode in direct routed; do
		if [ $mode = direct ]; then
			gk_start gk-direct OUT1 $GK1 || bad "direct gatekeeper starts"
			gk=$GK1
		else
			gk_start gk-routed OUT1 $GK2 --routed || bad "routed gatekeeper starts"
			gk=$GK2
		fi
		gkp=$GKPID
		lps=""
		for x in $EPS; do
			h=${x%%:*} r=${x#*:} ip=${r%%:*} al=${r#*:}
			if listen "l-$mode-$al" "$h" "$ip" "$al" $gk --calls 1; then
				ok "$mode: $al ($ip) registers with the outside gatekeeper $gk through the gateway"
			else
				bad "$mode: $al registers with $gk"
				show_fail "l-$mode-$al"
			fi
			lps="$lps $LPID"
		done
		for x in $EPS; do
			r=${x#*:} ip=${r%%:*} al=${r#*:}
			row=$(reg_row "$ip")
			set -- $row
			check "$mode: show registrations: $al, public ${2:-none}, gatekeeper ${3:-none}" \
				[ "${2%:*}" = $PUB -a "${3:-}" = $gk -a "${5:-}" = "$al" ]
		done
		for x in $EPS; do
			al=${x##*:}
			if call "c-$mode-$al" OUT2 "$al" $gk && media_both "$LAB_DIR/c-$mode-$al.json" &&
				model_ok "$LAB_DIR/c-$mode-$al.json" $mode; then
				ok "$mode: OUT2 calls '$al' by alias through $gk (ACF $mode), media both ways (caller rtp $(rtp_of "$LAB_DIR/c-$mode-$al.json"))"
			else
				bad "$mode: OUT2 calls '$al' (caller rtp $(rtp_of "$LAB_DIR/c-$mode-$al.json"))"
				show_fail "c-$mode-$al" "l-$mode-$al"
			fi
		done
		for x in $EPS; do
			al=${x##*:}
			wait_for "$LAB_DIR/l-$mode-$al.out" "unregistered" 100
		done
		for p in $lps; do stop_pid "$p"; done
		for x in $EPS; do
			al=${x##*:}
			check "$mode: the inside endpoint '$al' answered with media both ways (listener rtp $(rtp_of "$LAB_DIR/l-$mode-$al.json"))" \
				media_both "$LAB_DIR/l-$mode-$al.json"
		done
		# what the gatekeeper was told: callSignalAddresses of the gateway only
		stop_pid $gkp
		n_pub=$(grep -c "callSignalAddress $PUB:" "$LAB_DIR/gk-$mode.out")
		n_in=$(grep -c "198\.18\." "$LAB_DIR/gk-$mode.out")
		check "$mode: the gatekeeper saw callSignalAddresses on $PUB ($n_pub RRQs, 3 wanted) and no inside address ($n_in lines)" \
			[ "$n_pub" -ge 3 -a "$n_in" -eq 0 ]
	done
	lab_cap_stop
	if r=$(lab_no_leak p1 100 OUT1 OUT2); then ok "part 1: outside link clean ($r)"; else bad "part 1: outside link: $r"; fi
	n=$(stat_of ras-registered)
	check "part 1: meetgate followed the 6 inside registrations (ras-registered $n)" [ "$n" -ge 6 ]
fi

# ---- 2. a registration not renewed closes the public address ---------------
if part 2; then
	gk_start gk-ttl OUT1 $GK1 --ttl $TTL || bad "gatekeeper with ttl $TTL starts"
	gkp=$GKPID
	exp0=$(stat_of ras-expired)
	# no `timeout` wrapper: the process stopped below must be meetcall itself
	lab_bg IN1 "$MEETCALL" listen --bind 198.18.1.10 --port 1720 --alias alpha --gk $GK1 --calls 0 --timeout 40 \
		>"$LAB_DIR/l-exp.out" 2>&1
	epid=$!
	if wait_for "$LAB_DIR/l-exp.out" "listening on" && wait_for "$LAB_DIR/gk-ttl.out" "callSignalAddress" 20; then
		pubsig=$(sed -n 's/.*aliases alpha, callSignalAddress \([0-9.]*:[0-9]*\),.*/\1/p' "$LAB_DIR/gk-ttl.out" | head -n 1)
		ok "alpha registers with ttl $TTL (public callSignalAddress ${pubsig:-?})"
	else
		pubsig=""
		bad "alpha registers with ttl $TTL"
		show_fail l-exp gk-ttl
	fi
	sleep $TTL # one keep-alive at least
	ka=$(grep -c "RRQ keep-alive" "$LAB_DIR/gk-ttl.out")
	check "alpha's keep-alives cross the gateway and renew it ($ka so far)" [ "$ka" -ge 1 ]
	case "$pubsig" in
	$PUB:*) port=${pubsig#*:} ;;
	*) port="" ;;
	esac
	if [ -n "$port" ]; then
		r=$(lab_py OUT2 tcpconnect $PUB "$port" 2)
		check "while registered, a TCP connect from outside to $PUB:$port is answered ($r)" [ "$r" = connected ]
		row=$(reg_row 198.18.1.10)
		rpub=$(echo "$row" | awk '{ print $2 }')
		left=$(echo "$row" | awk '{ print $4 + 0 }')
		check "show registrations: alpha at ${rpub:-none} (want $PUB:$port), $left s left (at most ttl + grace)" \
			[ "$rpub" = "$PUB:$port" -a -n "$row" -a "${left:-99}" -le $((TTL + GRACE)) ]
		check "the endpoint is still running (its kernel answers SYNs even while it is stopped)" kill -0 "$epid"
		kill -STOP "$epid"
		t0=$(date +%s)
		# past ttl + grace + 2 s of slack, polled, 20 s at most
		i=0
		while [ $i -lt 20 ]; do
			sleep 1
			i=$((i + 1))
			[ $i -ge $((TTL + GRACE + 2)) ] && [ "$(stat_of ras-expired)" -gt "$exp0" ] && break
		done
		r=$(lab_py OUT2 tcpconnect $PUB "$port" 2)
		check "$(($(date +%s) - t0)) s after the keep-alives stopped (ttl $TTL + grace $GRACE), the connect to $PUB:$port gets no answer ($r)" \
			[ "$r" = timeout -o "$r" = refused ]
		n=$(stat_of ras-expired)
		check "meetgate counts the expiry (ras-expired $exp0 -> $n)" [ "$n" -gt "$exp0" ]
		check "meetgate logs the expiry" grep -q "ras-expired" "$LAB_DIR/gw.log"
		row=$(reg_row 198.18.1.10)
		check "show registrations no longer lists alpha (${row:-no row})" [ -z "$row" ]
		kill -CONT "$epid"
	else
		bad "alpha's public callSignalAddress is on $PUB (the gatekeeper saw '${pubsig:-none}')"
	fi
	kill -KILL "$epid" 2>/dev/null
	wait "$epid" 2>/dev/null
	stop_pid $gkp
fi

# ---- 3. a gatekeeper inside, reached through forwards of UDP 1719 (RAS) and
# TCP 1720 (its call signalling, in routed mode) -------------------------------
if part 3; then
	lab_cap_start p3 150 OUT1 OUT2
	for mode in direct routed; do
		if [ $mode = direct ]; then
			gk_start gk-in-$mode IN4 $GKIN || bad "inside gatekeeper ($mode) starts"
		else
			gk_start gk-in-$mode IN4 $GKIN --routed || bad "inside gatekeeper ($mode) starts"
		fi
		gkp=$GKPID
		m="inside $mode"
		if listen l-$mode-in-alpha IN1 198.18.1.10 alpha $GKIN --calls 1; then
			ok "$m: alpha registers with the inside gatekeeper"
		else
			bad "$m: alpha registers with the inside gatekeeper"
			show_fail l-$mode-in-alpha
		fi
		lpa=$LPID
		if listen l-$mode-out-xray OUT1 198.19.0.20 xray $PUB --calls 1; then
			ok "$m: outside endpoint xray registers with the inside gatekeeper through $PUB:1719"
		else
			bad "$m: xray (outside) registers through $PUB:1719"
			show_fail l-$mode-out-xray gk-in-$mode
		fi
		lpx=$LPID
		c=c-$mode-in-to-out
		if call $c IN2 xray $GKIN && media_both "$LAB_DIR/$c.json" && model_ok "$LAB_DIR/$c.json" $mode; then
			ok "$m: bravo (inside) calls xray (outside) by alias (ACF $mode), media both ways (caller rtp $(rtp_of "$LAB_DIR/$c.json"))"
		else
			bad "$m: bravo calls xray (caller rtp $(rtp_of "$LAB_DIR/$c.json"))"
			show_fail $c l-$mode-out-xray gk-in-$mode
		fi
		c=c-$mode-out-to-in
		if call $c OUT2 alpha $PUB && media_both "$LAB_DIR/$c.json" && model_ok "$LAB_DIR/$c.json" $mode; then
			ok "$m: OUT2 calls alpha (inside) by alias through $PUB:1719 (ACF $mode), media both ways (caller rtp $(rtp_of "$LAB_DIR/$c.json"))"
		else
			bad "$m: OUT2 calls alpha (caller rtp $(rtp_of "$LAB_DIR/$c.json"))"
			show_fail $c l-$mode-in-alpha gk-in-$mode
		fi
		wait_for "$LAB_DIR/l-$mode-in-alpha.out" "unregistered" 100
		wait_for "$LAB_DIR/l-$mode-out-xray.out" "unregistered" 100
		for l in l-$mode-in-alpha l-$mode-out-xray; do
			check "$m: $l answered with media both ways (rtp $(rtp_of "$LAB_DIR/$l.json"))" media_both "$LAB_DIR/$l.json"
		done
		stop_pid $lpa
		stop_pid $lpx
		stop_pid $gkp
	done
	lab_cap_stop
	if r=$(lab_no_leak p3 100 OUT1 OUT2); then ok "part 3: outside link clean ($r)"; else bad "part 3: outside link: $r"; fi
fi

# ---- 4. H.460.18: translated until the gatekeeper confirms it -------------
if part 4; then
	t0=$(stat_of h460-translated)
	h0=$(stat_of ras-h460)
	# (a) the gatekeeper does not confirm the feature
	lab_cap_start p4a 60 IN3 OUT1 -- udp port 1719
	gk_start gk-h18a OUT1 $GK1 || bad "gatekeeper for H.460.18 (a) starts"
	gkp=$GKPID
	if listen l-h18a IN3 198.18.1.12 charlie $GK1 --h460-18 --calls 1; then
		ok "H.460.18 (a): charlie registers with GRQ and RRQ naming H.460.18"
	else
		bad "H.460.18 (a): charlie registers"
		show_fail l-h18a
	fi
	stop_pid $LPID
	stop_pid $gkp
	lab_cap_stop
	r=$(h460_ras "$LAB_DIR/p4a-IN3.pcap" 198.18.1.12 "$LAB_DIR/p4a-OUT1.pcap" $PUB 0)
	rc=$?
	check "H.460.18 not confirmed: GRQ and RRQ leave translated ($r)" [ $rc -eq 0 ]
	t1=$(stat_of h460-translated)
	check "H.460.18 not confirmed: counted as h460-translated ($t0 -> $t1), not ras-h460 ($h0 -> $(stat_of ras-h460))" \
		[ "$t1" -ge $((t0 + 2)) ] && [ "$(stat_of ras-h460)" -eq "$h0" ]
	# (b) the gatekeeper's RCF confirms it; ttl 3 s: keep-alives every 2 s
	lab_cap_start p4b 60 IN3 OUT1 -- udp port 1719
	gk_start gk-h18b OUT1 $GK1 --h460-18 --ttl 3 || bad "gatekeeper for H.460.18 (b) starts"
	gkp=$GKPID
	if listen l-h18b IN3 198.18.1.12 charlie $GK1 --h460-18 --calls 0 --timeout 20 &&
		wait_for "$LAB_DIR/l-h18b.out" "keep-alive RRQ -> RCF" 80; then
		sleep 2.2 # a second keep-alive
		ok "H.460.18 confirmed: charlie registers and keeps its registration alive"
	else
		bad "H.460.18 confirmed: charlie registers and sends keep-alives"
		show_fail l-h18b gk-h18b
	fi
	stop_pid $LPID
	stop_pid $gkp
	lab_cap_stop
	r=$(h460_ras "$LAB_DIR/p4b-IN3.pcap" 198.18.1.12 "$LAB_DIR/p4b-OUT1.pcap" $PUB 1)
	rc=$?
	check "H.460.18 confirmed by the RCF: GRQ and RRQ before it translated, the keep-alives after it byte-identical ($r)" \
		[ $rc -eq 0 ]
	h1=$(stat_of ras-h460)
	check "H.460.18 confirmed: the keep-alives counted as passed unmodified (ras-h460 $h0 -> $h1)" [ "$h1" -ge $((h0 + 1)) ]
	check "H.460.18 confirmed: the log says the RCF confirmed it" grep -q "RCF confirms H.460.18 for 198.18.1.12" "$LAB_DIR/gw.log"
fi

# ---- 5. `ras reachable gatekeeper`: only the gatekeeper may connect ---------
if part 5; then
	lab_gw_stop
	sed 's/^timeout registration-grace .*/ras reachable gatekeeper/' "$CONF" >"$LAB_DIR/gw-gk.conf"
	lab_gw_start "$LAB_DIR/gw-gk.conf" || { bad "meetgate run starts with ras reachable gatekeeper"; finish; }
	gk_start gk-reach OUT1 $GK1 || bad "gatekeeper starts"
	gkp=$GKPID
	if listen l-reach IN1 198.18.1.10 alpha $GK1 --calls 0 --timeout 20 &&
		wait_for "$LAB_DIR/gk-reach.out" "callSignalAddress" 20; then
		pubsig=$(sed -n 's/.*aliases alpha, callSignalAddress \([0-9.]*:[0-9]*\),.*/\1/p' "$LAB_DIR/gk-reach.out" | head -n 1)
		ok "reachable gatekeeper: alpha registers (public callSignalAddress ${pubsig:-?})"
	else
		pubsig=""
		bad "reachable gatekeeper: alpha registers"
		show_fail l-reach gk-reach
	fi
	case "$pubsig" in
	$PUB:*)
		port=${pubsig#*:}
		r=$(lab_py OUT2 tcpconnect $PUB "$port" 2)
		check "reachable gatekeeper: OUT2 (not the gatekeeper) connecting to $PUB:$port gets no answer ($r)" \
			[ "$r" = timeout -o "$r" = refused ]
		r=$(lab_py OUT1 tcpconnect $PUB "$port" 2)
		check "reachable gatekeeper: the gatekeeper's host ($GK1) connecting to $PUB:$port is answered ($r)" \
			[ "$r" = connected ]
		;;
	*) bad "reachable gatekeeper: alpha's public callSignalAddress is on $PUB ('${pubsig:-none}')" ;;
	esac
	stop_pid $LPID
	stop_pid $gkp
fi

lab_gw_stop
check "the gateway log holds no sanitizer report" sh -c "! grep -q 'ERROR: AddressSanitizer\|runtime error' '$LAB_DIR/gw.log'"
finish
