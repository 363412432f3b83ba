// SPDX-License-Identifier: GPL-2.0
/*
 * services.c - the kernel services a KTAL program may import.
 *
 * Each service has a fixed signature, written as one code per argument:
 *   i  int            b  arr byte (length read by the service)
 *   p  ptr? S         a  arr? E   (S, E: the import's type argument)
 *   j  junk (result only: the service returns nothing usable)
 * alloc and alloc_array take a type argument (a struct index, or the type
 * index of the element); the loader makes one instance per import.
 * Services follow the SysV register convention: arguments in rdi, rsi,
 * rdx, rcx; result in rax; rbx, rbp, r12-r15 preserved.
 */
#include "ktal_int.h"

const struct ksvc kt_services[KTAL_NSERVICES] = {
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
};

/* The type that code c stands for, given the type argument. */
static ktype code_type(char c, s64 targ)
{
	switch (c) {
	case 'i': return T_INT;
	case 'b': return MKT(KTAL_K_ARR, KTAL_T_BYTE);
	case 'p': return MKT(KTAL_K_PTRQ, targ);
	case 'a': return MKT(KTAL_K_ARRQ, targ);
	}
	return T_JUNK;
}

/* Build the signature of service svc at type argument targ (-1: none).
 * Returns 0 if the type argument does not fit the service. */
int kt_svc_sig(const struct kck *ck, u32 svc, s64 targ, struct ksig *sig)
{
	const struct ksvc *s = &kt_services[svc];
	u32 i;

	if (s->targ == 0 && targ != -1)
		return 0;
	if (s->targ == 1 && (targ < 0 || targ >= ck->nstructs))
		return 0;
	if (s->targ == 2 && (targ < 0 || targ >= ck->ntypes ||
			     (!kt_zero_valid(ck->types[targ]) &&
			      ck->types[targ] != T_BYTE)))
		return 0;
	kt_memzero(sig, sizeof(*sig));
	for (i = 0; s->args[i]; i++)
		sig->arg[i] = code_type(s->args[i], targ);
	sig->nargs = i;
	sig->ret = code_type(s->ret, targ);
	sig->headroom = KTAL_SERVICE_HEADROOM;
	return 1;
}
