#!/bin/sh
# Installs what building, running and testing need, from the distribution's
# packages, if it is missing.  Called by `make run`, `make test` and .ci/run.
set -e
need=""
have() { command -v "$1" >/dev/null 2>&1; }
have gcc || need="$need gcc"
have ld || need="$need binutils"
have make || need="$need make"
have awk || need="$need mawk"
have qemu-system-x86_64 || need="$need qemu-system-x86"
have timeout || need="$need coreutils"
have musl-gcc || need="$need musl-tools"
have python3 || need="$need python3"        # tools/interact.py
# The Linux peer (tools/linux-peer.sh), booted by make test and make bench.
have cpio || need="$need cpio"
have dpkg-deb || need="$need dpkg"
[ "$1" = gdb ] && ! have gdb && need="$need gdb"
[ "$1" = bench ] && ! have gnuplot && need="$need gnuplot-nox"
# AddressSanitizer's runtime for the host unit tests.
echo 'int main(void){return 0;}' > /tmp/exo-asan-probe.c
gcc -fsanitize=address,undefined -o /tmp/exo-asan-probe /tmp/exo-asan-probe.c \
	>/dev/null 2>&1 || need="$need libasan8 libubsan1"
rm -f /tmp/exo-asan-probe /tmp/exo-asan-probe.c
[ -z "$need" ] && exit 0
echo "deps: installing$need"
if [ "$(id -u)" != 0 ]; then
	echo "deps: not root; run: sudo apt-get install$need" >&2
	exit 1
fi
if ! have apt-get; then
	echo "deps: no apt-get; install these packages by hand:$need" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq $need >/dev/null
