#!/bin/sh
# Prepares the Linux peer of the benchmarks: Debian's stock kernel
# (linux-image-amd64, fetched with apt into a cache outside the repository,
# never committed) and an initramfs whose /init is the static lbench.
#   tools/linux-peer.sh LBENCH OUTDIR
# Leaves OUTDIR/vmlinuz, OUTDIR/initramfs.cpio and OUTDIR/version.
set -e
lbench=$1
out=$2
cache=${EXO_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/exo-bench}
mkdir -p "$cache" "$out"
if [ ! -f "$cache/vmlinuz" ]; then
	pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/.*Depends: \(linux-image-[0-9].*\)/\1/p' | head -1)
	if [ -z "$pkg" ]; then
		apt-get update -qq
		pkg=$(apt-cache depends linux-image-amd64 |
			sed -n 's/.*Depends: \(linux-image-[0-9].*\)/\1/p' | head -1)
	fi
	[ -n "$pkg" ] || { echo "linux-peer: no linux-image-amd64 in the package lists" >&2; exit 1; }
	echo "linux-peer: fetching $pkg into $cache" >&2
	(cd "$cache" && rm -f ./*.deb && apt-get download "$pkg" >/dev/null 2>&1 ||
		apt-get download "$pkg")
	rm -rf "$cache/x"
	mkdir -p "$cache/x"
	dpkg-deb --fsys-tarfile "$cache"/*.deb | (cd "$cache/x" && tar -x --wildcards './boot/vmlinuz-*')
	mv "$cache"/x/boot/vmlinuz-* "$cache/vmlinuz"
	echo "$pkg" > "$cache/version"
	rm -rf "$cache/x" "$cache"/*.deb
fi
cp "$cache/vmlinuz" "$out/vmlinuz"
cp "$cache/version" "$out/version"
rm -rf "$out/root"
mkdir -p "$out/root"
cp "$lbench" "$out/root/init"
(cd "$out/root" && echo init | cpio -o -H newc --quiet) > "$out/initramfs.cpio"
