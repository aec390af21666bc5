#!/bin/sh
# test_realpeer.sh - H.323 peers' real habits through `meetgate run` in the
# network-namespace lab (tests/lab/lib.sh), with meetcall playing the peers.
# Run as root from the top of the tree.
#
#   control: the same habits with no gateway in the path (hosts of one side
#     talk over their switch), so that a failure below is the gateway's;
#   a. outbound back to back: IN1 calls OUT1 twice from one source port,
#      1 s apart, in every option set, closing with FIN and with RST; and
#      20 calls back to back from one port;
#   b. inbound back to back: OUT1 calls 198.19.0.1:1720 (forwarded to IN1)
#      twice from one source port, every option set;
#   c. hairpin pair: two call legs with the same callIdentifier at once (two
#      inside hosts; one host twice; an inbound and an outbound leg); the
#      first is released after ~1 s, the second must keep media both ways
#      for its 4 s, and the gateway must still hold a live call for it;
#   d. a reachable listener address: IN1 listens on 1720 and calls out with
#      sourceCallSignalAddress port 1720; the callee must see 198.19.0.1:1720
#      (IN1's forward) and its call back must reach IN1; IN2 has no forward:
#      the call back must reach it through whatever the gateway advertised;
#   e. the address a forwarded host speaks from: with three public addresses
#      forwarded to IN1, IN2, IN3, every address a host advertises in an
#      inbound call is its forward's public address, and its outbound calls
#      leave from that address (outside capture).
# Every call must carry media both ways from the negotiated addresses
# (meetcall's exit status), and captures of the outside link must hold no
# inside address in any header or payload.  The test sets no sysctl of the
# gateway's.  Prints "ok - ..." / "FAIL - ..." and
# "lab-realpeer: N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lab/lib.sh
. tests/lab/suite.sh

MEETCALL=${MEETCALL:-build/rel/meetcall}
RUNNING="" # listeners not waited for yet: the only processes stopped at exit
stop_running() {
	for _p in $RUNNING; do kill -TERM "$_p" 2>/dev/null; done
	for _p in $RUNNING; do wait "$_p" 2>/dev/null; done
	RUNNING=""
}
lab_suite_cleanup() {
	stop_running
	cap_stop
}
lab_suite lab-realpeer "$LAB_MEETGATE" "$MEETCALL"
lab_host IN3 pi3 198.18.1.12/24 198.18.1.1 "$LAB_BI" || { bad "third inside host"; finish; }

CONF="$LAB_DIR/gw.conf"
conf() { # public addresses as arguments, forward lines on stdin
	{
		echo "interface inside $LAB_BI"
		echo "interface outside $LAB_BO"
		echo "queue 4"
		echo "control $LAB_DIR/ctl.sock"
		echo "inside 198.18.1.0/24"
		for _a in "$@"; do echo "public $_a"; done
		cat
	} >"$CONF"
}
gw_start() {
	lab_gw_start "$CONF" || { bad "meetgate run starts"; tail -n 5 "$LAB_DIR/gw.log"; finish; }
}
gw_stop() {
	lab_gw_stop || lab_gw_kill
	lab_exec GW nft delete table inet meetgate 2>/dev/null
	return 0
}
show_calls() { lab_exec GW "$LAB_MEETGATE" show calls --socket "$LAB_DIR/ctl.sock" 2>&1; }

