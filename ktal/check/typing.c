// SPDX-License-Identifier: GPL-2.0
/*
 * typing.c - the typing rule of every accepted instruction.
 *
 * kt_insn() transforms ck->st, the abstract state before the instruction,
 * into the state after it, or rejects.  The rules are the ones in
 * docs/ktal/spec.md, section "Instructions"; each case below names its
 * rule.  Invariants of the state (see struct kstate):
 *  - reg[r] describes the value in r whenever control is here;
 *  - slot[nslots-1] is the word at [rsp], slot[0] the word just above the
 *    return address; the return address itself is never a slot;
 *  - headroom bytes below rsp are mapped stack that no one else uses;
 *  - inb[i] bit a means that i is masked below the length of the array
 *    in register a (value(i) <u len(a) on the architectural path, and
 *    value(i) <u len(a) or 0 on every mispredicted one); the mask fact mk
 *    and the branch fact chk are its two halves;
 *  - every fact (inb, chk, mk, nz, zero) about a register is created and
 *    dropped only by wreg(), the one function that records a register
 *    write, so a write can never leave a stale fact behind;
 *  - fl describes the flags as the previous instruction left them.
 */
#include "ktal_int.h"

static const u8 argreg[6] = { R_DI, R_SI, R_DX, R_CX, R_8, R_9 };

static const char *const regname[17] = {
	"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9",
	"r10", "r11", "r12", "r13", "r14", "r15", "rip",
};

static int fail(struct kck *ck, const char *msg, ktype exp, ktype found)
{
	return kt_fail(ck, msg, exp, "", found, "");
}

static int fails(struct kck *ck, const char *msg, const char *exp, ktype found)
{
	return kt_fail(ck, msg, KT_NOTYPE, exp, found, "");
}

/* a <: b */
int kt_sub(const struct kck *ck, ktype a, ktype b)
{
	u32 ka = TK(a), kb = TK(b);

	if (a == b || b == T_JUNK)
		return 1;
	switch (kb) {
	case KTAL_K_PTRQ:
		return ka == KTAL_K_PTR && TREF(a) == TREF(b);
	case KTAL_K_FNQ:
		return ka == KTAL_K_FN && TREF(a) == TREF(b);
	case KTAL_K_ARR:
	case KTAL_K_ARRQ:
		/* element types are invariant: arrays are mutable */
		return (ka == kb || (ka == KTAL_K_ARR && kb == KTAL_K_ARRQ)) &&
		       kt_elem(ck, a) == kt_elem(ck, b);
	}
	return 0;
}

/* Facts a value written to a register carries (wreg's argument). */
#define V_NZ	1	/* the whole 64-bit value is nonzero */
#define V_ZERO	2	/* the whole 64-bit value is zero */
#define V_MASK	4	/* -(x <u len(y)): the sbb of the index sequence */
#define V_INB	8	/* masked below len(y): the and of the index sequence */

/*
 * The one place that records a register write: r now holds a value of
 * type t (all 64 bits: 32-bit writes zero-extend, and byte writes of
 * registers are not in the whitelist), described by facts.  Every fact
 * that mentions r's old value dies here: r's own nonzero/zero, its
 * bounds and masks as an index, the bounds and masks of other indices
 * against r as an array, and masks whose index or array is r.  Callers
 * pass only facts that hold of the full 64-bit value they write (see
 * copyreg() for moves).
 */
static void wreg(struct kstate *s, u32 r, ktype t, u32 facts, u32 x, u32 y)
{
	u16 bit = (u16)(1u << r);
	u32 i, m;

	s->reg[r] = t;
	s->inb[r] = 0;
	s->chk[r] = 0;
	s->rows &= (u16)~bit;
	s->mk &= (u16)~bit;
	for (m = s->rows; m; m &= m - 1) { /* usually none */
		i = (u32)__builtin_ctz(m);
		s->inb[i] &= (u16)~bit;
		s->chk[i] &= (u16)~bit;
	}
	for (m = s->mk; m; m &= m - 1) {
		i = (u32)__builtin_ctz(m);
		if (s->mk_i[i] == r || s->mk_a[i] == r)
			s->mk &= (u16)~(1u << i);
	}
	s->nz &= (u16)~bit;
	s->zero &= (u16)~bit;
	if (facts & V_NZ)
		s->nz |= bit;
	if (facts & V_ZERO)
		s->zero |= bit;
	if (facts & V_MASK) {
		s->mk |= bit;
		s->mk_i[r] = (u8)x;
		s->mk_a[r] = (u8)y;
	}
	if (facts & V_INB) {
		s->inb[r] = (u16)(1u << y);
		s->rows |= bit;
	}
}

