# Known to fail on ExOS: an executable script without "#!" (execve gives
# ENOEXEC) is run by ash as a shell script by exec'ing busybox again as
# /proc/self/exe, which ExOS does not have yet; ash then says "not found"
# and the status is 127.  (env and xargs run such scripts: their C
# library retries with /bin/sh instead.)
# Looks for scripts without "#!" that a shell cannot run.

printf 'echo "run by the shell as $0 with $# arguments"\nexit 3\n' > plain
chmod +x plain
./plain a b; echo "status $?"
env ./plain; echo "through env: $?"
sh -c './plain c'; echo "from sh -c: $?"
