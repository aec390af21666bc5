#!/bin/sh
# `make demo`: the lab (network namespaces, 198.18.0.0/15 only), meetgate as
# the gateway, and two real H.323 calls through it with meetcall: one from
# an inside host out, one from outside in through a port forward.  Prints
# meetgate's call table during the calls and meetcall's media figures,
# tears the lab down, then replays a captured third-party call as well.
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/lab/lib.sh
MEETCALL=build/rel/meetcall
trap 'lab_down' EXIT
trap 'exit 1' INT TERM
lab_up || exit 1

CONF="$LAB_DIR/gw.conf"
cat >"$CONF" <<EOC
interface inside $LAB_BI
interface outside $LAB_BO
control $LAB_DIR/ctl.sock
inside 198.18.1.0/24
public 198.19.0.1
forward tcp 1720 to 198.18.1.10:1720
EOC
cat <<EOT
== the lab
   IN1 198.18.1.10, IN2 198.18.1.11  --  [ meetgate: 198.18.1.1 | 198.19.0.1 ]  --  OUT1 198.19.0.20, OUT2 198.19.0.21
== meetgate's configuration ($CONF)
$(sed 's/^/   /' "$CONF")
   (no "allow" line: the NetMeeting policy of KB 158623; everything else comes in only through pinholes)
EOT
lab_gw_start "$CONF" || { echo "demo: meetgate did not start"; cat "$LAB_DIR/gw.log"; exit 1; }

show_calls() {
	echo "== meetgate show calls (during the call)"
	lab_exec GW build/rel/meetgate show calls --socket "$LAB_DIR/ctl.sock" | sed 's/^/   /'
	echo "== meetgate show pinholes"
	lab_exec GW build/rel/meetgate show pinholes --socket "$LAB_DIR/ctl.sock" | sed 's/^/   /'
}

echo
echo "== outbound: IN1 198.18.1.10 calls OUT1 198.19.0.20 (fastStart + H.245 tunnelling, 4 s of G.711)"
lab_bg OUT1 "$MEETCALL" listen --bind 198.19.0.20 --calls 1 --timeout 20 --quiet
sleep 0.3
lab_exec IN1 "$MEETCALL" call 198.19.0.20 --duration 4 >"$LAB_DIR/out.txt" 2>&1 &
c=$!
sleep 2
show_calls
wait $c
echo "== meetcall on IN1:"
sed 's/^/   /' "$LAB_DIR/out.txt"

echo
echo "== inbound: OUT1 calls the public address 198.19.0.1, forwarded to IN1 (separate H.245 channel, no fastStart)"
lab_bg IN1 "$MEETCALL" listen --bind 198.18.1.10 --calls 1 --timeout 20 --quiet --no-faststart --no-tunnel
sleep 0.3
lab_exec OUT1 "$MEETCALL" call 198.19.0.1 --duration 4 --no-faststart --no-tunnel >"$LAB_DIR/in.txt" 2>&1 &
c=$!
sleep 2
show_calls
wait $c
echo "== meetcall on OUT1:"
sed 's/^/   /' "$LAB_DIR/in.txt"
echo
echo "== meetgate show stats"
lab_exec GW build/rel/meetgate show stats --socket "$LAB_DIR/ctl.sock" | sed 's/^/   /' | head -40
lab_gw_stop
lab_down
echo
sh tools/demo_replay.sh
