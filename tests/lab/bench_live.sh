#!/bin/sh
# bench_live.sh - `make bench-live`: media through the live gateway, three
# data paths compared in one run of the network-namespace lab:
#   kernel   the Linux kernel's own NAT (nft masquerade, no helper)
#   nfqueue  meetgate run, default data path (NFQUEUE)
#   afxdp    meetgate run with `datapath afxdp` (skipped, with the reason,
#            when meetgate refuses the line or logs "datapath afxdp unavailable")
# Per path: a few H.323 calls with media are placed first (IN2 -> OUT2, held
# through the load, so the gateway carries their pinholes while loaded; on
# the meetgate paths their media ports are read from the pinhole table and,
# after the steps below, one more step at 50 % adds load on those flows too,
# a twentieth of the rate both ways, and reports their delivery);
# BENCH_FLOWS (default 1000) inside flows IN1 -> OUT1 are learned as NAT
# bindings, then both directions run at once (IN1 -> OUT1 and OUT1 -> every
# binding) in offered-load steps rising past saturation, BENCH_SECS each
# (default 2).  Per step: offered and delivered pps, loss; saturation = the
# best delivered rate; machine CPU per delivered packet at that step (whole
# machine busy time from /proc/stat, softirq included, generator included);
# then one step at 50 % of saturation for latency p50/p99 (send to receive,
# both directions merged).  Ends with one table, a row per path, and the H.323
# call-setup rate through meetgate.  It measures; it asserts nothing.
# Run as root from the top of the tree; about 2 minutes at the defaults.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lab/lib.sh
. tests/lab/bench_lib.sh

BL_SECS=${BENCH_SECS:-2}
BL_FLOWS=${BENCH_FLOWS:-1000}
STEPS=${BENCH_STEPS:-25000 50000 100000 200000 400000 800000}
MEETCALL=build/rel/meetcall
CALLS=${BENCH_CALLS:-4}
GW_NICE=$(sed -n 's/^Nice=//p' contrib/meetgate.service.in)
GW_NICE=${GW_NICE:-0}
for b in "$LAB_MEETGATE" "$BL_LOAD" "$MEETCALL"; do
	[ -x "$b" ] || { echo "bench-live: $b not built"; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "bench-live: needs root"; exit 1; }
case "$BL_FLOWS" in '' | *[!0-9]*) echo "bench-live: BENCH_FLOWS '$BL_FLOWS' is not a number"; exit 1 ;; esac
[ "$BL_FLOWS" -ge 1 ] && [ "$BL_FLOWS" -le 2000 ] || { echo "bench-live: BENCH_FLOWS 1..2000"; exit 1; }
T_START=$(date +%s)
trap 'lab_down' EXIT
trap 'exit 1' INT TERM
lab_up || exit 1
bl_init || { echo "bench-live: lab set-up for the load failed"; exit 1; }

write_conf() { # FILE [extra line]
	cat >"$1" <<EOC
interface inside $LAB_BI
interface outside $LAB_BO
queue 5
control $LAB_DIR/ctl.sock
inside 198.18.1.0/24
public 198.19.0.1
allow outbound any
log-rate 0
${2:-}
EOC
}
write_conf "$LAB_DIR/nfq.conf"
write_conf "$LAB_DIR/afxdp.conf" "datapath afxdp"

# Calls held through the load of one path: OUT2 answers, IN2 calls; media
# (RTP/RTCP every 20 ms) both ways for the whole load.  Bounded by timeout.
CALL_SECS=$(awk -v s="$BL_SECS" -v n="$(echo $STEPS | wc -w)" 'BEGIN { printf "%d", (n + 2) * (s + 1.6) + 2 }')
calls_start() {
	lab_exec OUT2 timeout $((CALL_SECS + 20)) "$MEETCALL" listen --bind 198.19.0.21 --port 1720 \
		--calls "$CALLS" --timeout $((CALL_SECS + 15)) --quiet >"$LAB_DIR/listen.txt" 2>&1 &
	CALL_LP=$!
	LAB_BG_PIDS="$LAB_BG_PIDS $CALL_LP"
	sleep 0.3
	lab_exec IN2 timeout $((CALL_SECS + 20)) "$MEETCALL" call 198.19.0.21 --calls "$CALLS" \
		--concurrent "$CALLS" --duration "$CALL_SECS" --timeout $((CALL_SECS + 15)) >"$LAB_DIR/calls.txt" 2>&1 &
	CALL_CP=$!
	LAB_BG_PIDS="$LAB_BG_PIDS $CALL_CP"
	sleep 1
}
calls_end() { # -> CALLS_OK ("ok/placed")
	wait "$CALL_CP" 2>/dev/null
	kill -TERM "$CALL_LP" 2>/dev/null
	wait "$CALL_LP" 2>/dev/null
	_ok=$(sed -n 's/^total: [0-9]* calls, \([0-9]*\) ok.*/\1/p' "$LAB_DIR/calls.txt")
	CALLS_OK="${_ok:-0}/$CALLS"
	echo "   calls: $(grep '^total:' "$LAB_DIR/calls.txt" || echo 'no total line from meetcall')"
}