/* r holds a value of type t that no fact describes. */
static void setreg(struct kstate *s, u32 r, ktype t)
{
	wreg(s, r, t, 0, 0, 0);
}

/* mov d, r with operand size size: a 64-bit copy keeps what is known of
 * r's value; a 32-bit one zero-extends r's low half, which is zero when
 * r is, but may be zero when r is nonzero (0x100000000), so only "zero"
 * survives.  Bounds and masks are not copied. */
static void copyreg(struct kstate *s, u32 d, u32 r, u32 size)
{
	u32 facts = (s->zero >> r & 1) ? V_ZERO : 0;

	if (size == 8 && (s->nz >> r & 1))
		facts |= V_NZ;
	wreg(s, d, s->reg[r], facts, 0, 0);
}

/* rsp moved: values "rsp - n" computed before are stale. */
static void rsp_moved(struct kstate *s)
{
	u32 r;

	for (r = 0; r < 16; r++)
		if (TK(s->reg[r]) == KTAL_K_STK)
			setreg(s, r, T_JUNK);
}

/* Label at code offset off, or -1. */
static s64 label_at(const struct kck *ck, s64 off)
{
	u64 o = (u64)off, w;

	if (off < 0 || o >= ck->code.len || !(ck->lbits[o / 64] >> (o % 64) & 1))
		return -1;
	w = ck->lbits[o / 64] & ((1ULL << (o % 64)) - 1);
	return ck->lrank[o / 64] + kt_popcount(w);
}

/* Type of a register a block label does not mention: the caller's value
 * for callee-saved registers, junk for the others. */
static ktype kt_default(u32 r)
{
	return CALLEE_SAVED_MASK >> r & 1 ? MKT(KTAL_K_SAVED, r) : T_JUNK;
}

/* The state at the start of label l, from its annotation. */
int kt_enter(struct kck *ck, u32 l)
{
	const struct klabel *lb = &ck->labels[l];
	struct kstate *s = ck->st;
	u32 r, t, j;

	kt_memzero(s, sizeof(*s) - sizeof(s->slot)); /* slots are set below */
	s->live = 1;
	ck->cur_label = l;
	if (lb->kind == KTAL_L_FN) {
		const struct ksig *sg = &ck->sigs[lb->sig];

		for (j = 0; j < sg->nargs; j++)
			s->reg[argreg[j]] = sg->arg[j];
		for (r = 0; r < 16; r++)
			if (CALLEE_SAVED_MASK >> r & 1)
				s->reg[r] = MKT(KTAL_K_SAVED, r);
		s->headroom = sg->headroom;
		return 1;
	}
	t = lb->tyidx;
	for (r = 0; r < 16; r++)
		s->reg[r] = lb->regmask >> r & 1 ? ck->ltypes[t++] : kt_default(r);
	s->nslots = lb->nslots;
	for (j = 0; j < lb->nslots; j++) /* file lists the top slot first */
		s->slot[lb->nslots - 1 - j] = ck->ltypes[lb->slotidx + j];
	s->headroom = lb->headroom;
	return 1;
}

/* Control goes from state s to code offset target: s must satisfy the
 * precondition of the block label there. */
