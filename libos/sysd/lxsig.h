/*
 * Linux x86-64 constants for processes, signals and terminals, as sysd
 * and the runtime speak them (LX_ so that host headers never clash).
 */
#ifndef SYSD_LXSIG_H
#define SYSD_LXSIG_H

#define LX_SIGHUP 1
#define LX_SIGINT 2
#define LX_SIGQUIT 3
#define LX_SIGKILL 9
#define LX_SIGUSR1 10
#define LX_SIGUSR2 12
#define LX_SIGSEGV 11
#define LX_SIGPIPE 13
#define LX_SIGTERM 15
#define LX_SIGCHLD 17
#define LX_SIGCONT 18
#define LX_SIGSTOP 19
#define LX_SIGTSTP 20
#define LX_SIGTTIN 21
#define LX_SIGTTOU 22
#define LX_SIGURG 23
#define LX_SIGWINCH 28

#define LX_WNOHANG 1
#define LX_WUNTRACED 2
#define LX_WCONTINUED 8
#define LX_WNOTHREAD 0x20000000
#define LX_WALL 0x40000000
#define LX_WCLONE 0x80000000

#define LX_RLIMIT_STACK 3
#define LX_RLIMIT_NPROC 6
#define LX_RLIMIT_NOFILE 7
#define LX_RLIM_INFINITY (~0UL)

#define LX_F_DUPFD 0
#define LX_F_GETFD 1
#define LX_F_SETFD 2
#define LX_F_GETFL 3
#define LX_F_SETFL 4
#define LX_F_DUPFD_CLOEXEC 1030
#define LX_FD_CLOEXEC 1

#define LX_TCGETS 0x5401
#define LX_TCSETS 0x5402
#define LX_TCSETSW 0x5403
#define LX_TCSETSF 0x5404
#define LX_TIOCGPGRP 0x540f
#define LX_TIOCSPGRP 0x5410
#define LX_TIOCGWINSZ 0x5413
#define LX_TIOCSWINSZ 0x5414
#define LX_FIONREAD 0x541b
#define LX_FIONBIO 0x5421

#define LX_POLLIN 0x1
#define LX_POLLPRI 0x2
#define LX_POLLOUT 0x4
#define LX_POLLERR 0x8
#define LX_POLLHUP 0x10
#define LX_POLLNVAL 0x20

#define LX_SEEK_SET 0
#define LX_SEEK_CUR 1
#define LX_SEEK_END 2

/* struct termios as the kernel's TCGETS gives it (no speeds). */
struct lx_termios {
	uint32_t iflag, oflag, cflag, lflag;
	uint8_t line;
	uint8_t cc[19];
};
#define LX_ICRNL 0000400
#define LX_OPOST 0000001
#define LX_ONLCR 0000004
#define LX_ISIG 0000001
#define LX_ICANON 0000002
#define LX_ECHO 0000010
#define LX_ECHOE 0000020
#define LX_ECHOK 0000040
#define LX_ECHOCTL 0001000
#define LX_ECHOKE 0004000
#define LX_IEXTEN 0100000
#define LX_VINTR 0
#define LX_VQUIT 1
#define LX_VERASE 2
#define LX_VKILL 3
#define LX_VEOF 4
#define LX_VTIME 5
#define LX_VMIN 6
#define LX_VSUSP 10
#define LX_VWERASE 14

#endif
