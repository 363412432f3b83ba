// SPDX-License-Identifier: GPL-2.0
/*
 * rt.c - the ring-3 runtime: sets up the verified program's stack, fills
 * the import slots, and implements the services with Linux system calls.
 *
 * It is freestanding (no libc) and keeps no globals: its state is a
 * struct at a fixed address (STATE), so the runtime is one flat blob the
 * assembler embeds.  It trusts the checker's guarantees about what the
 * verified code passes: an arr argument points at element 0 of an array
 * whose length word is at [a - 8].
 */
#include "../include/ktal_format.h"

typedef unsigned long u64;
typedef long s64;
typedef unsigned char u8;

#define RT_PAGE	   KTAL_RT_VA /* where the checker requires it */
#define STATE	   0x300000UL
#define STATE_SIZE 0x80000UL
#define STACK_SIZE (8UL << 20)
#define HEAP_SIZE  (1UL << 32)
#define NPOOL	   4096

/* Runtime state, at STATE. */
struct rtstate {
	u64 heap, heap_end;	/* bump allocator (normal mode) */
	u64 npool;		/* entries used in pool[] */
	struct {
		u64 key;	/* type key from the descriptor, with length for arrays */
		u64 len;	/* arrays: length; structs: 0 */
		u64 p;		/* free object (struct base or array element 0) */
	} pool[NPOOL];		/* type-stable free lists */
	char path[4096];	/* open(): NUL-terminated copy of the path */
};

