#!/bin/sh
# Prepares the Linux peer of the benchmarks: Debian's stock kernel
# (linux-image-amd64, fetched with apt into a cache outside the repository,
# never committed) and an initramfs whose /init is the static lbench.
#   tools/linux-peer.sh LBENCH OUTDIR
# Or, with --shell, an initramfs with a shell instead (tools/shbench.sh):
# BUILD/busybox at /bin/busybox with a link for each applet where
# BUILD/busybox.links says (as sysd makes them on ExOS), the named Linux
# programs at /bin/NAME, each FILE at /FILE, /tmp and /root; PID 1 is then
# whatever the kernel command line's rdinit= names.
#   tools/linux-peer.sh --shell BUILD OUTDIR PROGRAM... -- FILE...
# Leaves OUTDIR/vmlinuz, OUTDIR/initramfs.cpio and OUTDIR/version.
set -e
shell=""
if [ "$1" = --shell ]; then
	shell=$2
	shift 2
else
	lbench=$1
	shift
fi
out=$1
shift
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
if [ -z "$shell" ]; then
	cp "$lbench" "$out/root/init"
	(cd "$out/root" && echo init | cpio -o -H newc --quiet) > "$out/initramfs.cpio"
	exit 0
fi
r=$out/root
mkdir -p "$r/bin" "$r/tmp" "$r/root"
chmod 1777 "$r/tmp"
chmod 700 "$r/root"
cp "$shell/busybox" "$r/bin/busybox"
while read -r applet; do
	mkdir -p "$r/$(dirname "$applet")"
	[ -e "$r/$applet" ] || ln -s /bin/busybox "$r/$applet"
done < "$shell/busybox.links"
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	cp "$shell/linux/$1" "$r/bin/$1"
	shift
done
shift || true
for f in "$@"; do
	mkdir -p "$r/$(dirname "$f")"
	cp "$f" "$r/$f"
done
(cd "$r" && find . -mindepth 1 | sed 's,^\./,,' | LC_ALL=C sort |
	cpio -o -H newc --quiet) > "$out/initramfs.cpio"
