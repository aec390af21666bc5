#!/bin/sh
# test_attack.sh - `meetgate run` under attack in the network-namespace lab
# (tests/lab/lib.sh).  Run as root from the top of the tree after
# `make build/rel/meetgate build/rel/meetcall`.
#
#   fragments: 3000-byte UDP datagrams IN1 <-> OUT1 keep passing while OUT2
#     floods first fragments that never complete (~20k pps, spoofing OUT1,
#     through a flow of IN2), with the default per-source cap and again, after
#     SIGHUP, with only the eviction of the oldest incomplete datagram;
#   control socket: with a full flow table (16384 flows), 8 clients reading `show flows`
#     over and over do not stall a 200 pps UDP stream through the gateway
#     (largest gap at the receiver < 50 ms), and a 9th client gets its
#     "error busy" line;
#   split TPKT: a NetMeeting-style call (each TPKT header in a segment of its
#     own) sets up about as fast through meetgate as through kernel NAT.
# Every flood and stream is generated inside the lab's namespaces and is
# bounded in time and in count.  Figures (rates, drops by reason, RSS, gaps,
# setup times) are printed as "# ..." lines.
# Prints "ok - ..." / "FAIL - ..." and "lab-attack: N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lab/lib.sh
. tests/lab/suite.sh

MEETCALL=${MEETCALL:-build/rel/meetcall}
fig() { printf '# %s\n' "$*"; }
lab_suite lab-attack "$LAB_MEETGATE" "$MEETCALL"

CTL="$LAB_DIR/ctl.sock"
CONF="$LAB_DIR/gw.conf"
write_conf() { # extra lines on stdin are appended
	cat >"$CONF" <<EOC
interface inside $LAB_BI
interface outside $LAB_BO
queue 6
control $CTL
inside 198.18.1.0/24
public 198.19.0.1
allow outbound tcp 1720
allow outbound udp 5000-5999
EOC
	cat >>"$CONF"
}
show() { lab_exec GW "$LAB_MEETGATE" show "$1" --socket "$CTL"; }
stat_of() { # name [file]: a "name value" row of show stats (0 if absent)
	awk -v n="$1" '$1 == n { v = $2 } ($1 == "drop" || $1 == "event") && $2 == n { v += $3 } END { print v + 0 }' "$2"
}
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$LAB_GW_PID/status" 2>/dev/null; }

# Traffic helpers (python3), one mode per use; each stops by itself after its
# seconds and never sends more than its count.
#   udpecho PORT SECONDS PEERFILE         echo datagrams, log each new peer ip:port
#   poke IP PORT BINDPORT                 one datagram from BINDPORT
#   fragclient IP PORT BINDPORT SIZE SECONDS INTERVAL
#                                         SIZE-byte datagrams every INTERVAL s;
#                                         prints "sent N recv M"
#   fragflood SRC SPORT DST DPORT PPS SECONDS
#                                         raw IPv4 first fragments (MF, offset 0,
#                                         UDP header + 32 bytes, ids cycling) from a
#                                         spoofed SRC; prints "sent N in T s (R pps)"
#   stream IP PORT BINDPORT INTERVAL SECONDS
#                                         numbered datagrams; prints "sent N maxgap G ms"
#   streamrecv PORT SECONDS               prints "recv N maxgap G ms added A ms
#                                         maxdelay D ms lost L" (A: the most the
#                                         path added to a gap between two sends)
#   sweep IP DPORTLO DPORTHI SPORT...     one datagram per (sport, dport); "sent N"
#   ctlread SOCK REQUEST SECONDS          the request again and again; prints
#                                         "runs N rows R max M ms errors E"
#   ctllate SOCK REQUEST DELAY            connect, wait DELAY s, send the request,
#                                         print "answer <bytes>" or what failed
#   ctlidle SOCK N SECONDS                hold N silent connections, then close
write_py() {
	cat >"$LAB_DIR/attack.py" <<'EOF'
import os, socket, struct, sys, time
mode, a = sys.argv[1], sys.argv[2:]
now = time.monotonic
if mode == 'udpecho':
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('0.0.0.0', int(a[0])))
    end = now() + float(a[1]); peers = set()
    while now() < end:
        s.settimeout(max(0.05, end - now()))
        try: d, p = s.recvfrom(65535)
        except OSError: continue
        if p not in peers:
            peers.add(p)
            with open(a[2], 'a') as f: f.write('%s:%d\n' % p)
        s.sendto(d, p)
