# Processes: background jobs and wait, kill and the statuses signals
# leave, sleep, timeout, env, true and false, seq, yes, nice-to-have
# plumbing (xargs, sh -c) and many short-lived processes.
# Looks for lost or wrong exit statuses, signals that do not reach or do
# not end a process, wait that returns early or never, and pipes whose
# reader or writer goes away (yes | head must end).
#
# Nothing here prints a pid, a time or an order the scheduler decides:
# background jobs write to their own files, printed after wait.
# ps, top and pidof read /proc, which ExOS does not have yet: not used.

echo "== true, false, sleep"
true; echo "true: $?"
false; echo "false: $?"
sleep 0.1; echo "sleep: $?"
sleep 0; echo "sleep 0: $?"
usleep 1000; echo "usleep: $?"
sleep bad 2>&1; echo "sleep bad: $?"

echo "== background jobs and wait"
(sleep 0.2; echo first > j1) &
(echo second > j2) &
wait
cat j1 j2
sh -c 'exit 7' & p=$!
wait $p; echo "wait for exit 7: $?"
(sleep 0.1; exit 3) & p1=$!
(exit 4) & p2=$!
wait $p2; echo "second: $?"
wait $p1; echo "first: $?"
for i in 1 2 3 4 5; do (echo "job $i" > out.$i) & done
wait
cat out.1 out.2 out.3 out.4 out.5
wait; echo "wait with no jobs: $?"
echo background > bg & wait $!; cat bg

echo "== kill"
# ash reports a job a signal ended ("Terminated") only if the wait that
# collects it is the one for that job: had the child died before "wait"
# and been collected on the way there, nothing is printed.  Which comes
# first is a race on Linux (ExOS's kill ends the child at once), so those
# waits have their stderr discarded; foreground jobs are reported always.
sleep 10 & p=$!
kill $p; wait $p 2>/dev/null; echo "killed by TERM: $?"
sleep 10 & p=$!
kill -9 $p; wait $p 2>/dev/null; echo "killed by KILL: $?"
# A background job of a shell without job control ignores SIGINT (POSIX):
# once the child has set that up (the pause), INT leaves it to finish.
sleep 1 & p=$!
sleep 0.3; kill -s INT $p; wait $p 2>/dev/null; echo "INT to a background job: $?"
sleep 10 & p=$!
kill -USR1 $p; wait $p 2>/dev/null; echo "killed by USR1: $?"
sleep 10 & p=$!
kill -0 $p; echo "kill -0 on a live process: $?"
kill $p; wait $p 2>/dev/null
kill -0 $p 2>/dev/null; echo "kill -0 after it is gone: $?"
kill -l 15; kill -l 9; kill -l TERM
kill -l 143
sh -c 'kill -TERM $$'; echo "sh killed itself: $?"
sh -c 'kill -KILL $$'; echo "sh killed itself with KILL: $?"
sh -c 'sleep 10 & kill $!; wait $! 2>/dev/null; echo "inner: $?"'

echo "== process groups"
# setsid: a group of our own, so that kill 0 reaches no one outside it.
setsid sh -c 'sleep 10 & sleep 10 & kill 0; echo unreached'; echo "kill 0 ended the group: $?"
setsid sh -c 'echo $$ > pg; sleep 10 & sleep 10; echo unreached' & p=$!
while [ ! -s pg ]; do sleep 0.05; done
kill -- -$(cat pg); wait $p 2>/dev/null; echo "kill of the group's leader: $?"

echo "== signals that interrupt"
sh -c 'trap "echo got USR1" USR1; (sleep 0.2; kill -USR1 $$) & sleep 5 & s=$!; wait $s; echo "wait interrupted: $?"; kill $s'
{ sleep 2; echo late; } | { read -t 0.2 x; echo "read -t timed out: $? [$x]"; }
while :; do echo y; done | head -n 1
set -o pipefail
sh -c 'while :; do echo y; done; echo unreached' | head -n 2; echo "the writer's SIGPIPE: $?"
set +o pipefail

echo "== ignored SIGPIPE, closed and non-terminal descriptors"
# An ignored SIGPIPE stays ignored across exec: the writer gets EPIPE.
sh -c 'trap "" PIPE; exec seq 1000000' | head -n 1
sh -c 'exec 1>&-; echo x; echo "echo to a closed stdout: $?" >&2' 2>&1
tty < /dev/null; echo "tty: $?"
stty < /dev/null; echo "stty: $?"
test -t 0 < /dev/null; echo "test -t 0: $?"
test -t 1; echo "test -t 1: $?"
sync; echo "sync: $?"

echo "== timeout"
timeout 5 true; echo "timeout, quick: $?"
timeout 5 sh -c 'exit 6'; echo "timeout, status kept: $?"
timeout 1 sleep 10; echo "timeout expired: $?"
timeout -s KILL 1 sleep 10; echo "timeout KILL: $?"

echo "== env"
env -i A=1 B=two env | sort
env -i PATH="$PATH" sh -c 'echo "[$HOME]"'
env -i X=y sh -c 'echo "$X"'
X=outer env | grep '^X='
env -u HOME sh -c 'echo "HOME=[${HOME-unset}]"'
env -i sh -c 'env | grep -v -e ^PWD= -e ^SHLVL= -e ^_= | sort'
env nothing 2>&1; echo "env missing: $?"

echo "== seq"
seq 5
seq 2 4
seq 10 -3 1
seq -s, 1 5
seq -w 8 11
seq 1 0; echo "empty seq: $?"
seq 0.5 0.5 2

echo "== yes and pipes that close early"
yes | head -n 3
yes abc | head -c 10000 | wc -c
yes | head -n 20000 | uniq -c
seq 100000 | head -n 2
seq 100000 | grep -q 99999; echo "grep -q stops early: $?"
set -o pipefail
yes | head -n 1 > /dev/null; echo "yes killed by SIGPIPE: $?"
set +o pipefail
cat /dev/zero | head -c 100000 | wc -c

echo "== many processes"
i=0; while [ $i -lt 50 ]; do sh -c 'exit 0' || echo "failed $i"; i=$((i + 1)); done; echo "50 shells"
i=0; while [ $i -lt 50 ]; do env true; i=$((i + 1)); done; echo "50 execs"
seq 1 30 | xargs -n 1 sh -c 'echo $(($0 * $0))' | tail -n 3
echo "$(echo $(echo $(echo $(echo deep))))"
sh -c 'sh -c "sh -c \"echo nested three deep; exit 9\""'; echo "nested: $?"
seq 1000 | cat | cat | cat | cat | cat | cat | cat | cat | cat | cat | cat | cat | cat | cat | cat | cat | cat | cat | cat | cat | wc -l
for i in $(seq 20); do sleep 0.1 & done; wait; echo "20 sleeps at once"
for i in 1 2 3 4 5 6 7 8; do (sleep 0.05; exit $i) & done; for i in 1 2 3 4 5 6 7 8; do wait; done; echo "8 at once"
