/*
 * Open files: descriptor tables, open file descriptions (shared by dup
 * and fork, with one offset), pipes and the console terminal.
 *
 * Nothing here waits.  A read from an empty pipe or terminal, or a write
 * to a full pipe, answers SYSD_BLOCK with whom to yield to (the other
 * end's last user); the process's runtime yields and asks again, so a
 * signal can interrupt it and sysd never holds a caller.
 *
 * The terminal's line discipline lives here too: tty_poll takes what
 * arrived on the serial line, echoes it, edits the line (erase, kill,
 * end of file) and turns the interrupt characters into signals for the
 * foreground process group.
 */
#include "sysd.h"

/* --- open file descriptions --- */

struct file *
file_new(int kind, uint32_t flags)
{
	struct file *f = fs_malloc(sizeof(*f));

	if (f) {
		f->refs = 1;
		f->kind = kind;
		f->flags = flags;
	}
	return f;
}

static void
pipe_put(struct pipe *pp)
{
	if (pp->readers == 0 && pp->writers == 0 && pp->rwait == 0 &&
	    pp->wwait == 0) {
		if (pp->fifo) {
			pp->fifo->priv = NULL;
			fs_iput(&fs, pp->fifo);
		}
		fs_data_free(pp->buf, PIPE_SIZE);
		fs_mfree(pp, sizeof(*pp));
	}
}

void
file_put(struct file *f)
{
	if (--f->refs > 0)
		return;
	if (f->kind == F_PIPE_R || f->kind == F_PIPE_RW)
		f->pipe->readers--;
	if (f->kind == F_PIPE_W || f->kind == F_PIPE_RW)
		f->pipe->writers--;
	if (f->pipe) {
		sysd_event(); /* an end closed: end of file, or EPIPE */
		pipe_put(f->pipe);
	}
	if (f->ino)
		fs_iput(&fs, f->ino);
	fs_mfree(f, sizeof(*f));
}

/* --- descriptor tables --- */

static int
fd_grow(struct proc *p, int want)
{
	int n = p->nfd ? p->nfd : 16;

	while (n <= want)
		n *= 2;
	struct file **nf = fs_malloc((size_t)n * sizeof(*nf));
	uint8_t *nc = fs_malloc((size_t)n);
	if (nf == NULL || nc == NULL) {
		fs_mfree(nf, (size_t)n * sizeof(*nf));
		fs_mfree(nc, (size_t)n);
		return -LX_ENOMEM;
	}
	if (p->nfd) {
		memcpy(nf, p->fd, (size_t)p->nfd * sizeof(*nf));
		memcpy(nc, p->cloexec, (size_t)p->nfd);
		fs_mfree(p->fd, (size_t)p->nfd * sizeof(*nf));
		fs_mfree(p->cloexec, (size_t)p->nfd);
	}
	p->fd = nf;
	p->cloexec = nc;
	p->nfd = n;
	return 0;
}

/* Installs f (taking the caller's reference) at the lowest free fd >= min. */
int
fd_alloc(struct proc *p, struct file *f, int min, int cloexec)
{
	int fd = min;

	for (; fd < p->nfd && p->fd[fd]; fd++)
		;
	if ((uint64_t)fd >= p->nofile)
		return -LX_EMFILE;
	if (fd >= p->nfd && fd_grow(p, fd) < 0)
		return -LX_ENOMEM;
	p->fd[fd] = f;
	p->cloexec[fd] = (uint8_t)cloexec;
	return fd;
}

struct file *
fd_get(struct proc *p, int64_t fd)
{
	return fd >= 0 && fd < p->nfd ? p->fd[fd] : NULL;
}

static int64_t
fd_close(struct proc *p, int64_t fd)
{
	struct file *f = fd_get(p, fd);

	if (f == NULL)
		return -LX_EBADF;
	p->fd[fd] = NULL;
	file_put(f);
	return 0;
}