int kt_jump(struct kck *ck, const struct kstate *s, s64 target)
{
	s64 li = label_at(ck, target);
	const struct klabel *lb;
	u32 r, t, j;

	if (target < 0 || (u64)target >= ck->code.len)
		return fails(ck, "jump outside the code", "", KT_NOTYPE);
	if (li < 0)
		return fails(ck, "jump to an unannotated place", "a label", KT_NOTYPE);
	lb = &ck->labels[li];
	if (lb->kind == KTAL_L_FN)
		return fails(ck, "jump to a function label", "a block label",
			     KT_NOTYPE);
	if (lb->fn != ck->labels[ck->cur_label].fn)
		return fails(ck, "jump into another function", "a label of this function",
			     KT_NOTYPE);
	t = lb->tyidx;
	for (r = 0; r < 16; r++) {
		ktype want = kt_default(r);

		if (r == R_SP)
			continue;
		if (lb->regmask >> r & 1)
			want = ck->ltypes[t++];
		if (!kt_sub(ck, s->reg[r], want))
			return kt_fail(ck, "register type mismatch at jump", want,
				       regname[r], s->reg[r], "");
	}
	if (s->nslots != lb->nslots)
		return kt_fail(ck, "stack depth mismatch at jump", KT_NOTYPE, "",
			       KT_NOTYPE, "");
	for (j = 0, t = lb->slotidx; j < lb->nslots; j++, t++)
		if (!kt_sub(ck, s->slot[lb->nslots - 1 - j], ck->ltypes[t]))
			return kt_fail(ck, "stack slot type mismatch at jump",
				       ck->ltypes[t], "", s->slot[lb->nslots - 1 - j], "");
	if (s->headroom < lb->headroom)
		return fails(ck, "not enough headroom at jump", "", KT_NOTYPE);
	return 1;
}

/* Where a memory operand points. */
enum { M_FIELD, M_LEN, M_ELEM, M_SLOT, M_LIMIT, M_IMPORT };
struct loc {
	u8 where;	/* M_* */
	u32 k;		/* M_SLOT: slot index (bottom first); M_IMPORT: import */
	ktype t;	/* type of the word (M_ELEM: element type) */
};

static int memloc(struct kck *ck, const struct kinsn *in, const struct kopnd *m,
		  struct loc *lc)
{
	struct kstate *s = ck->st;
	ktype tb;

	if (m->base == R_RIP) {
		u64 a = ck->code_va + in->off + in->len + (u64)m->disp;
		u64 slots = ck->rt_va + KTAL_RT_SLOTS;

		if (a == ck->rt_va + KTAL_RT_LIMIT) {
			lc->where = M_LIMIT;
			lc->t = T_INT;
			return 1;
		}
		if (a >= slots && a < slots + 8ULL * ck->nimports && !((a - slots) & 7)) {
			lc->where = M_IMPORT;
			lc->k = (u32)((a - slots) / 8);
			return 1;
		}
		return fails(ck, "rip-relative access outside the runtime page",
			     "stack limit or import slot", KT_NOTYPE);
	}
	if (m->base == R_SP) {
		if (m->has_index || m->disp < 0 || (m->disp & 7))
			return fails(ck, "bad stack slot access", "[rsp + 8k]", KT_NOTYPE);
		if (m->disp / 8 >= s->nslots)
			return fails(ck, "stack access outside the frame",
				     "a known slot", KT_NOTYPE);
		lc->where = M_SLOT;
		lc->k = s->nslots - 1 - (u32)(m->disp / 8);
		lc->t = s->slot[lc->k];
		return 1;
	}
	tb = s->reg[m->base];
	switch (TK(tb)) {
	case KTAL_K_PTR: {
		const struct kstruct *st = &ck->structs[TREF(tb)];

		if (m->has_index)
			return fails(ck, "indexed access to a struct", "[p + field]", tb);
		if (m->disp < 0 || (m->disp & 7) || m->disp / 8 >= st->n)
			return fails(ck, "field offset out of range", "", tb);
		lc->where = M_FIELD;
		lc->t = ck->fields[st->first + m->disp / 8];
		return 1;
	}
	case KTAL_K_ARR: {
		ktype e = kt_elem(ck, tb);
		u32 esz = e == T_BYTE ? 1 : 8;

		if (!m->has_index) {
			if (m->disp != -8)
				return fails(ck, "array access without index", "[a + i*size]", tb);
			lc->where = M_LEN;
			lc->t = T_INT;
			return 1;
		}
		if (m->disp != 0 || m->scale != esz)
			return fails(ck, "bad array element address", esz == 1 ?
				     "[a + i]" : "[a + i*8]", tb);
		if (!(s->inb[m->index] >> m->base & 1)) {
			if (s->chk[m->index] >> m->base & 1)
				return kt_fail(ck, "array index not masked", KT_NOTYPE,
					       "index i, a, m, fail", s->reg[m->index],
					       "");
			return kt_fail(ck, "unchecked array access", KT_NOTYPE,
				       "index checked against length", s->reg[m->index],
				       "");
		}
		lc->where = M_ELEM;
		lc->t = e;
		return 1;
	}
	case KTAL_K_PTRQ:
	case KTAL_K_ARRQ:
		return kt_fail(ck, "possible null dereference", KT_NOTYPE,
			       "non-null pointer", tb, "");
	}
	return kt_fail(ck, "memory access through a non-pointer", KT_NOTYPE,
		       "ptr or arr", tb, "");
}

