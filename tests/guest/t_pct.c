/*
 * Looks for broken protected control transfer: words lost or swapped on
 * the way in or out, a callee that does not learn (or can be lied to
 * about) who called, caller registers clobbered or callee registers
 * leaking the caller's, round trips that go wrong after many thousands,
 * a count of activations that disagrees with what was sent, wrong errors
 * (no capability, no EXO_R_CALL, no entry, not started, dead, busy,
 * oneself, pct_reply outside an activation, bad pct_register
 * arguments), a caller stuck or killed when its callee dies in the call,
 * pct_send that waits for the callee or never runs it, a callee that
 * calls on (nested and cyclic calls), and a server with its FPU turned
 * off.  The servers
 * are children running h_pct.
 */
#include "check.h"
#include "h_pct.h"

struct server {
	struct child c;
	exo_slot_t call; /* a copy of its capability with only EXO_R_CALL */
};

static uint64_t transfers; /* calls that succeeded plus sends, to the server */

static int64_t
pct_raw(uint64_t num, exo_slot_t slot, uint64_t w[6])
{
	return exos_pct(num, slot, w);
}

static void
start_server(const char *mode, struct server *s)
{
	char *argv[] = { "h_pct", (char *)mode, NULL };
	int64_t r;

	CHECK_EQ(spawn("h_pct", argv, &s->c), 0);
	CHECK((r = slot_alloc()) >= 0);
	s->call = (exo_slot_t)r;
	CHECK_EQ(exo_cap_copy(s->c.env, EXO_SLOT_SELF, s->call, EXO_R_CALL), 0);
}

static void
stop_server(struct server *s)
{
	struct exo_envinfo in;

	CHECK_EQ(exo_env_info(s->c.env, &in), 0);
	if (in.state != EXO_ENV_DEAD)
		CHECK_EQ(exo_env_destroy(s->c.env), 0);
	CHECK_EQ(exo_cap_delete(s->call), 0);
	slot_free(s->call);
	child_release(&s->c);
}

/* Waits until the server has registered its entry. */
static void
wait_ready(struct server *s)
{
	uint64_t w[6] = { PCT_MAGIC, PCT_PING, 0, 0, 0, 0 };
	int64_t r;

	for (int i = 0; (r = exos_pct_call(s->call, w)) == EXO_ENOENT; i++) {
		CHECK(i < 100000);
		exo_yield(s->c.id);
		w[0] = PCT_MAGIC, w[1] = PCT_PING;
	}
	CHECK_EQ(r, 0);
	CHECK(w[2] == PCT_PONG);
	transfers++;
}

static void
cmd(struct server *s, uint64_t c, uint64_t w[6])
{
	w[0] = PCT_MAGIC;
	w[1] = c;
	CHECK_EQ(exos_pct_call(s->call, w), 0);
	transfers++;
}

/* The transform the server applies to six plain words. */
static void
expect_transform(const uint64_t in[6], const uint64_t out[6])
{
	for (int i = 0; i < 6; i++) {
		uint64_t want = ~in[5 - i] + (uint64_t)i * 0x101;
		if (out[i] != want) {
			printf("t_pct: reply word %d is %lx, want %lx\n", i,
			    out[i], want);
			exit(1);
		}
	}
}

/*
 * A call with known values in every callee-saved register (rbx, rbp,
 * r12-r15): they must come back unchanged.
 */
__attribute__((used)) uint64_t cs_host[6], cs_after[6], cs_words[6];
__attribute__((used)) int64_t cs_rax;
static const uint64_t cs_pat[6] = { 0x1111111111111111UL, 0x2222222222222222UL,
	0x3333333333333333UL, 0x4444444444444444UL, 0x5555555555555555UL,
	0x6666666666666666UL };

