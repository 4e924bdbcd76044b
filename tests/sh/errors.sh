# The errors a file system and the process calls report, as a program
# sees them: busybox prints strerror of the errno it got, so a wrong errno
# shows as a different message.  Also names at their limits, symlink loops,
# large directories and deep paths.
# Looks for calls that fail with the wrong errno, succeed where Linux
# refuses (renaming a directory into itself, linking a directory), or give
# out at sizes Linux handles.
#
# Permission errors are left out: the host side may run as root, which
# passes every permission check, while ExOS has one user.

echo "== errors from files and directories"
mkdir d; echo data > f
cat d; echo "cat a directory: $?"
cd f; echo "cd a file: $?"
mkdir f/sub; echo "mkdir under a file: $?"
cat f/x; echo "a file as a directory: $?"
cat f/; echo "a file with a trailing slash: $?"
rmdir f; echo "rmdir a file: $?"
rm d; echo "rm a directory: $?"
mkdir d/e; echo x > d/e/x
rmdir d; echo "rmdir non-empty: $?"
mv d d/e; echo "mv a directory into itself: $?"
mkdir -p over/t/y t
mv t over; echo "rename onto a non-empty directory: $?"
mkdir -p over2/f
mv f over2; echo "rename a file onto a directory: $?"
mkdir sub over3; echo x > over3/sub
mv sub over3; echo "rename a directory onto a file: $?"
mkdir -p over4/d2 d2
mv d2 over4; echo "rename onto an empty directory: $?"
find over4 | sort
ln d dlink; echo "hard link to a directory: $?"
ln f f2; ln f f2; echo "link onto an existing name: $?"
ln -s f f2; echo "symlink onto an existing name: $?"
ln -s loop1 loop2; ln -s loop2 loop1
cat loop1; echo "symlink loop: $?"
echo x > loop1; echo "write through a loop: $?"
mkdir loop1/x; echo "mkdir through a loop: $?"
touch nodir/file; echo "touch in a missing directory: $?"
echo x > ''; echo "empty name: $?"
cat nothing/../f; echo ".. through a missing name: $?"
cat d/e/../../f
ls -d d/./e/..
rmdir .; echo "rmdir .: $?"
rmdir d/e/..; echo "rmdir ..: $?"
ln -s f dangling-to-be; rm f; echo recreated > dangling-to-be; cat f
rm -r d over over2 over3 over4 loop1 loop2 f f2 t sub dangling-to-be
ls

echo "== names at the limits"
n255=$(printf '%0255d' 0)
n256=$(printf '%0256d' 0)
echo ok > $n255; cat $n255; echo "255 bytes: $?"
echo no > $n256; echo "256 bytes: $?"
mkdir $n256; echo "mkdir 256 bytes: $?"
ls | wc -l
rm $n255
p=.; i=0; while [ $i -lt 60 ]; do p=$p/dir$i; i=$((i + 1)); done
mkdir -p $p; echo "60 levels: $?"
echo deep > $p/file; cat $p/file
(cd $p && pwd -P | tr / '\n' | grep -c '^dir')
find . -name file | wc -c
rm -r dir0; echo "removed: $?"
long=$(printf 'x/%.0s' $(seq 1 2100))
cat $long 2>&1 | sed 's/^cat: .*: //'; echo "path over 4096 bytes"

echo "== a large directory"
mkdir big; cd big
i=0; while [ $i -lt 1000 ]; do : > f$i; i=$((i + 1)); done
ls | wc -l
ls | sort | md5sum
ls -1 f99*
i=0; while [ $i -lt 1000 ]; do [ $((i % 3)) = 0 ] && rm f$i; i=$((i + 1)); done
ls | wc -l
find . -type f | sort | head -n 3
echo * | wc -w
cd .. && rm -r big && echo "big removed"
ls

echo "== processes"
wait 99999; echo "wait for a stranger: $?"
kill 99999 2>&1; echo "kill a stranger: $?"
kill -99 $$ 2>&1; echo "kill with a bad signal: $?"
sh -c 'exec echo exec replaced the shell'; echo "after exec: $?"
sh -c 'exec nothing-there' 2>&1; echo "exec missing: $?"
sh -c 'trap "" INT; sh -c "kill -INT \$\$; echo ignored INT inherited"'
sh -c 'trap "echo handled" USR1; sh -c "kill -USR1 \$\$; echo handler not inherited"'; echo "status: $?"
sh -c 'ulimit -n 5 2>/dev/null; exec 3>a 4>b; echo fds $?'
true >&-; echo "closed stdout: $?"
echo x >&9; echo "bad fd: $?"