/* Register r read as a value (not rsp, not junk). */
static int readable(struct kck *ck, u32 r)
{
	if (r == R_SP)
		return fails(ck, "rsp used as a value", "", KT_NOTYPE);
	if (ck->st->reg[r] == T_JUNK)
		return fails(ck, "read of junk register", regname[r], T_JUNK);
	return 1;
}

static int need_int(struct kck *ck, u32 r)
{
	ktype t;

	if (!readable(ck, r))
		return 0;
	t = ck->st->reg[r];
	if (t == T_INT)
		return 1;
	if (TK(t) >= KTAL_K_PTR && TK(t) <= KTAL_K_FNQ)
		return fail(ck, "pointer arithmetic", T_INT, t);
	return fail(ck, "expected int", T_INT, t);
}

static int not_rsp(struct kck *ck, u32 r)
{
	if (r == R_SP)
		return fails(ck, "write to rsp", "add/sub rsp, imm", KT_NOTYPE);
	return 1;
}

static int mem64(struct kck *ck, const struct kinsn *in)
{
	if (in->size != 8)
		return fails(ck, "memory access must be 64-bit", "qword", KT_NOTYPE);
	return 1;
}

/* A store of a value of type v into location lc. */
static int store(struct kck *ck, const struct loc *lc, ktype v)
{
	switch (lc->where) {
	case M_SLOT:
		if (TK(v) == KTAL_K_STK)
			return fails(ck, "stack address escapes", "", v);
		ck->st->slot[lc->k] = v; /* slots are unaliased: strong update */
		return 1;
	case M_FIELD:
	case M_ELEM:
		if (lc->t == T_BYTE)
			return fails(ck, "word store into a byte array", "mov byte", v);
		if (!kt_sub(ck, v, lc->t))
			return fail(ck, "type mismatch in store", lc->t, v);
		return 1;
	case M_LEN:
		return fails(ck, "write to array length", "", KT_NOTYPE);
	}
	return fails(ck, "write to the runtime page", "", KT_NOTYPE);
}

static int op_mov(struct kck *ck, const struct kinsn *in)
{
	struct kstate *s = ck->st;
	struct loc lc;

	if (in->dst.kind == O_REG) {
		u32 d = in->dst.reg;

		if (!not_rsp(ck, d))
			return 0;
		if (in->src.kind == O_IMM) {
			u64 v = in->size == 4 ? (u32)in->src.disp : (u64)in->src.disp;

			wreg(s, d, T_INT, v ? V_NZ : V_ZERO, 0, 0);
			return 1;
		}
		if (in->src.kind == O_REG) {
			u32 r = in->src.reg;

			if (r == R_SP)
				return fails(ck, "rsp used as a value", "", KT_NOTYPE);
			if (in->size == 4 && !need_int(ck, r))
				return 0;
			if (d == r && in->size == 8)
				return 1; /* no change at all */
			copyreg(s, d, r, in->size);
			return 1;
		}
		if (!mem64(ck, in) || !memloc(ck, in, &in->src, &lc))
			return 0;
		if (lc.where == M_LIMIT || lc.where == M_IMPORT)
			return fails(ck, "read of the runtime page", "", KT_NOTYPE);
		if (lc.t == T_BYTE)
			return fails(ck, "word load from a byte array", "movzx", lc.t);
		setreg(s, d, lc.t);
		return 1;
	}
	if (!mem64(ck, in) || !memloc(ck, in, &in->dst, &lc))
		return 0;
	if (in->src.kind == O_IMM) {
		if (lc.where == M_SLOT)
			return store(ck, &lc, T_INT);
		if (lc.where != M_FIELD && lc.where != M_ELEM)
			return store(ck, &lc, T_INT);
		if (lc.t == T_INT || (in->src.disp == 0 && kt_zero_valid(lc.t)))
			return 1;
		return store(ck, &lc, T_INT);
	}
	if (in->src.reg == R_SP)
		return fails(ck, "rsp used as a value", "", KT_NOTYPE);
	return store(ck, &lc, s->reg[in->src.reg]);
}