static void __attribute__((noinline))
call_with_patterns(exo_slot_t slot)
{
	uint64_t rax = EXO_SYS_pct_call | slot << EXO_PCT_SLOT_SHIFT;

	__asm__ volatile("movq %%rbx, cs_host+0(%%rip)\n\t"
			 "movq %%rbp, cs_host+8(%%rip)\n\t"
			 "movq %%r12, cs_host+16(%%rip)\n\t"
			 "movq %%r13, cs_host+24(%%rip)\n\t"
			 "movq %%r14, cs_host+32(%%rip)\n\t"
			 "movq %%r15, cs_host+40(%%rip)\n\t"
			 "movabsq $0x1111111111111111, %%rbx\n\t"
			 "movabsq $0x2222222222222222, %%rbp\n\t"
			 "movabsq $0x3333333333333333, %%r12\n\t"
			 "movabsq $0x4444444444444444, %%r13\n\t"
			 "movabsq $0x5555555555555555, %%r14\n\t"
			 "movabsq $0x6666666666666666, %%r15\n\t"
			 "movq cs_words+0(%%rip), %%rdi\n\t"
			 "movq cs_words+8(%%rip), %%rsi\n\t"
			 "movq cs_words+16(%%rip), %%rdx\n\t"
			 "movq cs_words+24(%%rip), %%r10\n\t"
			 "movq cs_words+32(%%rip), %%r8\n\t"
			 "movq cs_words+40(%%rip), %%r9\n\t"
			 "syscall\n\t"
			 "movq %%rax, cs_rax(%%rip)\n\t"
			 "movq %%rdi, cs_words+0(%%rip)\n\t"
			 "movq %%rsi, cs_words+8(%%rip)\n\t"
			 "movq %%rdx, cs_words+16(%%rip)\n\t"
			 "movq %%r10, cs_words+24(%%rip)\n\t"
			 "movq %%r8, cs_words+32(%%rip)\n\t"
			 "movq %%r9, cs_words+40(%%rip)\n\t"
			 "movq %%rbx, cs_after+0(%%rip)\n\t"
			 "movq %%rbp, cs_after+8(%%rip)\n\t"
			 "movq %%r12, cs_after+16(%%rip)\n\t"
			 "movq %%r13, cs_after+24(%%rip)\n\t"
			 "movq %%r14, cs_after+32(%%rip)\n\t"
			 "movq %%r15, cs_after+40(%%rip)\n\t"
			 "movq cs_host+0(%%rip), %%rbx\n\t"
			 "movq cs_host+8(%%rip), %%rbp\n\t"
			 "movq cs_host+16(%%rip), %%r12\n\t"
			 "movq cs_host+24(%%rip), %%r13\n\t"
			 "movq cs_host+32(%%rip), %%r14\n\t"
			 "movq cs_host+40(%%rip), %%r15\n\t"
			 : "+a"(rax)
			 :
			 : "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11",
			 "memory", "cc");
}

/* Errors that need no server. */
static void
no_server_errors(void)
{
	uint64_t w[6] = { 1, 2, 3, 4, 5, 6 };
	int64_t s = slot_alloc();
	CHECK(s >= 0);

	/* No capability; a capability of another type; a slot too big. */
	CHECK_EQ(exos_pct_call((uint64_t)s, w), EXO_ECAP);
	CHECK_EQ(exos_pct_send((uint64_t)s, w), EXO_ECAP);
	CHECK_EQ(exos_pct_call(EXO_SLOT_VSPACE, w), EXO_ECAP);
	CHECK_EQ(exos_pct_call(EXO_SLOT_CONSOLE, w), EXO_ECAP);
	CHECK_EQ(exos_pct_call(EXO_NSLOTS, w), EXO_ERANGE);
	/* Oneself, through slot 0 and through a copy with only EXO_R_CALL. */
	CHECK_EQ(exos_pct_call(EXO_SLOT_SELF, w), EXO_EINVAL);
	CHECK_EQ(exo_cap_copy(EXO_SLOT_SELF, EXO_SLOT_SELF, (uint64_t)s, EXO_R_CALL), 0);
	CHECK_EQ(exos_pct_call((uint64_t)s, w), EXO_EINVAL);
	CHECK_EQ(exos_pct_send((uint64_t)s, w), EXO_EINVAL);
	CHECK_EQ(exo_cap_delete((uint64_t)s), 0);
	/* The words are untouched by a failed call. */
	for (int i = 0; i < 6; i++)
		CHECK(w[i] == (uint64_t)i + 1);

	/* pct_reply outside an activation, called raw. */
	CHECK_EQ(pct_raw(EXO_SYS_pct_reply, 0, w), EXO_ENOENT);

	/* pct_register's argument checks; entry 0 refuses transfers. */
	uint64_t top = 0x0000570000001000UL;
	CHECK_EQ(exo_pct_register(EXO_ULIM, top), EXO_ERANGE);
	CHECK_EQ(exo_pct_register(0xffffffff80100000UL, top), EXO_ERANGE);
	CHECK_EQ(exo_pct_register((uint64_t)main, 0), EXO_ERANGE);
	CHECK_EQ(exo_pct_register((uint64_t)main, EXO_ULIM + 16), EXO_ERANGE);
	CHECK_EQ(exo_pct_register((uint64_t)main, top + 8), EXO_EINVAL);
	CHECK_EQ(exo_pct_register(0, 0), 0);

	/* An environment not started yet: EXO_EAGAIN; destroyed: EXO_EDEAD. */
	int64_t vs = slot_alloc();
	CHECK(vs >= 0);
	CHECK(exo_env_create((uint64_t)s, (uint64_t)vs) > 0);
	CHECK_EQ(exos_pct_call((uint64_t)s, w), EXO_EAGAIN);
	CHECK_EQ(exo_env_destroy((uint64_t)s), 0);
	CHECK_EQ(exos_pct_call((uint64_t)s, w), EXO_EDEAD);
	CHECK_EQ(exos_pct_send((uint64_t)s, w), EXO_EDEAD);
	CHECK_EQ(exo_cap_delete((uint64_t)s), 0);
	CHECK_EQ(exo_cap_delete((uint64_t)vs), 0);
	slot_free((uint64_t)vs);
	slot_free((uint64_t)s);
}

