#!/bin/sh
# make bench: every benchmark of ../shared/BENCHMARKS.md on the exokernel
# and on Linux (Debian's stock kernel) booted in the same QEMU machine, in
# icount mode, side by side.  Writes results/bench.md, results/bench.csv
# and results/bench.png (gnuplot) and prints the table.
set -e
cd "$(dirname "$0")/.."
B=${B:-build}
out=results
mkdir -p "$out" "$B/peer"
# icount unless asked for kvm, which needs hardware-backed KVM: the
# kvm_pvm /dev/kvm of some machines emulates guest kernels ~3000x slower.
mode=${MODE:-icount}
if [ "$mode" = kvm ]; then
	if ! { [ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ]; } ||
		[ ! -w /dev/kvm ]; then
		echo "bench: MODE=kvm needs hardware-backed KVM (kvm_intel or kvm_amd); this machine has none" >&2
		exit 1
	fi
	cpu="KVM -cpu host,-arch-capabilities (figures in cycles)"
else
	mode=icount
	cpu="QEMU TCG -cpu max (icount shift=0: one counter tick per instruction)"
fi
export EXO_BENCH_MODE=$mode

echo "== exokernel ($mode)" >&2
tools/qemu.sh bench | tr -d '\r' > "$B/bench-exo.log" || true
grep -E "^(bench|FAIL)" "$B/bench-exo.log" >&2 || true

echo "== Linux ($mode)" >&2
tools/linux-peer.sh "$B/linux/lbench" "$B/peer"
tools/qemu.sh peer "$B/peer/vmlinuz" "$B/peer/initramfs.cpio" \
	--sys linux --mode "$mode" | tr -d '\r' > "$B/bench-linux.log" || true
grep -E "^(bench|lbench)" "$B/bench-linux.log" >&2 || true

qemu=$(qemu-system-x86_64 --version | head -1)
linux=$(cat "$B/peer/version")
{
	echo "# Benchmarks"
	echo
	echo "Taken $(date -u +%Y-%m-%d) on $(uname -m), $(nproc) cores; $qemu; $cpu;"
	echo "Linux: Debian $linux, the benchmark as PID 1 from an initramfs; 512 MiB."
	echo
	echo "In icount mode the counter advances once per guest instruction, so each"
	echo "figure is the instructions executed per operation, kernel and user"
	echo "together: the path length software takes, not the cost of the"
	echo "hardware transitions (traps, TLB and cache effects), which only the"
	echo "kvm mode on hardware-backed KVM measures."
	echo
} > "$out/bench.md.head"
awk -v md="$out/bench.table.md" -v csv="$out/bench.csv" -v dat="$B/bench.dat" \
	-f tools/benchtable.awk "$B/bench-exo.log" "$B/bench-linux.log" > "$B/bench.table.txt"
cat "$out/bench.md.head" "$B/bench.table.txt" > "$out/bench.md"
rm -f "$out/bench.md.head" "$out/bench.table.md"
cat "$out/bench.md"
# README.md shows the latest icount table, between its two markers.
if [ "$mode" = icount ] && grep -q '^<!-- bench:begin -->' README.md; then
	awk -v table="$B/bench.table.txt" '
		/^<!-- bench:begin -->/ { print; while ((getline l < table) > 0) print l; skip = 1; next }
		/^<!-- bench:end -->/ { skip = 0 }
		!skip' README.md > README.md.tmp && mv README.md.tmp README.md
	echo "(README.md's table updated)"
fi

if command -v gnuplot >/dev/null 2>&1 && [ -s "$B/bench.dat" ]; then
	gnuplot <<GP
set terminal pngcairo size 1000,500 noenhanced
set output "$out/bench.png"
set title "Linux / exokernel, instructions per operation (icount), log scale"
set logscale y
set style fill solid
set boxwidth 0.7
set xtics rotate by -45
set grid ytics
plot "$B/bench.dat" using 0:2:xtic(1) with boxes notitle
GP
	echo "(chart: $out/bench.png)"
fi
