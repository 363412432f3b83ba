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
#define GIVE_BACK  (64UL << 10) /* array slots from here on: whole pages, given back */

/* Runtime state, at STATE. */
struct rtstate {
	u64 heap, heap_end;	/* bump allocator (normal mode) */
	u64 npool;		/* entries used in pool[] */
	struct {
		u64 key;	/* type key from the descriptor, with length for arrays */
		u64 len;	/* arrays: length; structs: 0 */
		u64 p;		/* free object (struct base or array element 0) */
	} pool[NPOOL];		/* type-stable free lists */
	u64 argc;		/* the program's arguments, as the kernel */
	char **argv;		/* passed them to _start */
	char path[4096];	/* open(), execve(): NUL-terminated copy of the path */
	char path2[4096];	/* rename(): the new path */
	int ival;		/* setsockopt(): the option's value */
	u64 siginfo[16];	/* kill(): waitid's answer, unused */
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
#define SYS_madvise 28
#define MADV_DONTNEED 4
#define SYS_getpid 39
#define SYS_rt_sigaction 13
#define SYS_rt_sigprocmask 14
#define SYS_munmap 11
#define SYS_fork 57
#define SYS_execve 59
#define SYS_wait4 61
#define SYS_kill 62
#define SYS_rt_sigtimedwait 128
#define SYS_waitid 247
#define SYS_exit_group 231
#define SYS_fstat 5
#define SYS_readlink 89
#define SYS_poll 7
#define SYS_lseek 8
#define SYS_dup2 33
#define SYS_nanosleep 35
#define SYS_socket 41
#define SYS_connect 42
#define SYS_sendto 44
#define SYS_recvfrom 45
#define SYS_shutdown 48
#define SYS_bind 49
#define SYS_listen 50
#define SYS_setsockopt 54
#define SYS_rename 82
#define SYS_mkdir 83
#define SYS_unlink 87
#define SYS_getdents64 217
#define SYS_clock_gettime 228
#define SYS_openat 257
#define SYS_accept4 288
#define SYS_pipe2 293
#define SYS_getrandom 318
#define EINVAL 22
#define ENAMETOOLONG 36
#define EAFNOSUPPORT 97
#define EPROTONOSUPPORT 93
#define ENOPROTOOPT 92
#define EPERM 1
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
	if (size >= GIVE_BACK)		/* a slot given back when freed */
		s->heap = (s->heap + 4095) & ~4095UL;
	if (s->heap > s->heap_end || size > s->heap_end - s->heap)
		return 0;
	s->heap += size;
	return s->heap - size;
}

/* The slot of an array of `bytes` bytes, its length word included: the
 * kernel's sizes (kml_ktal_slot() in arch/x86/kernel/kml_ktal.c): 16,
 * 32, 48, 64, then 2^k and 3 * 2^(k-1).  Any array of an element type
 * may take a freed slot of its size (spec section 8). */