static s64 sys(s64 n, s64 a, s64 b, s64 c, s64 d, s64 e, s64 f)
{
	register s64 r10 __asm__("r10") = d;
	register s64 r8 __asm__("r8") = e;
	register s64 r9 __asm__("r9") = f;
	s64 ret;

	__asm__ volatile("syscall" : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

#define SYS_read 0
#define SYS_write 1
#define SYS_open 2
#define SYS_close 3
#define SYS_mmap 9
#define SYS_mprotect 10
#define SYS_getpid 39
#define SYS_exit_group 231
#define PROT_NONE 0
#define PROT_READ 1
#define PROT_RW 3
#define MAP_PRIVATE 2
#define MAP_FIXED 0x10
#define MAP_ANON 0x20
#define MAP_NORESERVE 0x4000

static u64 *page(void) { return (u64 *)RT_PAGE; }
static struct rtstate *st(void) { return (struct rtstate *)STATE; }

static void die(const char *msg)
{
	u64 n = 0;

	while (msg[n])
		n++;
	sys(SYS_write, 2, (s64)msg, (s64)n, 0, 0, 0);
	sys(SYS_exit_group, 127, 0, 0, 0, 0, 0);
}

static void zero(u8 *p, u64 n)
{
	while (n--)
		*p++ = 0;
}

static u64 mmap_anon(u64 size, int prot)
{
	s64 r = sys(SYS_mmap, 0, (s64)size, prot, MAP_PRIVATE | MAP_ANON | MAP_NORESERVE, -1, 0);

	return r < 0 && r > -4096 ? 0 : (u64)r;
}

/* Fresh zeroed memory.  Monitor mode: the object ends exactly at a
 * PROT_NONE guard page, so running off its end faults. */
static u64 fresh(u64 size)
{
	struct rtstate *s = st();

	size = (size + 7) & ~7UL;
	if (page()[KTAL_RT_MONITOR / 8]) {
		u64 span = (size + 4095) & ~4095UL, m = mmap_anon(span + 4096, PROT_RW);

		if (!m)
			return 0;
		sys(SYS_mprotect, (s64)(m + span), 4096, PROT_NONE, 0, 0, 0);
		return m + span - size;
	}
	if (!s->heap) {
		s->heap = mmap_anon(HEAP_SIZE, PROT_RW);
		s->heap_end = s->heap ? s->heap + HEAP_SIZE : 0;
		if (!s->heap)
			return 0;
	}
	if (size > s->heap_end - s->heap)
		return 0;
	s->heap += size;
	return s->heap - size;
}

/* Take a free object of this key/length from the pool, zeroed. */
static u64 from_pool(u64 key, u64 len, u64 bytes)
{
	struct rtstate *s = st();
	u64 i;

	for (i = s->npool; i-- > 0;)
		if (s->pool[i].key == key && s->pool[i].len == len) {
			u64 p = s->pool[i].p;

			s->pool[i] = s->pool[--s->npool];
			zero((u8 *)p, bytes);
			return p;
		}
	return 0;
}

static void to_pool(u64 key, u64 len, u64 p)
{
	struct rtstate *s = st();

	if (s->npool < NPOOL) { /* a full pool leaks: still type-safe */
		s->pool[s->npool].key = key;
		s->pool[s->npool].len = len;
		s->pool[s->npool].p = p;
		s->npool++;
	}
}

/* A byte range of an array argument: [a + off, a + off + n) clipped to
 * the array; -22 (EINVAL) when off is past the end. */
static s64 clip(u64 a, u64 off, u64 *n)
{
	u64 len = ((u64 *)a)[-1];

	if (off > len)
		return -22;
	if (*n > len - off)
		*n = len - off;
	return 0;
}

u64 rt_dispatch(u64 a0, u64 a1, u64 a2, u64 a3, u64 idx, u64 ret)
{
	u64 *pg = page();
	u64 desc, size, key, n, p;

	if (ret < pg[KTAL_RT_CODE_VA / 8] ||
	    ret - pg[KTAL_RT_CODE_VA / 8] >= pg[KTAL_RT_CODE_SIZE / 8])
		die("ktal-rt: service called from outside the verified code\n");
	if (idx >= pg[KTAL_RT_NIMPORTS / 8])
		die("ktal-rt: bad import slot\n");
	desc = pg[KTAL_RT_DESCS / 8 + idx];
	size = desc >> 8 & 0xffffff;
	key = desc >> 32;
	switch (desc & 0xff) {
	case KTAL_SVC_EXIT:
		sys(SYS_exit_group, (s64)a0, 0, 0, 0, 0, 0);
		return 0;
	case KTAL_SVC_READ:
	case KTAL_SVC_WRITE:
		n = a3;
		if (clip(a1, a2, &n))
			return (u64)-22;
		return (u64)sys((desc & 0xff) == KTAL_SVC_READ ? SYS_read : SYS_write,
				(s64)a0, (s64)(a1 + a2), (s64)n, 0, 0, 0);
	case KTAL_SVC_OPEN: {
		u64 len = ((u64 *)a0)[-1], i;
		char *b = st()->path;

		if (len >= sizeof(st()->path))
			return (u64)-36; /* ENAMETOOLONG */
		for (i = 0; i < len; i++)
			b[i] = (char)((u8 *)a0)[i];
		b[len] = 0;
		return (u64)sys(SYS_open, (s64)b, (s64)a1, (s64)a2, 0, 0, 0);
	}
	case KTAL_SVC_CLOSE:
		return (u64)sys(SYS_close, (s64)a0, 0, 0, 0, 0, 0);
	case KTAL_SVC_GETPID:
		return (u64)sys(SYS_getpid, 0, 0, 0, 0, 0, 0);
	case KTAL_SVC_ALLOC:
		p = from_pool(key, 0, size);
		return p ? p : fresh(size);
	case KTAL_SVC_FREE:
		if (a0)
			to_pool(key, 0, a0);
		return 0;
	case KTAL_SVC_ALLOC_ARRAY:
		if (a0 > (1UL << 28))
			return 0;
		/* room for one element even when a0 is 0: a masked index
		 * is 0 on a mispredicted path (spec section 15) */
		n = ((a0 ? a0 : 1) * size + 7) & ~7UL;
		p = from_pool(key, a0, n);
		if (p)
			return p;
		p = fresh(n + 8);
		if (!p)
			return 0;
		*(u64 *)p = a0;
		return p + 8;
	case KTAL_SVC_FREE_ARRAY:
		if (a0)
			to_pool(key, ((u64 *)a0)[-1], a0);
		return 0;
	}
	die("ktal-rt: unknown service\n");
	return 0;
}

extern void rt_run(u64 entry, u64 stack_top);
extern char rt_thunks[];

static int is_monitor(const char *e)
{
	const char *m = "KTAL_MONITOR=1";
	int i;

	for (i = 0; m[i]; i++)
		if (e[i] != m[i])
			return 0;
	return e[i] == 0;
}

void rt_main(u64 *sp)
{
	u64 argc = sp[0], i, stack, *pg = page();
	char **envp = (char **)(sp + 1 + argc + 1);
	s64 r;

	for (i = 0; envp[i]; i++)
		if (is_monitor(envp[i]))
			pg[KTAL_RT_MONITOR / 8] = 1;
	r = sys(SYS_mmap, STATE, STATE_SIZE, PROT_RW,
		MAP_PRIVATE | MAP_ANON | MAP_FIXED, -1, 0);
	if (r != (s64)STATE)
		die("ktal-rt: cannot map the runtime state\n");
	/* the verified stack: a guard page, then STACK_SIZE bytes; the entry
	 * function's return address is the last word of the mapping */
	stack = mmap_anon(STACK_SIZE + 4096, PROT_RW);
	if (!stack)
		die("ktal-rt: cannot map the stack\n");
	sys(SYS_mprotect, (s64)stack, 4096, PROT_NONE, 0, 0, 0);
	pg[KTAL_RT_LIMIT / 8] = stack + 4096;
	for (i = 0; i < pg[KTAL_RT_NIMPORTS / 8] && i < KTAL_MAX_IMPORTS; i++)
		pg[KTAL_RT_SLOTS / 8 + i] = (u64)(rt_thunks + 16 * i);
	sys(SYS_mprotect, RT_PAGE, 4096, PROT_READ, 0, 0, 0);
	if (pg[KTAL_RT_MONITOR / 8])
		sys(SYS_mprotect, STATE, STATE_SIZE, PROT_NONE, 0, 0, 0);
	rt_run(pg[KTAL_RT_ENTRY / 8], stack + 4096 + STACK_SIZE);
}