# Captures of the outside link on the outside hosts' own interfaces (what
# really crossed the wire), bounded in time (lib.sh's lab_cap_*).
cap_start() { # name [hosts...] (default OUT1 OUT2); files $CAP-HOST.pcap
	CAP_NAME=cap-$1
	CAP="$LAB_DIR/$CAP_NAME"
	shift
	[ $# -gt 0 ] || set -- OUT1 OUT2
	CAP_HOSTS="$*"
	lab_cap_start "$CAP_NAME" 150 "$@" -- ip
}
cap_stop() { lab_cap_stop; }
# no 198.18.1.x in any header or TCP/UDP payload of the capture, and traffic
no_leak() { # label
	cap_stop
	# shellcheck disable=SC2086
	if _nl_r=$(lab_no_leak "$CAP_NAME" 51 $CAP_HOSTS); then
		ok "$1: outside link clean ($_nl_r)"
	else
		bad "$1: outside link: $_nl_r"
	fi
}
# the source addresses in a capture, but one's own
sources() { # pcap own-address
	python3 - "$1" "$2" <<'PY'
import sys
sys.path.insert(0, "tests/replay")
import pcaptool
me = bytes(int(x) for x in sys.argv[2].split("."))
print(" ".join(sorted({".".join(map(str, p["src"])) for p in pcaptool.packets(sys.argv[1]) if p["src"] != me})))
PY
}

# listen NAME HOST IP SECONDS [meetcall options...]: a callee in the
# background, bounded by SECONDS (--timeout: it then reports what it has);
# report $LAB_DIR/NAME.json, output NAME.log; returns once it listens
listen() {
	_l_n=$1 _l_h=$2 _l_ip=$3 _l_t=$4 _l_i=0
	shift 4
	rm -f "$LAB_DIR/$_l_n.log" "$LAB_DIR/$_l_n.json"
	ip netns exec "$(lab_ns "$_l_h")" timeout $((_l_t + 10)) "$MEETCALL" listen --bind "$_l_ip" --port 1720 \
		--timeout "$_l_t" --report "$LAB_DIR/$_l_n.json" "$@" >"$LAB_DIR/$_l_n.log" 2>&1 &
	LISTEN_PID=$!
	RUNNING="$RUNNING $LISTEN_PID"
	while [ $_l_i -lt 30 ] && ! grep -q "^listening" "$LAB_DIR/$_l_n.log" 2>/dev/null; do
		sleep 0.1
		_l_i=$((_l_i + 1))
	done
}
# wait_ok PID [GRACE]: a listener's exit status; one still running GRACE
# seconds (default 5) later is stopped, and fails
wait_ok() {
	_w_i=0
	case " $RUNNING " in *" $1 "*) ;; *) return 1 ;; esac
	while [ $_w_i -lt "$((${2:-5} * 10))" ] && kill -0 "$1" 2>/dev/null; do
		sleep 0.1
		_w_i=$((_w_i + 1))
	done
	kill -TERM "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	_w_rc=$?
	RUNNING=$(echo "$RUNNING" | tr ' ' '\n' | grep -vx "$1" | tr '\n' ' ')
	return $_w_rc
}
# call NAME HOST TARGET [meetcall options...]: meetcall's exit status
call() {
	_c_n=$1 _c_h=$2 _c_t=$3
	shift 3
	lab_exec "$_c_h" timeout 40 "$MEETCALL" call "$_c_t" --report "$LAB_DIR/$_c_n.json" "$@" >"$LAB_DIR/$_c_n.log" 2>&1
}
# what went wrong, on one line: failed calls and totals of the given runs
why() { # NAME...
	for _y_n in "$@"; do
		[ -f "$LAB_DIR/$_y_n.log" ] || continue
		grep -hE "FAIL|^total|cannot|meetcall:" "$LAB_DIR/$_y_n.log" | sed "s/^/[$_y_n] /" | head -n 4
	done | tr '\n' ' '
}
# json NAME EXPR: a Python expression over the report `r` of run NAME
json() {
	python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print($2)" "$LAB_DIR/$1.json" 2>/dev/null
}
optname() { if [ -n "$1" ]; then echo "$1"; else echo "fastStart+tunnelling"; fi; }
OPTSETS="-|--no-tunnel|--no-faststart|--no-faststart --no-tunnel" # "-": none

