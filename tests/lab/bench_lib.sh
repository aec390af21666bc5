# bench_lib.sh - load steps for bench_live.sh (POSIX sh; source after lib.sh,
# after lab_up).  Traffic is made by build/rel/mgload (tools/mgload.c):
# prebuilt 172-byte RTP-sized UDP datagrams over AF_PACKET, IN1 -> OUT1
# through the gateway's inside MAC and replies OUT1 -> each NAT binding the
# OUT1 receiver learned, through the gateway's outside MAC.  Nothing here
# depends on where the lab's bridges live: the gateway MACs are read from
# the gateway's own interfaces.
#
#   bl_init                 gateway MACs; the endpoints (IN1, IN2, OUT1, OUT2)
#                           drop mgload frames at ingress, after mgload's tap
#   bl_background SECS      BL_BG_JPS: machine busy jiffies/s with no load
#   bl_call_flows SOCKET    the media ports of the calls meetgate holds (its
#                           pinhole table) as mgload destination files for
#                           IN2 and OUT2; BL_CALL_N streams ("" clears them)
#   bl_learn BASE TAG       IN1 sends every flow a few packets from source
#                           ports BASE..; OUT1 writes the bindings it saw to
#                           $BL_LEARN; sets BL_LEARNED (flows learned)
#   bl_step AGG TAG [HIST]  both directions for BL_SECS at AGG packets/s in
#                           all (AGG/2 each way; 0 = as fast as they can),
#                           plus a twentieth of that on the calls' media flows
#                           (IN2 <-> OUT2 through their pinholes) when
#                           BL_CALL_N > 0; sets BL_OFFERED BL_SENT BL_RECV
#                           (packets), BL_OPPS BL_DPPS (offered / delivered
#                           pps), BL_LOSS (%), BL_BEHIND (packets the senders
#                           could not send on time), BL_BUSY (machine jiffies),
#                           BL_NETJ (BL_BUSY less the background), BL_GWJ
#                           (gateway process jiffies); HIST: prefix of the
#                           receivers' latency histograms
#   bl_us_per_pkt JIFFIES PKTS

BL_LOAD=${BL_LOAD:-build/rel/mgload}
BL_SECS=${BL_SECS:-2}
BL_FLOWS=${BL_FLOWS:-1000}
BL_DPORTS=${BL_DPORTS:-5004-5007}
BL_HZ=$(getconf CLK_TCK)

bl_kv() { # KEY FILE: the value of KEY=value in FILE's mgload line
	sed -n "s/.*[ :]$1=\([^ ]*\).*/\1/p" "$2" | head -n 1
}

bl_busy() { awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat; }
bl_proc_jiffies() { awk '{print $14+$15}' "/proc/$1/stat" 2>/dev/null || echo 0; }

bl_us_per_pkt() {
	awk -v j="$1" -v n="$2" -v hz="$BL_HZ" 'BEGIN { if (n > 0) printf "%.2f", j / hz * 1e6 / n; else print "-" }'
}

# The endpoints' own stacks never see the test frames (mgload's tap gets
# them first): no ICMP port unreachable flowing back, no socket lookups.
bl_sink_drop() { # HOST
	lab_exec "$1" nft -f - <<EOF
table netdev mgload {
	chain rx {
		type filter hook ingress device eth0 priority 0; policy accept;
		udp dport { 5004-5099, 10000-29999 } @th,160,32 0x4d474c44 drop
		udp dport 32768-65535 @th,160,32 0x4d474c44 drop
	}
}
EOF
}

bl_init() {
	BL_GMAC_IN=$(lab_exec GW cat "/sys/class/net/$LAB_BI/address") || return 1
	BL_GMAC_OUT=$(lab_exec GW cat "/sys/class/net/$LAB_BO/address") || return 1
	BL_LEARN="$LAB_DIR/learned.txt"
	bl_sink_drop IN1 || return 1
	bl_sink_drop OUT1 || return 1
	bl_sink_drop IN2 || return 1
	bl_sink_drop OUT2 || return 1
}

bl_learn() { # SPORT_BASE TAG
	BL_SPORT=$1
	lab_exec OUT1 "$BL_LOAD" recv --secs 1.5 --tag "$2" --learn "$BL_LEARN" >"$LAB_DIR/learn.out" &
	_lp=$!
	sleep 0.3
	lab_exec IN1 "$BL_LOAD" send --dmac "$BL_GMAC_IN" --dst 198.19.0.20 --dport "$BL_DPORTS" \
		--sport "$BL_SPORT" --flows "$BL_FLOWS" --pps $((BL_FLOWS * 10)) --secs 0.5 --tag "$2" >/dev/null
	wait $_lp
	BL_LEARNED=$(bl_kv flows "$LAB_DIR/learn.out")
	BL_LEARNED=${BL_LEARNED:-0}
}

# Load on the media flows of the calls a meetgate gateway holds: from its
# pinhole table (rtp/rtcp on the outside: public port P -> inside port X;
# rtp-out/rtcp-out on the inside: OUT2's port Y), destination files for an
# OUT2 sender (198.19.0.1:P from Y, through the pinholes) and an IN2 sender
# (198.19.0.21:Y from X, the calls' own outbound flows).  Sets BL_CALL_N
# (media streams found); 0 clears them (kernel path: no pinholes).
bl_call_flows() { # CONTROL_SOCKET | ""
	BL_CALL_N=0
	: >"$LAB_DIR/call_out.txt"
	: >"$LAB_DIR/call_in.txt"
	[ -n "$1" ] || return 0
	"$LAB_MEETGATE" show pinholes --socket "$1" 2>/dev/null | awk -v o="$LAB_DIR/call_out.txt" -v i="$LAB_DIR/call_in.txt" '
		$1 == "udp" && ($2 == "rtp" || $2 == "rtcp") && $3 == "outside" {
			split($5, d, ":"); split($6, t, ":"); pub[$7 " " $2] = d[2]; ins[$7 " " $2] = t[2]; peer[$7 " " $2] = $4 }
		$1 == "udp" && ($2 == "rtp-out" || $2 == "rtcp-out") && $3 == "inside" {
			split($5, d, ":"); k = $7 " " substr($2, 1, length($2) - 4); far[k] = d[2]; faddr[k] = d[1] }
		END { for (k in pub) if (k in far) {
			print "198.19.0.1", pub[k], far[k] > o
			print faddr[k], far[k], ins[k] > i } }'
	BL_CALL_N=$(wc -l <"$LAB_DIR/call_out.txt")
}