void
fd_close_all(struct proc *p)
{
	for (int i = 0; i < p->nfd; i++)
		if (p->fd[i])
			fd_close(p, i);
	fs_mfree(p->fd, (size_t)p->nfd * sizeof(*p->fd));
	fs_mfree(p->cloexec, (size_t)p->nfd);
	p->fd = NULL;
	p->cloexec = NULL;
	p->nfd = 0;
}

void
fd_close_exec(struct proc *p)
{
	for (int i = 0; i < p->nfd; i++)
		if (p->fd[i] && p->cloexec[i])
			fd_close(p, i);
}

int
fd_copy_table(struct proc *to, const struct proc *from)
{
	if (from->nfd && fd_grow(to, from->nfd - 1) < 0)
		return -LX_ENOMEM;
	for (int i = 0; i < from->nfd; i++) {
		to->fd[i] = from->fd[i];
		to->cloexec[i] = from->cloexec[i];
		if (to->fd[i])
			to->fd[i]->refs++;
	}
	return 0;
}

/* --- the console terminal --- */

#define TTY_BUF 4096

static struct {
	struct lx_termios t;
	uint16_t rows, cols;
	int32_t fg;            /* the foreground process group */
	int32_t sid;           /* the session it is the terminal of */
	char line[TTY_BUF];    /* the line being edited (canonical mode) */
	int linelen;
	char ready[TTY_BUF];   /* what read may return, a ring */
	int rpos, rcount;
	int eof;               /* end-of-file marks not yet read */
} tty;

void
tty_init(void)
{
	static const uint8_t cc[19] = { 3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26,
		0, 18, 15, 23, 22, 0 };

	tty.t.iflag = LX_ICRNL;
	tty.t.oflag = LX_OPOST | LX_ONLCR;
	tty.t.cflag = 0277; /* B38400 | CS8 | CREAD */
	tty.t.lflag = LX_ISIG | LX_ICANON | LX_ECHO | LX_ECHOE | LX_ECHOK |
	    LX_ECHOCTL | LX_ECHOKE | LX_IEXTEN;
	memcpy(tty.t.cc, cc, sizeof(cc));
	tty.rows = 24;
	tty.cols = 80;
}

/* Writes to the screen, turning "\n" into "\r\n" if OPOST|ONLCR. */
static void
tty_out(const char *s, uint64_t n)
{
	char buf[512];
	uint64_t k = 0;
	int crlf = (tty.t.oflag & (LX_OPOST | LX_ONLCR)) == (LX_OPOST | LX_ONLCR);

	for (uint64_t i = 0; i < n; i++) {
		if (s[i] == '\n' && crlf)
			buf[k++] = '\r';
		buf[k++] = s[i];
		if (k >= sizeof(buf) - 2 || i + 1 == n) {
			for (uint64_t d = 0; d < k;) {
				int64_t r = exo_cons_write(EXO_SLOT_CONSOLE, buf + d, k - d);
				if (r <= 0)
					break;
				d += (uint64_t)r;
			}
			k = 0;
		}
	}
}

static void
ready_put(char c)
{
	if (tty.rcount < TTY_BUF) {
		tty.ready[(tty.rpos + tty.rcount) % TTY_BUF] = c;
		tty.rcount++;
	}
}

static void
echo_ctl(char c)
{
	char e[3] = { '^', (char)(c + '@'), 0 };

	if (tty.t.lflag & LX_ECHO)
		tty_out(e, 2);
}

