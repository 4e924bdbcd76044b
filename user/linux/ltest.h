/*
 * Checks for the Linux oracle programs (lfile, lpipe, lproc, lforkbomb):
 * each runs on the host, where Linux is the oracle, and on ExOS, and
 * prints one line per failed check and a summary.  The including program
 * defines LTEST_NAME (its name, for the messages) first.
 *   CHECK(cond)         cond must hold
 *   NEED(cond)          the same, and the rest of the function needs it:
 *                       returns if it fails
 *   CHECK_ERR(call, E)  call fails with -1 and errno E
 *   ltest_summary()     prints the summary; 0 if every check passed
 */
#ifndef USER_LINUX_LTEST_H
#define USER_LINUX_LTEST_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

#ifndef LTEST_NAME
#error "define LTEST_NAME before including ltest.h"
#endif

static int nchecks, nfailed;

static void
check_(int ok, int line, const char *what)
{
	int e = errno;

	nchecks++;
	if (!ok) {
		nfailed++;
		if (e != 0)
			printf(LTEST_NAME ": line %d: %s (errno %d: %s)\n", line,
			    what, e, strerror(e));
		else
			printf(LTEST_NAME ": line %d: %s\n", line, what);
	}
	errno = e;
}

static void __attribute__((unused))
check_err_(long r, int e, int want, int line, const char *what)
{
	nchecks++;
	if (r != -1 || e != want) {
		nfailed++;
		printf(LTEST_NAME ": line %d: %s = %ld (errno %d: %s), want -1 (%s)\n",
		    line, what, r, e, strerror(e), strerror(want));
	}
}

static int __attribute__((unused))
ltest_summary(void)
{
	if (nfailed)
		printf(LTEST_NAME ": FAILED: %d of %d checks\n", nfailed, nchecks);
	else
		printf(LTEST_NAME ": all %d checks passed\n", nchecks);
	return nfailed != 0;
}

#define CHECK(cond)                                                   \
	do {                                                          \
		errno = 0;                                            \
		check_((cond) != 0, __LINE__, #cond);                 \
	} while (0)
#define NEED(cond)                                                    \
	do {                                                          \
		errno = 0;                                            \
		int ok_ = (cond) != 0;                                \
		check_(ok_, __LINE__, #cond);                         \
		if (!ok_)                                             \
			return;                                       \
	} while (0)
#define CHECK_ERR(call, err)                                          \
	do {                                                          \
		errno = 0;                                            \
		long r_ = (long)(call);                               \
		check_err_(r_, errno, (err), __LINE__, #call);        \
	} while (0)

#endif
