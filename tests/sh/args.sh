# Looks for exec that cannot pass what shells and xargs hand it: about
# 100 KiB of arguments or environment (Linux takes 2 MiB in all and
# 128 KiB in one string; ExOS's exec sends them to sysd a window at a time).

set -- $(seq 20000)
echo "$# arguments, $(echo "$@" | wc -c) bytes"
sh -c 'echo "$# arguments reach the child"' x "$@"
env sh -c 'echo "$# arguments through env"' x "$@"
one=$(head -c 100000 /dev/zero | tr '\0' a)
sh -c 'echo "one argument of ${#1} bytes"' x "$one"
BIG=$one sh -c 'echo "one variable of ${#BIG} bytes"'
export BIG=$one
sh -c "echo a child starts"; echo "with it exported: $?"