elif mode == 'poke':
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('0.0.0.0', int(a[2])))
    s.sendto(b'poke', (a[0], int(a[1])))
elif mode == 'fragclient':
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('0.0.0.0', int(a[2])))
    size, secs, gap = int(a[3]), float(a[4]), float(a[5])
    s.setblocking(False)
    sent = recv = 0; end = now() + secs; nxt = now(); msg = b'f' * size
    while now() < end + 0.5 and sent < 100000:
        t = now()
        if t < end and t >= nxt:
            s.sendto(msg, (a[0], int(a[1]))); sent += 1; nxt += gap
        try:
            while True:
                d = s.recv(65535)
                recv += len(d) == size
        except BlockingIOError: pass
        time.sleep(0.001)
    print('sent %d recv %d' % (sent, recv))
elif mode == 'fragflood':
    src, sport, dst, dport = a[0], int(a[1]), a[2], int(a[3])
    pps, secs = float(a[4]), float(a[5])
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    udp = struct.pack('!HHHH', sport, dport, 3008, 0) + b'z' * 32
    sb, db = socket.inet_aton(src), socket.inet_aton(dst)
    pkts = []
    for i in range(1, 65536):  # MF set, offset 0; the kernel fills the checksum
        pkts.append(struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), i, 0x2000, 64, 17, 0, sb, db) + udp)
    sent = 0; t0 = now(); end = t0 + secs; limit = int(pps * secs) + 1; burst = max(1, int(pps / 200))
    while now() < end and sent < limit:
        for _ in range(burst):
            try: s.sendto(pkts[sent % len(pkts)], (dst, 0))
            except OSError: pass
            sent += 1
        ahead = t0 + sent / pps - now()
        if ahead > 0: time.sleep(ahead)
    el = now() - t0
    print('sent %d in %.1f s (%d pps)' % (sent, el, sent / el if el > 0 else 0))
elif mode == 'stream':
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('0.0.0.0', int(a[2])))
    gap, secs = float(a[3]), float(a[4])
    n = 0; t0 = now(); last = t0; mg = 0.0
    while n < int(secs / gap) + 1:
        t = now()
        s.sendto(struct.pack('!Id', n, t) + b'm' * 160, (a[0], int(a[1])))
        mg = max(mg, t - last); last = t; n += 1
        nxt = t0 + n * gap - now()
        if nxt > 0: time.sleep(nxt)
    print('sent %d maxgap %.1f ms' % (n, mg * 1000))
elif mode == 'streamrecv':
    # the namespaces share one monotonic clock: the send time in each
    # datagram gives its delay through the path, and the gap the path added
    # to the sender's own gap between two datagrams
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('0.0.0.0', int(a[0])))
    end = now() + float(a[1]); n = 0; last = None; mg = added = delay = 0.0; top = -1
    while now() < end:
        s.settimeout(max(0.05, end - now()))
        try: d = s.recv(2048)
        except OSError: continue
        t = now(); n += 1
        seq, sent = struct.unpack('!Id', d[:12]); top = max(top, seq)
        delay = max(delay, t - sent)
        if last is not None:
            mg = max(mg, t - last[0]); added = max(added, (t - last[0]) - (sent - last[1]))
        last = (t, sent)
    print('recv %d maxgap %.1f ms added %.1f ms maxdelay %.1f ms lost %d' %
          (n, mg * 1000, added * 1000, delay * 1000, top + 1 - n))
elif mode == 'sweep':
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); n = 0
    socks = []
    for sp in a[3:]:
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(('0.0.0.0', int(sp))); socks.append(u)
    for u in socks:
        for dp in range(int(a[1]), int(a[2]) + 1):
            u.sendto(b's', (a[0], dp)); n += 1
            if n % 200 == 0: time.sleep(0.01)
    print('sent %d' % n)
elif mode == 'ctlread':
    end = now() + float(a[2]); runs = rows = errs = 0; mx = 0.0
    while now() < end and runs < 100000:
        t = now(); out = b''
        try:
            c = socket.socket(socket.AF_UNIX); c.settimeout(5); c.connect(a[0])
            c.sendall(a[1].encode() + b'\n')
            while True:
                d = c.recv(65536)
                if not d: break
                out += d
            c.close()
        except OSError: errs += 1; continue
        mx = max(mx, now() - t); runs += 1
        if not out.endswith(b'end\n'): errs += 1
        else: rows = out.count(b'\n') - 1
    print('runs %d rows %d max %.0f ms errors %d' % (runs, rows, mx * 1000, errs))
