# Known to fail on ExOS: mkfifo makes the name, but opening it fails with
# ENXIO: sysd has no named pipes yet (docs/sysd.md).
# Looks for named pipes that do not carry data between processes.

mkfifo p; echo "mkfifo: $?"
stat -c '%n %F %a' p
(echo through the fifo > p) & cat p; wait
(seq 10000 > p) & wc -l < p; wait
(cat p > out) & echo written > p; wait; cat out