# back2back NAME CALLER TARGET CALLEE-HOST CALLEE-IP SPORT CLOSE [opts...]:
# two calls from one source port, 1 s apart
back2back() {
	_b_n=$1 _b_ch=$2 _b_t=$3 _b_lh=$4 _b_lip=$5 _b_sp=$6 _b_cl=$7
	shift 7
	listen "$_b_n-l" "$_b_lh" "$_b_lip" 7 --calls 2 --close "$_b_cl" "$@"
	_b_lp=$LISTEN_PID
	call "$_b_n-c" "$_b_ch" "$_b_t" --calls 2 --sport "$_b_sp" --gap 1 --duration 1 --timeout 3 --close "$_b_cl" "$@"
	_b_crc=$?
	if [ $_b_crc -eq 0 ]; then wait_ok "$_b_lp"; else wait_ok "$_b_lp" 0; fi || _b_crc=1
	return $_b_crc
}

# ======================================================================
# control: no gateway in the path
# ======================================================================
if back2back k1 IN1 198.18.1.11 IN2 198.18.1.11 31001 fin; then
	ok "control, no gateway: 2 calls IN1 -> IN2 from one source port 1 s apart, --close fin"
else
	bad "control, no gateway: back to back --close fin: $(why k1-c k1-l)"
fi
if back2back k2 IN1 198.18.1.11 IN2 198.18.1.11 31002 rst --no-faststart --no-tunnel; then
	ok "control, no gateway: 2 calls IN1 -> IN2 from one source port 1 s apart, --close rst, no fastStart, separate H.245"
else
	bad "control, no gateway: back to back --close rst: $(why k2-c k2-l)"
fi
listen k20-l OUT2 198.19.0.21 20 --calls 20 --quiet
LP=$LISTEN_PID
if call k20-c OUT1 198.19.0.21 --calls 20 --sport 31020 --duration 0.5 --timeout 2 --quiet && wait_ok $LP; then
	ok "control, no gateway: 20 calls OUT1 -> OUT2 back to back from one source port"
else
	wait_ok $LP 0
	bad "control, no gateway: 20 back to back: $(why k20-c k20-l)"
fi
listen kd-in IN1 198.18.1.10 9 --calls 1
P1=$LISTEN_PID
listen kd-cb IN2 198.18.1.11 9 --calls 1 --call-back --duration 2
P2=$LISTEN_PID
call kd-c IN1 198.18.1.11 --advertise-port 1720 --duration 4
CRC=$?
wait_ok $P2
R2=$?
wait_ok $P1
R1=$?
SRC=$(json kd-cb "' '.join(c['setup_source'] for c in r['calls'] if not c['call_back'])")
if [ $CRC -eq 0 ] && [ $R1 -eq 0 ] && [ $R2 -eq 0 ] && [ "$SRC" = "198.18.1.10:1720" ]; then
	ok "control, no gateway: --advertise-port 1720 seen as $SRC, listen --call-back called IN1 back there"
else
	bad "control, no gateway: call back (caller $CRC, called back $R1, calling back $R2, source '$SRC'): $(why kd-c kd-cb kd-in)"
fi

# ======================================================================
# the gateway as in test_calls.sh: two public addresses, two forwards
# ======================================================================
conf 198.19.0.1 198.19.0.2 <<EOF
forward tcp 198.19.0.1:1720 to 198.18.1.10:1720
forward tcp 198.19.0.2:1720 to 198.18.1.11:1720
EOF
gw_start

# --- a. outbound back to back from one source port
cap_start a
N=0
for CL in fin rst; do
	IFS='|'
	for OPTS in $OPTSETS; do
		unset IFS
		[ "$OPTS" = "-" ] && OPTS=""
		N=$((N + 1))
		# shellcheck disable=SC2086
		if back2back "a$N" IN1 198.19.0.20 OUT1 198.19.0.20 $((32000 + N)) $CL $OPTS; then
			ok "a. outbound: 2 calls from one source port 1 s apart, --close $CL, $(optname "$OPTS")"
		else
			bad "a. outbound back to back, --close $CL, $(optname "$OPTS"): $(why "a$N-c" "a$N-l")"
		fi
	done
