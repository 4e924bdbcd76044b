# Bigger data through pipes and files, archives and checksums: sort of
# 20000 lines, a 1 MiB file through a pipeline, gzip and bzip2 round trips
# (busybox's xz only decompresses), tar and cpio (create, list, extract),
# md5sum, sha1sum, sha256sum, sha512sum, sha3sum, crc32, base64,
# uuencode, dd in small blocks.
# Looks for data lost or reordered in pipes and files once they outgrow
# a buffer, files that grow or shrink wrongly under many small writes,
# and archivers that walk directories or restore modes wrongly.
#
# Archives are never checksummed themselves (they hold times, owners and
# the order in which directories are read); what they list and restore is.

echo "== sort 20000 lines"
seq 20000 | awk '{ print ($1 * 7919) % 20011, $1 }' > pairs
wc -l < pairs
sort -n pairs | md5sum
sort -n pairs | head -n 3
sort -k2,2nr pairs | head -n 2
sort -u -k1,1n pairs | wc -l
sort pairs | tail -n 2
sort -n pairs > sorted; sort -c -n sorted; echo "sorted: $?"
awk '{ s += $1 } END { print s }' pairs
awk '{ print $1 % 10 }' pairs | sort | uniq -c

echo "== 1 MiB through a pipeline"
seq 1 200000 | head -c 1048576 > mib
stat -c %s mib
md5sum mib
cat mib | tr 0-9 a-j | tr a-j 0-9 | md5sum
cat mib mib | wc -c
sha256sum mib
dd if=mib bs=4096 2>/dev/null | md5sum
dd if=mib bs=1000 count=50 2>/dev/null | wc -c
grep -c 7 mib
tail -c 20 mib | od -c | head -n 2

echo "== gzip"
cp mib m1
gzip m1
ls -1 m1*
gzip -t m1.gz; echo "gzip -t: $?"
zcat m1.gz | md5sum
gunzip m1.gz
md5sum m1
gzip -c mib | gunzip -c | cmp - mib; echo "pipe round trip: $?"
gzip -9 -c mib | gzip -d | md5sum
echo "not gzip" > bad.gz
gunzip -c bad.gz 2>&1; echo "gunzip bad: $?"
printf '' | gzip -c | gunzip -c | wc -c

echo "== bzip2"
bzip2 -c mib > mib.bz2
bunzip2 -c mib.bz2 | md5sum
bzcat mib.bz2 | wc -c
yes 'compressible line' | head -n 5000 | bzip2 | bzcat | uniq -c

echo "== checksums and encodings"
printf 'abc' > abc
md5sum abc
sha1sum abc
sha256sum abc
sha512sum abc
sha3sum abc
crc32 abc
md5sum abc mib > sums
md5sum -c sums
echo corrupt >> abc; md5sum -c sums 2>&1; echo "md5sum -c after change: $?"
printf 'hello, world\n' | base64
printf 'hello, world\n' | base64 | base64 -d
head -c 3000 mib | base64 | base64 -d | cmp - mib 2>&1 | sed 's/^.*EOF.*$/EOF as expected/'
head -c 300 mib | uuencode -m name | uudecode -o - | md5sum
head -c 300 mib | md5sum

echo "== tar"
mkdir -p proj/src proj/doc proj/empty
printf 'int main;\n' > proj/src/a.c
seq 1000 > proj/doc/numbers
chmod 750 proj/src
ln -s ../doc/numbers proj/src/link
tar cf proj.tar proj
tar tf proj.tar | sort
rm -r proj
tar xf proj.tar
find proj | sort
stat -c '%n %a' proj/src; stat -c '%n %a %s' proj/src/a.c proj/doc/numbers
readlink proj/src/link
md5sum proj/doc/numbers
tar czf proj.tgz proj
tar tzf proj.tgz | sort
mkdir x; cd x; tar xzf ../proj.tgz proj/doc/numbers; find . | sort; cd ..
tar cf - proj | tar tf - | wc -l
tar cf - -C proj src | (mkdir y && cd y && tar xf -); find y | sort
tar tf nothing.tar 2>&1; echo "tar missing: $?"

echo "== cpio"
find proj | sort | cpio -o -H newc > proj.cpio 2>/dev/null
cpio -t < proj.cpio 2>/dev/null
mkdir c; cd c; cpio -i -d < ../proj.cpio 2>/dev/null; find . | sort; cmp proj/doc/numbers ../proj/doc/numbers; echo "cpio restored: $?"; cd ..

echo "== large and sparse files"
truncate -s 100M big; stat -c %s big; tail -c 1 big | od -An -c; rm big
dd if=/dev/zero of=holes bs=1 seek=1000000 count=1 2>/dev/null; stat -c %s holes; rm holes
head -c 16777216 /dev/zero | wc -c
dd if=/dev/zero of=sixteen bs=1048576 count=16 2>/dev/null; stat -c %s sixteen
md5sum sixteen; rm sixteen

echo "== small writes"
i=0; while [ $i -lt 500 ]; do echo "$i" >> grow; i=$((i + 1)); done
wc -l < grow; md5sum grow
dd if=grow of=copy bs=7 2>/dev/null; cmp grow copy; echo "dd bs=7: $?"
dd if=/dev/zero bs=1 count=4097 2>/dev/null | wc -c
seq 10000 | while read n; do [ $((n % 2500)) = 0 ] && echo "$n"; done
