/*
 * Looks for a broken system-call path: the null call must return 0 and
 * preserve every register but rcx and r11; an unknown exokernel call must
 * return EXO_ENOSYS and a Linux call number Linux's -ENOSYS.
 */
#include "check.h"

int
main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	CHECK_EQ(exo_null(), 0);
	CHECK_EQ(exo_syscall6(EXO_SYSCALL_BASE + 999, 0, 0, 0, 0, 0, 0), EXO_ENOSYS);
	CHECK_EQ(exo_syscall6(EXO_SYSCALL_BASE + 0x7fffffffUL, 0, 0, 0, 0, 0, 0),
	    EXO_ENOSYS);
	CHECK_EQ(exo_syscall6(39 /* Linux getpid */, 0, 0, 0, 0, 0, 0), -38);

	/* Callee-saved and argument registers survive both paths. */
	for (uint64_t num = EXO_SYS_null; num <= EXO_SYS_null + 1; num++) {
		uint64_t rbx = 0x1111, r12 = 0x2222, r13 = 0x3333, r14 = 0x4444;
		uint64_t r15 = 0x5555, rdi = 0x6666, rsi = 0x7777, rdx = 0x8888;
		uint64_t rax = num;
		register uint64_t r8 __asm__("r8") = 0x9999;
		register uint64_t r9 __asm__("r9") = 0xaaaa;
		register uint64_t r10 __asm__("r10") = 0xbbbb;
		__asm__ volatile("syscall"
				 : "+a"(rax), "+b"(rbx), "+D"(rdi), "+S"(rsi),
				 "+d"(rdx), "+r"(r8), "+r"(r9), "+r"(r10)
				 :
				 : "rcx", "r11", "memory");
		__asm__ volatile("" : "+r"(r12), "+r"(r13), "+r"(r14), "+r"(r15));
		CHECK(rbx == 0x1111 && rdi == 0x6666 && rsi == 0x7777);
		CHECK(rdx == 0x8888 && r8 == 0x9999 && r9 == 0xaaaa);
		CHECK(r12 == 0x2222 && r13 == 0x3333 && r14 == 0x4444 && r15 == 0x5555);
		CHECK(r10 == 0xbbbb);
	}
	printf("t_null: null call, unknown calls and registers ok\n");
	return 0;
}