/* A running child that registered no entry: EXO_ENOENT. */
static void
no_entry(void)
{
	struct server s;
	uint64_t w[6] = { 0 };

	start_server("idle", &s);
	for (int i = 0; i < 3; i++) {
		CHECK_EQ(exos_pct_call(s.call, w), EXO_ENOENT);
		CHECK_EQ(exos_pct_send(s.call, w), EXO_ENOENT);
		exo_yield(s.c.id);
	}
	stop_server(&s);
}

static void
serve_tests(void)
{
	struct server s;
	uint64_t w[6], in[6];
	exo_envid_t me = EXO_SELF->id;

	start_server("serve", &s);
	transfers = 0;
	wait_ready(&s);

	/* Without EXO_R_CALL: EXO_EPERM, even with every other right. */
	int64_t ns = slot_alloc();
	CHECK(ns >= 0);
	CHECK_EQ(exo_cap_copy(s.c.env, EXO_SLOT_SELF, (uint64_t)ns, EXO_R_CTRL), 0);
	CHECK_EQ(exos_pct_call((uint64_t)ns, w), EXO_EPERM);
	CHECK_EQ(exos_pct_send((uint64_t)ns, w), EXO_EPERM);
	CHECK_EQ(exo_cap_delete((uint64_t)ns), 0);
	CHECK_EQ(exo_cap_copy(s.c.env, EXO_SLOT_SELF, (uint64_t)ns,
		     EXO_R_ALL & ~EXO_R_CALL), 0);
	CHECK_EQ(exos_pct_call((uint64_t)ns, w), EXO_EPERM);
	CHECK_EQ(exo_cap_delete((uint64_t)ns), 0);
	slot_free((uint64_t)ns);
	/* The spawner's own capability has every right, EXO_R_CALL too. */
	w[0] = PCT_MAGIC, w[1] = PCT_PING;
	CHECK_EQ(exos_pct_call(s.c.env, w), 0);
	CHECK(w[2] == PCT_PONG);
	transfers++;

	/* Six distinct words each way. */
	static const uint64_t six[6] = { 0x0123456789abcdefUL,
		0xfedcba9876543210UL, 0x0f0f0f0f0f0f0f0fUL, 0x8000000000000001UL,
		0x7fffffffffffffffUL, 0x1122334455667788UL };
	memcpy(in, six, sizeof(in));
	memcpy(w, six, sizeof(w));
	CHECK_EQ(exos_pct_call(s.call, w), 0);
	transfers++;
	expect_transform(in, w);

	/* The kernel tells the callee who called; a word claiming to be
	 * someone else changes nothing. */
	w[4] = (uint64_t)(int64_t)EXO_SELF->parent;
	cmd(&s, PCT_WHO, w);
	CHECK(w[2] == (uint64_t)(int64_t)me);
	CHECK(w[3] == (uint64_t)(int64_t)s.c.id);

	/* Callee-saved registers survive; the words come back transformed. */
	memcpy(cs_words, six, sizeof(cs_words));
	call_with_patterns(s.call);
	CHECK_EQ(cs_rax, 0);
	transfers++;
	expect_transform(six, cs_words);
	for (int i = 0; i < 6; i++)
		CHECK(cs_after[i] == cs_pat[i]);

	/* Many thousands of round trips, each checked; our SSE registers
	 * survive them too. */
	uint64_t x1 = 0x0badf00d0badf00dUL, x1_after;
	__asm__ volatile("movq %0, %%xmm1" : : "r"(x1) : "xmm1");
	for (uint64_t i = 0; i < 10000; i++) {
		for (int k = 0; k < 6; k++)
			in[k] = w[k] = i * 6 + (uint64_t)k + (i << 40);
		int64_t r = exos_pct_call(s.call, w);
		if (r != 0) {
			printf("t_pct: round trip %lu: %ld (%s)\n", i, (long)r,
			    exo_strerror(r));
			exit(1);
		}
		transfers++;
		expect_transform(in, w);
	}
	__asm__ volatile("movq %%xmm1, %0" : "=r"(x1_after));
	CHECK(x1_after == x1);

	/*
	 * pct_send returns at once; the activation runs later.  A call right
	 * after it finds the server still in that activation (EXO_EBUSY),
	 * unless a timer interrupt happened to run the server in between.
	 */
	int busy = 0;
	for (uint64_t round = 1; round <= 5; round++) {
		w[0] = PCT_MAGIC, w[1] = PCT_MARK, w[2] = 0xabc000 + round;
		w[3] = w[4] = w[5] = 0;
		CHECK_EQ(exos_pct_send(s.call, w), 0);
		transfers++;
		CHECK(w[0] == PCT_MAGIC && w[2] == 0xabc000 + round); /* as sent */
		uint64_t v[6] = { PCT_MAGIC, PCT_COUNT, 0, 0, 0, 0 };
		int64_t r;
		int tries = 0;
		while ((r = exos_pct_call(s.call, v)) == EXO_EBUSY) {
			busy++;
			CHECK(++tries < 100000);
			exo_yield(s.c.id);
			v[0] = PCT_MAGIC, v[1] = PCT_COUNT;
		}
		CHECK_EQ(r, 0);
		transfers++;
		CHECK(v[4] == round);              /* the send ran once */
		CHECK(v[5] == 0xabc000 + round);   /* with our words */
	}
	CHECK(busy > 0);
	cmd(&s, PCT_MARK_WHO, w);
	CHECK(w[2] == (uint64_t)(int64_t)me); /* a send names its sender too */

	/* The activations the server ran and its calls_in agree with us. */
	cmd(&s, PCT_COUNT, w);
	if (w[2] != transfers || w[3] != transfers) {
		printf("t_pct: server ran %lu activations, calls_in %lu; we "
		       "made %lu transfers\n", w[2], w[3], transfers);
		exit(1);
	}

	/* Dead, with our capability kept: EXO_EDEAD. */
	CHECK_EQ(exo_env_destroy(s.c.env), 0);
	CHECK_EQ(exos_pct_call(s.call, w), EXO_EDEAD);
	CHECK_EQ(exos_pct_send(s.call, w), EXO_EDEAD);
	stop_server(&s);
}

