# Known to fail on ExOS: sysd's /dev has null, zero, tty and console only.
# /dev/urandom and /dev/random are missing (reading them fails; scripts
# use them for random names and keys), and so is /dev/full, so that
# "> /dev/full" makes a regular file instead of failing with ENOSPC.
# (/dev/stdin, /dev/stdout, /dev/stderr and /dev/fd are links into /proc
# on Linux: left out until ExOS has a /proc.)
# Looks for devices Linux programs expect to find.

head -c 16 /dev/urandom | wc -c
head -c 16 /dev/random | wc -c
dd if=/dev/urandom bs=1 count=100 2>/dev/null | wc -c
echo x > /dev/full; echo "write to /dev/full: $?"
head -c 4 /dev/full | od -An -c
stat -c '%n %F' /dev/urandom /dev/random /dev/full
