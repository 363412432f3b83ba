// SPDX-License-Identifier: GPL-2.0
/*
 * check.c - the driver: ktal_arena_size() and ktal_check().
 *
 * The pipeline, top to bottom:
 *   1. kt_elf      sections and segments (elf.c)
 *   2. counts      header counts bounded by section sizes, arena sized
 *   3. kt_tables   annotations decoded into the arena (tables.c)
 *   4. entry       the entry label is a function () -> int
 *   5. walk        one pass over the code: at each label the state is
 *                  reset from its annotation (falling into it is a jump);
 *                  every instruction is decoded (decode.c) and typed
 *                  (typing.c) exactly once.
 * Time is linear in code + annotations: each byte of code is decoded
 * once, each jump compares at most 15 registers and KTAL_MAX_SLOTS slots.
 */
#include "ktal_int.h"

static u64 need(const struct kck *ck)
{
	return kt_tables_arena(ck->hdr, ck->code.len) +
	       2 * (sizeof(struct kstate) + 8) + 64;
}

/*
 * Header counts against the bytes of their sections.  Each record has a
 * smallest encoding, so the counts that share a section can claim at most
 * its size together: a type 1 byte; a struct its count byte plus 1 byte a
 * field; a signature or an import's type 2 bytes (the argument count and
 * the result); a label 2 bytes (function: kind and signature; same-frame
 * block: kind and register mask; block: 4) plus 1 byte a register or
 * slot type; a global 3 bytes; an import name 2 bytes.  With the sections
 * disjoint (elf.c), the arena is then at most 18 bytes a byte of the
 * tables plus 12 bytes every 64 bytes of code plus about 6 KiB, whatever
 * the header says (spec section 11), and never more than KTAL_MAX_ARENA.
 */
static int counts(struct kck *ck)
{
	static const struct { u8 word, word2, sec, size; } lim[] = {
		{ KTAL_HDR_NTYPES, 0, 1, 1 },
		{ KTAL_HDR_NSTRUCTS, KTAL_HDR_NFIELDS, 2, 1 },
		{ KTAL_HDR_NSIGS, 0, 3, 2 },
		{ KTAL_HDR_NLABELS, KTAL_HDR_NLTYPES, 4, 2 },
		{ KTAL_HDR_NIMPORTS, 0, 5, 2 },
		{ KTAL_HDR_NIMPORTS, 0, 8, 2 },
		{ KTAL_HDR_NGLOBALS, 0, 6, 3 },
	};
	u32 i;

	for (i = 0; i < sizeof(lim) / sizeof(lim[0]); i++) {
		u64 c = ck->hdr[lim[i].word];
		u64 c2 = lim[i].word2 ? ck->hdr[lim[i].word2] : 0;

		/* each count alone first, so the sum cannot overflow */
		if (c > KTAL_MAX_RECORDS || c2 > KTAL_MAX_RECORDS ||
		    lim[i].size * c + c2 > ck->sec[lim[i].sec].len)
			return kt_fail(ck, "header count exceeds section size",
				       KT_NOTYPE, "", KT_NOTYPE, "");
	}
	if (ck->hdr[KTAL_HDR_NIMPORTS] > KTAL_MAX_IMPORTS)
		return kt_fail(ck, "too many imports", KT_NOTYPE, "", KT_NOTYPE, "");
	if (need(ck) > KTAL_MAX_ARENA)
		return kt_fail(ck, "object needs too much checker memory",
			       KT_NOTYPE, "", KT_NOTYPE, "");
	return 1;
}

size_t ktal_arena_size(const uint8_t *elf, size_t len)
{
	struct kck ck;
	struct ktal_diag d;

	kt_memzero(&ck, sizeof(ck));
	ck.elf = elf;
	ck.len = len;
	ck.diag = &d;
	if (!kt_elf(&ck) || !counts(&ck))
		return 0;
	return (size_t)need(&ck);
}

/* The load layout of an accepted object, sizes from the checked tables. */
static void fill_info(const struct kck *ck, struct ktal_info *info)
{
	u32 i;

	kt_memzero(info, sizeof(*info));
	info->code_off = ck->hdr[KTAL_HDR_CODE_OFF];
	info->code_size = ck->code.len;
	info->code_va = ck->code_va;
	info->data_off = ck->hdr[KTAL_HDR_DATA_OFF];
	info->data_size = ck->data.len;
	info->data_va = ck->data_va;
	info->rt_va = ck->rt_va;
	info->entry_va = ck->code_va + ck->labels[ck->hdr[KTAL_HDR_ENTRY]].off;
	info->nimports = ck->nimports;
	for (i = 0; i < ck->nimports && i < KTAL_MAX_IMPORTS; i++) {
		const struct kimport *im = &ck->imports[i];
		struct ktal_import_info *o = &info->imports[i];

		o->service = im->svc;
		if (im->svc == KTAL_SVC_ALLOC || im->svc == KTAL_SVC_FREE) {
			o->pool = im->targ;
			o->size = 8 * ck->structs[im->targ].n;
		} else if (im->svc == KTAL_SVC_ALLOC_ARRAY ||
			   im->svc == KTAL_SVC_FREE_ARRAY) {
			o->pool = im->targ | 1u << 31;
			o->size = ck->types[im->targ] == T_BYTE ? 1 : 8;
		}
	}
}