/* A callee that dies inside the call: the caller gets EXO_EDEAD. */
static void
callee_dies(uint64_t how, uint32_t cause, uint32_t trapno, int64_t status)
{
	struct server s;
	struct exo_envinfo in;
	uint64_t w[6];

	start_server("serve", &s);
	wait_ready(&s);
	w[0] = PCT_MAGIC, w[1] = how;
	CHECK_EQ(exos_pct_call(s.call, w), EXO_EDEAD);
	CHECK_EQ(exo_null(), 0); /* and we run on */
	CHECK_EQ(exo_env_info(s.c.env, &in), 0);
	CHECK(in.state == EXO_ENV_DEAD && in.cause == cause);
	if (cause == EXO_CAUSE_FAULT)
		CHECK(in.trapno == trapno);
	else
		CHECK(in.status == status);
	CHECK_EQ(exos_pct_call(s.call, w), EXO_EDEAD);
	stop_server(&s);
}

/*
 * A callee that calls on: A forwards to B.  B sees A as its caller; the
 * words get through both hops each way.
 */
static void
nested(void)
{
	struct server a, b;
	uint64_t w[6];
	const exo_slot_t in_a = 100; /* where A finds its capability for B */

	start_server("serve", &a);
	start_server("serve", &b);
	wait_ready(&a);
	wait_ready(&b);
	CHECK_EQ(exo_cap_copy(b.c.env, a.c.env, in_a, EXO_R_CALL), 0);
	w[0] = PCT_MAGIC, w[1] = PCT_FORWARD, w[2] = in_a;
	w[3] = PCT_MAGIC, w[4] = PCT_WHO, w[5] = 0;
	CHECK_EQ(exos_pct_call(a.call, w), 0);
	CHECK(w[0] == PCT_MAGIC);
	CHECK(w[2] == (uint64_t)(int64_t)a.c.id);
	CHECK(w[3] == (uint64_t)(int64_t)b.c.id);
	for (uint64_t i = 0; i < 100; i++) {
		uint64_t in[6] = { 0x1000 + i, 0x2000 + i, 0x3000 + i, 0, 0, 0 };
		w[0] = PCT_MAGIC, w[1] = PCT_FORWARD, w[2] = in_a;
		w[3] = in[0], w[4] = in[1], w[5] = in[2];
		CHECK_EQ(exos_pct_call(a.call, w), 0);
		expect_transform(in, w);
		/*
		 * A's own context must be untouched by the call it made from
		 * its activation: run it, then call A again.
		 */
		exo_yield(a.c.id);
	}
	w[0] = PCT_MAGIC, w[1] = PCT_PING;
	CHECK_EQ(exos_pct_call(a.call, w), 0);
	CHECK(w[2] == PCT_PONG);
	/* B calling back into A while A waits for B: busy. */
	CHECK_EQ(exo_cap_copy(a.c.env, b.c.env, in_a, EXO_R_CALL), 0);
	w[0] = PCT_MAGIC, w[1] = PCT_FORWARD, w[2] = in_a;
	w[3] = PCT_MAGIC, w[4] = PCT_FORWARD, w[5] = in_a;
	CHECK_EQ(exos_pct_call(a.call, w), 0);
	/* A -> B -> A: B's call fails and B reports it to A, which
	 * passes B's reply back. */
	CHECK(w[0] == PCT_FAILED && (int64_t)w[1] == EXO_EBUSY);
	stop_server(&b);
	stop_server(&a);
}