TAG=100
# run_path NAME SPORT_BASE -> row in $LAB_DIR/table
run_path() {
	_name=$1
	bl_background 1
	echo "   machine busy before the load (other work on the box): $BL_BG_JPS jiffies/s of $((2 * BL_HZ)) (HZ $BL_HZ, $(nproc) CPUs)"
	if [ -n "${LAB_GW_PID:-}" ]; then
		# as the installed unit runs it (contrib/meetgate.service.in, Nice=-10):
		# the kernel's own path forwards in softirq, ahead of every process;
		# at nice 0 the load generators would take meetgate's CPU
		renice -n "$GW_NICE" -p "$LAB_GW_PID" >/dev/null
		echo "   meetgate runs at nice $GW_NICE, as the installed systemd unit starts it"
	fi
	calls_start
	if [ -n "${LAB_GW_PID:-}" ]; then
		bl_call_flows "$LAB_DIR/ctl.sock"
		_cl=$("$LAB_MEETGATE" show calls --socket "$LAB_DIR/ctl.sock" 2>/dev/null | grep -c 198.19.0.21)
		echo "   meetgate holds $_cl calls; $BL_CALL_N media streams (RTP, RTCP) of them get load both ways through their pinholes"
	else
		bl_call_flows ""
		echo "   calls placed; the kernel has no H.323 helper, so their ports are not known here and get no load"
	fi
	# the saturation and latency steps run the same generators on every path
	# (IN1 <-> OUT1 through the NAT bindings); the calls' media through their
	# pinholes get one step of their own after them
	_calln=${BL_CALL_N:-0}
	BL_CALL_N=0
	TAG=$((TAG + 1))
	bl_learn "$2" $TAG
	echo "   learned $BL_LEARNED of $BL_FLOWS NAT bindings (OUT1 saw them)"
	_best=0 _bcpu="-" _bnet="-" _bgw="-"
	echo "   offered step  offered pps  delivered pps   loss   behind  machine us/pkt  net of background  gw-process us/pkt"
	for _step in $STEPS; do
		TAG=$((TAG + 1))
		bl_step "$_step" $TAG
		_cpu=$(bl_us_per_pkt "$BL_BUSY" "$BL_RECV")
		_net=$(bl_us_per_pkt "$BL_NETJ" "$BL_RECV")
		_gw="-"
		[ -n "${LAB_GW_PID:-}" ] && _gw=$(bl_us_per_pkt "$BL_GWJ" "$BL_RECV")
		printf "   %12s %12s %14s %5s%% %8s %15s %18s %18s\n" "$_step" "$BL_OPPS" "$BL_DPPS" "$BL_LOSS" "$BL_BEHIND" \
			"$_cpu" "$_net" "$_gw"
		if [ "$BL_DPPS" -gt "$_best" ]; then
			_best=$BL_DPPS _bcpu=$_cpu _bnet=$_net _bgw=$_gw
		fi
	done
	_p50="-" _p99="-"
	if [ "$_best" -gt 0 ]; then
		TAG=$((TAG + 1))
		_half=$((_best / 2))
		rm -f "$LAB_DIR"/lat.*
		bl_step "$_half" $TAG "$LAB_DIR/lat"
		"$BL_LOAD" hist "$LAB_DIR"/lat.* >"$LAB_DIR/lat.txt"
		_p50=$(bl_kv p50_us "$LAB_DIR/lat.txt")
		_p99=$(bl_kv p99_us "$LAB_DIR/lat.txt")
		echo "   latency at $_half pps (50 % of saturation; delivered $BL_DPPS, loss $BL_LOSS%): p50 $_p50 us, p99 $_p99 us, max $(bl_kv max_us "$LAB_DIR/lat.txt") us"
		if [ "$_calln" -gt 0 ]; then
			BL_CALL_N=$_calln
			TAG=$((TAG + 1))
			bl_step "$_half" $TAG
			_cs=$(cat "$LAB_DIR"/step/s_cin.txt "$LAB_DIR"/step/s_cout.txt 2>/dev/null | sed -n 's/.*sent=\([0-9]*\).*/\1/p' | awk '{ n += $1 } END { print n + 0 }')
			_cr=$(cat "$LAB_DIR"/step/r_cin.txt "$LAB_DIR"/step/r_cout.txt 2>/dev/null | sed -n 's/.*pkts=\([0-9]*\).*/\1/p' | awk '{ n += $1 } END { print n + 0 }')
			echo "   the same load plus the calls' $_calln media streams through their pinholes: delivered $BL_DPPS pps in all (loss $BL_LOSS%); call media $_cr of $_cs packets"
			BL_CALL_N=0
		fi
	fi
	calls_end
	echo "$_name $_best $_bcpu $_bnet $_p50 $_p99 $CALLS_OK $_bgw" >>"$LAB_DIR/table"
}

