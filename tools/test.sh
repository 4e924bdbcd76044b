#!/bin/sh
# Runs the host unit tests (given as arguments) and the in-guest suite (one
# boot of the kernel under QEMU with a timeout), the benchmark program's
# check on the Linux peer (one boot of Debian's kernel), then the shell's
# differential suite (tools/shtest.sh, one more boot) and the console test
# (tools/interact.py, one more), and prints the total as "N passed, N
# failed".  Every test prints "ok NAME" or "FAIL NAME: why".
#   tools/test.sh [--host-only|--guest-only] [HOST_TEST_BINARY...]
cd "$(dirname "$0")/.."
B=${B:-build}
GUEST_TIMEOUT=${GUEST_TIMEOUT:-900}
host=1
guest=1
case "$1" in
--host-only) guest=0; shift ;;
--guest-only) host=0; shift ;;
esac
log=$B/test.log
: > $log
fail_extra=0

if [ $host = 1 ]; then
	for t in "$@"; do
		echo "== host: $t"
		if ! ASAN_OPTIONS=detect_leaks=1 "$t" >>$log 2>&1; then
			grep -q "^FAIL" $log || true
			echo "FAIL $(basename $t): exited with an error" >>$log
		fi
	done
	# The Linux side of the benchmarks checks its operations on the host.
	if [ -x $B/linux/lbench ]; then
		if timeout 120 $B/linux/lbench --check --sys host >$B/lbench-check.log 2>&1 &&
			grep -q "^lbench: done" $B/lbench-check.log; then
			echo "ok lbench_check (Linux-ABI benchmarks, once each, on the host)" >>$log
		else
			echo "FAIL lbench_check: see $B/lbench-check.log" >>$log
		fi
	fi
	# The l* programs on the host are the oracle for ExOS's Linux layer;
	# the files they make go under a fresh $B/tmp (they remove their own).
	tmp=$(cd $B && pwd)/tmp
	rm -rf "$tmp" && mkdir -p "$tmp"
	for p in lsys lsys-pie lfork lhostile lfile lpipe lproc lscribble; do
		[ -x $B/linux/$p ] || continue
		if TMPDIR=$tmp timeout 60 $B/linux/$p >$B/$p-host.log 2>&1; then
			echo "ok ${p}_host (Linux behaviour, on the host)" >>$log
		else
			echo "FAIL ${p}_host: see $B/$p-host.log" >>$log
		fi
	done
	if [ -n "$(ls -A "$tmp")" ]; then
		echo "FAIL l*_host: left files in $tmp" >>$log
	fi
	# The fork bomb only where RLIMIT_NPROC binds it: as the unprivileged
	# user nobody (root ignores the limit), switched to by setpriv, run
	# from a copy in a directory that user can reach (it makes no files).
	p=lforkbomb
	if [ -x $B/linux/$p ]; then
		if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null 2>&1; then
			echo "skip ${p}_host: needs root and setpriv (util-linux) to run as nobody" >>$log
		elif d=$(mktemp -d) && chmod 755 "$d" && cp $B/linux/$p "$d/$p"; then
			if timeout 60 setpriv --reuid=65534 --regid=65534 --clear-groups \
				"$d/$p" >$B/$p-host.log 2>&1; then
				echo "ok ${p}_host (RLIMIT_NPROC contains a fork bomb, as nobody)" >>$log
			else
				echo "FAIL ${p}_host: see $B/$p-host.log" >>$log
			fi
			rm -rf "$d"
		else
			echo "FAIL ${p}_host: cannot copy it where nobody can run it" >>$log
		fi
	fi
	grep -E "^(ok|FAIL|skip) " $log
fi

if [ $guest = 1 ]; then
	echo "== guest: booting the test suite (timeout ${GUEST_TIMEOUT}s)"
	glog=$B/test-guest.log
	timeout --foreground -k 10 $GUEST_TIMEOUT tools/qemu.sh test >$glog 2>&1
	st=$?
	tr -d '\r' <$glog >$glog.txt
	cat $glog.txt
	grep -E "^(ok|FAIL) " $glog.txt >>$log
	if [ $st = 124 ] || [ $st = 137 ]; then
		echo "FAIL guest: timed out after ${GUEST_TIMEOUT}s" | tee -a $log
	elif ! grep -q "^guest: .* passed, .* failed" $glog.txt; then
		echo "FAIL guest: the suite did not finish (status $st)" | tee -a $log
	elif [ $st != 0 ] && ! grep -q "^FAIL" $glog.txt; then
		echo "FAIL guest: exit status $st" | tee -a $log
	fi
	# The shell benchmark's script, small, in a boot of its own (a few s).
	tools/shbench.sh --check | tee -a $log

	# The benchmark's other side: lbench once each as PID 1 of Debian's
	# kernel, booted under plain TCG as make bench boots it (kernel
	# fetched with apt on first use, outside the repository).
	echo "== guest: lbench --check on the Linux peer"
	plog=$B/lbench-peer.log
	if tools/linux-peer.sh $B/linux/lbench $B/peer-check >$plog 2>&1 &&
		timeout -k 10 300 tools/qemu.sh boot tcg $B/peer-check/vmlinuz \
			$B/peer-check/initramfs.cpio \
			"console=ttyS0 quiet panic=-1 -- --sys linux --mode tcg --check" \
			>>$plog 2>&1 &&
		grep -q "^lbench: done" $plog; then
		echo "ok lbench_peer (Linux-ABI benchmarks, once each, on the Linux peer)" | tee -a $log
	else
		echo "FAIL lbench_peer: see $plog" | tee -a $log
	fi

	# busybox on the host and on ExOS, compared (docs/shell.md).
	echo "== guest: the shell's differential suite"
	tools/shtest.sh >$B/shtest.log 2>&1
	st=$?
	cat $B/shtest.log
	grep -E "^(ok|FAIL) " $B/shtest.log >>$log
	if [ $st != 0 ] && ! grep -q "^FAIL" $B/shtest.log; then
		echo "FAIL sh_suite: tools/shtest.sh ended with status $st" | tee -a $log
	fi
	echo "== guest: the console, typed at"
	timeout -k 10 300 python3 tools/interact.py >$B/interact.log 2>&1
	st=$?
	cat $B/interact.log
	grep -E "^(ok|FAIL) " $B/interact.log >>$log
	if [ $st != 0 ] && ! grep -q "^FAIL" $B/interact.log; then
		echo "FAIL console: tools/interact.py ended with status $st" | tee -a $log
	fi
fi

passed=$(grep -c "^ok " $log)
failed=$(grep -c "^FAIL " $log)
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
