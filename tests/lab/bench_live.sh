#!/bin/sh
# bench_live.sh - `make bench-live`: media through the live gateway.
#
# In the network-namespace lab, one UDP sender (IN1, 172-byte datagrams:
# G.711 RTP size) and one receiver (OUT1) measure, in the same run:
#   - packets per second delivered through `meetgate run` and through the
#     Linux kernel's own NAT (masquerade, no helper), and their ratio;
#   - CPU per packet: the whole machine's busy time per delivered packet
#     for both, and meetgate's own process time per packet;
#   - delivered rate under rising offered load (no collapse when overloaded);
#   - H.323 call setups per second through meetgate (meetcall load mode).
# It measures; it asserts nothing.  Run as root from the top of the tree.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lab/lib.sh

SECS=${BENCH_SECS:-4}
BLAST=build/rel/udpblast
MEETCALL=build/rel/meetcall
for b in "$LAB_MEETGATE" "$BLAST" "$MEETCALL"; do
	[ -x "$b" ] || { echo "bench-live: $b not built"; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "bench-live: needs root"; exit 1; }
trap 'lab_down' EXIT
trap 'exit 1' INT TERM
lab_up || exit 1

CONF="$LAB_DIR/gw.conf"
cat >"$CONF" <<EOC
interface inside $LAB_BI
interface outside $LAB_BO
queue 5
control $LAB_DIR/ctl.sock
inside 198.18.1.0/24
public 198.19.0.1
allow outbound any
log-rate 0
EOC

busy_jiffies() { awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat; }
proc_jiffies() { awk '{print $14+$15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
hz=$(getconf CLK_TCK)

# run_flow PPS -> sets DELIVERED, RATE, BUSY (machine jiffies), GWJ (gateway jiffies)
run_flow() {
	lab_exec OUT1 "$BLAST" recv 198.19.0.20 5004 $((SECS + 2)) >"$LAB_DIR/recv.txt" &
	rp=$!
	sleep 0.3
	b0=$(busy_jiffies)
	g0=$(proc_jiffies "${LAB_GW_PID:-0}")
	lab_exec IN1 "$BLAST" send 198.19.0.20 5004 "$SECS" 172 "$1" >"$LAB_DIR/send.txt"
	b1=$(busy_jiffies)
	g1=$(proc_jiffies "${LAB_GW_PID:-0}")
	wait $rp
	DELIVERED=$(awk '{print $2}' "$LAB_DIR/recv.txt")
	RATE=$(awk '{print $6}' "$LAB_DIR/recv.txt" | tr -d '(')
	OFFERED=$(awk '{print $6}' "$LAB_DIR/send.txt" | tr -d '(')
	BUSY=$((b1 - b0))
	GWJ=$((g1 - g0))
}
per_pkt_us() { # jiffies packets
	awk -v j="$1" -v n="$2" -v hz="$hz" 'BEGIN { if (n > 0) printf "%.2f", j / hz * 1e6 / n; else print "-" }'
}

echo "== media through the lab: one UDP flow IN1 -> OUT1, 172-byte datagrams, ${SECS} s per run"
lab_gw_start "$CONF" || { echo "bench-live: meetgate did not start"; exit 1; }
run_flow 0
MG_RATE=$RATE MG_DEL=$DELIVERED MG_OFF=$OFFERED
echo "meetgate : offered ${OFFERED} pps, delivered ${DELIVERED} (${RATE} pps); machine CPU $(per_pkt_us $BUSY "$DELIVERED") us/packet, meetgate process $(per_pkt_us $GWJ "$DELIVERED") us/packet"
echo "== delivered rate under rising offered load (meetgate)"
for pps in 20000 50000 100000 200000 0; do
	run_flow $pps
	sent=$(awk '{print $2}' "$LAB_DIR/send.txt")
	awk -v o="$pps" -v s="$sent" -v r="$OFFERED" -v d="$DELIVERED" -v dr="$RATE" 'BEGIN {
		lost = s > 0 ? 100 * (s - d) / s : 0
		printf("   offered %s pps: sent %d at %s pps, delivered %d at %s pps (%.1f%% lost)\n",
		       (o == 0 ? "max" : o), s, r, d, dr, lost) }'
done
echo "== H.323 call setups through meetgate (meetcall load mode: 200 calls, up to 64 at once, 0.2 s of media each)"
lab_bg OUT1 "$MEETCALL" listen --bind 198.19.0.20 --port 1720 --calls 200 --timeout 80 --quiet
sleep 0.3
t0=$(date +%s.%N)
lab_exec IN1 timeout 90 "$MEETCALL" call 198.19.0.20 --calls 200 --concurrent 64 --duration 0.2 --quiet \
	>"$LAB_DIR/calls.txt" 2>&1
t1=$(date +%s.%N)
okc=$(sed -n 's/^total: [0-9]* calls, \([0-9]*\) ok.*/\1/p' "$LAB_DIR/calls.txt")
awk -v a="$t0" -v b="$t1" -v n="${okc:-0}" 'BEGIN { printf "meetgate : %d calls with media both ways in %.1f s: %.1f calls/s (each with 0.2 s of media)\n", n, b - a, n / (b - a) }'
tail -n 1 "$LAB_DIR/calls.txt"
lab_gw_stop
lab_exec GW nft delete table inet meetgate 2>/dev/null

# meetgate's exit put the gateway's sysctls back (forwarding off);
# lab_masq_start turns on forwarding, all the kernel's own NAT needs
lab_masq_start
LAB_GW_PID=""
run_flow 0
echo "kernel   : offered ${OFFERED} pps, delivered ${DELIVERED} (${RATE} pps); machine CPU $(per_pkt_us $BUSY "$DELIVERED") us/packet"
awk -v a="$MG_RATE" -v b="$RATE" 'BEGIN { if (b > 0) printf "ratio meetgate / kernel NAT: %.2f\n", a / b }'
lab_masq_stop
