# Text tools on small files the script writes: cat, grep, sed, awk, sort,
# uniq, wc, head, tail, cut, tr, tee, od, xxd, hexdump, fold, nl, paste,
# rev, expand, unexpand, tac, diff, cmp, expr, echo, printf, test, and a
# few that only compute (date -u, cal, factor, bc, dc, dos2unix, strings).
# Looks for text tools that read or write short, wrongly split or
# misordered data (every byte of their output is compared).

printf 'banana\napple\ncherry\napple\ndate\nfig tree\n' > fruit
printf 'root:x:0:0:root:/root:/bin/sh\nbin:x:1:1:bin:/bin:/bin/false\nnobody:x:65534:65534:nobody:/:/bin/false\n' > pw

echo "== cat"
cat fruit
cat -n fruit
cat fruit pw | wc -l
cat - fruit < pw | head -n 4

echo "== grep"
grep -n an fruit
grep -c apple fruit
grep -v a fruit; echo "status $?"
grep -E '^(a|c)' fruit
grep -i APPLE fruit
grep -q zzz fruit; echo "no match: $?"
grep -o 'an' fruit
grep -w tree fruit
grep -l apple fruit pw
grep -F 'x:0' pw
grep nothing missing-file; echo "missing file: $?"
grep -e apple -e date fruit | grep -vc date

echo "== sed"
sed 's/a/A/g' fruit
sed -n '2,3p' fruit
sed -e '/apple/d' -e 's/^/> /' fruit
sed -n '$=' fruit
sed '2q' fruit
sed 's/\([a-z]*\):x:\([0-9]*\).*/\2 \1/' pw
sed -E 's/(an)+/<&>/' fruit
sed '1!G;h;$!d' fruit
printf 'one\ntwo\n' > s1
sed -i 's/o/0/' s1
cat s1
sed 'y/abc/xyz/' fruit | head -n 2

echo "== awk"
awk -F: '{ print $1, $3 }' pw
awk -F: '$3 > 0 { n++ } END { print n " users above root" }' pw
awk '{ c[$1]++ } END { for (k in c) print k, c[k] }' fruit | sort
awk 'BEGIN { printf "%5.2f|%-4s|%03d|%x\n", 3.14159, "ab", 7, 255 }'
awk '{ print length($0), toupper(substr($0, 1, 3)) }' fruit
awk 'BEGIN { s = "a,b,,c"; n = split(s, p, ","); print n, p[4]; gsub(/,/, ";", s); print s }'
awk 'NR % 2 == 0' fruit
awk 'BEGIN { x = 2 * 512; y = 17 % 5; print x, y, int(7 / 2), 7 / 2, -7 % 3 }'
awk -v v=42 'BEGIN { print v + 1 }'
echo "a b c" | awk '{ $2 = "B"; print; print NF }'
awk 'BEGIN { while (i < 3) { i++; printf "%d ", i } print "" }'
awk 'BEGIN { print index("banana", "nan"), match("xxabc", /ab/), RSTART, RLENGTH }'
awk 'BEGIN { printf "%s\n", sprintf("%c%c", 72, 105) }'

echo "== sort, uniq"
sort fruit
sort -r fruit
sort -u fruit
sort -t: -k3,3n pw | cut -d: -f1
printf '10\n9\n100\n-1\n' | sort -n
printf '10\n9\n100\n-1\n' | sort
printf 'b 2\na 2\nc 1\n' | sort -k2,2n -k1,1r
sort fruit | uniq
sort fruit | uniq -c
sort fruit | uniq -d
sort fruit | uniq -u
printf 'x\nX\nx\n' | uniq -i
sort -c fruit; echo "sorted? $?"

echo "== wc, head, tail"
wc fruit
wc -l < fruit
wc -w -c fruit pw
head -n 2 fruit
head -c 10 fruit; echo
tail -n 2 fruit
tail -n +5 fruit
tail -c 9 fruit
seq 1 100 | head -n 3
seq 1 100 | tail -n 3

echo "== cut, tr, paste, rev, fold, nl"
cut -d: -f1,7 pw
cut -c 2-4 fruit
cut -f 2 -d ' ' -s fruit
tr a-z A-Z < fruit
tr -d aeiou < fruit
echo "a    b  c" | tr -s ' '
echo "hello" | tr 'el' 'ip'
echo "abc123" | tr -cd '0-9'; echo
paste fruit pw | head -n 3
paste -s -d, fruit
paste -d'|' s1 s1
rev fruit
echo "The quick brown fox jumps over the lazy dog" | fold -w 10
echo "The quick brown fox jumps over the lazy dog" | fold -s -w 10
nl fruit
nl -b a -w 3 -s ': ' fruit
tac fruit

echo "== expand"
printf 'a\tb\tc\n\tx\n' > tabs
expand tabs
expand -t 4 tabs
expand tabs | unexpand -a | od -c

echo "== tee"
echo teed | tee t1 t2 > t3
cat t1 t2 t3
echo more | tee -a t1 > /dev/null
cat t1

echo "== od, xxd, hexdump"
printf 'AB\001\377\n' > bin
od -c bin
od -An -tx1 bin
od -b bin
xxd bin
xxd -p bin
hexdump -C bin
hexdump -C fruit
printf '0000000: 4142 0a\n' | xxd -r

echo "== diff, cmp"
printf 'a\nb\nc\nd\n' > d1
printf 'a\nB\nc\nd\ne\n' > d2
diff d1 d2; echo "diff: $?"
diff -u d1 d1; echo "same: $?"
cmp d1 d2; echo "cmp: $?"
cmp -s d1 d1; echo "cmp same: $?"
cmp -l d1 d2; echo "cmp -l: $?"

echo "== echo, printf, expr"
echo plain
echo -n "no newline"; echo "|"
echo -e 'tab\there\nnext'
echo 'a\tb'
printf '%s-%s\n' a b c
printf '%5d|%-5d|%05d\n' 42 42 42
printf '%x %X %o %c %%\n' 255 255 8 z
printf '%.3s|%10.4f|%e\n' abcdef 3.14159265 12345.678
printf '%b\n' 'x\ty'
printf 'no args\n'
expr 7 + 3 \* 2
expr length "hello"
expr substr hello 2 3
expr "abc" : 'a\(.*\)'
expr 5 \> 3
expr 3 = 4; echo "expr false: $?"

echo "== test"
t() { if "$@"; then echo "yes: $*"; else echo "no: $*"; fi; }
t test -f fruit
t test -d fruit
t test -e nothing
t test -s fruit
t test -z ""
t test -n ""
t [ abc = abc ]
t [ abc != abc ]
t [ 3 -lt 10 ]
t [ 10 -le 3 ]
t [ 5 -eq 5 -a 1 -ne 2 ]
t [ ! -e nothing ]
t [ -d . -o -f nothing ]
t [ fruit -nt nothing ]
t [ "" ]
t [ -x fruit ]
[ 1 -lt ]; echo "bad test: $?"
test -f fruit && echo "test without brackets"

echo "== computation"
# Always -u: with no TZ, the host would read its own /etc/localtime.
date -u -d @0
date -u -d '2020-02-29 12:34:56' +'%s %j %a %A %b %Y-%m-%d %H:%M:%S'
date -u -d @1000000000 +%c
cal 2 2024
factor 360 1001 65537
echo '2^64; scale=5; 22/7' | bc
dc -e '2 64 ^ p'
printf 'dos\r\nline\r\n' | dos2unix | od -c
printf 'unix\n' | unix2dos | od -c
printf 'ab\001cdefgh\000xyz\000longer string\n' > mixed
strings mixed
strings -n 3 mixed
