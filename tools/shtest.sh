#!/bin/sh
# The shell's differential suite (docs/shell.md): runs every script of
# tests/sh under busybox on the host and under the same busybox on ExOS (in
# one boot, through tests/sh/run-all), and compares their outputs and exit
# statuses byte for byte.  Prints "ok sh_NAME" or "FAIL sh_NAME: why" with
# the head of the difference, then "ok sh_applets (N applets: ...)" for the
# distinct applets the scripts run (at least 40); exits 1 on any failure.
# The scripts of tests/sh/known-failing (cases ExOS is known to get wrong)
# run too and print "xfail sh_NAME", or a FAIL once they pass.
#   tools/shtest.sh [NAME...]   NAME: text, known-failing/args, ...
# Needs the boot image built (make all).  SHTEST_TIMEOUT bounds the boot,
# SHTEST_HOST_TIMEOUT each script on the host.
cd "$(dirname "$0")/.."
B=${B:-build}
SHTEST_TIMEOUT=${SHTEST_TIMEOUT:-600}
SHTEST_HOST_TIMEOUT=${SHTEST_HOST_TIMEOUT:-120}
bb=$(cd $B && pwd)/busybox
[ -x "$bb" ] || { echo "FAIL sh_suite: no $B/busybox (make all)"; exit 1; }
all=0
if [ $# = 0 ]; then
	all=1
	set -- $(cd tests/sh && ls *.sh known-failing/*.sh | sed 's/\.sh$//')
fi

work=$(mktemp -d)
qpid=
cleanup() {
	[ -n "$qpid" ] && kill $qpid 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The guest first, in the background: it takes longest.  Its console is
# a serial line (\r\n), stripped of \r afterwards.  The names go on the
# kernel's command line (255 bytes) only when some are chosen.
glog=$B/shtest-guest.log
cmd="sh /tests/sh/run-all"
[ $all = 1 ] || cmd="$cmd $*"
timeout -k 10 $SHTEST_TIMEOUT tools/qemu.sh run --cmd "$cmd" </dev/null >$glog 2>&1 &
qpid=$!

# The host: a directory of links, one per applet, as the only PATH, and
# the guest's layout below $work, so that each script is named by the
# same relative path (../../../tests/sh/NAME.sh) on both sides.
bin=$work/bin
mkdir -p $bin $work/tests/sh $work/tmp/sh $work/host
for a in $($bb --list); do ln -s "$bb" $bin/$a; done
cp -r tests/sh/. $work/tests/sh/
for n in "$@"; do
	f=$(echo $n | tr / _)
	d=$work/tmp/sh/$f
	mkdir -p $d
	(cd $d && umask 022 && timeout -k 5 $SHTEST_HOST_TIMEOUT \
		env -i PATH=$bin HOME=/root TERM=vt100 \
		$bin/sh ../../../tests/sh/$n.sh </dev/null >$d.out 2>&1)
	st=$?
	{ cat $d.out; echo; } >$work/host/$f.out
	echo $st >$work/host/$f.status
	rm -rf $d $d.out
done

wait $qpid
gst=$?
qpid=
tr -d '\r' <$glog >$glog.txt
failed=0
if [ $gst = 124 ] || [ $gst = 137 ]; then
	echo "FAIL sh_suite: the guest timed out after ${SHTEST_TIMEOUT}s (see $glog.txt)"
	failed=1
elif ! grep -q '^@@shtest done$' $glog.txt; then
	echo "FAIL sh_suite: the guest did not finish (status $gst, see $glog.txt)"
	failed=1
fi

# Each script's output in the guest lies between its markers; the end
# marker holds its exit status.
for n in "$@"; do
	f=$(echo $n | tr / _)
	awk -v n="$n" -v out=$work/$f.gout -v stf=$work/$f.gstatus '
		$0 == "@@shtest begin " n { on = 1; next }
		on && $1 == "@@shtest" && $2 == "end" && $3 == n {
			print $4 > stf; on = 0; next
		}
		on { print > out }' $glog.txt
	case $n in
	known-failing/*) known=1 ;;
	*) known=0 ;;
	esac
	if [ ! -f $work/$f.gstatus ]; then
		echo "FAIL sh_$n: no result from the guest"
		failed=1
		continue
	fi
	touch $work/$f.gout
	hst=$(cat $work/host/$f.status)
	gst=$(cat $work/$f.gstatus)
	if [ "$hst" = 124 ] || [ "$hst" = 137 ]; then
		echo "FAIL sh_$n: timed out on the host after ${SHTEST_HOST_TIMEOUT}s"
		failed=1
	elif ! cmp -s $work/host/$f.out $work/$f.gout; then
		if [ $known = 1 ]; then
			echo "xfail sh_$n (known to fail: the outputs differ)"
			continue
		fi
		echo "FAIL sh_$n: the outputs differ (host status $hst, guest $gst); host -, guest +:"
		diff -u $work/host/$f.out $work/$f.gout | sed '1,2d' | head -n 40
		failed=1
	elif [ "$hst" != "$gst" ]; then
		if [ $known = 1 ]; then
			echo "xfail sh_$n (known to fail: exit status $gst, on the host $hst)"
			continue
		fi
		echo "FAIL sh_$n: exit status $gst, on the host $hst"
		failed=1
	elif [ $known = 1 ]; then
		echo "FAIL sh_$n: known to fail, but passes: move it to tests/sh"
		failed=1
	else
		echo "ok sh_$n (status $hst, $(wc -l <$work/host/$f.out) lines)"
	fi
done

# The applets the scripts run: words in command position (after a
# separator, a keyword or a command prefix such as xargs or env), counted
# if busybox has such an applet.  Comment lines and the known-failing
# scripts do not count.
$bb --list >$work/applets
napplets=$(for n in "$@"; do
	case $n in known-failing/*) ;; *) cat tests/sh/$n.sh ;; esac
done | awk -v list=$work/applets '
	BEGIN {
		while ((getline a < list) > 0)
			applet[a] = 1
		split("if then do else elif while until time ! exec command", k, " ")
		for (i in k)
			keyword[k[i]] = 1
		split("xargs env timeout nohup nice", k, " ")
		for (i in k)
			prefix[k[i]] = 1
	}
	/^[ \t]*#/ { next }
	{
		gsub(/\$\(|`|\|\||&&|[|;&(){}]/, "\n")
		nseg = split($0, seg, "\n")
		for (s = 1; s <= nseg; s++) {
			nw = split(seg[s], w, /[ \t]+/)
			for (i = 1; i <= nw; i++) {
				if (w[i] == "" || w[i] ~ /^[A-Za-z_][A-Za-z0-9_]*=/ ||
				    keyword[w[i]])
					continue
				if (prefix[w[i]]) {
					used[w[i]] = 1
					while (i < nw && (w[i + 1] ~ /^-/ ||
					    w[i + 1] ~ /^[0-9.]+$/ ||
					    w[i + 1] ~ /^[A-Za-z_][A-Za-z0-9_]*=/ ||
					    w[i] ~ /^-[snIu]$/))
						i++
					continue
				}
				if (applet[w[i]])
					used[w[i]] = 1
				break
			}
		}
	}
	END {
		for (a in used)
			print a
	}' | sort | tee $work/used | wc -l)
if [ $all = 1 ] && [ "$napplets" -lt 40 ]; then
	echo "FAIL sh_applets: the scripts run $napplets applets, fewer than 40"
	failed=1
else
	echo "ok sh_applets ($napplets applets: $(tr '\n' ' ' <$work/used | sed 's/ $//'))"
fi
exit $failed
