#!/bin/sh
# Puts Debian's busybox-static in the build: the binary (fetched with apt
# into a cache outside the repository, never committed) and the list of
# its applets with where each belongs, which sysd turns into links.
#   tools/busybox.sh OUTDIR    writes OUTDIR/busybox and OUTDIR/busybox.links
set -e
out=${1:?usage: tools/busybox.sh OUTDIR}
cache=${EXO_BUSYBOX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/exo-busybox}
mkdir -p "$cache" "$out"
if [ ! -x "$cache/busybox" ]; then
	echo "busybox: fetching busybox-static into $cache" >&2
	(cd "$cache" && rm -f ./*.deb &&
		{ apt-get download busybox-static >/dev/null 2>&1 ||
		  { apt-get update -qq && apt-get download busybox-static; }; })
	rm -rf "$cache/x"
	mkdir -p "$cache/x"
	dpkg-deb -x "$cache"/busybox-static_*.deb "$cache/x"
	mv "$cache/x/bin/busybox" "$cache/busybox"
	dpkg-deb -f "$cache"/busybox-static_*.deb Version > "$cache/version"
	rm -rf "$cache/x" "$cache"/*.deb
fi
cp "$cache/busybox" "$out/busybox"
# "bin/ls", "usr/bin/awk", ...: where each applet is linked (the host runs
# the very binary to ask it).
"$cache/busybox" --list-full | grep -v '^linuxrc$' > "$out/busybox.links"