done
unset IFS
listen a20-l OUT1 198.19.0.20 20 --calls 20 --quiet
LP=$LISTEN_PID
# bounded as a whole: a gateway that stalls every call would cost 20 timeouts
if lab_exec IN1 timeout 20 "$MEETCALL" call 198.19.0.20 --calls 20 --sport 32020 --duration 0.5 --timeout 2 \
	--quiet --report "$LAB_DIR/a20-c.json" >"$LAB_DIR/a20-c.log" 2>&1 && wait_ok $LP; then
	ok "a. outbound: 20 calls back to back from one source port"
else
	wait_ok $LP 0
	bad "a. outbound: 20 back to back: $(why a20-c a20-l)"
fi
no_leak "a. outbound back to back"

# --- b. inbound back to back through the forward
cap_start b
N=0
IFS='|'
for OPTS in $OPTSETS; do
	unset IFS
	[ "$OPTS" = "-" ] && OPTS=""
	N=$((N + 1))
	# shellcheck disable=SC2086
	if back2back "b$N" OUT1 198.19.0.1 IN1 198.18.1.10 $((33000 + N)) fin $OPTS; then
		ok "b. inbound via forward: 2 calls from one source port 1 s apart, $(optname "$OPTS")"
	else
		bad "b. inbound back to back, $(optname "$OPTS"): $(why "b$N-c" "b$N-l")"
	fi
done
unset IFS
no_leak "b. inbound back to back"

# --- c. two call legs with the same callIdentifier at once
gw_stop
gw_start
cap_start c
CID=5ca11ab1ec0ffee0000000000000c0de
# pairc LABEL  SHORT-LEG: HOST TARGET CALLEE-HOST CALLEE-IP  LONG-LEG: the same.
# The short leg is placed first and released after 1 s; the long one,
# placed 0.3 s later with the same callIdentifier, must keep media both
# ways for 4 s, and 2.5 s into it (the short leg gone) the gateway must
# list a call of this pair that is not released.  The second check matters:
# meetcall's RTP is symmetric, so media flows that exist already survive a
# gateway that ended the call (pinholes closed, bindings released) under a
# leg that still runs; any new channel of that leg would not.
pairc() {
	_p_lab=$1
	listen c-sl "$4" "$5" 8 --calls 1
	_p_sp=$LISTEN_PID
	listen c-ll "$8" "$9" 8 --calls 1
	_p_lp=$LISTEN_PID
	_p_before=$(show_calls | awk 'NR > 1 { print $1 }' | tr '\n' ' ')
	call c-s "$2" "$3" --call-id $CID --duration 1 --timeout 6 &
	_p_sc=$!
	sleep 0.3
	call c-l "$6" "$7" --call-id $CID --duration 4 --timeout 8 &
	_p_lc=$!
	sleep 2.5
	show_calls >"$LAB_DIR/c-calls.txt"
	_p_live=$(awk -v before=" $_p_before " 'NR > 1 && index(before, " " $1 " ") == 0 && $2 != "released"' \
		"$LAB_DIR/c-calls.txt" | wc -l)
	wait $_p_lc
	_p_lrc=$?
	wait $_p_sc
	_p_src=$?
	wait_ok $_p_sp
	_p_sprc=$?
	wait_ok $_p_lp
	_p_lprc=$?
	if [ $_p_src -eq 0 ] && [ $_p_sprc -eq 0 ] && [ $_p_lrc -eq 0 ] && [ $_p_lprc -eq 0 ]; then
		ok "c. same callIdentifier, $_p_lab: the first leg ends after 1 s, the second keeps media both ways for 4 s"
	else
		bad "c. same callIdentifier, $_p_lab: first leg caller $_p_src callee $_p_sprc, second leg caller $_p_lrc callee $_p_lprc: $(why c-s c-sl c-l c-ll)"
	fi
	if [ "$_p_live" -ge 1 ]; then
		ok "c. same callIdentifier, $_p_lab: the gateway keeps a live call for the second leg"
	else
		bad "c. same callIdentifier, $_p_lab: the second leg runs but the gateway holds no live call for it (its pinholes and bindings are gone): $(tr -s ' \n' ' ' <"$LAB_DIR/c-calls.txt")"
	fi
}
pairc "IN1 -> OUT1 and IN2 -> OUT2" IN1 198.19.0.20 OUT1 198.19.0.20 IN2 198.19.0.21 OUT2 198.19.0.21
pairc "IN1 -> OUT1 and IN1 -> OUT2" IN1 198.19.0.20 OUT1 198.19.0.20 IN1 198.19.0.21 OUT2 198.19.0.21
pairc "inbound OUT1 -> IN1, outbound IN1 -> OUT2" OUT1 198.19.0.1 IN1 198.18.1.10 IN1 198.19.0.21 OUT2 198.19.0.21
no_leak "c. same callIdentifier"
gw_stop

