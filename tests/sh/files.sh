# Files and directories: ls, cp, mv, rm, mkdir, rmdir, ln, readlink,
# realpath, stat, touch, find, xargs, basename, dirname, chmod, truncate,
# dd, mktemp, cat into files, and the shell's redirections.
# Looks for a file system that loses, misnames or mis-sizes files, links
# that point wrong, modes and link counts that differ from Linux, and
# directory listings that miss or repeat names.
#
# What legitimately differs is left out: owners (ls -n prints uid and gid,
# which are those of whoever runs the host side), times, inode numbers,
# block counts and the sizes of directories (each file system counts its
# own), and the order in which a directory is read (find's output is
# sorted: ls sorts on its own).

# ls -ln without owners, times and the "total" of blocks.
lsl() {
	ls -ln "$@" | awk '$1 != "total" {
		$3 = $4 = $6 = $7 = $8 = ""
		if ($1 ~ /^d/)
			$5 = ""
		print
	}' | tr -s ' '
}
# ls -ln for directories: their size is the file system's own.
lsd() { ls -lnd "$@" | awk '{ print $1, $2, $9 }'; }

echo "== mkdir, rmdir"
mkdir a
mkdir -p a/b/c/d
mkdir a; echo "mkdir again: $?"
mkdir -p a/b; echo "mkdir -p again: $?"
rmdir a/b/c/d
rmdir a/b; echo "rmdir non-empty: $?"
mkdir -m 700 priv
lsd a a/b a/b/c priv
rmdir -p a/b/c
ls -1

echo "== files"
echo hello > f
printf 'line1\nline2\n' > g
: > empty
cp f f2
cp -p g g2
mv f2 f3
ls -1
lsl f g g2 f3 empty
cat f3 g2
cp f nodir/x; echo "cp to missing dir: $?"
mv nothing x; echo "mv missing: $?"
rm f3; ls f3; echo "after rm: $?"
rm -f nothing; echo "rm -f missing: $?"
rm nothing; echo "rm missing: $?"

echo "== cp -r, mv across directories"
mkdir -p src/sub
echo one > src/1; echo two > src/sub/2
cp -r src dst
find dst | sort
mv dst/sub/2 dst/2b
mv dst moved
find moved -type f | sort
cp -a src archive
diff -r src archive; echo "diff -r: $?"
rm -r moved archive
ls -1

echo "== links"
ln -s f sym
ln -s nowhere dangling
ln f hard
readlink sym
readlink dangling
cat sym
cat dangling; echo "dangling: $?"
lsl sym dangling
stat -c '%n %h %s %F' f hard sym
stat -L -c '%n %s %F' sym
ln -s src dirlink
ls -1 dirlink/
ls -1 dirlink
cd dirlink && pwd -P | sed 's|.*/||' && pwd | sed 's|.*/||' && cd ..
ln -sf g sym; readlink sym
rm hard; stat -c '%h' f
realpath sym | sed "s|^$(pwd -P)/||"
realpath src/sub/../1 | sed "s|^$(pwd -P)/||"
readlink -f dirlink/sub | sed "s|^$(pwd -P)/||"

echo "== hard links"
echo linked > h1; ln h1 h2; ln h1 h3
[ h1 -ef h3 ] && echo "h1 and h3 are the same file"
stat -c %i h1 h2 h3 | uniq | wc -l
stat -c '%n %h' h1 h2 h3
cp h1 h2; echo "cp onto a hard link: $?"
cp h1 h1; echo "cp onto itself: $?"
mv h1 h2; echo "mv onto a hard link of itself: $?"
ls -1 h?
echo more >> h3; cat h2
mkdir ht; tar cf ht/h.tar h2 h3; cd ht; tar xf h.tar; stat -c '%n %h' h2 h3; cd ..
rm -r ht h1 h2 h3 2>&1

echo "== stat and chmod"
chmod 600 f; stat -c '%a %A' f
chmod u+x,g+r f; stat -c '%a %A' f
chmod a-w g; stat -c '%a' g
chmod 644 g
chmod -R go-rx src; stat -c '%n %a' src src/sub src/1 | sort
chmod 4755 f; stat -c '%a %A' f
chmod 1777 src; stat -c '%a %A' src
chmod 644 f; chmod 755 src
stat -c '%s %F' empty
stat -c '%F' src
stat -c '%F' /dev/null
stat nothing; echo "stat missing: $?"

echo "== touch and find -newer"
touch -d '2001-02-03 04:05:06' old
touch -d '2021-02-03 04:05:06' new
touch -r old older-copy
ls -1t old new
find . -newer old -name 'n*'
find . -maxdepth 1 ! -newer old | sort
touch made-by-touch; lsl made-by-touch
stat -c '%Y' old | awk '{ print ($1 > 981000000 && $1 < 981300000) }'
touch new; find . -newer old -name new
# What changes a modification time: writing a file, adding or removing a
# name in a directory; not chmod.  (touch -d takes the fields a date leaves
# out from the present: every date here is complete.)
touch -d '2001-01-01 00:00:00' ref1 w; echo x >> w; find . -newer ref1 -name w
mkdir md; touch -d '2001-01-01 00:00:00' md; : > md/new; find . -newer ref1 -name md
touch -d '2001-01-01 00:00:00' md; rm md/new; find . -newer ref1 -name md
touch -d '2001-01-01 00:00:00' w; chmod 600 w; find . -newer ref1 -name w; echo "chmod leaves mtime"
rm -r ref1 w md