/* One character typed. */
static void
tty_input(char c)
{
	uint32_t lf = tty.t.lflag;
	const uint8_t *cc = tty.t.cc;

	sysd_event();
	if (c == '\r' && (tty.t.iflag & LX_ICRNL))
		c = '\n';
	if ((lf & LX_ISIG) && (c == cc[LX_VINTR] || c == cc[LX_VQUIT] ||
				  c == cc[LX_VSUSP]) && c) {
		int sig = c == cc[LX_VINTR] ? LX_SIGINT
		    : c == cc[LX_VQUIT] ? LX_SIGQUIT : LX_SIGTSTP;
		echo_ctl(c);
		if (lf & LX_ECHO)
			tty_out("\n", 1);
		tty.linelen = 0;
		tty.rcount = 0;
		if (tty.fg)
			proc_signal_group(tty.fg, sig);
		return;
	}
	if (!(lf & LX_ICANON)) {
		ready_put(c);
		if (lf & LX_ECHO)
			tty_out(&c, 1);
		return;
	}
	if (c == cc[LX_VERASE] || c == '\b') {
		if (tty.linelen > 0) {
			tty.linelen--;
			if (lf & LX_ECHO)
				tty_out("\b \b", 3);
		}
		return;
	}
	if (c == cc[LX_VKILL]) {
		for (; tty.linelen > 0; tty.linelen--)
			if (lf & LX_ECHO)
				tty_out("\b \b", 3);
		return;
	}
	if (c == cc[LX_VEOF]) {
		for (int i = 0; i < tty.linelen; i++)
			ready_put(tty.line[i]);
		if (tty.linelen == 0)
			tty.eof++;
		tty.linelen = 0;
		return;
	}
	if (c == '\n') {
		for (int i = 0; i < tty.linelen; i++)
			ready_put(tty.line[i]);
		ready_put('\n');
		tty.linelen = 0;
		if (lf & (LX_ECHO | 0100)) /* ECHONL */
			tty_out("\n", 1);
		return;
	}
	if (tty.linelen < TTY_BUF - 1)
		tty.line[tty.linelen++] = c;
	if (lf & LX_ECHO) {
		if ((uint8_t)c < 32 && (lf & LX_ECHOCTL))
			echo_ctl(c);
		else
			tty_out(&c, 1);
	}
}

/* Takes whatever has arrived on the serial line. */
void
tty_poll(void)
{
	char buf[64];
	int64_t n;

	while ((n = exo_cons_read(EXO_SLOT_CONSOLE, buf, sizeof(buf))) > 0)
		for (int64_t i = 0; i < n; i++)
			tty_input(buf[i]);
}

/*
 * A read from a background process group of the terminal's session: as
 * on Linux, the group gets SIGTTIN (which stops it, unless handled) and
 * the read waits to be made again; if the process ignores SIGTTIN, EIO.
 */
static int64_t
tty_background(struct proc *p)
{
	if (p->ignored & (1UL << (LX_SIGTTIN - 1)))
		return -LX_EIO;
	proc_signal_group(p->pgid, LX_SIGTTIN);
	return SYSD_BLOCK;
}

static int64_t
tty_read(struct proc *p, uint8_t *dst, uint64_t n, uint32_t flags)
{
	uint64_t k = 0;

	if (p->sid == tty.sid && tty.fg && p->pgid != tty.fg)
		return tty_background(p);
	tty_poll();
	if (tty.rcount == 0) {
		if (tty.eof && (tty.t.lflag & LX_ICANON)) {
			tty.eof--;
			return 0;
		}
		if (!(tty.t.lflag & LX_ICANON) && tty.t.cc[LX_VMIN] == 0)
			return 0;
		return flags & LX_O_NONBLOCK ? -LX_EAGAIN : SYSD_BLOCK;
	}
	while (k < n && tty.rcount > 0) {
		char c = tty.ready[tty.rpos];
		tty.rpos = (tty.rpos + 1) % TTY_BUF;
		tty.rcount--;
		dst[k++] = (uint8_t)c;
		if (c == '\n' && (tty.t.lflag & LX_ICANON))
			break;
	}
	return (int64_t)k;
}

/* Gives pid 1 the terminal as fds 0, 1 and 2, and the foreground. */
int
tty_attach(struct proc *p)
{
	for (int i = 0; i < 3; i++) {
		struct file *f = file_new(F_TTY, LX_O_RDWR);
		if (f == NULL || fd_alloc(p, f, i, 0) != i)
			return -LX_ENOMEM;
	}
	tty.fg = p->pgid;
	tty.sid = p->sid;
	return 0;
}

