// SPDX-License-Identifier: GPL-2.0
/*
 * services.c - the kernel services a KTAL program may import.
 *
 * Each service has a fixed signature, written as one code per argument:
 *   i  int            b  arr byte (length read by the service)
 *   I  arr int (length read by the service: fstat, pipe2, poll, waitpid)
 *   v  arr? (arr? byte) (execve's argument vector)
 *   p  ptr? S         a  arr? E   (S, E: the import's type argument)
 *   j  junk (result only: the service returns nothing usable)
 * alloc and alloc_array take a type argument (a struct index, or the type
 * index of the element); the loader makes one instance per import.
 * Services follow the SysV register convention: arguments in rdi, rsi,
 * rdx, rcx; result in rax; rbx, rbp, r12-r15 preserved.
 *
 * An object imports a service by name and type: the name must be one of
 * the names below, byte for byte, and the type must be that service's
 * signature (with KTAL_SERVICE_HEADROOM), the type argument of a generic
 * service being read off the type itself.  This table is the
 * kernel-service interface; the ring-0 loader uses the same one.
 */
#include "ktal_int.h"

const struct ktal_service ktal_services[KTAL_NSERVICES] = {
	[KTAL_SVC_EXIT]	       = { "exit", "i", 'j', 0 },
	[KTAL_SVC_READ]	       = { "read", "ibii", 'i', 0 },
	[KTAL_SVC_WRITE]       = { "write", "ibii", 'i', 0 },
	[KTAL_SVC_OPEN]	       = { "open", "bii", 'i', 0 },
	[KTAL_SVC_CLOSE]       = { "close", "i", 'i', 0 },
	[KTAL_SVC_GETPID]      = { "getpid", "", 'i', 0 },
	[KTAL_SVC_ALLOC]       = { "alloc", "", 'p', 1 },
	[KTAL_SVC_FREE]	       = { "free", "p", 'i', 1 },
	[KTAL_SVC_ALLOC_ARRAY] = { "alloc_array", "i", 'a', 2 },
	[KTAL_SVC_FREE_ARRAY]  = { "free_array", "a", 'i', 2 },
	[KTAL_SVC_OPENAT]      = { "openat", "ibii", 'i', 0 },
	[KTAL_SVC_LSEEK]       = { "lseek", "iii", 'i', 0 },
	[KTAL_SVC_FSTAT]       = { "fstat", "iI", 'i', 0 },
	[KTAL_SVC_GETDENTS64]  = { "getdents64", "ibii", 'i', 0 },
	[KTAL_SVC_UNLINK]      = { "unlink", "b", 'i', 0 },
	[KTAL_SVC_RENAME]      = { "rename", "bb", 'i', 0 },
	[KTAL_SVC_MKDIR]       = { "mkdir", "bi", 'i', 0 },
	[KTAL_SVC_CLOCK_GETTIME] = { "clock_gettime", "i", 'i', 0 },
	[KTAL_SVC_NANOSLEEP]   = { "nanosleep", "i", 'i', 0 },
	[KTAL_SVC_PIPE2]       = { "pipe2", "Ii", 'i', 0 },
	[KTAL_SVC_DUP2]	       = { "dup2", "ii", 'i', 0 },
	[KTAL_SVC_SOCKET]      = { "socket", "iii", 'i', 0 },
	[KTAL_SVC_BIND]	       = { "bind", "ib", 'i', 0 },
	[KTAL_SVC_LISTEN]      = { "listen", "ii", 'i', 0 },
	[KTAL_SVC_ACCEPT4]     = { "accept4", "ii", 'i', 0 },
	[KTAL_SVC_CONNECT]     = { "connect", "ib", 'i', 0 },
	[KTAL_SVC_SHUTDOWN]    = { "shutdown", "ii", 'i', 0 },
	[KTAL_SVC_SENDTO]      = { "sendto", "ibii", 'i', 0 },
	[KTAL_SVC_RECVFROM]    = { "recvfrom", "ibii", 'i', 0 },
	[KTAL_SVC_SETSOCKOPT]  = { "setsockopt", "iiii", 'i', 0 },
	[KTAL_SVC_POLL]	       = { "poll", "Iii", 'i', 0 },
	[KTAL_SVC_GETRANDOM]   = { "getrandom", "biii", 'i', 0 },
	[KTAL_SVC_ARGC]	       = { "argc", "", 'i', 0 },
	[KTAL_SVC_ARG]	       = { "arg", "ibi", 'i', 0 },
	[KTAL_SVC_KILL]	       = { "kill", "ii", 'i', 0 },
	[KTAL_SVC_FORK]	       = { "fork", "", 'i', 0 },
	[KTAL_SVC_WAITPID]     = { "waitpid", "iIi", 'i', 0 },
	[KTAL_SVC_EXECVE]      = { "execve", "bv", 'i', 0 },
	[KTAL_SVC_SIGNAL]      = { "signal", "ii", 'i', 0 },
	[KTAL_SVC_SIGTIMEDWAIT] = { "sigtimedwait", "ii", 'i', 0 },
};

