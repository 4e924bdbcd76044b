# Known to fail on ExOS: exec refuses arguments and environments larger
# than sysd's 64 KiB window with E2BIG, where Linux takes 2 MiB in all
# (a quarter of the stack limit) and 128 KiB in one string, and musl's
# sysconf(_SC_ARG_MAX) promises 128 KiB.  Each case here is about 100 KiB.
# Looks for exec that cannot pass what shells and xargs hand it.

set -- $(seq 20000)
echo "$# arguments, $(echo "$@" | wc -c) bytes"
sh -c 'echo "$# arguments reach the child"' x "$@"
env sh -c 'echo "$# arguments through env"' x "$@"
one=$(head -c 100000 /dev/zero | tr '\0' a)
sh -c 'echo "one argument of ${#1} bytes"' x "$one"
BIG=$one sh -c 'echo "one variable of ${#BIG} bytes"'
export BIG=$one
sh -c "echo a child starts"; echo "with it exported: $?"
