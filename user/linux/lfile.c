/*
 * lfile: files and directories behave as POSIX and Linux say (make test
 * runs it on the host, the oracle; ExOS's file system must pass it too).
 * It checks open/creat/read/write, pread/pwrite, readv/writev, lseek
 * (SEEK_SET/CUR/END, holes read as zeros), the open flags O_APPEND,
 * O_TRUNC, O_EXCL, O_DIRECTORY, O_NOFOLLOW and O_CLOEXEC, fcntl
 * (F_GETFD/F_SETFD/F_GETFL/F_SETFL/F_DUPFD/F_DUPFD_CLOEXEC), dup/dup2/dup3,
 * a file offset shared by dup'ed descriptors and across fork, stat/fstat/
 * lstat (type, permission bits after umask, size, link count), chmod,
 * mkdir/rmdir, unlink, rename, link, symlink/readlink, readdir (every name
 * exactly once), chdir/getcwd, access/faccessat/openat, truncate/
 * ftruncate, an unlinked file that stays readable while open, /dev/null
 * and /dev/zero, /dev/fd/N and /proc/self/fd/N (files and pipes reopened),
 * sendfile between two files, 2000 files in one directory,
 * and the errors EBADF, ENOENT, EEXIST, ENOTDIR, EISDIR, ENOTEMPTY, EFAULT,
 * ENAMETOOLONG, ELOOP and EINVAL.  Everything it creates lives in a fresh
 * directory under $TMPDIR (or /tmp) and is removed at the end.  Prints one
 * line per failed check and a summary; exits 0 only if every check passed.
 *   lfile [--help]
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define LTEST_NAME "lfile"
#include "ltest.h"

/* A file with exactly this content (mode 0644 before the umask). */
static int
put(const char *path, const char *data)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	size_t n = strlen(data);
	int ok = write(fd, data, n) == (ssize_t)n;
	return close(fd) == 0 && ok ? 0 : -1;
}

/* The file's content as a string (at most size - 1 bytes), or "<error>". */
static const char *
slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	size_t n = 0;
	ssize_t r;

	if (fd < 0)
		return "<error>";
	while (n < size - 1 && (r = read(fd, buf + n, size - 1 - n)) > 0)
		n += (size_t)r;
	close(fd);
	buf[n] = 0;
	return buf;
}

static int
same(const char *path, const char *want)
{
	char buf[256];
	return strcmp(slurp(path, buf, sizeof(buf)), want) == 0;
}

static off_t
fsize(int fd)
{
	struct stat st;
	return fstat(fd, &st) == 0 ? st.st_size : -1;
}

static mode_t
pmode(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0 ? st.st_mode : (mode_t)-1;
}

static nlink_t
nlinks(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0 ? st.st_nlink : (nlink_t)-1;
}

static off_t
offset(int fd)
{
	return lseek(fd, 0, SEEK_CUR);
}

/* Removes a tree (for the cleanup at the end); 0 if everything went. */
static int
rmtree(const char *path)
{
	struct stat st;
	int bad = 0;

	if (lstat(path, &st) != 0)
		return -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	DIR *d = opendir(path);
	if (d == NULL)
		return -1;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char sub[PATH_MAX];
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		bad |= rmtree(sub);
	}
	closedir(d);
	return rmdir(path) | bad;
}

/* Plain reads and writes, and which ends of a descriptor work. */
static void
test_readwrite(void)
{
	char buf[128];
	int fd = open("a", O_CREAT | O_WRONLY | O_TRUNC, 0644);

	CHECK(fd >= 0);
	CHECK(write(fd, "hello world", 11) == 11);
	CHECK(write(fd, "xyz", 0) == 0);
	CHECK(close(fd) == 0);
	fd = open("a", O_RDONLY);
	CHECK(fd >= 0);
	CHECK(read(fd, buf, 5) == 5 && memcmp(buf, "hello", 5) == 0);
	CHECK(read(fd, buf, 0) == 0);
	CHECK(read(fd, buf, sizeof(buf)) == 6 && memcmp(buf, " world", 6) == 0);
	CHECK(read(fd, buf, sizeof(buf)) == 0); /* end of file */
	CHECK_ERR(write(fd, "x", 1), EBADF);    /* opened read-only */
	CHECK(close(fd) == 0);
	fd = creat("b", 0600);
	CHECK(fd >= 0);
	CHECK((fcntl(fd, F_GETFL) & O_ACCMODE) == O_WRONLY);
	CHECK_ERR(read(fd, buf, 1), EBADF); /* creat is write-only */
	CHECK(write(fd, "bee", 3) == 3);
	CHECK(close(fd) == 0);
	CHECK(same("b", "bee"));
	/* O_CREAT without O_TRUNC keeps an existing file's content. */
	fd = open("b", O_CREAT | O_RDWR, 0644);
	CHECK(fd >= 0 && fsize(fd) == 3);
	close(fd);
}