static int64_t
tty_ioctl(struct proc *p, uint64_t req, uint8_t *arg)
{
	switch (req) {
	case LX_TCGETS:
		memcpy(arg, &tty.t, sizeof(tty.t));
		return 0;
	case LX_TCSETS:
	case LX_TCSETSW:
	case LX_TCSETSF:
		memcpy(&tty.t, arg, sizeof(tty.t));
		if (req == LX_TCSETSF)
			tty.rcount = 0, tty.linelen = 0;
		sysd_event(); /* a reader may not have to wait in the new mode */
		return 0;
	case LX_TIOCGPGRP:
		*(int32_t *)arg = tty.fg;
		return 0;
	case LX_TIOCSPGRP: {
		int32_t pg = *(int32_t *)arg;
		int ok = 0;
		if (pg < 0)
			return -LX_EINVAL;
		for (int i = 0; i < NPROC; i++)
			if (procs[i].state != P_FREE && procs[i].pgid == pg &&
			    procs[i].sid == p->sid)
				ok = 1;
		if (!ok)
			return -LX_EPERM;
		tty.fg = pg;
		return 0;
	}
	case LX_TIOCGWINSZ: {
		uint16_t ws[4] = { tty.rows, tty.cols, 0, 0 };
		memcpy(arg, ws, sizeof(ws));
		return 0;
	}
	case LX_TIOCSWINSZ:
		memcpy(&tty.rows, arg, 2);
		memcpy(&tty.cols, arg + 2, 2);
		return 0;
	case LX_FIONREAD:
		tty_poll();
		*(int32_t *)arg = tty.rcount;
		return 0;
	}
	return -LX_ENOTTY;
}

/* --- pipes --- */

static struct pipe *
pipe_new(void)
{
	struct pipe *pp = fs_malloc(sizeof(*pp));

	if (pp && (pp->buf = fs_data_alloc(PIPE_SIZE)) == NULL) {
		fs_mfree(pp, sizeof(*pp));
		return NULL;
	}
	return pp;
}

/* A process gives up waiting to open a named pipe (signal, death). */
void
fifo_unwait(struct proc *p)
{
	struct pipe *pp = p->fifo_wait;

	if (pp == NULL)
		return;
	if (p->fifo_wait_w)
		pp->wwait--;
	else
		pp->rwait--;
	p->fifo_wait = NULL;
	sysd_event();
	pipe_put(pp);
}

/*
 * Opening a named pipe: as Linux, an end opened for reading or writing
 * alone waits (SYSD_BLOCK) until the other end is opened too, unless
 * O_NONBLOCK (reading: at once; writing: ENXIO); O_RDWR never waits.
 */
int64_t
fifo_open(struct proc *p, struct fs_inode *ino, uint32_t flags, struct file **out)
{
	struct pipe *pp = ino->priv;
	uint32_t acc = flags & LX_O_ACCMODE;
	int wr = acc == LX_O_WRONLY;

	if (pp == NULL) {
		if ((pp = pipe_new()) == NULL)
			return -LX_ENOMEM;
		pp->fifo = ino;
		fs_iget(ino);
		ino->priv = pp;
	}
	if (p->fifo_wait && p->fifo_wait != pp)
		fifo_unwait(p);
	if (acc != LX_O_RDWR) {
		int other = wr ? pp->readers + pp->rwait : pp->writers + pp->wwait;
		uint64_t opens = wr ? pp->ropens : pp->wopens;
		int waited = p->fifo_wait == pp;
		if (!other && !(waited && opens != p->fifo_seen)) {
			if (flags & LX_O_NONBLOCK) {
				if (wr)
					return -LX_ENXIO;
			} else {
				if (!waited) {
					p->fifo_wait = pp;
					p->fifo_wait_w = wr;
					p->fifo_seen = opens;
					if (wr)
						pp->wwait++;
					else
						pp->rwait++;
				}
				return SYSD_BLOCK;
			}
		}
		if (waited) {
			p->fifo_wait = NULL;
			if (wr)
				pp->wwait--;
			else
				pp->rwait--;
		}
	}
	struct file *f = file_new(wr ? F_PIPE_W : F_PIPE_R, flags);
	if (f == NULL) {
		pipe_put(pp);
		return -LX_ENFILE;
	}
	f->pipe = pp;
	if (acc == LX_O_RDWR) {
		/* Both ends in one description: reads and writes work. */
		pp->readers++, pp->writers++;
		pp->ropens++, pp->wopens++;
		f->kind = F_PIPE_RW;
	} else if (wr) {
		pp->writers++, pp->wopens++;
	} else {
		pp->readers++, pp->ropens++;
	}
	sysd_event(); /* an end opened: whoever waits for it goes on */
	*out = f;
	return 0;
}