static int op_byte(struct kck *ck, const struct kinsn *in)
{
	const struct kopnd *m = in->op == OP_MOVZX8 ? &in->src : &in->dst;
	struct loc lc;

	if (!memloc(ck, in, m, &lc))
		return 0;
	if (lc.where != M_ELEM || lc.t != T_BYTE)
		return fails(ck, "byte access outside a byte array", "arr byte",
			     KT_NOTYPE);
	if (in->op == OP_MOVZX8) {
		if (!not_rsp(ck, in->dst.reg))
			return 0;
		setreg(ck->st, in->dst.reg, T_INT);
		return 1;
	}
	return need_int(ck, in->src.reg);
}

static int op_lea(struct kck *ck, const struct kinsn *in)
{
	const struct kopnd *m = &in->src;
	struct kstate *s = ck->st;
	u32 d = in->dst.reg;

	if (!not_rsp(ck, d))
		return 0;
	if (m->base == R_RIP) {
		u64 a = ck->code_va + in->off + in->len + (u64)m->disp;
		s64 li = a >= ck->code_va ? label_at(ck, (s64)(a - ck->code_va)) : -1;
		u32 g, lo, hi;

		if (li >= 0 && ck->labels[li].kind == KTAL_L_FN) {
			setreg(s, d, MKT(KTAL_K_FN, ck->labels[li].sig));
			return 1;
		}
		/* globals are sorted by address (tables.c): binary search */
		lo = 0;
		hi = ck->nglobals;
		while (lo < hi) {
			g = lo + (hi - lo) / 2;
			if (ck->globals[g].va == a) {
				setreg(s, d, ck->globals[g].type);
				return 1;
			}
			if (ck->globals[g].va < a)
				lo = g + 1;
			else
				hi = g;
		}
		return fails(ck, "lea of an unknown address",
			     "a function or a global", KT_NOTYPE);
	}
	if (m->base == R_SP) {
		if (m->has_index || m->disp >= 0 || -m->disp > KTAL_MAX_HEADROOM)
			return fails(ck, "rsp used as a value", "lea r, [rsp - n]",
				     KT_NOTYPE);
		setreg(s, d, MKT(KTAL_K_STK, -m->disp));
		return 1;
	}
	if (!need_int(ck, m->base) || (m->has_index && !need_int(ck, m->index)))
		return 0;
	setreg(s, d, T_INT);
	return 1;
}

/* add/sub rsp, imm: allocate or free stack slots. */
static int rsp_adjust(struct kck *ck, const struct kinsn *in)
{
	struct kstate *s = ck->st;
	s64 n = in->src.disp;
	u32 k;

	if (in->src.kind != O_IMM || in->size != 8 || n <= 0 || (n & 7) ||
	    (in->sub != ALU_ADD && in->sub != ALU_SUB))
		return fails(ck, "write to rsp", "add/sub rsp, imm", KT_NOTYPE);
	rsp_moved(s);
	if (in->sub == ALU_SUB) {
		if ((u64)n > s->headroom)
			return fails(ck, "stack overflow: not enough headroom",
				     "", KT_NOTYPE);
		if ((u64)n / 8 > KTAL_MAX_SLOTS - s->nslots)
			return fails(ck, "frame too large", "", KT_NOTYPE);
		for (k = 0; k < n / 8; k++)
			s->slot[s->nslots++] = T_JUNK;
		s->headroom -= (u32)n;
		return 1;
	}
	if ((u64)n / 8 > s->nslots)
		return fails(ck, "pop of the caller's frame", "", KT_NOTYPE);
	s->nslots -= (u32)(n / 8);
	s->headroom += (u32)n;
	if (s->headroom > KTAL_MAX_HEADROOM)
		s->headroom = KTAL_MAX_HEADROOM;
	return 1;
}