elif mode == 'ctllate':
    c = socket.socket(socket.AF_UNIX); c.settimeout(5); c.connect(a[0])
    time.sleep(float(a[2]))
    try: c.sendall(a[1].encode() + b'\n')
    except OSError as e: print('send failed: %s' % e); sys.exit(0)
    out = b''
    try:
        while True:
            d = c.recv(4096)
            if not d: break
            out += d
    except OSError as e: print('read failed after %r: %s' % (out, e)); sys.exit(0)
    print('answer %r' % out)
elif mode == 'ctlidle':
    cs = []
    for _ in range(int(a[1])):
        c = socket.socket(socket.AF_UNIX); c.connect(a[0]); cs.append(c)
    time.sleep(float(a[2]))
EOF
}
write_py
apy() { _h=$1; shift; lab_exec "$_h" timeout 40 python3 "$LAB_DIR/attack.py" "$@"; }
apy_bg() { _h=$1; shift; lab_bg "$_h" timeout 40 python3 "$LAB_DIR/attack.py" "$@"; }

# ---------------------------------------------------------------- fragments
FLOOD_PPS=${FLOOD_PPS:-20000}
write_conf <<EOC
EOC
lab_gw_start "$CONF" || { bad "meetgate run starts"; cat "$LAB_DIR/gw.log"; finish; }
rss0=$(rss_kb)

apy_bg OUT1 udpecho 5001 30 "$LAB_DIR/peers1"
apy_bg OUT1 udpecho 5002 30 "$LAB_DIR/peers2"
sleep 0.3
# IN2's flow to OUT1:5002 is the one the flood claims to belong to
apy IN2 poke 198.19.0.20 5002 5002
sleep 0.3
FLOOD_DPORT=$(sed -n 's/^198\.19\.0\.1:\([0-9]*\)$/\1/p' "$LAB_DIR/peers2" | head -n 1)
if [ -z "$FLOOD_DPORT" ]; then
	bad "fragments: the flow IN2 -> OUT1:5002 exists"
	FLOOD_DPORT=5002
fi

# frag_round NAME: a 4 s flood from OUT2 spoofing OUT1, and 4 s of 3000-byte
# datagrams IN1 -> OUT1 and back (50 a second) from 0.5 s into it; true when
# at least 95 % of them came back
frag_round() {
	show stats >"$LAB_DIR/st0" 2>&1
	apy_bg OUT2 fragflood 198.19.0.20 5002 198.19.0.1 "$FLOOD_DPORT" "$FLOOD_PPS" 4 >"$LAB_DIR/flood" 2>&1
	FP=$!
	sleep 0.5
	apy IN1 fragclient 198.19.0.20 5001 5001 3000 4 0.02 >"$LAB_DIR/legit" 2>&1
	wait "$FP" 2>/dev/null
	show stats >"$LAB_DIR/st1" 2>&1
	sent=$(awk '{ print $2 }' "$LAB_DIR/legit")
	recv=$(awk '{ print $4 }' "$LAB_DIR/legit")
	d() { echo $(($(stat_of "$1" "$LAB_DIR/st1") - $(stat_of "$1" "$LAB_DIR/st0"))); }
	fig "$1: flood $(cat "$LAB_DIR/flood" 2>/dev/null); legit 3000-byte datagrams sent ${sent:-?}, echoed back ${recv:-?}"
	fig "$1: during the flood: frag-source-limit $(d frag-source-limit), frag-table-full $(d frag-table-full), frag-no-first $(d frag-no-first), nfq_received $(d nfq_received), frags_active $(stat_of frags_active "$LAB_DIR/st1"), meetgate RSS $(rss_kb) kB (at start $rss0 kB)"
	[ -n "$sent" ] && [ -n "$recv" ] && [ "$sent" -ge 150 ] && [ $((recv * 100)) -ge $((sent * 95)) ]
}
# without a flood first: the path itself carries fragmented datagrams
apy IN1 fragclient 198.19.0.20 5001 5001 3000 1 0.02 >"$LAB_DIR/legit" 2>&1
fig "fragments without a flood: $(cat "$LAB_DIR/legit")"
if frag_round "per-source cap"; then
	ok "fragments: 3000-byte datagrams keep passing during a ${FLOOD_PPS} pps first-fragment flood spoofing their sender"
