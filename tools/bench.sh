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
unit=instructions; [ "$mode" = kvm ] && unit=cycles
cpumodel=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
machine="Taken $(date -u +%Y-%m-%d) on $(nproc) cores of ${cpumodel:-$(uname -m)}; $qemu; $cpu; Linux: Debian $linux, the benchmark as PID 1 from an initramfs; 512 MiB."
{
	echo "# Benchmarks"
	echo
	echo "$machine"
	echo
	if [ "$mode" = icount ]; then
		echo "In icount mode the counter advances once per guest instruction, so each"
		echo "figure is the instructions executed per operation, kernel and user"
		echo "together: the path length software takes, not the cost of the"
		echo "hardware transitions (traps, TLB and cache effects), which only the"
		echo "kvm mode on hardware-backed KVM measures."
	else
		echo "In kvm mode the figures are cycles per operation (rdtsc on hardware-"
		echo "backed KVM): what the hardware transitions cost, as well as the path."
	fi
	echo
} > "$out/bench.md.head"
awk -v md="$out/bench.table.md" -v csv="$out/bench.csv" -v dat="$B/bench.dat" \
	-f tools/benchtable.awk "$B/bench-exo.log" "$B/bench-linux.log" > "$B/bench.table.txt"
cat "$out/bench.md.head" "$B/bench.table.txt" > "$out/bench.md"
rm -f "$out/bench.md.head" "$out/bench.table.md"
cat "$out/bench.md"
# README.md shows the latest icount table, between its two markers.
if [ "$mode" = icount ] && grep -q '^<!-- bench:begin -->' README.md; then
	awk -v table="$B/bench.table.txt" -v machine="$machine" '
		/^<!-- bench:begin -->/ {
			print; print machine; print ""
			while ((getline l < table) > 0) print l
			skip = 1; next
		}
		/^<!-- bench:end -->/ { skip = 0 }
		!skip' README.md > README.md.tmp && mv README.md.tmp README.md
	echo "(README.md's table updated)"
fi

if command -v gnuplot >/dev/null 2>&1 && [ -s "$B/bench.dat" ]; then
	gnuplot <<GP
set terminal pngcairo size 1000,500 noenhanced
set output "$out/bench.png"
set title "Linux executes N times more $unit per operation ($mode mode, log scale)"
set logscale y
set style data histograms
set style histogram clustered gap 1
set style fill solid border -1
set xtics rotate by -45
set grid ytics
set key below
set yrange [0.5:*]
plot "$B/bench.dat" using 2:xtic(1) title "Linux / exokernel", \\
	'' using 3 title "Linux / exokernel via Linux ABI"
GP
	echo "(chart: $out/bench.png)"
fi