static int op_alu(struct kck *ck, const struct kinsn *in, const struct kflags *fl)
{
	struct kstate *s = ck->st;
	u32 d = in->dst.reg;
	struct loc lc;

	if (in->dst.kind != O_REG)
		return fails(ck, "instruction form not in whitelist", "", KT_NOTYPE);
	if (d == R_SP && in->sub != ALU_CMP)
		return rsp_adjust(ck, in);
	if (in->src.kind == O_REG && in->src.reg == R_SP)
		return fails(ck, "rsp used as a value", "", KT_NOTYPE);
	if (in->sub == ALU_XOR && in->src.kind == O_REG && in->src.reg == d) {
		wreg(s, d, T_INT, V_ZERO, 0, 0); /* the zero idiom reads nothing */
		return 1;
	}
	if (in->sub == ALU_SBB && in->src.kind == O_REG && in->src.reg == d) {
		/* sbb m, m: m = -CF, whatever m held (it is not read).  Right
		 * after "cmp i, [a - 8]; jae fail" it is the mask of the index
		 * sequence: all ones when i <u len(a), else zero, by a data
		 * dependency on the flags that no prediction skips. */
		if (fl->what == F_CMPCF && in->size == 8 && d != fl->r1 &&
		    d != fl->r2)
			wreg(s, d, T_INT, V_MASK, fl->r1, fl->r2);
		else
			setreg(s, d, T_INT);
		return 1;
	}
	if (in->src.kind == O_MEM) {
		if (!mem64(ck, in) || !memloc(ck, in, &in->src, &lc))
			return 0;
		if (in->sub == ALU_CMP && lc.where == M_LIMIT) {
			if (d == R_SP || TK(s->reg[d]) != KTAL_K_STK)
				return fails(ck, "stack limit compared with a non-stack value",
					     "lea r, [rsp - n]", s->reg[d]);
			s->fl.what = F_STKCMP;
			s->fl.n = TREF(s->reg[d]);
			return 1;
		}
		if (lc.where == M_LIMIT || lc.where == M_IMPORT)
			return fails(ck, "read of the runtime page", "", KT_NOTYPE);
		if (lc.t != T_INT)
			return fail(ck, "expected int", T_INT, lc.t);
		if (!need_int(ck, d))
			return 0;
		if (in->sub == ALU_CMP) {
			if (lc.where == M_LEN) {
				s->fl.what = F_CMPLEN;
				s->fl.r1 = (u8)d;
				s->fl.r2 = in->src.base;
			}
			return 1;
		}
		setreg(s, d, T_INT);
		return 1;
	}
	if (in->sub == ALU_CMP) {
		if (!readable(ck, d) || (in->src.kind == O_REG && !readable(ck, in->src.reg)))
			return 0;
		return 1;
	}
	if (!need_int(ck, d) || (in->src.kind == O_REG && !need_int(ck, in->src.reg)))
		return 0;
	if (in->sub == ALU_AND && in->size == 8 && in->src.kind == O_REG &&
	    (s->mk >> in->src.reg & 1) && s->mk_i[in->src.reg] == d) {
		/* and i, m with m the mask of i against a: i is masked */
		wreg(s, d, T_INT, V_INB, 0, s->mk_a[in->src.reg]);
		return 1;
	}
	setreg(s, d, T_INT);
	return 1;
}

static int op_test(struct kck *ck, const struct kinsn *in)
{
	struct kstate *s = ck->st;
	u32 a = in->dst.reg, b = in->src.reg;

	if (a == b) {
		if (!readable(ck, a))
			return 0;
		if (TK(s->reg[a]) == KTAL_K_SAVED || TK(s->reg[a]) == KTAL_K_STK)
			return fail(ck, "expected int", T_INT, s->reg[a]);
		s->fl.what = F_NULLTEST;
		s->fl.r1 = (u8)a;
		return 1;
	}
	return need_int(ck, a) && need_int(ck, b);
}

