# Looks for /dev/stdin, /dev/stdout, /dev/stderr, /dev/fd/N and
# /proc/self/fd/N that are ordinary files instead of the process's open
# files (a script's "echo oops > /dev/stderr" landing in a file nobody
# reads), and for reopening that gets the wrong end of a pipe, loses a
# file's contents or ignores O_TRUNC.  (Reopening is Linux's: a new
# description with its own offset, so the writes through /dev/stdout go
# to a pipe here; into this script's output file they would be written
# over by the next line, on Linux too.)

echo through-stdin | cat /dev/stdin
echo through-fd0 | cat /proc/self/fd/0
echo through-dev-fd | cat /dev/fd/0
( echo to-stdout > /dev/stdout; echo to-stderr > /dev/stderr ) 2>&1 | cat
( echo from-a-subshell >> /dev/stderr ) 2>&1 | tr a-z A-Z
printf 'line one\nline two\n' > f
exec 3< f
cat /dev/fd/3
cat /proc/self/fd/3
read first < /dev/fd/3; echo "read: $first"
exec 3<&-
cat /dev/fd/3 2>/dev/null || echo "fd 3 closed: no /dev/fd/3"
exec 4> g
echo into-fd4 > /dev/fd/4
echo again > /proc/self/fd/4
exec 4>&-
cat g
echo x | { test -p /dev/stdin && echo "stdin is a pipe"; }
test -L /dev/stdin && echo "/dev/stdin is a link"
test -d /dev/fd/ && echo "/dev/fd is a directory"
ls /proc/self/fd/ | grep -qx 1 && echo "fd 1 is listed"
printf 'short\n' | cat - /dev/stdin
echo $(cat /dev/null /dev/stdin < f | wc -l) lines
rm -f f g
