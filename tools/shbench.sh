#!/bin/sh
# make shbench: the shell benchmarks of docs/shbench.md on the exokernel
# (busybox on ExOS's Linux ABI) and on Linux (Debian's stock kernel), both
# booted in the same QEMU machine with the same busybox running the same
# script, tests/shbench/bench:
#   sh_boot          kernel entry to the shell's first command
#   sh_forkexec1000  1,000 fork+exec of /bin/true from a shell loop
#   sh_pipe10m       cat | tr | md5sum over a 10 MiB file
# in icount mode (instructions) and under plain TCG (seconds: there the
# counter is the host's, which the host's clock converts).
# Prints "bench ..." lines (../shared/BENCHMARKS.md) and writes
# results/shbench.md and results/shbench.csv.
#   RUNS=3 MODES="icount tcg" tools/shbench.sh
# With --check, only a quick check of the script for make test: a small
# version of it (10 iterations, 64 KiB) once on ExOS, under plain TCG.
#   tools/shbench.sh --check     prints "ok shbench_script" or "FAIL ..."
set -e
cd "$(dirname "$0")/.."
B=${B:-build}
RUNS=${RUNS:-3}
MODES=${MODES:-icount tcg}
TIMEOUT=${TIMEOUT:-300}
w=$B/shbench
out=results
mkdir -p "$w"

# What the script's pipeline must print for a file of $1 bytes.
want_md5() {
	yes 'the quick brown fox jumps over the lazy dog 0123456789' |
		head -c "$1" | tr a-z A-Z | md5sum | cut -d' ' -f1
}

if [ "$1" = --check ]; then
	log=$w/check.log
	timeout 120 tools/qemu.sh boot tcg "$B/kernel.bin" "$B/bootimg" \
		'run=SHBENCH_N=10 SHBENCH_BYTES=65536 . /tests/shbench/bench; poweroff -f' \
		2>&1 | tr -d '\r' > "$log" || true
	if grep -q "^shbench forkexec n=10$" "$log" &&
		grep -q "^$(want_md5 65536)  -$" "$log" &&
		grep -q "^shbench done$" "$log"; then
		echo "ok shbench_script (tests/shbench/bench, small, on ExOS)"
	else
		echo "FAIL shbench_script: see $log"
	fi
	exit 0
fi
mkdir -p "$w/log" "$out"
rm -f "$w"/log/*

# The Linux peer: the kernel, and an initramfs with busybox, tsc, the script.
tools/linux-peer.sh --shell "$B" "$w/linux" tsc -- tests/shbench/bench
linux_kernel=$w/linux/vmlinuz
linux_initrd=$w/linux/initramfs.cpio
exo_kernel=$B/kernel.bin
exo_initrd=$B/bootimg
# The same shell command on both; ExOS's init hands what follows run= to
# /bin/sh -c, Linux starts rdinit= as PID 1 with the words after "--".
script='. /tests/shbench/bench; poweroff -f'
exo_cmdline="run=$script"
linux_cmdline="console=ttyS0 quiet panic=-1 rdinit=/bin/sh -- -c \"$script\""

# One boot: MODE SYS KERNEL INITRD CMDLINE LOG.  The console goes to LOG,
# each "shbench"/"fwnull" line stamped with the host's clock as it arrives
# (under plain TCG that gives the counter's rate: tools/shbench.awk).
cr=$(printf '\r')
boot() {
	timeout "$TIMEOUT" tools/qemu.sh boot "$1" "$3" "$4" "$5" 2>&1 |
		while IFS= read -r line; do
		line=${line%"$cr"}
		case $line in
		shbench* | fwnull*) echo "$line host=$(date +%s.%N)" ;;
		*) echo "$line" ;;
		esac
	done > "$6"
}

# One boot of SYS in MODE (run RUN): KIND fw is the firmware's share, a
# do-nothing kernel of SYS's format loaded with the same initrd that
# prints the counter at its entry; KIND sh is the system and the script.
run_one() { # KIND MODE SYS RUN
	case $1-$3 in
	fw-exo) set -- "$@" "$B/shbench/fwnull-multiboot.bin" "$exo_initrd" "" ;;
	fw-linux) set -- "$@" "$B/shbench/fwnull-bzimage.bin" "$linux_initrd" "" ;;
	sh-exo) set -- "$@" "$exo_kernel" "$exo_initrd" "$exo_cmdline" ;;
	sh-linux) set -- "$@" "$linux_kernel" "$linux_initrd" "$linux_cmdline" ;;
	esac
	boot "$2" "$3" "$5" "$6" "$7" "$w/log/$1-$3-$2-$4.log"
}

t_start=$(date +%s)
for mode in $MODES; do
	r=1
	while [ $r -le "$RUNS" ]; do
		for sys in exo linux; do
			echo "== $mode, run $r of $RUNS: $sys" >&2
			run_one sh "$mode" $sys $r
		done
		for sys in exo linux; do
			# The firmware under icount runs the same every time.
			if [ "$mode" = tcg ] || [ $r = 1 ]; then
				run_one fw "$mode" $sys $r
			fi
		done
		r=$((r + 1))
	done
done

# Reduce the logs: for each system and mode, one value per run and
# benchmark, then median, min and max.
awk -v runs="$RUNS" -v want_md5="$(want_md5 10485760)" -v modes="$MODES" \
	-f tools/shbench.awk "$w"/log/*.log > "$w/lines.txt"
cat "$w/lines.txt"

qemu=$(qemu-system-x86_64 --version | head -1)
linux=$(cat "$w/linux/version")
busybox=$(cat "${EXO_BUSYBOX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/exo-busybox}/version" 2>/dev/null || echo "?")
{
	echo "# Shell benchmarks"
	echo
	echo "Taken $(date -u +%Y-%m-%d) on $(uname -m), $(nproc) cores; $qemu;"
	echo "-cpu max, 512 MiB; icount: -icount shift=0,sleep=off (one counter"
	echo "tick per guest instruction); tcg: plain multi-threaded TCG, seconds"
	echo "of the host's counter, so they depend on the host and its load."
	echo "Linux: Debian $linux, /bin/sh as PID 1 from an"
	echo "initramfs.  Both run Debian's busybox-static $busybox and the script"
	echo "tests/shbench/bench; $RUNS runs, median (min-max).  Method:"
	echo "docs/shbench.md."
	echo
	awk -f tools/shbench.awk -v table=1 "$w/lines.txt"
	echo
	echo "The firmware's share (subtracted), the kernels' instructions before"
	echo "their clocks started (part of sh_boot) and the host counter's rate:"
	echo
	grep -E "^(shbench|FAIL)" "$w/lines.txt" | sed 's/^/    /'
} > "$out/shbench.md"
awk -f tools/shbench.awk -v csv=1 "$w/lines.txt" > "$out/shbench.csv"
echo "(results/shbench.md, results/shbench.csv; $(($(date +%s) - t_start)) s)"
! grep -q "^FAIL" "$w/lines.txt"