echo "== load: $BL_FLOWS flows each way, 172-byte datagrams (G.711 RTP size), $BL_SECS s per step, both directions at once"
echo "== steps (aggregate pps, half each way): $STEPS; $CALLS H.323 calls held through each path's load"
echo "   (behind: packets the senders could not send on schedule; on veth the first hops' receive work, the"
echo "   kernel path's forwarding included, runs in the sender's own context, so that path slows the senders"
echo "   down instead of dropping; machine us/pkt: busy time of all CPUs, generator included, per delivered packet)"

echo "== path kernel: nft masquerade, no helper"
lab_masq_start
run_path kernel 10000
lab_masq_stop

echo "== path nfqueue: meetgate run (NFQUEUE)"
if lab_gw_start "$LAB_DIR/nfq.conf"; then
	run_path nfqueue 12000
	echo "== H.323 call setups through meetgate (meetcall load mode: 200 calls, up to 64 at once, 0.2 s of media each)"
	lab_bg OUT1 sh -c "exec $MEETCALL listen --bind 198.19.0.20 --port 1720 --calls 200 --timeout 80 --quiet \
		>$LAB_DIR/setups_listen.txt 2>&1"
	sleep 0.3
	t0=$(date +%s.%N)
	lab_exec IN1 timeout 90 "$MEETCALL" call 198.19.0.20 --calls 200 --concurrent 64 --duration 0.2 --quiet \
		>"$LAB_DIR/setups.txt" 2>&1
	t1=$(date +%s.%N)
	okc=$(sed -n 's/^total: [0-9]* calls, \([0-9]*\) ok.*/\1/p' "$LAB_DIR/setups.txt")
	awk -v a="$t0" -v b="$t1" -v n="${okc:-0}" 'BEGIN { printf "   %d calls with media both ways in %.1f s: %.1f calls/s (each with 0.2 s of media)\n", n, b - a, n / (b - a) }'
	tail -n 1 "$LAB_DIR/setups.txt" | sed 's/^/   /'
	lab_gw_stop
else
	echo "   skipped: meetgate did not start"
	echo "nfqueue skipped" >>"$LAB_DIR/table"
fi
lab_exec GW nft delete table inet meetgate 2>/dev/null

echo "== path afxdp: meetgate run with 'datapath afxdp'"
AFX_WHY=""
_l0=$(wc -l <"$LAB_DIR/gw.log")
if ! lab_gw_start "$LAB_DIR/afxdp.conf" 2>/dev/null; then
	AFX_WHY="meetgate refused it: $(tail -n +$((_l0 + 1)) "$LAB_DIR/gw.log" | grep -v '^$' | tail -n 1)"
elif sleep 0.5 && tail -n +$((_l0 + 1)) "$LAB_DIR/gw.log" | grep -q 'datapath afxdp unavailable'; then
	AFX_WHY="the gateway log says: $(tail -n +$((_l0 + 1)) "$LAB_DIR/gw.log" | grep 'datapath afxdp unavailable' | head -n 1)"
	lab_gw_stop
fi
if [ -z "$AFX_WHY" ]; then
	run_path afxdp 14000
	lab_gw_stop
else
	echo "   skipped: $AFX_WHY"
	echo "afxdp skipped" >>"$LAB_DIR/table"
fi
lab_exec GW nft delete table inet meetgate 2>/dev/null

echo "== summary ($BL_FLOWS flows each way, both directions; CPU = whole machine per delivered packet at saturation)"
awk '
	$2 == "skipped" { printf "%-8s %14s\n", $1, "skipped"; next }
	{ printf "%-8s %14s %11s %11s %9s %9s %9s %15s\n", $1, $2, $3, $4, $5, $6, $7, $8; pps[$1] = $2; cpu[$1] = $3 }
	BEGIN { printf "%-8s %14s %11s %11s %9s %9s %9s %15s\n", "path", "saturated pps", "CPU us/pkt", "(net of bg)", "p50 us", "p99 us", "calls ok", "gw-proc us/pkt" }
	END {
		r = ("afxdp" in pps && pps["kernel"] > 0) ? sprintf("%.2f", pps["afxdp"] / pps["kernel"]) : "n/a"
		c = ("afxdp" in cpu && cpu["kernel"] > 0) ? sprintf("%.2f", cpu["afxdp"] / cpu["kernel"]) : "n/a"
		printf "AF_XDP / kernel: pps %s, CPU per packet %s\n", r, c
		if ("nfqueue" in pps && pps["kernel"] > 0)
			printf "NFQUEUE / kernel: pps %.2f, CPU per packet %.2f\n", pps["nfqueue"] / pps["kernel"], cpu["nfqueue"] / cpu["kernel"]
	}' "$LAB_DIR/table"
echo "bench-live: $(($(date +%s) - T_START)) s"
