#!/bin/sh
# Install the Debian packages meetgate needs to build and test, if missing.
# Used by `make deps` (and so by `make check` and `make demo`).
set -eu
PKGS="gcc make clang llvm libclang-rt-14-dev libbpf-dev libxdp-dev ethtool libpcap-dev libnetfilter-queue-dev libmnl-dev libjson-c-dev libmicrohttpd-dev tshark tcpdump iproute2 nftables python3 mawk coreutils chromium scdoc man-db slapd ldap-utils"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing Debian packages:$missing (run as root: sudo make deps)" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no, non-interactively
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
# slapd: no system directory is configured or started; the ILS lab runs its
# own instance from a generated configuration
echo "slapd slapd/no_configuration boolean true" | debconf-set-selections
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