static u64 slot_of(u64 bytes)
{
	u64 p = 1;

	if (bytes <= 64)
		return (bytes + 15) & ~15UL;
	while (p < bytes)
		p <<= 1;
	return bytes <= p / 4 * 3 ? p / 4 * 3 : p;
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


/*
 * The services beyond the first ten check their arguments exactly as the
 * kernel does (arch/x86/kernel/kml_ktal_svc.c), so that one object gives
 * the same answers in both rings; docs/ktal/spec.md section 9 is the
 * contract.  Constants are Linux's x86-64 ABI values.
 */
#define O_PATH_	      010000000
#define O_NONBLOCK_   04000
#define O_CLOEXEC_    02000000
#define SOCK_STREAM_  1
#define SOCK_FLAGS_   (O_NONBLOCK_ | O_CLOEXEC_) /* SOCK_NONBLOCK, SOCK_CLOEXEC */
#define MSG_NOSIGNAL_ 0x4000

static u64 alen(u64 a) { return ((u64 *)a)[-1]; }

/* The array a as a NUL-terminated path in buf (4096 bytes): the whole
 * array is the path; a NUL inside it is -EINVAL. */
static s64 path_of(u64 a, char *buf)
{
	u64 len = alen(a), i;

	if (len >= 4096)
		return -ENAMETOOLONG;
	for (i = 0; i < len; i++) {
		buf[i] = (char)((u8 *)a)[i];
		if (!buf[i])
			return -EINVAL;
	}
	buf[len] = 0;
	return 0;
}

/* Append the decimal n to b at *at. */
static void put_dec(char *b, u64 *at, u64 n)
{
	char d[24];
	int k = 0;

	do
		d[k++] = (char)('0' + n % 10);
	while (n /= 10);
	while (k)
		b[(*at)++] = d[--k];
}

/*
 * A descriptor open() or openat() just returned: the kernel refuses a
 * verified program its own memory (/proc/PID/mem of its own process, any
 * of its threads), so the runtime closes such a descriptor and says
 * -EPERM, as ring 0 does.  What the descriptor is comes from the
 * kernel: /proc/self/fd/N names it "/proc/PID/mem" or
 * "/proc/PID/task/TID/mem".
 */
static s64 own_memory(s64 fd)
{
	char q[48], *l = st()->path2;
	u64 at = 0, i, pid = (u64)sys(SYS_getpid, 0, 0, 0, 0, 0, 0);
	const char *pre = "/proc/self/fd/";
	s64 n;

	if (fd < 0)
		return fd;
	for (i = 0; pre[i]; i++)
		q[at++] = pre[i];
	put_dec(q, &at, (u64)fd);
	q[at] = 0;
	n = sys(SYS_readlink, (s64)q, (s64)l, 4095, 0, 0, 0);
	if (n < 10)
		return fd;
	l[n] = 0;
	at = 0;
	for (i = 0; i < 6; i++)
		q[at++] = "/proc/"[i];
	put_dec(q, &at, pid);
	q[at++] = '/';
	for (i = 0; i < at && l[i] == q[i]; i++)
		;
	if (i == at && l[n - 4] == '/' && l[n - 3] == 'm' && l[n - 2] == 'e' && l[n - 1] == 'm') {
		sys(SYS_close, fd, 0, 0, 0, 0, 0);
		return -EPERM;
	}
	return fd;
}

/* socket(): the families and types verified programs may have. */
static s64 svc_socket(s64 dom, s64 type, s64 proto)
{
	if (dom != 1 && dom != 2 && dom != 10)	/* AF_UNIX, AF_INET, AF_INET6 */
		return -EAFNOSUPPORT;
	if ((type & ~(s64)SOCK_FLAGS_) != SOCK_STREAM_)
		return -EINVAL;
	if (proto != 0 && (proto != 6 || dom == 1))	/* IPPROTO_TCP */
		return -EPROTONOSUPPORT;
	return sys(SYS_socket, dom, type, proto, 0, 0, 0);
}

/* setsockopt(): the whitelist, an int value. */
static s64 svc_setsockopt(s64 fd, s64 level, s64 name, s64 val)
{
	int ok = (level == 1 && (name == 2 || name == 15 || name == 9 ||
				 name == 8 || name == 7)) ||	/* SOL_SOCKET */
		 (level == 6 && name == 1);		/* TCP_NODELAY */

	if (!ok)
		return -ENOPROTOOPT;
	st()->ival = (int)val;
	return sys(SYS_setsockopt, fd, level, name, (s64)&st()->ival, 4, 0);
}

/* clock_gettime(): the clocks both rings read the same way; ns. */
static s64 svc_clock(s64 id)
{
	s64 ts[2], r;

	if (id != 0 && id != 1 && id != 4 && id != 5 && id != 6 && id != 7 && id != 11)
		return -EINVAL;
	r = sys(SYS_clock_gettime, id, (s64)ts, 0, 0, 0, 0);
	return r < 0 ? r : ts[0] * 1000000000L + ts[1];
}

static s64 svc_nanosleep(s64 ns)
{
	s64 ts[2];

	if (ns < 0)
		return -EINVAL;
	ts[0] = ns / 1000000000L;
	ts[1] = ns % 1000000000L;
	return sys(SYS_nanosleep, (s64)ts, 0, 0, 0, 0, 0);
}

static s64 svc_pipe2(u64 fds, s64 flags)
{
	int p[2];
	s64 r;

	if (alen(fds) < 2 || (flags & ~(s64)(O_NONBLOCK_ | O_CLOEXEC_)))
		return -EINVAL;
	r = sys(SYS_pipe2, (s64)p, flags, 0, 0, 0, 0);
	if (r < 0)
		return r;
	((u64 *)fds)[0] = (u64)p[0];
	((u64 *)fds)[1] = (u64)p[1];
	return 0;
}

/* arg(n, buf, off): argument n into buf[off..]; its full length. */
static s64 svc_arg(u64 n, u64 buf, u64 off)
{
	struct rtstate *s = st();
	u64 len = 0, room = alen(buf), i;
	const char *a;

	if (n >= s->argc || off > room)
		return -EINVAL;
	a = s->argv[n];
	while (a[len])
		len++;
	for (i = 0; i < len && i < room - off; i++)
		((u8 *)buf)[off + i] = (u8)a[i];
	return (s64)len;
}

/* errno values of the process services (spec section 9) */
#define EPERM 1
#define ESRCH 3
#define EINTR 4
#define E2BIG 7
#define ECHILD 10
#define ENOMEM 12
#define EINVAL 22
#define ENAMETOOLONG 36
#define SIGKILL 9
#define SIGSTOP 19
/* execve: each argument with its NUL at most MAX_ARG_STRLEN, all of them
 * with their pointers at most EXEC_MAX (the kernel's own ceiling) */
#define MAX_ARG_STRLEN (32UL * 4096)
#define EXEC_MAX (6UL << 20)

/* kill: only the caller's own children (waitid without reaping answers
 * ECHILD for anyone else); pid > 0, sig 0..64. */
static s64 svc_kill(s64 pid, s64 sig)
{
	s64 r;

	if (pid <= 0 || sig < 0 || sig > 64)
		return -EINVAL;
	if (pid > 0x7fffffff)
		return -ESRCH;
	/* P_PID, WEXITED | WSTOPPED | WCONTINUED | WNOHANG | WNOWAIT | __WALL */
	r = sys(SYS_waitid, 1, pid, (s64)st()->siginfo, 4 | 2 | 8 | 1 | 0x01000000 | 0x40000000, 0, 0);
	if (r == -ECHILD)
		return sys(SYS_kill, pid, 0, 0, 0, 0, 0) == -ESRCH ? -ESRCH : -EPERM;
	if (r < 0)
		return r;
	return sys(SYS_kill, pid, sig, 0, 0, 0, 0);
}

/* waitpid: WNOHANG only; the status into element 0 of st if it has one. */
static s64 svc_waitpid(s64 pid, u64 st, s64 options)
{
	int status = 0;
	s64 r;

	if (options & ~1L || pid != (int)pid)
		return -EINVAL;
	r = sys(SYS_wait4, pid, (s64)&status, options, 0, 0, 0);
	if (r > 0 && ((u64 *)st)[-1] >= 1)
		((u64 *)st)[0] = (u64)(unsigned int)status;
	return r;
}

/* execve: path and argv as the kernel takes them (spec section 9), an
 * empty environment; returns only on error. */
static s64 svc_execve(u64 path, u64 argv)
{
	u64 n, i, total, *v, *vv, len, mem;
	char *p;
	s64 r = path_of(path, st()->path);

	if (r)
		return r;
	if (!argv || !(n = ((u64 *)argv)[-1]))
		return -EINVAL;
	v = (u64 *)argv;
	if (n > EXEC_MAX / 8)
		return -E2BIG;
	total = (n + 2) * 8;
	for (i = 0; i < n; i++) {
		if (!v[i])
			return -EINVAL;
		len = ((u64 *)v[i])[-1];
		if (len + 1 > MAX_ARG_STRLEN)
			return -E2BIG;
		total += len + 1;
		if (total > EXEC_MAX)
			return -E2BIG;
	}
	mem = mmap_anon(total, PROT_RW);
	if (!mem)
		return -ENOMEM;
	vv = (u64 *)mem;
	p = (char *)(vv + n + 2);
	for (i = 0; i < n; i++) {
		u8 *a = (u8 *)v[i];
		u64 j;

		len = ((u64 *)a)[-1];
		vv[i] = (u64)p;
		for (j = 0; j < len; j++) {
			if (!a[j]) {
				sys(SYS_munmap, (s64)mem, (s64)total, 0, 0, 0, 0);
				return -EINVAL;
			}
			*p++ = (char)a[j];
		}
		*p++ = 0;
	}
	vv[n] = 0;		/* end of argv */
	vv[n + 1] = 0;		/* envp: empty */
	r = sys(SYS_execve, (s64)st()->path, (s64)vv, (s64)(vv + n + 1), 0, 0, 0);
	sys(SYS_munmap, (s64)mem, (s64)total, 0, 0, 0, 0);
	return r;
}

/* signal: SIG_DFL (0) or SIG_IGN (1) only; never a handler. */
static s64 svc_signal(s64 sig, s64 disp)
{
	u64 act[4] = { (u64)disp, 0, 0, 0 };	/* handler, flags, restorer, mask */

	if (sig < 1 || sig > 64 || (disp != 0 && disp != 1))
		return -EINVAL;
	return sys(SYS_rt_sigaction, sig, (s64)act, 0, 8, 0, 0);
}

/* sigtimedwait: bit s of mask is signal s (1..63); blocks them while it
 * waits and restores the mask after; timeout in ns, -1 forever. */
static s64 svc_sigtimedwait(u64 mask, s64 ns)
{
	u64 set, old = 0, ts[2];
	s64 r;

	if ((mask & 1) || ns < -1)
		return -EINVAL;
	set = mask >> 1 & ~(1UL << (SIGKILL - 1) | 1UL << (SIGSTOP - 1));
	if (ns >= 0) {
		ts[0] = (u64)ns / 1000000000;
		ts[1] = (u64)ns % 1000000000;
	}
	sys(SYS_rt_sigprocmask, 0 /* SIG_BLOCK */, (s64)&set, (s64)&old, 8, 0, 0);
	do
		r = sys(SYS_rt_sigtimedwait, (s64)&set, 0, ns >= 0 ? (s64)ts : 0, 8, 0, 0);
	while (r == -EINTR && ns < 0);	/* a stop and continue: wait on */
	sys(SYS_rt_sigprocmask, 2 /* SIG_SETMASK */, (s64)&old, 0, 8, 0, 0);
	return r;
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
		if (a1 & O_PATH_)
			return (u64)-EINVAL;
		for (i = 0; i < len; i++)
			b[i] = (char)((u8 *)a0)[i];
		b[len] = 0;
		return (u64)own_memory(sys(SYS_open, (s64)b, (s64)a1, (s64)a2, 0, 0, 0));
	}
	case KTAL_SVC_KILL:
		return (u64)svc_kill((s64)a0, (s64)a1);
	case KTAL_SVC_FORK:
		return (u64)sys(SYS_fork, 0, 0, 0, 0, 0, 0);
	case KTAL_SVC_WAITPID:
		return (u64)svc_waitpid((s64)a0, a1, (s64)a2);
	case KTAL_SVC_EXECVE:
		return (u64)svc_execve(a0, a1);
	case KTAL_SVC_SIGNAL:
		return (u64)svc_signal((s64)a0, (s64)a1);
	case KTAL_SVC_SIGTIMEDWAIT:
		return (u64)svc_sigtimedwait(a0, (s64)a1);
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
		if (pg[KTAL_RT_MONITOR / 8]) {
			/* the monitor: each object ends at its guard page,
			 * and only an array of its length reuses it */
			p = from_pool(key, a0, n);
			if (p)
				return p;
			p = fresh(n + 8);
		} else {
			u64 slot = slot_of(n + 8);

			p = from_pool(key, slot, n);
			if (p) {
				((u64 *)p)[-1] = a0;
				return p;
			}
			p = fresh(slot);
		}
		if (!p)
			return 0;
		*(u64 *)p = a0;
		return p + 8;
	case KTAL_SVC_FREE_ARRAY:
		if (!a0)
			return 0;
		n = ((u64 *)a0)[-1];
		if (pg[KTAL_RT_MONITOR / 8]) {
			to_pool(key, n, a0);
			return 0;
		}
		n = slot_of((((n ? n : 1) * size + 7) & ~7UL) + 8);
		if (n >= GIVE_BACK)
			sys(SYS_madvise, (s64)(a0 - 8), (s64)n, MADV_DONTNEED, 0, 0, 0);
		to_pool(key, n, a0);
		return 0;
	case KTAL_SVC_OPENAT: {
		s64 r = path_of(a1, st()->path);

		if (r)
			return (u64)r;
		if (a2 & O_PATH_)
			return (u64)-EINVAL;
		return (u64)own_memory(sys(SYS_openat, (s64)a0, (s64)st()->path, (s64)a2, (s64)a3, 0, 0));
	}
	case KTAL_SVC_LSEEK:
		return (u64)sys(SYS_lseek, (s64)a0, (s64)a1, (s64)a2, 0, 0, 0);
	case KTAL_SVC_FSTAT:
		/* struct stat is 144 bytes: 18 words of the int array */
		if (alen(a1) < KTAL_STAT_WORDS)
			return (u64)-EINVAL;
		return (u64)sys(SYS_fstat, (s64)a0, (s64)a1, 0, 0, 0, 0);
	case KTAL_SVC_GETDENTS64:
	case KTAL_SVC_SENDTO:
	case KTAL_SVC_RECVFROM:
	case KTAL_SVC_GETRANDOM:
		if ((desc & 0xff) == KTAL_SVC_GETRANDOM) {	/* buf, off, len, flags */
			n = a2;
			if (clip(a0, a1, &n) || a3 > 0xffffffffUL)	/* flags: 32 bits */
				return (u64)-EINVAL;
			return (u64)sys(SYS_getrandom, (s64)(a0 + a1), (s64)n, (s64)a3, 0, 0, 0);
		}
		n = a3;						/* fd, buf, off, len */
		if (clip(a1, a2, &n))
			return (u64)-EINVAL;
		switch (desc & 0xff) {
		case KTAL_SVC_GETDENTS64:
			return (u64)sys(SYS_getdents64, (s64)a0, (s64)(a1 + a2), (s64)n, 0, 0, 0);
		case KTAL_SVC_SENDTO:
			return (u64)sys(SYS_sendto, (s64)a0, (s64)(a1 + a2), (s64)n,
					MSG_NOSIGNAL_, 0, 0);
		default:
			return (u64)sys(SYS_recvfrom, (s64)a0, (s64)(a1 + a2), (s64)n, 0, 0, 0);
		}
	case KTAL_SVC_UNLINK:
	case KTAL_SVC_MKDIR: {
		s64 r = path_of(a0, st()->path);

		if (r)
			return (u64)r;
		if ((desc & 0xff) == KTAL_SVC_UNLINK)
			return (u64)sys(SYS_unlink, (s64)st()->path, 0, 0, 0, 0, 0);
		return (u64)sys(SYS_mkdir, (s64)st()->path, (s64)a1, 0, 0, 0, 0);
	}
	case KTAL_SVC_RENAME: {
		s64 r = path_of(a0, st()->path);

		if (!r)
			r = path_of(a1, st()->path2);
		if (r)
			return (u64)r;
		return (u64)sys(SYS_rename, (s64)st()->path, (s64)st()->path2, 0, 0, 0, 0);
	}
	case KTAL_SVC_CLOCK_GETTIME:
		return (u64)svc_clock((s64)a0);
	case KTAL_SVC_NANOSLEEP:
		return (u64)svc_nanosleep((s64)a0);
	case KTAL_SVC_PIPE2:
		return (u64)svc_pipe2(a0, (s64)a1);
	case KTAL_SVC_DUP2:
		return (u64)sys(SYS_dup2, (s64)a0, (s64)a1, 0, 0, 0, 0);
	case KTAL_SVC_SOCKET:
		return (u64)svc_socket((s64)a0, (s64)a1, (s64)a2);
	case KTAL_SVC_BIND:
	case KTAL_SVC_CONNECT:
		/* the whole array is the address */
		return (u64)sys((desc & 0xff) == KTAL_SVC_BIND ? SYS_bind : SYS_connect,
				(s64)a0, (s64)a1, (s64)alen(a1), 0, 0, 0);
	case KTAL_SVC_LISTEN:
		return (u64)sys(SYS_listen, (s64)a0, (s64)a1, 0, 0, 0, 0);
	case KTAL_SVC_ACCEPT4:
		if (a1 & ~(u64)SOCK_FLAGS_)
			return (u64)-EINVAL;
		return (u64)sys(SYS_accept4, (s64)a0, 0, 0, (s64)a1, 0, 0);
	case KTAL_SVC_SHUTDOWN:
		return (u64)sys(SYS_shutdown, (s64)a0, (s64)a1, 0, 0, 0, 0);
	case KTAL_SVC_SETSOCKOPT:
		return (u64)svc_setsockopt((s64)a0, (s64)a1, (s64)a2, (s64)a3);
	case KTAL_SVC_POLL:
		/* element k is struct pollfd k; n beyond the array: -EINVAL */
		if (a1 > alen(a0))
			return (u64)-EINVAL;
		return (u64)sys(SYS_poll, (s64)a0, (s64)a1, (s64)(int)a2, 0, 0, 0);
	case KTAL_SVC_ARGC:
		return st()->argc;
	case KTAL_SVC_ARG:
		return (u64)svc_arg(a0, a1, a2);
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
	st()->argc = argc;
	st()->argv = (char **)(sp + 1);
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