/* lseek from every origin, its errors, and holes reading as zeros. */
static void
test_seek(void)
{
	char buf[64];
	int fd = open("a", O_RDONLY); /* "hello world" */

	CHECK(lseek(fd, 6, SEEK_SET) == 6);
	CHECK(read(fd, buf, 5) == 5 && memcmp(buf, "world", 5) == 0);
	CHECK(offset(fd) == 11);
	CHECK(lseek(fd, -5, SEEK_CUR) == 6);
	CHECK(lseek(fd, 0, SEEK_END) == 11);
	CHECK(lseek(fd, -11, SEEK_END) == 0);
	CHECK(read(fd, buf, 1) == 1 && buf[0] == 'h');
	CHECK(lseek(fd, 1000, SEEK_SET) == 1000); /* past the end is allowed */
	CHECK(read(fd, buf, sizeof(buf)) == 0);
	CHECK(fsize(fd) == 11); /* and changes nothing */
	CHECK_ERR(lseek(fd, 0, 99), EINVAL);
	CHECK_ERR(lseek(fd, -1, SEEK_SET), EINVAL);
	CHECK_ERR(lseek(fd, -2000, SEEK_CUR), EINVAL);
	CHECK_ERR(lseek(fd, -12, SEEK_END), EINVAL);
	CHECK(offset(fd) == 1000); /* the refused calls moved nothing */
	close(fd);

	/* A write past the end leaves a hole that reads as zeros. */
	static char big[100001];
	fd = open("hole", O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK(lseek(fd, 100000, SEEK_SET) == 100000);
	CHECK(write(fd, "x", 1) == 1);
	CHECK(fsize(fd) == 100001);
	memset(big, 0x55, sizeof(big));
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	size_t got = 0;
	ssize_t r;
	while (got < sizeof(big) && (r = read(fd, big + got, sizeof(big) - got)) > 0)
		got += (size_t)r;
	CHECK(got == sizeof(big));
	int zeros = 1;
	for (size_t i = 0; i < 100000; i++)
		if (big[i] != 0)
			zeros = 0;
	CHECK(zeros && big[100000] == 'x');
	/* Filling part of the hole leaves the rest of it zero. */
	CHECK(pwrite(fd, "y", 1, 70000) == 1);
	CHECK(pread(fd, buf, 3, 69999) == 3 && memcmp(buf, "\0y\0", 3) == 0);
	CHECK(pread(fd, buf, 2, 4095) == 2 && memcmp(buf, "\0\0", 2) == 0);
	CHECK(fsize(fd) == 100001);
	close(fd);
}

/* pread/pwrite leave the offset alone; readv/writev gather and scatter. */
static void
test_positional(void)
{
	char buf[64];
	int fd = open("pp", O_RDWR | O_CREAT | O_TRUNC, 0644);

	CHECK(write(fd, "0123456789", 10) == 10);
	CHECK(pwrite(fd, "AB", 2, 3) == 2);
	CHECK(offset(fd) == 10);
	CHECK(pread(fd, buf, 4, 2) == 4 && memcmp(buf, "2AB5", 4) == 0);
	CHECK(offset(fd) == 10);
	CHECK(pread(fd, buf, 10, 8) == 2 && memcmp(buf, "89", 2) == 0);
	CHECK(pread(fd, buf, 10, 50) == 0);
	CHECK_ERR(pread(fd, buf, 1, -1), EINVAL);
	CHECK(pwrite(fd, "Z", 1, 20) == 1); /* extends, with a hole */
	CHECK(fsize(fd) == 21);
	CHECK(pread(fd, buf, 12, 9) == 12 &&
	    memcmp(buf, "9\0\0\0\0\0\0\0\0\0\0Z", 12) == 0);
	CHECK(offset(fd) == 10);

	CHECK(ftruncate(fd, 0) == 0 && lseek(fd, 0, SEEK_SET) == 0);
	char e[1];
	struct iovec out[3] = { { "abc", 3 }, { e, 0 }, { "defgh", 5 } };
	CHECK(writev(fd, out, 3) == 8);
	CHECK(offset(fd) == 8);
	CHECK(writev(fd, out, 0) == 0);
	char b1[3], b2[10];
	memset(b2, 0, sizeof(b2));
	struct iovec in[2] = { { b1, sizeof(b1) }, { b2, sizeof(b2) } };
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	CHECK(readv(fd, in, 2) == 8);
	CHECK(memcmp(b1, "abc", 3) == 0 && memcmp(b2, "defgh", 5) == 0);
	CHECK(readv(fd, in, 2) == 0);
	CHECK_ERR(readv(fd, in, -1), EINVAL);
	close(fd);
}

/* O_APPEND, O_TRUNC, O_EXCL, O_DIRECTORY, O_NOFOLLOW, O_CLOEXEC. */
static void
test_open_flags(void)
{
	char buf[64];
	int fd, fd2;

	CHECK(put("ap", "hello") == 0);
	fd = open("ap", O_WRONLY | O_APPEND);
	CHECK(fd >= 0 && (fcntl(fd, F_GETFL) & O_APPEND));
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	CHECK(write(fd, "!!", 2) == 2);
	CHECK(offset(fd) == 7);
	fd2 = open("ap", O_WRONLY | O_APPEND);
	CHECK(write(fd, "1", 1) == 1 && write(fd2, "2", 1) == 1 &&
	    write(fd, "3", 1) == 1);
	close(fd2);
	close(fd);
	CHECK(same("ap", "hello!!123"));
	fd = open("ap", O_RDWR | O_APPEND); /* reads still start at 0 */
	CHECK(read(fd, buf, 5) == 5 && memcmp(buf, "hello", 5) == 0);
	close(fd);

	CHECK(put("tr", "some content") == 0);
	fd = open("tr", O_WRONLY | O_TRUNC);
	CHECK(fd >= 0 && fsize(fd) == 0);
	close(fd);
	CHECK(put("tr", "again") == 0);
	fd = open("tr", O_RDWR | O_TRUNC);
	CHECK(fd >= 0 && fsize(fd) == 0 && read(fd, buf, 5) == 0);
	close(fd);

	CHECK_ERR(open("ap", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
	fd = open("newx", O_CREAT | O_EXCL | O_WRONLY, 0644);
	CHECK(fd >= 0);
	close(fd);
	/* A dangling symlink: O_EXCL refuses it; plain O_CREAT makes the target. */
	CHECK(symlink("target-of-dangle", "dangle") == 0);
	CHECK_ERR(open("dangle", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
	CHECK_ERR(access("target-of-dangle", F_OK), ENOENT);
	fd = open("dangle", O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0 && write(fd, "made", 4) == 4);
	close(fd);
	CHECK(same("target-of-dangle", "made"));

	CHECK(mkdir("d", 0755) == 0);
	CHECK_ERR(open("ap", O_RDONLY | O_DIRECTORY), ENOTDIR);
	fd = open("d", O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0);
	close(fd);

	CHECK(symlink("ap", "lap") == 0);
	CHECK_ERR(open("lap", O_RDONLY | O_NOFOLLOW), ELOOP);
	fd = open("ap", O_RDONLY | O_NOFOLLOW);
	CHECK(fd >= 0);
	close(fd);
	CHECK(same("lap", "hello!!123"));

	fd = open("ap", O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC);
	close(fd);
	fd = open("ap", O_RDONLY);
	CHECK(fd >= 0 && fcntl(fd, F_GETFD) == 0);
	CHECK(fcntl(fd, F_SETFD, FD_CLOEXEC) == 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC);
	CHECK(fcntl(fd, F_SETFD, 0) == 0 && fcntl(fd, F_GETFD) == 0);
	close(fd);
}

/* fcntl's status flags and duplication; dup, dup2, dup3. */
static void
test_fcntl_dup(void)
{
	char buf[16];

	/* Descriptors 30 to 43 are used by number: free them if inherited. */
	for (int i = 30; i <= 43; i++)
		close(i);
	int fd = open("ap", O_RDWR); /* "hello!!123" */
	int fl = fcntl(fd, F_GETFL);

	CHECK(fl != -1 && (fl & O_ACCMODE) == O_RDWR && !(fl & O_APPEND));
	CHECK(fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK) == 0);
	fl = fcntl(fd, F_GETFL);
	CHECK((fl & O_APPEND) && (fl & O_NONBLOCK) && (fl & O_ACCMODE) == O_RDWR);
	CHECK(fcntl(fd, F_SETFL, 0) == 0);
	fl = fcntl(fd, F_GETFL);
	CHECK(!(fl & O_APPEND) && !(fl & O_NONBLOCK));
	int ro = open("ap", O_RDONLY);
	CHECK(fcntl(ro, F_SETFL, O_WRONLY) == 0); /* the access mode stays */
	CHECK((fcntl(ro, F_GETFL) & O_ACCMODE) == O_RDONLY);
	close(ro);

	/* F_DUPFD gives the lowest free number at or above its argument. */
	CHECK(fcntl(fd, F_SETFD, FD_CLOEXEC) == 0);
	int d1 = fcntl(fd, F_DUPFD, 30);
	int d2 = fcntl(fd, F_DUPFD, 30);
	CHECK(d1 == 30 && d2 == 31);
	CHECK(fcntl(d1, F_GETFD) == 0); /* descriptor flags are not copied */
	int d3 = fcntl(fd, F_DUPFD_CLOEXEC, 30);
	CHECK(d3 == 32 && fcntl(d3, F_GETFD) == FD_CLOEXEC);
	CHECK_ERR(fcntl(fd, F_DUPFD, -1), EINVAL);
	close(d1);
	close(d2);
	close(d3);
	CHECK(fcntl(fd, F_SETFD, 0) == 0);

	/* dup: the lowest free number; status flags are shared, fd flags not. */
	int a = open("ap", O_RDONLY), b = open("ap", O_RDONLY);
	CHECK(a >= 0 && b > a);
	CHECK(close(a) == 0);
	int c = dup(b);
	CHECK(c == a);
	CHECK(fcntl(b, F_SETFL, O_NONBLOCK) == 0 && (fcntl(c, F_GETFL) & O_NONBLOCK));
	CHECK(fcntl(b, F_SETFD, FD_CLOEXEC) == 0 && fcntl(c, F_GETFD) == 0);
	close(b);
	close(c);

	/* dup2 and dup3. */
	int other = open("b", O_RDONLY); /* "bee" */
	CHECK(dup2(fd, fd) == fd);
	CHECK(dup2(fd, 40) == 40);
	CHECK(dup2(other, 40) == 40); /* closes the old 40 silently */
	CHECK(pread(40, buf, 3, 0) == 3 && memcmp(buf, "bee", 3) == 0);
	CHECK(fcntl(fd, F_GETFD) == 0); /* fd itself untouched */
	CHECK_ERR(dup2(1000, 41), EBADF);
	CHECK_ERR(fcntl(41, F_GETFD), EBADF);
	CHECK_ERR(dup2(fd, -1), EBADF);
	CHECK_ERR(syscall(SYS_dup3, fd, fd, 0), EINVAL);
	CHECK(syscall(SYS_dup3, fd, 42, O_CLOEXEC) == 42 &&
	    fcntl(42, F_GETFD) == FD_CLOEXEC);
	CHECK(dup3(other, 42, 0) == 42 && fcntl(42, F_GETFD) == 0);
	CHECK_ERR(syscall(SYS_dup3, fd, 43, 0x12345), EINVAL);
	close(40);
	close(42);
	close(other);

	/* dup'ed descriptors share one offset; separate opens do not. */
	int fd2 = dup(fd);
	int fd3 = open("ap", O_RDONLY);
	CHECK(read(fd, buf, 3) == 3 && memcmp(buf, "hel", 3) == 0);
	CHECK(offset(fd2) == 3 && offset(fd3) == 0);
	CHECK(read(fd2, buf, 2) == 2 && memcmp(buf, "lo", 2) == 0);
	CHECK(offset(fd) == 5);
	/* So do parent and child after fork. */
	pid_t pid = fork();
	if (pid == 0) {
		char cb[2];
		_exit(read(fd, cb, 2) == 2 && memcmp(cb, "!!", 2) == 0 ? 0 : 1);
	}
	int st;
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 0);
	CHECK(offset(fd) == 7 && offset(fd2) == 7);
	CHECK(read(fd, buf, 10) == 3 && memcmp(buf, "123", 3) == 0);
	close(fd);
	close(fd2);
	close(fd3);
}

/* stat, fstat and lstat: types, permissions after the umask, sizes. */
static void
test_stat(void)
{
	struct stat st, st2;
	mode_t old = umask(022);

	CHECK(umask(022) == 022);
	int fd = open("m1", O_CREAT | O_WRONLY | O_TRUNC, 0666);
	CHECK(fd >= 0);
	static char data[1234];
	memset(data, 'd', sizeof(data));
	CHECK(write(fd, data, sizeof(data)) == (ssize_t)sizeof(data));
	CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (st.st_mode & 07777) == 0644 && st.st_size == 1234 && st.st_nlink == 1);
	CHECK(stat("m1", &st2) == 0 && st2.st_ino == st.st_ino &&
	    st2.st_dev == st.st_dev && st2.st_mode == st.st_mode &&
	    st2.st_size == 1234);
	CHECK(fchmod(fd, 0640) == 0 && (pmode("m1") & 07777) == 0640);
	close(fd);
	CHECK(chmod("m1", 0604) == 0 && (pmode("m1") & 07777) == 0604);
	CHECK(umask(077) == 022);
	fd = open("m2", O_CREAT | O_WRONLY, 0666);
	CHECK(fd >= 0 && (pmode("m2") & 07777) == 0600 && fsize(fd) == 0);
	close(fd);
	CHECK(mkdir("md", 0777) == 0 && S_ISDIR(pmode("md")) &&
	    (pmode("md") & 07777) == 0700);
	CHECK(umask(0) == 077);
	fd = creat("m3", 0751);
	CHECK(fd >= 0 && (pmode("m3") & 07777) == 0751);
	close(fd);
	CHECK(umask(022) == 0);
	CHECK(mkdir("md2", 0777) == 0 && (pmode("md2") & 07777) == 0755);

	/* A symlink: lstat sees the link, stat what it points to. */
	CHECK(symlink("m1", "sm1") == 0);
	CHECK(lstat("sm1", &st) == 0 && S_ISLNK(st.st_mode) && st.st_size == 2);
	CHECK(stat("sm1", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 1234);
	CHECK(stat("md", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(stat("md/", &st) == 0 && S_ISDIR(st.st_mode));

	/*
	 * A directory counts "." and each subdirectory's ".." (a few file
	 * systems such as btrfs report 1 and do not count: then all are 1).
	 */
	nlink_t n0 = nlinks("md2");
	CHECK(n0 == 2 || n0 == 1);
	CHECK(mkdir("md2/s1", 0755) == 0 && mkdir("md2/s2", 0755) == 0);
	CHECK(put("md2/f", "") == 0); /* a file does not count */
	CHECK(nlinks("md2") == (n0 == 2 ? 4 : 1));
	CHECK(rmdir("md2/s1") == 0 && nlinks("md2") == (n0 == 2 ? 3 : 1));
	umask(old);
	umask(022);
}

/* mkdir, rmdir and unlink, and their errors. */
static void
test_dirs(void)
{
	CHECK(mkdir("d1", 0755) == 0);
	CHECK_ERR(mkdir("d1", 0755), EEXIST);
	CHECK_ERR(mkdir("ap", 0755), EEXIST);
	CHECK_ERR(mkdir("nod/x", 0755), ENOENT);
	CHECK_ERR(mkdir("ap/x", 0755), ENOTDIR);
	CHECK(mkdir("d3/", 0755) == 0 && S_ISDIR(pmode("d3")));
	CHECK(rmdir("d1") == 0);
	CHECK_ERR(rmdir("d1"), ENOENT);
	CHECK_ERR(access("d1", F_OK), ENOENT);
	CHECK_ERR(rmdir("ap"), ENOTDIR);
	CHECK(mkdir("d2", 0755) == 0 && put("d2/f", "x") == 0);
	CHECK_ERR(rmdir("d2"), ENOTEMPTY);
	CHECK_ERR(rmdir("."), EINVAL);
	CHECK(unlink("d2/f") == 0 && rmdir("d2") == 0);

	CHECK(put("u1", "x") == 0);
	CHECK(unlink("u1") == 0);
	CHECK_ERR(access("u1", F_OK), ENOENT);
	CHECK_ERR(unlink("u1"), ENOENT);
	CHECK_ERR(unlink("d3"), EISDIR);
	CHECK_ERR(unlink("ap/x"), ENOTDIR);
}

/* rename of files and directories, and the cases it must refuse. */
static void
test_rename(void)
{
	char buf[16];
	struct stat st, st2;

	CHECK(put("r1", "one") == 0 && put("r2", "two") == 0);
	int old = open("r2", O_RDONLY);
	CHECK(rename("r1", "r2") == 0);
	CHECK_ERR(access("r1", F_OK), ENOENT);
	CHECK(same("r2", "one"));
	/* The replaced file lives on while open. */
	CHECK(read(old, buf, sizeof(buf)) == 3 && memcmp(buf, "two", 3) == 0);
	close(old);
	CHECK(rename("r2", "r2") == 0 && same("r2", "one"));
	CHECK_ERR(rename("r1", "r3"), ENOENT);

	CHECK(mkdir("rd", 0755) == 0 && mkdir("rd/sub", 0755) == 0);
	CHECK_ERR(rename("rd", "rd/sub/x"), EINVAL);
	CHECK_ERR(rename("rd", "rd/x"), EINVAL);
	CHECK(mkdir("re1", 0755) == 0 && mkdir("re2", 0755) == 0);
	CHECK(put("re2/f", "in re2") == 0);
	CHECK(put("re1/g", "in re1") == 0);
	CHECK_ERR(rename("re1", "re2"), ENOTEMPTY);
	CHECK(mkdir("re3", 0755) == 0);
	CHECK(rename("re1", "re3") == 0); /* over an empty directory */
	CHECK_ERR(access("re1", F_OK), ENOENT);
	CHECK(same("re3/g", "in re1"));
	CHECK_ERR(rename("r2", "re3"), EISDIR);
	CHECK_ERR(rename("re3", "r2"), ENOTDIR);
	/* Into another directory, a file and then a whole directory. */
	CHECK(rename("r2", "re2/moved") == 0 && same("re2/moved", "one"));
	CHECK(mkdir("re5", 0755) == 0);
	CHECK(rename("re2", "re5/re2") == 0);
	CHECK(same("re5/re2/f", "in re2") && same("re5/re2/moved", "one"));
	CHECK(stat("re5/re2/..", &st) == 0 && stat("re5", &st2) == 0 &&
	    st.st_ino == st2.st_ino && st.st_dev == st2.st_dev);
}

/* Hard links and symbolic links. */
static void
test_links(void)
{
	char buf[64];
	struct stat st, st2;

	CHECK(put("l1", "link") == 0);
	CHECK(link("l1", "l2") == 0);
	CHECK(nlinks("l1") == 2 && nlinks("l2") == 2);
	CHECK(stat("l1", &st) == 0 && stat("l2", &st2) == 0 && st.st_ino == st2.st_ino);
	int fd = open("l2", O_WRONLY | O_APPEND);
	CHECK(write(fd, "X", 1) == 1);
	close(fd);
	CHECK(same("l1", "linkX"));
	CHECK_ERR(link("l1", "ap"), EEXIST);
	CHECK_ERR(link("nosuch", "l3"), ENOENT);
	CHECK_ERR(link("d", "dl"), EPERM);
	CHECK(link("l1", "l3") == 0 && nlinks("l2") == 3);
	CHECK(unlink("l1") == 0 && unlink("l3") == 0);
	CHECK(nlinks("l2") == 1 && same("l2", "linkX"));

	CHECK(symlink("l2", "s1") == 0);
	memset(buf, 'Z', sizeof(buf));
	CHECK(readlink("s1", buf, sizeof(buf)) == 2 && memcmp(buf, "l2Z", 3) == 0);
	CHECK(readlink("s1", buf, 1) == 1 && buf[0] == 'l'); /* truncated */
	CHECK_ERR(readlink("l2", buf, sizeof(buf)), EINVAL);
	CHECK_ERR(readlink("nosuch", buf, sizeof(buf)), ENOENT);
	CHECK_ERR(symlink("x", "l2"), EEXIST);
	CHECK(same("s1", "linkX"));
	/* A relative target is relative to the link's own directory. */
	CHECK(mkdir("sd", 0755) == 0 && symlink("../l2", "sd/up") == 0);
	CHECK(same("sd/up", "linkX"));
	CHECK(symlink("sd", "sdl") == 0 && S_ISDIR(pmode("sd")));
	CHECK(stat("sdl", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(same("sdl/up", "linkX"));
	char cwd[PATH_MAX], abs[PATH_MAX + 8];
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	snprintf(abs, sizeof(abs), "%s/l2", cwd);
	CHECK(symlink(abs, "sabs") == 0 && same("sabs", "linkX"));
	CHECK(unlink("s1") == 0 && same("l2", "linkX")); /* removes the link only */
	/* A dangling link: lstat works, following it does not. */
	CHECK(symlink("gone", "sgone") == 0 && S_ISLNK(pmode("sgone")));
	CHECK_ERR(stat("sgone", &st), ENOENT);
	CHECK_ERR(open("sgone", O_RDONLY), ENOENT);
}

/* readdir sees every name exactly once, and again after rewinddir. */
static void
test_readdir(void)
{
	enum { N = 50 };
	int seen[N + 3];
	char name[64];

	CHECK(mkdir("rdd", 0755) == 0);
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "rdd/e%02d", i);
		CHECK(put(name, "") == 0);
	}
	CHECK(mkdir("rdd/sub", 0755) == 0);
	DIR *d = opendir("rdd");
	CHECK(d != NULL);
	if (d == NULL)
		return;
	for (int pass = 0; pass < 2; pass++) {
		struct dirent *e;
		int other = 0, badtype = 0;
		memset(seen, 0, sizeof(seen));
		while ((e = readdir(d)) != NULL) {
			int i;
			if (strcmp(e->d_name, ".") == 0)
				seen[N]++;
			else if (strcmp(e->d_name, "..") == 0)
				seen[N + 1]++;
			else if (strcmp(e->d_name, "sub") == 0) {
				seen[N + 2]++;
				badtype |= e->d_type != DT_DIR && e->d_type != DT_UNKNOWN;
			} else if (sscanf(e->d_name, "e%02d", &i) == 1 && i >= 0 &&
			    i < N && strlen(e->d_name) == 3) {
				seen[i]++;
				badtype |= e->d_type != DT_REG && e->d_type != DT_UNKNOWN;
			} else
				other++;
		}
		int once = 1;
		for (int i = 0; i < N + 3; i++)
			if (seen[i] != 1)
				once = 0;
		CHECK(once && other == 0);
		CHECK(!badtype);
		rewinddir(d);
	}
	CHECK(closedir(d) == 0);
	/* An empty directory holds just "." and "..". */
	d = opendir("rdd/sub");
	int n = 0;
	while (d != NULL && readdir(d) != NULL)
		n++;
	CHECK(d != NULL && n == 2);
	if (d != NULL)
		closedir(d);
	CHECK(opendir("ap") == NULL && errno == ENOTDIR);
	CHECK(opendir("nosuch") == NULL && errno == ENOENT);
}

/* chdir and getcwd; access, faccessat and openat. */
static void
test_cwd_access(void)
{
	char cwd0[PATH_MAX], cwd[PATH_MAX], want[PATH_MAX + 8];

	CHECK(getcwd(cwd0, sizeof(cwd0)) == cwd0 && cwd0[0] == '/');
	CHECK(mkdir("cw", 0755) == 0);
	CHECK(chdir("cw") == 0);
	snprintf(want, sizeof(want), "%s/cw", cwd0);
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL && strcmp(cwd, want) == 0);
	CHECK(put("inner", "in cw") == 0);
	CHECK(chdir("..") == 0);
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL && strcmp(cwd, cwd0) == 0);
	CHECK(same("cw/inner", "in cw"));
	CHECK(chdir(want) == 0 && same("inner", "in cw"));
	CHECK(chdir(cwd0) == 0);
	CHECK_ERR(chdir("ap"), ENOTDIR);
	CHECK_ERR(chdir("nosuch"), ENOENT);
	CHECK(getcwd(cwd, 1) == NULL && errno == ERANGE);
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL && strcmp(cwd, cwd0) == 0);

	CHECK(put("ac", "x") == 0 && chmod("ac", 0644) == 0);
	CHECK(access("ac", F_OK) == 0);
	CHECK(access("ac", R_OK | W_OK) == 0);
	CHECK_ERR(access("ac", X_OK), EACCES); /* for root too: no x bit at all */
	CHECK(chmod("ac", 0755) == 0 && access("ac", X_OK) == 0);
	CHECK_ERR(access("nosuch", F_OK), ENOENT);
	CHECK_ERR(access("ac/x", F_OK), ENOTDIR);
	CHECK(faccessat(AT_FDCWD, "ac", R_OK, 0) == 0);
	int dfd = open("cw", O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0);
	CHECK(faccessat(dfd, "inner", F_OK, 0) == 0);
	CHECK_ERR(faccessat(dfd, "ac", F_OK, 0), ENOENT); /* not in cw */
	int fd = openat(dfd, "inner", O_RDONLY);
	char buf[8];
	CHECK(fd >= 0 && read(fd, buf, 5) == 5 && memcmp(buf, "in cw", 5) == 0);
	close(fd);
	CHECK_ERR(openat(dfd, "ac", O_RDONLY), ENOENT);
	close(dfd);
}

/* truncate and ftruncate shrink and grow; an unlinked open file lives on. */
static void
test_truncate_unlinked(void)
{
	char buf[8192];
	struct stat st;

	CHECK(put("tc", "0123456789") == 0);
	int fd = open("tc", O_RDWR);
	CHECK(ftruncate(fd, 4) == 0 && fsize(fd) == 4);
	CHECK(pread(fd, buf, sizeof(buf), 0) == 4 && memcmp(buf, "0123", 4) == 0);
	CHECK(ftruncate(fd, 8192) == 0 && fsize(fd) == 8192);
	memset(buf, 0x55, sizeof(buf));
	CHECK(pread(fd, buf, sizeof(buf), 0) == 8192);
	int zeros = 1;
	for (int i = 4; i < 8192; i++)
		if (buf[i] != 0)
			zeros = 0;
	CHECK(zeros && memcmp(buf, "0123", 4) == 0);
	CHECK(lseek(fd, 100, SEEK_SET) == 100);
	CHECK(truncate("tc", 2) == 0 && fsize(fd) == 2);
	CHECK(offset(fd) == 100); /* truncation leaves the offset */
	CHECK(lseek(fd, 0, SEEK_END) == 2);
	CHECK_ERR(truncate("tc", -1), EINVAL);
	CHECK_ERR(ftruncate(fd, -1), EINVAL);
	CHECK_ERR(truncate("d", 0), EISDIR);
	CHECK_ERR(truncate("nosuch", 0), ENOENT);
	int ro = open("tc", O_RDONLY);
	CHECK_ERR(ftruncate(ro, 0), EINVAL);
	close(ro);
	CHECK(truncate("tc", 0) == 0 && fsize(fd) == 0);
	close(fd);

	CHECK(put("ul", "still here") == 0);
	fd = open("ul", O_RDWR);
	CHECK(fd >= 0 && unlink("ul") == 0);
	CHECK_ERR(stat("ul", &st), ENOENT);
	CHECK(fstat(fd, &st) == 0 && st.st_nlink == 0 && st.st_size == 10);
	CHECK(read(fd, buf, sizeof(buf)) == 10 && memcmp(buf, "still here", 10) == 0);
	CHECK(pwrite(fd, "!", 1, 10) == 1 && fsize(fd) == 11);
	CHECK(put("ul", "new") == 0); /* a new file under the old name */
	CHECK(pread(fd, buf, sizeof(buf), 0) == 11 &&
	    memcmp(buf, "still here!", 11) == 0);
	CHECK(same("ul", "new"));
	close(fd);
}

/* /dev/null swallows and reads as end of file; /dev/zero reads zeros. */
static void
test_devices(void)
{
	char buf[4096];
	struct stat st;

	int fd = open("/dev/null", O_RDWR);
	CHECK(fd >= 0 && write(fd, buf, 100) == 100);
	CHECK(read(fd, buf, sizeof(buf)) == 0);
	CHECK(fstat(fd, &st) == 0 && S_ISCHR(st.st_mode));
	close(fd);
	fd = open("/dev/zero", O_RDONLY);
	memset(buf, 0xaa, sizeof(buf));
	CHECK(fd >= 0 && read(fd, buf, sizeof(buf)) == (ssize_t)sizeof(buf));
	int zeros = 1;
	for (size_t i = 0; i < sizeof(buf); i++)
		if (buf[i] != 0)
			zeros = 0;
	CHECK(zeros);
	close(fd);
}

/*
 * /dev/fd/N, /proc/self/fd/N and /dev/stdin name open descriptors:
 * opening one opens the same file afresh (its own offset, O_TRUNC
 * honoured), a pipe at the end asked for; closed or absurd numbers and
 * processes that do not exist give ENOENT, a directory for writing EISDIR.
 */
static void
test_fd_paths(void)
{
	char path[64], buf[64];
	struct stat a, b;

	CHECK(put("fdp", "0123456789") == 0);
	int fd = open("fdp", O_RDONLY);
	CHECK(fd >= 0 && read(fd, buf, 4) == 4);
	snprintf(path, sizeof(path), "/dev/fd/%d", fd);
	int again = open(path, O_RDONLY);
	CHECK(again >= 0 && again != fd);
	CHECK(read(again, buf, 3) == 3 && memcmp(buf, "012", 3) == 0); /* own offset */
	CHECK(fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_ino == b.st_ino);
	close(again);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	again = open(path, O_WRONLY | O_TRUNC);
	CHECK(again >= 0);
	close(again);
	CHECK(stat("fdp", &a) == 0 && a.st_size == 0);
	close(fd);
	CHECK_ERR(open(path, O_RDONLY), ENOENT); /* closed now */
	CHECK_ERR(open("/dev/fd/999999", O_RDONLY), ENOENT);
	CHECK_ERR(open("/dev/fd/99999999999999999999", O_RDONLY), ENOENT);
	CHECK_ERR(open("/proc/2147483647/fd/0", O_RDONLY), ENOENT);
	CHECK_ERR(stat("/dev/fd/999999", &a), ENOENT);
	int d = open(".", O_RDONLY | O_DIRECTORY);
	snprintf(path, sizeof(path), "/dev/fd/%d", d);
	CHECK_ERR(open(path, O_WRONLY), EISDIR);
	close(d);

	int p[2];
	CHECK(pipe(p) == 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", p[0]);
	int w = open(path, O_WRONLY); /* the read end's pipe, for writing */
	CHECK(w >= 0 && write(w, "via", 3) == 3);
	CHECK(read(p[0], buf, sizeof(buf)) == 3 && memcmp(buf, "via", 3) == 0);
	CHECK(fstat(p[0], &a) == 0 && S_ISFIFO(a.st_mode));
	CHECK(stat(path, &b) == 0 && S_ISFIFO(b.st_mode));
	close(p[1]);
	close(w); /* no writer left: end of file */
	CHECK(read(p[0], buf, sizeof(buf)) == 0);
	close(p[0]);
	CHECK(unlink("fdp") == 0);
}

/* The error cases not covered above. */
static void
test_errors(void)
{
	char buf[64];
	struct stat st;
	int fd = open("ap", O_RDONLY);

	/* EBADF: a closed descriptor and one never opened. */
	CHECK(close(fd) == 0);
	CHECK_ERR(read(fd, buf, 1), EBADF);
	CHECK_ERR(write(fd, "x", 1), EBADF);
	CHECK_ERR(fstat(fd, &st), EBADF);
	CHECK_ERR(lseek(fd, 0, SEEK_SET), EBADF);
	CHECK_ERR(close(fd), EBADF);
	CHECK_ERR(read(1000, buf, 1), EBADF);
	CHECK_ERR(write(1000, "x", 1), EBADF);
	CHECK_ERR(fstat(1000, &st), EBADF);
	CHECK_ERR(lseek(1000, 0, SEEK_SET), EBADF);
	CHECK_ERR(close(1000), EBADF);
	CHECK_ERR(read(-1, buf, 1), EBADF);
	CHECK_ERR(fcntl(1000, F_GETFD), EBADF);
	CHECK_ERR(dup(1000), EBADF);
	fd = open("ap", O_WRONLY);
	CHECK_ERR(read(fd, buf, 1), EBADF);
	close(fd);

	/* ENOENT, ENOTDIR, EISDIR. */
	CHECK_ERR(open("nosuch", O_RDONLY), ENOENT);
	CHECK_ERR(open("nosuch/x", O_CREAT | O_WRONLY, 0644), ENOENT);
	CHECK_ERR(stat("nosuch", &st), ENOENT);
	CHECK_ERR(open("", O_RDONLY), ENOENT);
	CHECK_ERR(stat("", &st), ENOENT);
	CHECK_ERR(open("ap/x", O_RDONLY), ENOTDIR);
	CHECK_ERR(open("ap/", O_RDONLY), ENOTDIR);
	CHECK_ERR(stat("ap/", &st), ENOTDIR);
	CHECK_ERR(open("d", O_WRONLY), EISDIR);
	CHECK_ERR(open("d", O_RDWR), EISDIR);
	fd = open("d", O_RDONLY);
	CHECK(fd >= 0);
	CHECK_ERR(read(fd, buf, sizeof(buf)), EISDIR);
	CHECK_ERR(write(fd, "x", 1), EBADF);
	close(fd);

	/* EFAULT: bad pointers, passed straight to the system. */
	fd = open("ap", O_RDWR);
	off_t size = fsize(fd);
	CHECK(size > 0);
	CHECK_ERR(syscall(SYS_read, fd, (void *)1, 10), EFAULT);
	CHECK_ERR(syscall(SYS_read, fd, (void *)0xffff800000000000UL, 10), EFAULT);
	CHECK_ERR(syscall(SYS_write, fd, (void *)1, 10), EFAULT);
	CHECK(fsize(fd) == size);
	CHECK_ERR(syscall(SYS_open, (void *)1, O_RDONLY), EFAULT);
	CHECK_ERR(syscall(SYS_stat, (void *)1, &st), EFAULT);
	CHECK_ERR(syscall(SYS_stat, "ap", (void *)1), EFAULT);
	CHECK_ERR(syscall(SYS_fstat, fd, (void *)1), EFAULT);
	close(fd);

	/* ENAMETOOLONG: a 300-byte component; a path past PATH_MAX. */
	char name[301];
	memset(name, 'n', 300);
	name[300] = 0;
	CHECK_ERR(open(name, O_CREAT | O_WRONLY, 0644), ENAMETOOLONG);
	CHECK_ERR(stat(name, &st), ENAMETOOLONG);
	CHECK_ERR(mkdir(name, 0755), ENAMETOOLONG);
	char sub[310];
	snprintf(sub, sizeof(sub), "d/%s", name);
	CHECK_ERR(open(sub, O_RDONLY), ENAMETOOLONG);
	static char longpath[2 * 2100 + 8];
	for (int i = 0; i < 2100; i++)
		memcpy(longpath + 2 * i, "./", 2);
	strcpy(longpath + 2 * 2100, "ap");
	CHECK_ERR(stat(longpath, &st), ENAMETOOLONG);

	/* ELOOP: links that point at each other, or at themselves. */
	CHECK(symlink("lp2", "lp1") == 0 && symlink("lp1", "lp2") == 0);
	CHECK(symlink("self", "self") == 0);
	CHECK_ERR(open("lp1", O_RDONLY), ELOOP);
	CHECK_ERR(stat("lp1", &st), ELOOP);
	CHECK_ERR(open("lp1/x", O_RDONLY), ELOOP);
	CHECK_ERR(open("self", O_RDONLY), ELOOP);
	CHECK(lstat("lp1", &st) == 0 && S_ISLNK(st.st_mode));
}

/* sendfile from one regular file to another, with and without an offset. */
static void
test_sendfile(void)
{
	static char src[20000], got[6000];
	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (char)(i * 7 + i / 256);
	int in = open("sf_src", O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(in >= 0 && write(in, src, sizeof(src)) == (ssize_t)sizeof(src));
	CHECK(lseek(in, 0, SEEK_SET) == 0);
	int out = open("sf_dst", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(out >= 0);

	off_t off = 100;
	size_t done = 0;
	ssize_t r = 0;
	while (done < 5000 && (r = sendfile(out, in, &off, 5000 - done)) > 0)
		done += (size_t)r;
	CHECK(done == 5000 && off == 5100);
	CHECK(offset(in) == 0); /* with an offset given, the file's stays */
	CHECK(offset(out) == 5000);
	done = 0;
	while (done < 300 && (r = sendfile(out, in, NULL, 300 - done)) > 0)
		done += (size_t)r;
	CHECK(done == 300 && offset(in) == 300);
	off = sizeof(src);
	CHECK(sendfile(out, in, &off, 100) == 0); /* at the end: nothing */
	CHECK_ERR(sendfile(in, out, NULL, 10), EBADF); /* out is write-only */
	close(out);
	int ro = open("sf_src", O_RDONLY);
	CHECK_ERR(sendfile(ro, in, NULL, 10), EBADF); /* ro is read-only */
	close(ro);
	close(in);

	int fd = open("sf_dst", O_RDONLY);
	CHECK(fd >= 0 && fsize(fd) == 5300);
	CHECK(read(fd, got, 5300) == 5300);
	CHECK(memcmp(got, src + 100, 5000) == 0 && memcmp(got + 5000, src, 300) == 0);
	close(fd);
}

/* 2000 files in one directory: made, listed, removed. */
static void
test_many(void)
{
	enum { N = 2000 };
	static unsigned char seen[N];
	char name[64];
	int bad = 0;

	CHECK(mkdir("many", 0755) == 0);
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "many/f%04d", i);
		int fd = open(name, O_CREAT | O_EXCL | O_WRONLY, 0644);
		if (fd < 0 || write(fd, name + 5, 5) != 5 || close(fd) != 0)
			bad++;
	}
	CHECK(bad == 0);
	CHECK(same("many/f1234", "f1234") && same("many/f0000", "f0000"));
	DIR *d = opendir("many");
	CHECK(d != NULL);
	int other = 0, total = 0;
	struct dirent *e;
	while (d != NULL && (e = readdir(d)) != NULL) {
		int i;
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		total++;
		if (sscanf(e->d_name, "f%04d", &i) == 1 && i >= 0 && i < N &&
		    strlen(e->d_name) == 5)
			seen[i]++;
		else
			other++;
	}
	if (d != NULL)
		closedir(d);
	int once = 1;
	for (int i = 0; i < N; i++)
		if (seen[i] != 1)
			once = 0;
	CHECK(once && other == 0 && total == N);
	bad = 0;
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "many/f%04d", i);
		if (unlink(name) != 0)
			bad++;
	}
	CHECK(bad == 0);
	d = opendir("many");
	total = 0;
	while (d != NULL && readdir(d) != NULL)
		total++;
	if (d != NULL)
		closedir(d);
	CHECK(total == 2);
	CHECK(rmdir("many") == 0);
}

int
main(int argc, char **argv)
{
	if (argc > 1) {
		printf("usage: lfile\nChecks files and directories behave as on "
		       "Linux, in a fresh directory under $TMPDIR (or /tmp);\n"
		       "prints each failed check and exits 0 if there were none.\n");
		return strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	const char *tmp = getenv("TMPDIR");
	char dir[PATH_MAX], start[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s/lfile.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (getcwd(start, sizeof(start)) == NULL)
		strcpy(start, "/");
	if (mkdtemp(dir) == NULL || chdir(dir) != 0) {
		printf("lfile: cannot make a directory %s: %s\n", dir, strerror(errno));
		return 1;
	}
	umask(022);
	test_readwrite();
	test_seek();
	test_positional();
	test_open_flags();
	test_fcntl_dup();
	test_stat();
	test_dirs();
	test_rename();
	test_links();
	test_readdir();
	test_cwd_access();
	test_truncate_unlinked();
	test_devices();
	test_fd_paths();
	test_errors();
	test_sendfile();
	test_many();

	CHECK(chdir(start) == 0 || chdir("/") == 0);
	CHECK(rmtree(dir) == 0);
	return ltest_summary();
}