/* A server with its FPU turned off answers, and its FPU stays off. */
static int
fpu_off_server(void)
{
	struct server s;
	uint64_t w[6] = { PCT_MAGIC, PCT_PING, 0, 0, 0, 0 };
	struct exo_envinfo in;
	int64_t r;
	int bad = 0;

	start_server("serve_fpuoff", &s);
	for (int i = 0; (r = exos_pct_call(s.call, w)) == EXO_ENOENT; i++) {
		CHECK(i < 100000);
		exo_yield(s.c.id);
		w[0] = PCT_MAGIC, w[1] = PCT_PING;
	}
	if (r != 0) {
		CHECK_EQ(exo_env_info(s.c.env, &in), 0);
		printf("t_pct: a server with its FPU off: call gave %ld (%s); "
		       "it ended with cause %u trapno %u status %ld\n", (long)r,
		    exo_strerror(r), in.cause, in.trapno, (long)in.status);
		bad = 1;
	} else if (w[2] != PCT_PONG || w[3] != 1) {
		printf("t_pct: a server with its FPU off: reply %lx, its FPU "
		       "%s after an activation that never used it\n", w[2],
		    w[3] ? "off" : "turned on");
		bad = 1;
	}
	stop_server(&s);
	return bad;
}

/* The registers a callee starts with: only the words and our id. */
static void
raw_entry_regs(void)
{
	struct server s;
	static const uint64_t six[6] = { 11, 22, 33, 44, 55, 66 };
	int64_t r;

	start_server("raw", &s);
	for (int i = 0;; i++) {
		memcpy(cs_words, six, sizeof(cs_words));
		call_with_patterns(s.call);
		if (cs_rax != EXO_ENOENT)
			break;
		CHECK(i < 100000);
		exo_yield(s.c.id);
	}
	r = cs_rax;
	CHECK_EQ(r, 0);
	if (cs_words[0] != 0) {
		printf("t_pct: the callee found %lx in registers that must be "
		       "zero (or rsp/flags off)\n", cs_words[0]);
		exit(1);
	}
	CHECK(cs_words[1] == (uint64_t)(int64_t)EXO_SELF->id);
	CHECK(cs_words[2] == 11 && cs_words[3] == 22);
	CHECK(cs_words[4] == (33 ^ 44) && cs_words[5] == (55 ^ 66));
	for (int i = 0; i < 6; i++)
		CHECK(cs_after[i] == cs_pat[i]);
	stop_server(&s);
}

int
main(int argc, char **argv)
{
	(void)argc;
	(void)argv;

	no_server_errors();
	no_entry();
	serve_tests();
	callee_dies(PCT_EXIT, EXO_CAUSE_EXIT, 0, 7);
	callee_dies(PCT_FAULT, EXO_CAUSE_FAULT, 14, 0);
	raw_entry_regs();
	nested();
	if (fpu_off_server())
		return 1;
	printf("t_pct: words, caller id, registers, 10000 round trips, sends, "
	       "errors, dying callees, nested calls and FPU off ok\n");
	return 0;
}