# ======================================================================
# d. a reachable listener address: a forward for IN1 only
# ======================================================================
conf 198.19.0.1 198.19.0.2 <<EOF
forward tcp 198.19.0.1:1720 to 198.18.1.10:1720
EOF
gw_start
cap_start d
# callback NAME HOST IP: HOST listens on 1720 and calls OUT1 advertising
# port 1720; OUT1 answers and calls back where the Setup told it to
callback() {
	listen "$1-in" "$2" "$3" 8 --calls 1
	_cb_ip=$LISTEN_PID
	listen "$1-out" OUT1 198.19.0.20 8 --calls 1 --call-back --duration 2
	_cb_op=$LISTEN_PID
	call "$1-c" "$2" 198.19.0.20 --advertise-port 1720 --duration 4 --timeout 8
	CB_CALL=$?
	wait_ok $_cb_op 6
	CB_OUT=$?
	wait_ok $_cb_ip 1
	CB_IN=$?
	CB_SRC=$(json "$1-out" "' '.join(c['setup_source'] for c in r['calls'] if not c['call_back'])")
	CB_BACK=$(json "$1-out" "' '.join(c['target'] + (' ok' if c['ok'] else ' FAIL: ' + c['error']) for c in r['calls'] if c['call_back'])")
}
callback d1 IN1 198.18.1.10
if [ "$CB_SRC" = "198.19.0.1:1720" ]; then
	ok "d. IN1 advertises 198.18.1.10:1720: OUT1 sees sourceCallSignalAddress 198.19.0.1:1720 (IN1's forward)"
else
	bad "d. IN1 advertises 198.18.1.10:1720: OUT1 sees sourceCallSignalAddress '$CB_SRC', not 198.19.0.1:1720"
fi
if [ $CB_CALL -eq 0 ] && [ $CB_OUT -eq 0 ] && [ $CB_IN -eq 0 ]; then
	ok "d. OUT1 calls IN1 back at $CB_BACK with media both ways, during IN1's call"
else
	bad "d. call back to IN1 (IN1's call $CB_CALL, OUT1 $CB_OUT, IN1's listener $CB_IN; call back to '$CB_BACK')"
fi
callback d2 IN2 198.18.1.11
case "$CB_SRC" in
198.19.0.[12]:*) ok "d. IN2 (no forward) advertises 198.18.1.11:1720: OUT1 sees a public address, $CB_SRC" ;;
*) bad "d. IN2 (no forward) advertises 198.18.1.11:1720: OUT1 sees '$CB_SRC'" ;;
esac
if [ $CB_CALL -eq 0 ] && [ $CB_OUT -eq 0 ] && [ $CB_IN -eq 0 ]; then
	ok "d. OUT1 calls IN2 (no forward) back at $CB_BACK through a pinhole, media both ways"