/*
 * The type index of arr? byte in the object's type table, or -1.  The
 * built-in types have no such entry, so code 'v' (arr? of arr? byte) can
 * only be written with one the object declares.  Array types compare
 * their element types by value (kt_sub), so any entry whose value is
 * arr? byte stands for all of them: the first is taken.
 */
static s64 arrq_byte(const struct kck *ck)
{
	u32 i;

	for (i = KTAL_NBUILTIN; i < ck->ntypes; i++)
		if (ck->types[i] == MKT(KTAL_K_ARRQ, KTAL_T_BYTE))
			return i;
	return -1;
}

/* The type that code c stands for, given the type argument; for 'v',
 * vref is the index of arr? byte (arrq_byte()). */
static ktype code_type(char c, s64 targ, s64 vref)
{
	switch (c) {
	case 'i': return T_INT;
	case 'b': return MKT(KTAL_K_ARR, KTAL_T_BYTE);
	case 'I': return MKT(KTAL_K_ARR, KTAL_T_INT);
	case 'v': return vref < 0 ? T_JUNK : MKT(KTAL_K_ARRQ, vref);
	case 'p': return MKT(KTAL_K_PTRQ, targ);
	case 'a': return MKT(KTAL_K_ARRQ, targ);
	}
	return T_JUNK;
}

/* The service whose name is the n bytes at name (not NUL-terminated), or
 * -1.  Byte-wise: j never passes n, nor the NUL of the table's name. */
s32 kt_svc_find(const u8 *name, u32 n)
{
	u32 s, j;

	for (s = 0; s < KTAL_NSERVICES; s++) {
		const char *sn = ktal_services[s].name;

		if (!sn)		/* a number not given out */
			continue;
		for (j = 0; j < n && sn[j] && (u8)sn[j] == name[j]; j++)
			;
		if (j == n && sn[j] == 0)
			return (s32)s;
	}
	return -1;
}

/* Build the signature of service svc at type argument targ (-1: none).
 * Returns 0 if the type argument does not fit the service. */
int kt_svc_sig(const struct kck *ck, u32 svc, s64 targ, struct ksig *sig)
{
	const struct ktal_service *s = &ktal_services[svc];
	s64 vref = -1;
	u32 i;

	if (s->targ == 0 && targ != -1)
		return 0;
	if (s->targ == 1 && (targ < 0 || targ >= ck->nstructs))
		return 0;
	if (s->targ == 2 && (targ < 0 || targ >= ck->ntypes ||
			     (!kt_zero_valid(ck->types[targ]) &&
			      ck->types[targ] != T_BYTE)))
		return 0;
	for (i = 0; s->args[i]; i++)
		if (s->args[i] == 'v' && (vref = arrq_byte(ck)) < 0)
			return 0;	/* the object has no arr? byte */
	kt_memzero(sig, sizeof(*sig));
	for (i = 0; s->args[i]; i++)
		sig->arg[i] = code_type(s->args[i], targ, vref);
	sig->nargs = i;
	sig->ret = code_type(s->ret, targ, vref);
	sig->headroom = KTAL_SERVICE_HEADROOM;
	return 1;
}

/* Types a and b are equal (each a subtype of the other). */
static int same(const struct kck *ck, ktype a, ktype b)
{
	return kt_sub(ck, a, b) && kt_sub(ck, b, a);
}

/* An import of service svc declares type t.  The type argument is read
 * off t where the service's signature has 'p' (the S of ptr? S) or 'a'
 * (the T of arr? T); then t must equal the service's signature at that
 * argument, headroom included.  On a match, *sig is that signature and
 * *targ the type argument (0 if none); returns 0 on any difference. */
int kt_svc_match(const struct kck *ck, u32 svc, const struct ksig *t,
		 struct ksig *sig, u32 *targ)
{
	const struct ktal_service *s = &ktal_services[svc];
	s64 a = -1;
	u32 i, n;

	for (n = 0; n < 6 && s->args[n]; n++)
		;
	if (t->nargs != n)
		return 0;
	for (i = 0; i <= n && s->targ; i++) {
		char c = i < n ? s->args[i] : s->ret;
		ktype x = i < n ? t->arg[i] : t->ret;

		if (c != 'p' && c != 'a')
			continue;
		if (TK(x) != (c == 'p' ? KTAL_K_PTRQ : KTAL_K_ARRQ))
			return 0;
		a = TREF(x);
		break;
	}
	if (!kt_svc_sig(ck, svc, a, sig) || sig->headroom != t->headroom ||
	    !same(ck, sig->ret, t->ret))
		return 0;
	for (i = 0; i < n; i++)
		if (!same(ck, sig->arg[i], t->arg[i]))
			return 0;
	*targ = a < 0 ? 0 : (u32)a;
	return 1;
}