/* r is known to be nonzero after a null test: refine its type.  A
 * refinement, not a write (r's value is the same, so no fact about it
 * dies); on a mispredicted branch r is 0, which spec section 15.3 and
 * 15.5 show to be harmless. */
static void nonzero(struct kstate *s, u32 r)
{
	u32 k = TK(s->reg[r]);

	if (k == KTAL_K_PTRQ || k == KTAL_K_ARRQ || k == KTAL_K_FNQ)
		s->reg[r] = MKT(k - 1, TREF(s->reg[r]));
	else if (s->reg[r] == T_INT)
		s->nz |= (u16)(1u << r);
}

/* x86 condition codes we refine on. */
#define CC_B 2
#define CC_AE 3
#define CC_E 4
#define CC_NE 5

static int op_jcc(struct kck *ck, const struct kinsn *in, const struct kflags *fl)
{
	struct kstate *s = ck->st, *t = ck->tmp;
	struct kstate *taken = t, *fall = s;

	kt_copy_state(t, s);
	switch (fl->what) {
	case F_NULLTEST:
		if (in->cc == CC_E)
			nonzero(fall, fl->r1);
		else if (in->cc == CC_NE)
			nonzero(taken, fl->r1);
		break;
	case F_CMPLEN:
		/* The branch bounds the index on the architectural path only;
		 * the fall-through of jae may go on to mask it (the flags are
		 * still those of the cmp). */
		if (in->cc == CC_AE) {
			fall->chk[fl->r1] |= (u16)(1u << fl->r2);
			fall->rows |= (u16)(1u << fl->r1);
			fall->fl.what = F_CMPCF;
			fall->fl.r1 = fl->r1;
			fall->fl.r2 = fl->r2;
		}
		break;
	case F_STKCMP:
		if (in->cc == CC_B && fall->headroom < fl->n)
			fall->headroom = fl->n;
		else if (in->cc == CC_AE && taken->headroom < fl->n)
			taken->headroom = fl->n;
		break;
	}
	return kt_jump(ck, taken, in->target);
}

/* The state after a call to a function of signature sg. */
static int call(struct kck *ck, const struct ksig *sg)
{
	struct kstate *s = ck->st;
	u32 j, r;

	for (j = 0; j < sg->nargs; j++)
		if (!kt_sub(ck, s->reg[argreg[j]], sg->arg[j]))
			return kt_fail(ck, "argument type mismatch", sg->arg[j],
				       regname[argreg[j]], s->reg[argreg[j]], "");
	if (s->headroom < 8 || s->headroom - 8 < sg->headroom)
		return fails(ck, "stack overflow: not enough headroom for call",
			     "", KT_NOTYPE);
	for (r = 0; r < 16; r++)
		wreg(s, r, CALLEE_SAVED_MASK >> r & 1 ? s->reg[r] : T_JUNK, 0, 0, 0);
	rsp_moved(s);
	setreg(s, R_AX, sg->ret);
	return 1;
}

static int op_ret(struct kck *ck)
{
	struct kstate *s = ck->st;
	const struct ksig *sg = &ck->sigs[ck->labels[ck->labels[ck->cur_label].fn].sig];
	u32 r;

	if (s->nslots != 0)
		return fails(ck, "ret with a non-empty frame", "0 slots", KT_NOTYPE);
	if (!kt_sub(ck, s->reg[R_AX], sg->ret))
		return kt_fail(ck, "result type mismatch", sg->ret, "rax",
			       s->reg[R_AX], "");
	for (r = 0; r < 16; r++)
		if ((CALLEE_SAVED_MASK >> r & 1) && s->reg[r] != MKT(KTAL_K_SAVED, r))
			return kt_fail(ck, "callee-saved register not restored",
				       MKT(KTAL_K_SAVED, r), regname[r], s->reg[r], "");
	s->live = 0;
	return 1;
}