else
	bad "d. call back to IN2 without a forward (IN2's call $CB_CALL, OUT1 $CB_OUT, IN2's listener $CB_IN; call back to '$CB_BACK')"
fi
no_leak "d. call backs"
gw_stop

# ======================================================================
# e. three public addresses, each forwarded to one inside host
# ======================================================================
conf 198.19.0.1 198.19.0.2 198.19.0.3 <<EOF
forward tcp 198.19.0.1:1720 to 198.18.1.10:1720
forward tcp 198.19.0.2:1720 to 198.18.1.11:1720
forward tcp 198.19.0.3:1720 to 198.18.1.12:1720
EOF
gw_start
cap_start e
# inbound: every address the forwarded host advertises, as the caller sees it
for HP in "IN1 198.18.1.10 198.19.0.1" "IN2 198.18.1.11 198.19.0.2 --no-tunnel" \
	"IN3 198.18.1.12 198.19.0.3 --no-faststart --no-tunnel"; do
	# shellcheck disable=SC2086
	set -- $HP
	H=$1 IP=$2 PUB=$3
	shift 3
	listen "e-$H-l" "$H" "$IP" 6 --calls 1 "$@"
	LP=$LISTEN_PID
	call "e-$H-c" OUT1 "$PUB" --duration 1.5 --timeout 5 "$@"
	CRC=$?
	wait_ok $LP 2
	LRC=$?
	ADV=$(json "e-$H-c" "' '.join(sorted({a['addr'].split(':')[0] for c in r['calls'] for a in c['peer_addresses']}))")
	LIST=$(json "e-$H-c" "' '.join(a['field'] + '=' + a['addr'] for c in r['calls'] for a in c['peer_addresses'])")
	if [ $CRC -eq 0 ] && [ $LRC -eq 0 ] && [ "$ADV" = "$PUB" ]; then
		ok "e. OUT1 calls $PUB ($H): every address $H advertises is $PUB ($LIST)"
	else
		bad "e. OUT1 calls $PUB ($H): advertised $LIST, want only $PUB (caller $CRC, callee $LRC) $(why "e-$H-c" "e-$H-l")"
	fi
done
no_leak "e. inbound to three forwarded hosts"
# outbound: a forwarded host's call leaves from its forward's public address
for HP in "IN1 198.19.0.1" "IN2 198.19.0.2" "IN3 198.19.0.3"; do
	# shellcheck disable=SC2086
	set -- $HP
	H=$1 PUB=$2
	cap_start "e-$H" OUT1
	listen "e-$H-ol" OUT1 198.19.0.20 6 --calls 1 --no-tunnel
	LP=$LISTEN_PID
	call "e-$H-oc" "$H" 198.19.0.20 --duration 1.5 --timeout 5 --no-tunnel
	CRC=$?
	wait_ok $LP 2
	LRC=$?
	cap_stop
	SRC=$(sources "$CAP-OUT1.pcap" 198.19.0.20)
	ADV=$(json "e-$H-ol" "' '.join(sorted({a['addr'].split(':')[0] for c in r['calls'] for a in c['peer_addresses'] if a['field'] != 'destCallSignalAddress'}))")
	if [ $CRC -eq 0 ] && [ $LRC -eq 0 ] && [ "$SRC" = "$PUB" ] && [ "$ADV" = "$PUB" ]; then
		ok "e. $H calls OUT1 from $PUB (packets and advertised addresses)"
	else
		bad "e. $H calls OUT1: packets from '$SRC', advertised '$ADV', want $PUB (caller $CRC, callee $LRC) $(why "e-$H-oc" "e-$H-ol")"
	fi
	no_leak "e. $H calls out"
done
gw_stop

if grep -aqE "AddressSanitizer|runtime error" "$LAB_DIR/gw.log"; then
	bad "sanitizer report in the gateway log"
	grep -aE "AddressSanitizer|runtime error" "$LAB_DIR/gw.log" | head -5
fi
finish