static int64_t
pipe_make(struct proc *p, uint64_t flags, uint64_t w[6])
{
	struct pipe *pp;
	struct file *r, *wr;
	int fr, fw;

	if (flags & ~(uint64_t)(LX_O_CLOEXEC | LX_O_NONBLOCK | 040000 /* O_DIRECT */))
		return -LX_EINVAL;
	if ((pp = pipe_new()) == NULL)
		return -LX_ENFILE;
	uint32_t st = (uint32_t)(flags & LX_O_NONBLOCK);
	r = file_new(F_PIPE_R, LX_O_RDONLY | st);
	wr = file_new(F_PIPE_W, LX_O_WRONLY | st);
	if (r == NULL || wr == NULL) {
		fs_mfree(r, sizeof(*r));
		fs_mfree(wr, sizeof(*wr));
		fs_data_free(pp->buf, PIPE_SIZE);
		fs_mfree(pp, sizeof(*pp));
		return -LX_ENFILE;
	}
	r->pipe = wr->pipe = pp;
	pp->readers = pp->writers = 1;
	int ce = (flags & LX_O_CLOEXEC) != 0;
	if ((fr = fd_alloc(p, r, 0, ce)) < 0) {
		file_put(r);
		file_put(wr);
		return fr;
	}
	if ((fw = fd_alloc(p, wr, 0, ce)) < 0) {
		fd_close(p, fr);
		file_put(wr);
		return fw;
	}
	w[1] = (uint64_t)fw;
	return fr;
}

static int64_t
pipe_read(struct proc *p, struct file *f, uint8_t *dst, uint64_t n,
    uint64_t w[6])
{
	struct pipe *pp = f->pipe;
	uint64_t k = 0;

	pp->last_reader = p->env;
	if (pp->count == 0) {
		if (pp->writers == 0 && pp->wwait == 0)
			return 0; /* no writer, and none about to open */
		if (f->flags & LX_O_NONBLOCK)
			return -LX_EAGAIN;
		w[4] = (uint64_t)pp->last_writer;
		return SYSD_BLOCK;
	}
	while (k < n && pp->count > 0) {
		uint64_t run = PIPE_SIZE - pp->rpos;
		if (run > pp->count)
			run = pp->count;
		if (run > n - k)
			run = n - k;
		memcpy(dst + k, pp->buf + pp->rpos, run);
		pp->rpos = (pp->rpos + run) % PIPE_SIZE;
		pp->count -= run;
		k += run;
	}
	sysd_event(); /* room for a writer */
	return (int64_t)k;
}

