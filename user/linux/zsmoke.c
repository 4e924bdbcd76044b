#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <dirent.h>
#include <signal.h>
#include <errno.h>
static volatile int got;
static void h(int s) { got = s; }
int main(int argc, char **argv) {
	if (argc > 1 && strcmp(argv[1], "child") == 0) {
		printf("child exec ok argv2=%s\n", argc > 2 ? argv[2] : "-");
		return 42;
	}
	if (argc > 1 && strcmp(argv[1], "cat") == 0) {
		char b[100]; int n; while ((n = read(0, b, sizeof b)) > 0) write(1, b, n); return 0;
	}
	int fd = open("/tmp/x", O_CREAT | O_RDWR, 0644);
	printf("open %d\n", fd);
	printf("write %zd\n", write(fd, "hello file\n", 11));
	lseek(fd, 0, SEEK_SET);
	char buf[64] = {0};
	printf("read %zd: %s", read(fd, buf, 63), buf);
	struct stat st; fstat(fd, &st); printf("size %ld mode %o\n", (long)st.st_size, st.st_mode);
	close(fd);
	mkdir("/tmp/d", 0755);
	DIR *d = opendir("/tmp"); struct dirent *e; while ((e = readdir(d))) printf(" %s", e->d_name); printf("\n"); closedir(d);
	int p[2]; pipe(p);
	pid_t pid = fork();
	if (pid == 0) { close(p[0]); dup2(p[1], 1); execl("/bin/zsmoke", "zsmoke", "child", "x", (char*)0); _exit(99); }
	close(p[1]);
	int n = read(p[0], buf, 63); buf[n > 0 ? n : 0] = 0;
	printf("from child (%d): %s", n, buf);
	int status; pid_t w = waitpid(pid, &status, 0);
	printf("wait %d==%d status %d exit %d\n", w, pid, status, WEXITSTATUS(status));
	signal(SIGUSR1, h);
	kill(getpid(), SIGUSR1);
	printf("self signal got %d\n", got);
	pid = fork();
	if (pid == 0) { volatile int *bad = (volatile int *)(long)atoi("8"); *bad = 1; _exit(0); }
	waitpid(pid, &status, 0);
	printf("segv child: signaled %d sig %d\n", WIFSIGNALED(status), WTERMSIG(status));
	printf("errno checks: %d %d\n", open("/nope", O_RDONLY) < 0 ? errno : 0, read(77, buf, 1) < 0 ? errno : 0);
	pid = fork();
	if (pid == 0) { pid_t g = fork(); if (g < 0) _exit(3); if (g == 0) _exit(5); int st; waitpid(g, &st, 0); _exit(WEXITSTATUS(st) == 5 ? 0 : 4); }
	waitpid(pid, &status, 0);
	printf("nested fork: exit %d\n", WEXITSTATUS(status));
	char *big = malloc(256 << 20);
	big[0] = 1; big[(256 << 20) - 1] = 2;
	printf("big malloc %p %d %d %d\n", (void *)big, big[0], big[12345678], big[(256<<20)-1]);
	free(big);
	char *r = realloc(NULL, 1 << 20); memset(r, 7, 1 << 20); r = realloc(r, 8 << 20); printf("realloc %d %d\n", r[(1<<20)-1], r[(8<<20)-1]);
	return 0;
}
