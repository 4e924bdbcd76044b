/*
 * Error codes returned by every exokernel call, as negative values in rax.
 * A call returns a non-negative value on success.  exo_strerror() gives the
 * printable name; keep the table in step with the enum.
 */
#ifndef EXO_ERROR_H
#define EXO_ERROR_H

enum {
	EXO_OK = 0,
	EXO_EINVAL = -1,  /* an argument is malformed: flags, alignment, op */
	EXO_EFAULT = -2,  /* a user pointer is not mapped with the needed rights */
	EXO_ENOMEM = -3,  /* no physical page left for the request */
	EXO_ECAP = -4,    /* the slot is empty or holds the wrong type */
	EXO_EPERM = -5,   /* the capability lacks a right the call needs */
	EXO_EBUSY = -6,   /* the slot, page or slice is already taken */
	EXO_ENOENT = -7,  /* nothing is mapped or bound there */
	EXO_EDEAD = -8,   /* the environment named has exited */
	EXO_ENOSYS = -9,  /* no such exokernel call */
	EXO_ERANGE = -10, /* a slot, page number, index or address is out of range */
	EXO_ENOENV = -11, /* the environment table is full */
	EXO_EAGAIN = -12, /* nothing available now; try again */
	EXO_ELIMIT = -13, /* a per-environment limit would be exceeded */
	EXO_NERR = 14
};

static inline const char *
exo_strerror(long err)
{
	static const char *const names[EXO_NERR] = {
		"ok", "EINVAL", "EFAULT", "ENOMEM", "ECAP", "EPERM", "EBUSY",
		"ENOENT", "EDEAD", "ENOSYS", "ERANGE", "ENOENV", "EAGAIN",
		"ELIMIT",
	};
	if (err > 0 || err <= -EXO_NERR)
		return "unknown error";
	return names[-err];
}

#endif