static int64_t
pipe_write(struct proc *p, struct file *f, const uint8_t *src, uint64_t n,
    uint64_t w[6])
{
	struct pipe *pp = f->pipe;
	uint64_t room = PIPE_SIZE - pp->count, k = 0;

	pp->last_writer = p->env;
	if (pp->readers == 0 && pp->rwait == 0) {
		proc_signal(p, LX_SIGPIPE, 0, 0, 0);
		return -LX_EPIPE;
	}
	if (pp->readers == 0) {
		/* A named pipe's reader is opening: wait for it. */
		if (f->flags & LX_O_NONBLOCK)
			return -LX_EAGAIN;
		return SYSD_BLOCK;
	}
	/* Up to PIPE_BUF bytes go in at once or not at all. */
	if (room == 0 || (n <= 4096 && room < n)) {
		if (f->flags & LX_O_NONBLOCK)
			return -LX_EAGAIN;
		w[4] = (uint64_t)pp->last_reader;
		return SYSD_BLOCK;
	}
	while (k < n && pp->count < PIPE_SIZE) {
		uint64_t at = (pp->rpos + pp->count) % PIPE_SIZE;
		uint64_t run = PIPE_SIZE - at; /* to the buffer's end */
		if (run > PIPE_SIZE - pp->count)
			run = PIPE_SIZE - pp->count;
		if (run > n - k)
			run = n - k;
		memcpy(pp->buf + at, src + k, run);
		pp->count += run;
		k += run;
	}
	sysd_event(); /* data for a reader */
	w[4] = (uint64_t)pp->last_reader;
	return (int64_t)k;
}

/*
 * /dev/random and /dev/urandom: xorshift seeded from the cycle counter
 * and stirred with it at every read: unpredictable enough for programs
 * that want varied bytes, not cryptography (there is no entropy source).
 */
static void
random_fill(uint8_t *dst, uint64_t n)
{
	static uint64_t x = 0x9e3779b97f4a7c15UL;

	x ^= rdtsc();
	for (uint64_t i = 0; i < n; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		dst[i] = (uint8_t)(x >> 24);
	}
}

/* --- reading and writing, whatever the file --- */

static int64_t
file_read(struct proc *p, struct file *f, uint8_t *dst, uint64_t n,
    int64_t at, uint64_t w[6])
{
	int64_t r;

	if ((f->flags & LX_O_ACCMODE) == LX_O_WRONLY)
		return -LX_EBADF;
	switch (f->kind) {
	case F_INODE:
		r = fs_read(f->ino, at >= 0 ? (uint64_t)at : f->off, dst, n);
		if (r > 0 && at < 0)
			f->off += (uint64_t)r;
		return r;
	case F_PIPE_R:
	case F_PIPE_RW:
		return at >= 0 ? -LX_ESPIPE : pipe_read(p, f, dst, n, w);
	case F_NULL:
		return 0;
	case F_ZERO:
	case F_FULL:
		memset(dst, 0, n);
		return (int64_t)n;
	case F_RANDOM:
		random_fill(dst, n);
		return (int64_t)n;
	case F_TTY:
		return tty_read(p, dst, n, f->flags);
	}
	return -LX_EBADF;
}

static int64_t
file_write(struct proc *p, struct file *f, const uint8_t *src, uint64_t n,
    int64_t at, uint64_t w[6])
{
	int64_t r;

	if ((f->flags & LX_O_ACCMODE) == LX_O_RDONLY)
		return -LX_EBADF;
	switch (f->kind) {
	case F_INODE: {
		struct fs_stat st;
		uint64_t off = at >= 0 ? (uint64_t)at : f->off;
		if ((f->flags & LX_O_APPEND) && at < 0) {
			fs_stat(f->ino, &st);
			off = st.size;
		}
		r = fs_write(&fs, f->ino, off, src, n);
		if (r > 0 && at < 0)
			f->off = off + (uint64_t)r;
		return r;
	}
	case F_PIPE_W:
	case F_PIPE_RW:
		return at >= 0 ? -LX_ESPIPE : pipe_write(p, f, src, n, w);
	case F_NULL:
	case F_ZERO:
	case F_RANDOM: /* taken as entropy: nothing to do with it */
		return (int64_t)n;
	case F_FULL:
		return -LX_ENOSPC;
	case F_TTY:
		tty_out((const char *)src, n);
		return (int64_t)n;
	}
	return -LX_EBADF;
}

