/*
 * Assertions for in-guest tests.  A test is a program named t_*: init runs
 * it in its own environment (user/init.c) and counts it passed when it
 * exits with status 0 and every page it used is free again.  CHECK prints
 * the failing expression with its line and exits with status 1.
 */
#ifndef TESTS_GUEST_CHECK_H
#define TESTS_GUEST_CHECK_H

#include "exos.h"

#define CHECK(cond)                                                      \
	do {                                                             \
		if (!(cond)) {                                           \
			printf("%s:%d: check failed: %s\n", __FILE__,    \
			    __LINE__, #cond);                            \
			exit(1);                                         \
		}                                                        \
	} while (0)

/* Checks that a call returned exactly want (an EXO_E* code or a value). */
#define CHECK_EQ(call, want)                                             \
	do {                                                             \
		int64_t got_ = (int64_t)(call);                          \
		int64_t want_ = (int64_t)(want);                         \
		if (got_ != want_) {                                     \
			printf("%s:%d: %s returned %ld (%s), want %ld (%s)\n", \
			    __FILE__, __LINE__, #call, (long)got_,       \
			    got_ < 0 ? exo_strerror(got_) : "",          \
			    (long)want_,                                 \
			    want_ < 0 ? exo_strerror(want_) : "");       \
			exit(1);                                         \
		}                                                        \
	} while (0)

#endif
