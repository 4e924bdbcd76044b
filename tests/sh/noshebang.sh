# Looks for scripts without "#!" that a shell cannot run: execve gives
# ENOEXEC and ash runs the file itself, by exec'ing busybox again as
# /proc/self/exe.  (env and xargs run such scripts too: their C library
# retries with /bin/sh.)

printf 'echo "run by the shell as $0 with $# arguments"\nexit 3\n' > plain
chmod +x plain
./plain a b; echo "status $?"
env ./plain; echo "through env: $?"
sh -c './plain c'; echo "from sh -c: $?"