static int64_t
file_lseek(struct file *f, int64_t off, uint64_t whence)
{
	struct fs_stat st;
	int64_t base;

	if (f->kind != F_INODE)
		return f->kind == F_PIPE_R || f->kind == F_PIPE_W ||
		    f->kind == F_PIPE_RW || f->kind == F_TTY ? -LX_ESPIPE : 0;
	fs_stat(f->ino, &st);
	switch (whence) {
	case LX_SEEK_SET: base = 0; break;
	case LX_SEEK_CUR: base = (int64_t)f->off; break;
	case LX_SEEK_END: base = (int64_t)st.size; break;
	default: return -LX_EINVAL;
	}
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
		return -LX_EINVAL;
	f->off = (uint64_t)(base + off);
	if ((st.mode & LX_S_IFMT) == LX_S_IFDIR && f->off == 0)
		f->dircookie = 0;
	return (int64_t)f->off;
}

static int64_t
fd_dup3(struct proc *p, int64_t old, int64_t new, int64_t flags)
{
	struct file *f = fd_get(p, old);

	if (flags != -1 && (flags & ~(int64_t)LX_O_CLOEXEC))
		return -LX_EINVAL;
	if (f == NULL)
		return -LX_EBADF;
	if (old == new)
		return flags == -1 ? new : -LX_EINVAL;
	if (new < 0 || (uint64_t)new >= p->nofile)
		return -LX_EBADF;
	if (new >= p->nfd && fd_grow(p, (int)new) < 0)
		return -LX_ENOMEM;
	if (p->fd[new])
		fd_close(p, new);
	f->refs++;
	p->fd[new] = f;
	p->cloexec[new] = flags != -1 && (flags & LX_O_CLOEXEC);
	return new;
}

static int64_t
fd_fcntl(struct proc *p, int64_t fd, uint64_t cmd, uint64_t arg)
{
	struct file *f = fd_get(p, fd);
	int r;

	if (f == NULL)
		return -LX_EBADF;
	switch (cmd) {
	case LX_F_DUPFD:
	case LX_F_DUPFD_CLOEXEC:
		if (arg >= p->nofile)
			return -LX_EINVAL;
		f->refs++;
		if ((r = fd_alloc(p, f, (int)arg, cmd == LX_F_DUPFD_CLOEXEC)) < 0)
			f->refs--;
		return r;
	case LX_F_GETFD:
		return p->cloexec[fd] ? LX_FD_CLOEXEC : 0;
	case LX_F_SETFD:
		p->cloexec[fd] = (arg & LX_FD_CLOEXEC) != 0;
		return 0;
	case LX_F_GETFL:
		return f->flags;
	case LX_F_SETFL:
		f->flags = (f->flags & ~(uint32_t)(LX_O_APPEND | LX_O_NONBLOCK)) |
		    (uint32_t)(arg & (LX_O_APPEND | LX_O_NONBLOCK));
		return 0;
	}
	return -LX_EINVAL;
}

static int64_t
file_ioctl(struct proc *p, int64_t fd, uint64_t req)
{
	struct file *f = fd_get(p, fd);

	if (f == NULL)
		return -LX_EBADF;
	if (req == LX_FIONBIO) {
		if (*(int32_t *)p->win)
			f->flags |= LX_O_NONBLOCK;
		else
			f->flags &= ~(uint32_t)LX_O_NONBLOCK;
		return 0;
	}
	if (req == LX_FIONREAD && (f->kind == F_PIPE_R || f->kind == F_PIPE_RW)) {
		*(int32_t *)p->win = (int32_t)f->pipe->count;
		return 0;
	}
	if (f->kind == F_TTY)
		return tty_ioctl(p, req, p->win);
	return -LX_ENOTTY;
}

struct lx_pollfd {
	int32_t fd;
	int16_t events, revents;
};