echo "== find"
mkdir -p tree/a/b tree/c
for n in tree/x.txt tree/a/y.txt tree/a/b/z.c tree/c/w.txt; do echo "$n" > $n; done
find tree | sort
find tree -name '*.txt' | sort
find tree -type d | sort
find tree -type f -name '*.c'
find tree -mindepth 2 -type f | sort
find tree -path '*a/b*' | sort
find tree -type f -exec cat {} \; | sort
find tree -type f -size -2 | sort
find tree -name '*.txt' -print0 | xargs -0 ls -1
find tree -type f | sort | xargs wc -c
find nothing; echo "find missing: $?"

echo "== xargs"
seq 1 10 | xargs echo
seq 1 10 | xargs -n 3 echo
echo "a b c" | xargs -n 1 echo item
printf 'x\ny\n' | xargs -I{} echo '<{}>'
printf '' | xargs echo empty
printf 'one two\n' | xargs -t echo 2>&1
echo 1 | xargs false; echo "xargs false: $?"

echo "== basename, dirname"
basename /a/b/c.txt
basename /a/b/c.txt .txt
basename /
basename a/b/
dirname /a/b/c.txt
dirname c.txt
dirname /a
dirname a/b/

echo "== truncate, dd"
printf 0123456789 > digits
truncate -s 4 digits; cat digits; echo
truncate -s 8 digits; od -c digits
truncate -s 0 digits; stat -c %s digits
truncate -s 3000 sparse; stat -c %s sparse
dd if=/dev/zero of=zeros bs=512 count=3 2>/dev/null; stat -c %s zeros
printf 'abcdefghijklmnopqrstuvwxyz' > alpha
dd if=alpha bs=4 skip=2 count=3 status=noxfer
echo
dd if=alpha of=out bs=5 seek=1 conv=notrunc status=noxfer; od -c out
dd if=alpha bs=1 count=5 2>/dev/null | tr a-z A-Z; echo
dd if=alpha ibs=3 obs=7 count=4 status=noxfer | wc -c
dd if=nothing 2>&1; echo "dd missing: $?"

echo "== redirections into files"
echo first > r
echo second >> r
cat r
set -C
echo clobber > r; echo "noclobber: $?"
echo forced >| r
set +C
cat r
cat < r > r2; cat r2
exec 3> fd3
echo via3 >&3
exec 3>&-
cat fd3
exec 4< r2
read line <&4; echo "read: $line"
exec 4<&-
{ echo grouped; echo twice; } > grp; cat grp
echo x > /dev/null; cat /dev/null; echo "null: $?"
head -c 5 /dev/zero | od -An -c

echo "== open files shared, removed and renamed"
# A file description's offset is shared by everyone who inherits it; a
# reader that stops early (read, head, sed) leaves it where the next one
# starts, seeking back what it read ahead.
{ echo one; sh -c 'echo two'; echo three; } > shared; cat shared
printf 'l1\nl2\nl3\nl4\n' > lines
{ read a; echo "read $a"; cat; } < lines
{ head -n 1; echo "--"; cat; } < lines
{ sed -n 1p; echo "--"; cat; } < lines
(read a; read b; echo "$b"; exec cat) < lines
echo data > u; exec 3< u; rm u; cat <&3; exec 3<&-
echo data2 > v; exec 4< v; mv v w; cat <&4; exec 4<&-; cat w
mkdir gone; cd gone; rmdir ../gone; ls; echo "ls in a removed directory: $?"
touch x; echo "create in a removed directory: $?"; cd ..
rm shared lines w

echo "== tree operations"
mkdir -p t/a t/b; ln -s ../a t/b/toa; echo x > t/a/x
rm -rf t/b; ls t/a
find t -name x -exec rm {} +; find t | sort
mkdir -p m/n; cd m/n; mv ../../m ../../m2; pwd -P | sed 's|.*/\(.*/.*\)$|\1|'; cd ../..
l=$(printf 'd%.0s' $(seq 1 120)); mkdir -p $l/$l; echo long > $l/$l/$l
tar cf long.tar $l; rm -r $l; tar xf long.tar; cat $l/$l/$l; tar tf long.tar | wc -c
readlink -f nothere | sed "s|^$(pwd -P)/||"
rm -r t m2 $l long.tar

echo "== mktemp"
t=$(mktemp ./tmp.XXXXXX)
[ -f "$t" ] && echo "mktemp made a file" && stat -c '%a %s' "$t"
d=$(mktemp -d ./dir.XXXXXX)
[ -d "$d" ] && echo "mktemp -d made a directory" && stat -c '%a' "$d"
rm -r "$t" "$d"

echo "== final listing"
ls -1
ls -1a src
ls -1R tree
ls -1F src
lsl
ls -1 nothing; echo "ls missing: $?"