static int walk(struct kck *ck)
{
	struct kinsn in;
	u32 off = 0, li = 0, since = 0;

	ck->st->live = 0;
	while (off < ck->code.len) {
		if (li < ck->nlabels && ck->labels[li].off == off) {
			if (ck->st->live) {
				ck->cur_insn = &in; /* the previous instruction */
				if (ck->labels[li].kind == KTAL_L_FN)
					return kt_fail(ck, "code falls into a function",
						       KT_NOTYPE, "ret or jmp",
						       KT_NOTYPE, "");
				if (!kt_jump(ck, ck->st, off))
					return 0;
			}
			kt_enter(ck, li);
			li++;
		}
		if (!kt_decode(ck, off, &in))
			return 0;
		if (li < ck->nlabels && ck->labels[li].off < off + in.len)
			return kt_fail(ck, "label inside an instruction", KT_NOTYPE,
				       "instruction boundary", KT_NOTYPE, "");
		if (!ck->st->live)
			return kt_fail(ck, "unreachable code", KT_NOTYPE, "a label",
				       KT_NOTYPE, "");
		if (!kt_insn(ck, &in))
			return 0;
		off += in.len;
		since += in.len;
		if (since >= 65536) {
			since = 0;
			KTAL_YIELD();
		}
	}
	if (ck->st->live)
		return kt_fail(ck, "code falls off the end", KT_NOTYPE, "ret or jmp",
			       KT_NOTYPE, "");
	return 1;
}

/* The whole pipeline; with info != NULL also report the load layout. */
static int check(const uint8_t *elf, size_t len, void *arena, size_t arena_len,
		 struct ktal_diag *diag, struct ktal_info *info)
{
	struct kck ck;
	const struct klabel *e;
	const struct ksig *sg;
	u64 n;

	kt_memzero(&ck, sizeof(ck));
	ck.elf = elf;
	ck.len = len;
	ck.diag = diag;
	if (!kt_elf(&ck) || !counts(&ck))
		return 0;
	n = need(&ck);
	if (!arena || ((unsigned long)arena & 7) || arena_len < n)
		return kt_fail(&ck, "arena too small", KT_NOTYPE, "", KT_NOTYPE, "");
	ck.arena = arena;
	ck.arena_end = ck.arena + n;
	if (!kt_tables(&ck))
		return 0;
	if (ck.hdr[KTAL_HDR_ENTRY] >= ck.nlabels)
		return kt_fail(&ck, "bad entry label", KT_NOTYPE, "", KT_NOTYPE, "");
	e = &ck.labels[ck.hdr[KTAL_HDR_ENTRY]];
	sg = &ck.sigs[e->sig];
	if (e->kind != KTAL_L_FN || sg->nargs != 0 || sg->ret != T_INT ||
	    sg->headroom > KTAL_ENTRY_HEADROOM)
		return kt_fail(&ck, "entry must be a function () -> int with headroom <= 65536",
			       KT_NOTYPE, "", KT_NOTYPE, "");
	ck.st = (struct kstate *)ck.arena;
	ck.tmp = ck.st + 1;
	if ((u64)(ck.arena_end - ck.arena) < 2 * sizeof(struct kstate))
		return kt_fail(&ck, "checker internal error: arena sizing", KT_NOTYPE,
			       "", KT_NOTYPE, "");
	ck.arena += 2 * sizeof(struct kstate);
	if (!walk(&ck))
		return 0;
	if (info)
		fill_info(&ck, info);
	return 1;
}

int ktal_check(const uint8_t *elf, size_t len, void *arena, size_t arena_len,
	       struct ktal_diag *diag)
{
	return check(elf, len, arena, arena_len, diag, 0);
}

int ktal_info(const uint8_t *elf, size_t len, void *arena, size_t arena_len,
	      struct ktal_info *info, struct ktal_diag *diag)
{
	return check(elf, len, arena, arena_len, diag, info);
}