else
	bad "fragments: legitimate fragmented datagrams lost during the flood ($(cat "$LAB_DIR/legit"))"
fi
src_limit=$(stat_of frag-source-limit "$LAB_DIR/st1")
if [ "$src_limit" -gt 0 ]; then ok "fragments: the per-source cap was hit and counted (frag-source-limit $src_limit)"; else bad "fragments: no frag-source-limit counted"; fi

# only the table's eviction: a per-source cap above the table size
write_conf <<EOC
max frags-per-source 100000
EOC
lab_gw_signal HUP
sleep 0.5
if frag_round "eviction only" && grep -q "reloaded" "$LAB_DIR/gw.log"; then
	full=$(($(stat_of frag-table-full "$LAB_DIR/st1") - $(stat_of frag-table-full "$LAB_DIR/st0")))
	ok "fragments: with only the eviction of the oldest incomplete datagram (frag-table-full +$full), they keep passing too"
else
	bad "fragments: eviction only: $(cat "$LAB_DIR/legit"); $(grep reload "$LAB_DIR/gw.log" | tail -n 1)"
fi
lab_gw_stop

# ----------------------------------------------------------- control socket
CTL_FLOWS=${CTL_FLOWS:-16384}
write_conf <<EOC
max flows $CTL_FLOWS
timeout udp 120
EOC
lab_gw_start "$CONF" || { bad "meetgate run starts (control socket)"; finish; }
apy_bg OUT1 streamrecv 5999 12 >"$LAB_DIR/recv" 2>&1
RECV=$!
sleep 0.3
apy_bg IN1 stream 198.19.0.20 5999 5999 0.005 9 >"$LAB_DIR/send" 2>&1
SEND=$!
sleep 0.3
# fill the flow table: IN2 to OUT2, 1000 ports from each of enough source
# ports to overflow it
sports=$(seq 5010 $((5010 + CTL_FLOWS / 1000)) | tr '\n' ' ')
# shellcheck disable=SC2086
apy IN2 sweep 198.19.0.21 5000 5999 $sports >"$LAB_DIR/sweep" 2>&1
show stats >"$LAB_DIR/st0" 2>&1
fig "control: flow table $(stat_of flows_active "$LAB_DIR/st0") flows active (max $CTL_FLOWS), ct-full $(stat_of ct-full "$LAB_DIR/st0"), meetgate RSS $(rss_kb) kB"
i=0
READERS=""
while [ $i -lt 8 ]; do
	# niced: the readers must not take the CPU from the stream's own sender
	lab_bg GW sh -c "timeout 20 nice -n 19 python3 '$LAB_DIR/attack.py' ctlread '$CTL' 'show flows' 4 >'$LAB_DIR/reader$i' 2>&1"
	READERS="$READERS $!"
	i=$((i + 1))
done
for p in $READERS; do wait "$p" 2>/dev/null; done
wait "$SEND" 2>/dev/null
wait "$RECV" 2>/dev/null
show stats >"$LAB_DIR/st1" 2>&1
runs=0
maxms=0
rows=0
i=0
while [ $i -lt 8 ]; do
	r=$(awk '{ print $2 }' "$LAB_DIR/reader$i")
	m=$(awk '{ print $6 }' "$LAB_DIR/reader$i")
	rows=$(awk '{ print $4 }' "$LAB_DIR/reader$i")
	runs=$((runs + ${r:-0}))
	[ "${m:-0}" -gt "$maxms" ] && maxms=${m:-0}
	i=$((i + 1))
done
fig "control: 8 readers ran 'show flows' $runs times in 4 s ($rows rows each, slowest answer $maxms ms)"
fig "control: stream sender: $(cat "$LAB_DIR/send"); receiver: $(cat "$LAB_DIR/recv")"
field() { awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) print int($(i + 1)) }' "$2"; }
gap=$(field maxgap "$LAB_DIR/recv")
added=$(field added "$LAB_DIR/recv")
delay=$(field maxdelay "$LAB_DIR/recv")
got=$(awk '{ print $2 }' "$LAB_DIR/recv")
# the gap at the receiver, less what the sender itself paused (a loaded box
# can stall the sender too); the largest delay through the path as well
if [ -n "$added" ] && [ "${got:-0}" -gt 1000 ] && [ "$added" -lt 50 ] && [ "$delay" -lt 50 ]; then
	ok "control: 8 clients reading a full flow table leave the media path alone (largest gap $gap ms at the receiver, $added ms of it added by the path, largest delay $delay ms; all < 50 ms)"