# Background busy jiffies per second of the machine while nothing of ours
# runs (other work on the box shows in /proc/stat too).
bl_background() { # SECS
	_b0=$(bl_busy)
	sleep "$1"
	_b1=$(bl_busy)
	BL_BG_JPS=$(awk -v a="$_b0" -v b="$_b1" -v s="$1" 'BEGIN { printf "%.1f", (b - a) / s }')
}

bl_recv_bg() { # HOST NAME TAG SECS [--hist FILE]
	_rh=$1 _rn=$2 _rt=$3 _rsecs=$4
	shift 4
	lab_exec "$_rh" "$BL_LOAD" recv --secs "$_rsecs" --tag "$_rt" "$@" >"$LAB_DIR/step/r_$_rn.txt" &
	BL_RPIDS="$BL_RPIDS $!"
}

bl_send_bg() { # HOST NAME args...
	_sh=$1 _sn=$2
	shift 2
	lab_exec "$_sh" "$BL_LOAD" send --secs "$BL_SECS" "$@" >"$LAB_DIR/step/s_$_sn.txt" &
	BL_SPIDS="$BL_SPIDS $!"
}

bl_step() { # AGG_PPS TAG [HIST_PREFIX]
	_half=$(($1 / 2))
	# the calls' media flows get a twentieth of each direction's rate
	_crate=$((_half / 20))
	[ "$_half" -eq 0 ] && _crate=5000
	[ "$_crate" -lt 50 ] && _crate=50
	rm -rf "$LAB_DIR/step"
	mkdir -p "$LAB_DIR/step"
	BL_RPIDS="" BL_SPIDS=""
	_rs=$(awk -v s="$BL_SECS" 'BEGIN { print s + 1.0 }')
	bl_recv_bg OUT1 out "$2" "$_rs" ${3:+--hist "$3.out"}
	bl_recv_bg IN1 in "$2" "$_rs" ${3:+--hist "$3.in"}
	if [ "${BL_CALL_N:-0}" -gt 0 ]; then
		bl_recv_bg OUT2 cout "$2" "$_rs" ${3:+--hist "$3.cout"}
		bl_recv_bg IN2 cin "$2" "$_rs" ${3:+--hist "$3.cin"}
	fi
	sleep 0.3
	_b0=$(bl_busy)
	_g0=$(bl_proc_jiffies "${LAB_GW_PID:-0}")
	_w0=$(date +%s.%N)
	bl_send_bg IN1 in --dmac "$BL_GMAC_IN" --dst 198.19.0.20 --dport "$BL_DPORTS" \
		--sport "$BL_SPORT" --flows "$BL_FLOWS" --pps "$_half" --tag "$2"
	bl_send_bg OUT1 out --dmac "$BL_GMAC_OUT" --dst-file "$BL_LEARN" --ssrc-base 20000 --pps "$_half" --tag "$2"
	if [ "${BL_CALL_N:-0}" -gt 0 ]; then
		bl_send_bg IN2 cin --dmac "$BL_GMAC_IN" --dst-file "$LAB_DIR/call_in.txt" --ssrc-base 40000 \
			--pps "$_crate" --tag "$2"
		bl_send_bg OUT2 cout --dmac "$BL_GMAC_OUT" --dst-file "$LAB_DIR/call_out.txt" --ssrc-base 50000 \
			--pps "$_crate" --tag "$2"
	fi
	for _p in $BL_SPIDS; do wait "$_p"; done
	_b1=$(bl_busy)
	_g1=$(bl_proc_jiffies "${LAB_GW_PID:-0}")
	_w1=$(date +%s.%N)
	for _p in $BL_RPIDS; do wait "$_p"; done
	BL_BUSY=$((_b1 - _b0))
	BL_GWJ=$((_g1 - _g0))
	BL_NETJ=$(awk -v b="$BL_BUSY" -v bg="${BL_BG_JPS:-0}" -v a="$_w0" -v z="$_w1" 'BEGIN {
		n = b - bg * (z - a); printf "%d", (n > 0 ? n : 0) }')
	eval "$(cat "$LAB_DIR"/step/s_*.txt "$LAB_DIR"/step/r_*.txt | awk '
		function kv(k,   i) { for (i = 1; i <= NF; i++) if (index($i, k "=") == 1) return substr($i, length(k) + 2); return 0 }
		/^mgload send:/ { sent += kv("sent"); err += kv("txerr"); beh += kv("behind"); t = kv("secs"); if (t > tm) tm = t }
		/^mgload recv:/ { rec += kv("pkts") }
		END {
			off = sent + err; if (tm <= 0) tm = 1
			printf "BL_OFFERED=%d BL_SENT=%d BL_RECV=%d BL_BEHIND=%d ", off, sent, rec, beh
			printf "BL_OPPS=%.0f BL_DPPS=%.0f BL_LOSS=%.1f\n", off / tm, rec / tm, (off > 0 ? 100 * (off - rec) / off : 0)
		}')"
}
