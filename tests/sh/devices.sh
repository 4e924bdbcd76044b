# Looks for devices Linux programs expect to find: /dev/urandom and
# /dev/random (random names and keys), /dev/full ("> /dev/full" fails with
# ENOSPC, not a regular file).  /dev/stdin and the like: devfd.sh.

head -c 16 /dev/urandom | wc -c
head -c 16 /dev/random | wc -c
dd if=/dev/urandom bs=1 count=100 2>/dev/null | wc -c
echo x > /dev/full; echo "write to /dev/full: $?"
head -c 4 /dev/full | od -An -c
stat -c '%n %F' /dev/urandom /dev/random /dev/full