else
	bad "control: the UDP stream stalled while 8 clients read the flow table ($(cat "$LAB_DIR/recv"))"
fi
if [ "$runs" -ge 8 ] && ! grep -q "errors [1-9]" "$LAB_DIR"/reader*; then
	ok "control: every 'show flows' answer was complete ($runs answers of $rows rows)"
else
	bad "control: readers: $(cat "$LAB_DIR"/reader*)"
fi
# a 9th client while 8 hold their slots: one that writes its request 0.3 s
# after connecting (the daemon has turned it away by then), and meetgate show
apy_bg GW ctlidle "$CTL" 8 3
sleep 0.5
late=$(apy GW ctllate "$CTL" "show stats" 0.3 2>&1)
ninth=$(show stats 2>&1)
rc=$?
fig "control: 9th clients: late writer: $late; meetgate show: $ninth (exit $rc)"
if [ "$late" = "answer b'error busy\\n'" ] && [ $rc -eq 1 ] && echo "$ninth" | grep -q "error busy"; then
	ok "control: the 9th client gets its error line before the close, even when it writes first"
else
	bad "control: the 9th client: late writer: $late; meetgate show: $ninth (exit $rc)"
fi
sleep 3
lab_gw_stop

# --------------------------------------------------------------- split TPKT
setup_of() { sed -n 's/^call 1 [a-zA-Z]*: setup \([0-9]*\) ms.*/\1/p' "$1" | head -n 1; }
# best of three calls: setup time in ms, or empty
setup_ms() {
	best=""
	for _n in 1 2 3; do
		lab_bg OUT1 "$MEETCALL" listen --bind 198.19.0.20 --port 1720 --calls 1 --timeout 15 --quiet "$@" \
			>/dev/null 2>&1
		L=$!
		sleep 0.3
		lab_exec IN1 timeout 20 "$MEETCALL" call 198.19.0.20 --duration 0.3 --timeout 8 "$@" \
			>"$LAB_DIR/call" 2>&1
		kill "$L" 2>/dev/null
		wait "$L" 2>/dev/null
		v=$(setup_of "$LAB_DIR/call")
		[ -n "$v" ] && { [ -z "$best" ] || [ "$v" -lt "$best" ]; } && best=$v
	done
	echo "$best"
}
write_conf <<EOC
EOC
lab_gw_start "$CONF" || { bad "meetgate run starts (split TPKT)"; finish; }
whole=$(setup_ms)
split=$(setup_ms --split-tpkt)
split_sep=$(setup_ms --split-tpkt --no-tunnel)
show stats >"$LAB_DIR/st1" 2>&1
lab_gw_stop
lab_exec GW nft delete table inet meetgate 2>/dev/null
lab_masq_start
kernel=$(setup_ms --split-tpkt)
kernel_whole=$(setup_ms)
lab_masq_stop
fig "split TPKT: setup through meetgate: whole TPKTs ${whole:-?} ms, split ${split:-?} ms (separate H.245: ${split_sep:-?} ms); through kernel NAT: whole ${kernel_whole:-?} ms, split ${kernel:-?} ms (best of 3 each; meetcall pauses 2 ms between a header and its body)"
fig "split TPKT: nfq_held $(stat_of nfq_held "$LAB_DIR/st1"), nfq_emitted $(stat_of nfq_emitted "$LAB_DIR/st1")"
# the split call carries 4 TPKTs on the setup path, each paused 2 ms by meetcall:
# compare it with the same split call through the kernel
if [ -n "$split" ] && [ -n "$kernel" ] && [ -n "$whole" ] && [ "$split" -le $((2 * kernel)) ]; then
	ok "split TPKT: call setup ${split} ms through meetgate, within 2x of the same call through kernel NAT (${kernel} ms; whole TPKTs ${whole} ms)"
else
	bad "split TPKT: call setup ${split:-?} ms through meetgate against ${kernel:-?} ms through kernel NAT (whole TPKTs ${whole:-?} ms)"
fi

if grep -qE "AddressSanitizer|runtime error" "$LAB_DIR/gw.log"; then
	bad "sanitizer report in the gateway log"
	grep -E "AddressSanitizer|runtime error" "$LAB_DIR/gw.log" | head -5
fi
finish