static int
poll_one(struct proc *p, struct lx_pollfd *pf)
{
	struct file *f = fd_get(p, pf->fd);
	int ev = 0;

	if (pf->fd < 0)
		return 0;
	if (f == NULL)
		return LX_POLLNVAL;
	switch (f->kind) {
	case F_PIPE_RW:
		if (f->pipe->count)
			ev |= LX_POLLIN;
		if (f->pipe->count < PIPE_SIZE)
			ev |= LX_POLLOUT;
		break;
	case F_PIPE_R:
		if (f->pipe->count)
			ev |= LX_POLLIN;
		if (f->pipe->writers == 0)
			ev |= LX_POLLHUP;
		break;
	case F_PIPE_W:
		if (f->pipe->readers == 0)
			ev |= LX_POLLERR;
		else if (f->pipe->count < PIPE_SIZE)
			ev |= LX_POLLOUT;
		break;
	case F_TTY:
		tty_poll();
		if (tty.rcount || tty.eof)
			ev |= LX_POLLIN;
		ev |= LX_POLLOUT;
		break;
	default:
		ev = LX_POLLIN | LX_POLLOUT;
	}
	return ev & (pf->events | LX_POLLERR | LX_POLLHUP | LX_POLLNVAL);
}

static int64_t
file_poll(struct proc *p, uint64_t nfds)
{
	struct lx_pollfd *pf = (struct lx_pollfd *)p->win;
	int64_t ready = 0;

	if (nfds > SYSD_WIN_SIZE / sizeof(*pf))
		return -LX_EINVAL;
	for (uint64_t i = 0; i < nfds; i++) {
		int32_t fd = pf[i].fd;
		int16_t ev = pf[i].events;
		struct lx_pollfd one = { fd, ev, 0 };
		int16_t rev = (int16_t)poll_one(p, &one);
		pf[i].revents = rev;
		if (rev)
			ready++;
	}
	return ready;
}

/* The calls on open files. */
int64_t
file_call(struct proc *p, uint64_t w[6])
{
	struct file *f;
	uint64_t n = w[2];

	switch (w[0]) {
	case SYSD_CLOSE:
		return fd_close(p, (int64_t)w[1]);
	case SYSD_READ:
	case SYSD_PREAD:
	case SYSD_WRITE:
	case SYSD_PWRITE: {
		int64_t at = -1;
		if ((f = fd_get(p, (int64_t)w[1])) == NULL)
			return -LX_EBADF;
		if (n > SYSD_WIN_SIZE)
			n = SYSD_WIN_SIZE;
		if (w[0] == SYSD_PREAD || w[0] == SYSD_PWRITE) {
			if ((int64_t)w[3] < 0)
				return -LX_EINVAL;
			at = (int64_t)w[3];
		}
		if (w[0] == SYSD_READ || w[0] == SYSD_PREAD)
			return file_read(p, f, p->win, n, at, w);
		return file_write(p, f, p->win, n, at, w);
	}
	case SYSD_LSEEK:
		if ((f = fd_get(p, (int64_t)w[1])) == NULL)
			return -LX_EBADF;
		return file_lseek(f, (int64_t)w[2], w[3]);
	case SYSD_DUP:
		if ((f = fd_get(p, (int64_t)w[1])) == NULL)
			return -LX_EBADF;
		f->refs++;
		int r = fd_alloc(p, f, 0, 0);
		if (r < 0)
			f->refs--;
		return r;
	case SYSD_DUP3:
		return fd_dup3(p, (int64_t)w[1], (int64_t)w[2], (int64_t)w[3]);
	case SYSD_FCNTL:
		return fd_fcntl(p, (int64_t)w[1], w[2], w[3]);
	case SYSD_PIPE2:
		return pipe_make(p, w[1], w);
	case SYSD_IOCTL:
		return file_ioctl(p, (int64_t)w[1], w[2]);
	case SYSD_POLL:
		return file_poll(p, w[1]);
	}
	return -LX_ENOSYS;
}
