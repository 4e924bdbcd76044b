# Looks for named pipes that do not carry data between processes (an end
# opened alone waits for the other).

mkfifo p; echo "mkfifo: $?"
stat -c '%n %F %a' p
(echo through the fifo > p) & cat p; wait
(seq 10000 > p) & wc -l < p; wait
(cat p > out) & echo written > p; wait; cat out
