# suite.sh - the bookkeeping every lab suite shares (POSIX sh).  Source it
# after tests/lab/lib.sh, then call
#     lab_suite NAME [BINARY...]
# It checks for root and the binaries, sets the traps, brings the lab up and
# gives the suite ok/bad/check and finish ("NAME: N passed, N failed", exit
# status 0 only without failures).  A suite with more to stop at the end
# defines lab_suite_cleanup, which finish and the exit trap call before
# lab_down.
pass=0
fail=0
ok() { echo "ok - $*"; pass=$((pass + 1)); }
bad() { echo "FAIL - $*"; fail=$((fail + 1)); }
check() { # description, then a command whose success means ok
	_d=$1
	shift
	if "$@"; then ok "$_d"; else bad "$_d"; fi
}
finish() {
	command -v lab_suite_cleanup >/dev/null 2>&1 && lab_suite_cleanup
	lab_down
	echo "$LAB_SUITE: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit $?
}

lab_suite() { # NAME [BINARY...]  (NAME-<datapath> when LAB_DATAPATH is set)
	LAB_SUITE=$1${LAB_DATAPATH:+-$LAB_DATAPATH}
	shift
	if [ "$(id -u)" != 0 ]; then
		echo "FAIL - the lab needs root (network namespaces, nftables)"
		echo "$LAB_SUITE: 0 passed, 1 failed"
		exit 1
	fi
	for _b in "$@"; do
		[ -x "$_b" ] || { echo "FAIL - $_b not built"; echo "$LAB_SUITE: 0 passed, 1 failed"; exit 1; }
	done
	trap 'command -v lab_suite_cleanup >/dev/null 2>&1 && lab_suite_cleanup; lab_down' EXIT
	trap 'exit 1' INT TERM
	lab_up || { bad "lab_up"; finish; }
}