int kt_insn(struct kck *ck, const struct kinsn *in)
{
	struct kstate *s = ck->st;
	struct kflags fl = s->fl;
	struct loc lc;
	s64 li;
	u32 d = in->dst.reg;

	s->fl.what = F_NONE;
	switch (in->op) {
	case OP_MOV:
		return op_mov(ck, in);
	case OP_MOVZX8:
	case OP_STORE8:
		return op_byte(ck, in);
	case OP_LEA:
		return op_lea(ck, in);
	case OP_ALU:
		return op_alu(ck, in, &fl);
	case OP_TEST:
		return op_test(ck, in);
	case OP_IMUL:
	case OP_CMOV:
		if (!not_rsp(ck, d) || !need_int(ck, d) || !need_int(ck, in->src.reg))
			return 0;
		setreg(s, d, T_INT);
		return 1;
	case OP_SHIFT:
	case OP_INC:
	case OP_DEC:
	case OP_NEG:
	case OP_NOT:
		if (!not_rsp(ck, d) || !need_int(ck, d) ||
		    (in->src.kind == O_REG && !need_int(ck, in->src.reg)))
			return 0;
		setreg(s, d, T_INT);
		return 1;
	case OP_DIV:
		if (in->size != 8)
			return fails(ck, "instruction form not in whitelist", "div r64",
				     KT_NOTYPE);
		if (!need_int(ck, d) || !need_int(ck, R_AX))
			return 0;
		if (!(s->nz >> d & 1))
			return fails(ck, "divisor not known to be nonzero",
				     "test r, r; jz", s->reg[d]);
		if (!(s->zero >> R_DX & 1))
			return fails(ck, "rdx not known to be zero before div",
				     "xor edx, edx", s->reg[R_DX]);
		setreg(s, R_AX, T_INT);
		setreg(s, R_DX, T_INT);
		return 1;
	case OP_PUSH:
		if (d == R_SP)
			return fails(ck, "rsp used as a value", "", KT_NOTYPE);
		if (TK(s->reg[d]) == KTAL_K_STK)
			return fails(ck, "stack address escapes", "", s->reg[d]);
		if (s->headroom < 8)
			return fails(ck, "stack overflow: not enough headroom", "",
				     KT_NOTYPE);
		if (s->nslots >= KTAL_MAX_SLOTS)
			return fails(ck, "frame too large", "", KT_NOTYPE);
		s->slot[s->nslots++] = s->reg[d];
		s->headroom -= 8;
		rsp_moved(s);
		return 1;
	case OP_POP:
		if (d == R_SP)
			return fails(ck, "write to rsp", "", KT_NOTYPE);
		if (s->nslots == 0)
			return fails(ck, "pop of the return address", "", KT_NOTYPE);
		rsp_moved(s);
		setreg(s, d, s->slot[--s->nslots]);
		s->headroom += 8;
		if (s->headroom > KTAL_MAX_HEADROOM)
			s->headroom = KTAL_MAX_HEADROOM;
		return 1;
	case OP_CALL:
		li = label_at(ck, in->target);
		if (li < 0 || ck->labels[li].kind != KTAL_L_FN)
			return fails(ck, "call target is not a function",
				     "a function label", KT_NOTYPE);
		return call(ck, &ck->sigs[ck->labels[li].sig]);
	case OP_CALLR:
		if (d == R_SP)
			return fails(ck, "rsp used as a value", "", KT_NOTYPE);
		if (TK(s->reg[d]) == KTAL_K_FNQ)
			return kt_fail(ck, "possible null dereference", KT_NOTYPE,
				       "non-null pointer", s->reg[d], "");
		if (TK(s->reg[d]) != KTAL_K_FN)
			return fails(ck, "call through a non-function", "fn", s->reg[d]);
		return call(ck, &ck->sigs[TREF(s->reg[d])]);
	case OP_CALLM:
		if (!memloc(ck, in, &in->dst, &lc))
			return 0;
		if (lc.where != M_IMPORT)
			return fails(ck, "indirect call through memory",
				     "an import slot", KT_NOTYPE);
		return call(ck, &ck->imports[lc.k].sig);
	case OP_JMP:
		if (!kt_jump(ck, s, in->target))
			return 0;
		s->live = 0;
		return 1;
	case OP_JCC:
		return op_jcc(ck, in, &fl);
	case OP_RET:
		return op_ret(ck);
	case OP_NOP:
		return 1;
	}
	return fails(ck, "checker internal error: unknown operation", "", KT_NOTYPE);
}
