#!/bin/sh
# Boots the exokernel in QEMU.
#
#   tools/qemu.sh run [--cmd "PROG ARGS"]   interactive console on this terminal
#   tools/qemu.sh test [ARGS]               the in-guest test suite, output on stdout
#   tools/qemu.sh gdb                       stopped, GDB stub on :1234 (see build/gdbinit)
#   tools/qemu.sh bench [NAME...]           benchmarks, icount mode
#   tools/qemu.sh peer KERNEL INITRD ARGS   the Linux peer, same machine, icount
#   tools/qemu.sh boot icount|tcg KERNEL INITRD CMDLINE
#                                           any kernel on the same machine, in
#                                           icount or plain TCG (tools/shbench.sh)
#
# The accelerator is KVM only where KVM is backed by hardware
# (/sys/module/kvm_intel or kvm_amd): elsewhere /dev/kvm may be kvm_pvm,
# which runs guest kernels ~3000x slower and breaks some ring-0
# instructions, so we use TCG.  EXO_ACCEL=tcg|kvm overrides.
# The guest powers off through isa-debug-exit: QEMU's status is
# (code << 1) | 1, which this script turns back into code.
set -e
cd "$(dirname "$0")/.."
B=${B:-build}
mode=$1
shift || true

accel=${EXO_ACCEL:-}
if [ -z "$accel" ]; then
	if { [ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ]; } &&
		[ -w /dev/kvm ]; then
		accel=kvm
	else
		accel=tcg
	fi
fi
if [ "$accel" = kvm ]; then
	cpu="-accel kvm -cpu host,-arch-capabilities"
else
	cpu="-accel tcg -cpu max"
fi
mem=${EXO_MEM:-512M}
# The machine both the exokernel and the Linux peer boot on.
machine="-M pc -m $mem -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04"
base="$machine -kernel $B/kernel.bin -initrd $B/bootimg"
# icount: the time-stamp counter counts guest instructions.  For
# EXO_BENCH_MODE=kvm (tools/bench.sh checks KVM is hardware-backed), the
# benchmarks run on KVM instead and count cycles.
icount="-accel tcg,thread=single -cpu max -icount shift=0,sleep=off"
benchmode=${EXO_BENCH_MODE:-icount}
[ "$benchmode" = kvm ] && icount="-accel kvm -cpu host,-arch-capabilities"

status() {
	s=$1
	if [ "$s" -eq 0 ]; then return 0; fi          # closed by the user
	if [ $((s % 2)) -eq 1 ]; then return $(((s - 1) / 2)); fi
	return "$s"
}

case "$mode" in
run)
	append=""
	if [ "$1" = --cmd ]; then append="run=$2"; fi
	# The kernel keeps 255 bytes of its command line: refuse, not cut.
	if [ ${#append} -gt 255 ]; then
		echo "qemu: the command is ${#append} bytes; at most 251 fit the kernel command line" >&2
		exit 2
	fi
	echo "qemu: $accel; quit with Ctrl-A X" >&2
	set +e
	qemu-system-x86_64 $cpu $base -nographic -serial mon:stdio \
		-append "$append"
	status $?
	;;
test)
	set +e
	qemu-system-x86_64 $cpu $base -display none -serial stdio -monitor none \
		-append "test $*" </dev/null
	status $?
	;;
gdb)
	cat > $B/gdbinit <<GDB
file $B/kernel.elf
target remote localhost:1234
set disassembly-flavor att
GDB
	echo "qemu: waiting for GDB; in another terminal: gdb -x $B/gdbinit" >&2
	qemu-system-x86_64 -accel tcg -cpu max $base -nographic \
		-serial mon:stdio -s -S -append ""
	;;
bench)
	set +e
	qemu-system-x86_64 $icount $machine -kernel $B/kernel.bin \
		-initrd $B/bootimg -display none -serial stdio -monitor none \
		-append "bench mode=$benchmode $*" </dev/null
	status $?
	;;
peer)
	kernel=$1 initrd=$2
	shift 2
	set +e
	qemu-system-x86_64 $icount $machine -kernel "$kernel" -initrd "$initrd" \
		-display none -serial stdio -monitor none \
		-append "console=ttyS0 quiet panic=-1 -- $*" </dev/null
	status $?
	;;
boot)
	how=$1 kernel=$2 initrd=$3 cmdline=$4
	accel="$icount"
	[ "$how" = tcg ] && accel="-accel tcg -cpu max"
	set +e
	qemu-system-x86_64 $accel $machine -kernel "$kernel" -initrd "$initrd" \
		-display none -serial stdio -monitor none -append "$cmdline" </dev/null
	status $?
	;;
*)
	echo "usage: tools/qemu.sh run|test|gdb|bench|peer|boot" >&2
	exit 2
	;;
esac
