// SPDX-License-Identifier: GPL-2.0
/*
 * tables.c - phase 2: decode the annotation tables into the arena.
 *
 * After kt_tables() returns 1:
 *  - every type is well formed: refs in range, ARR refs point to earlier
 *    records (so the type graph through arrays is acyclic), BYTE occurs
 *    only as an array element, array elements and struct fields are
 *    zero-valid (all-zero memory is a value of that type);
 *  - every signature, label, import and global refers only to valid
 *    records; labels are strictly increasing, start with a function at
 *    offset 0, and lie inside the code;
 *  - every import names a service of the service table and has exactly
 *    that service's type;
 *  - each table's records exactly fill its section;
 *  - lbits/lrank answer "which label starts at offset o" in O(1).
 */
#include "ktal_int.h"

/* The memory bound of spec section 11 rests on these sizes: with the
 * smallest records of each table (check.c, counts()), no table takes more
 * than 16 arena bytes per byte of its section, nor the signatures 18. */
_Static_assert(sizeof(struct klabel) <= 32, "arena bound: label size");
_Static_assert(KTAL_MAX_IMPORTS == 64, "struct ktal_info holds 64 imports");
_Static_assert(sizeof(struct kimport) <= 48, "arena bound: import size");
_Static_assert(sizeof(struct ksig) <= 36, "arena bound: signature size");
_Static_assert(sizeof(struct kglobal) <= 16, "arena bound: global size");
_Static_assert(sizeof(struct kstruct) <= 8, "arena bound: struct size");

/* A cursor over one section. */
struct cur {
	const u8 *p, *end;
	int bad;	/* a read ran past the end or a varint was malformed */
};

static u32 uv(struct cur *c)
{
	u32 v = 0;
	int shift;

	for (shift = 0; shift < 35; shift += 7) {
		u8 b;

		if (c->p >= c->end) {
			c->bad = 1;
			return 0;
		}
		b = *c->p++;
		if (shift == 28 && (b & 0x70)) { /* more than 32 bits */
			c->bad = 1;
			return 0;
		}
		v |= (u32)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
	}
	c->bad = 1;
	return 0;
}

static void start(struct cur *c, const struct ksec *s)
{
	c->p = s->p;
	c->end = s->p + s->len;
	c->bad = 0;
}

int kt_zero_valid(ktype t)
{
	u32 k = TK(t);

	return k == KTAL_K_INT || k == KTAL_K_PTRQ || k == KTAL_K_ARRQ ||
	       k == KTAL_K_FNQ;
}

/* Element type of an ARR/ARRQ type. */
ktype kt_elem(const struct kck *ck, ktype arr)
{
	return ck->types[TREF(arr)];
}

/* A malformed annotation table: the message says which rule broke. */
static int bad_table(struct kck *ck, const char *what)
{
	return kt_fail(ck, what, KT_NOTYPE, "", KT_NOTYPE, "");
}

/* Arena bytes needed for the tables, from the header counts (already
 * bounded by the section sizes in check.c): exactly what kt_tables()
 * takes, each of its ten tables rounded up to 8 bytes. */
u64 kt_tables_arena(const u64 *h, u64 code_size)
{
	u64 words = (code_size + 63) / 64 + 1;

	return 4 * (h[KTAL_HDR_NTYPES] + KTAL_NBUILTIN + h[KTAL_HDR_NFIELDS] +
		    h[KTAL_HDR_NLTYPES]) +
	       sizeof(struct kstruct) * h[KTAL_HDR_NSTRUCTS] +
	       sizeof(struct ksig) * h[KTAL_HDR_NSIGS] +
	       sizeof(struct klabel) * h[KTAL_HDR_NLABELS] +
	       sizeof(struct kimport) * h[KTAL_HDR_NIMPORTS] +
	       sizeof(struct kglobal) * h[KTAL_HDR_NGLOBALS] + 12 * words +
	       10 * 8;
}

/* n bytes of arena.  Only the label bitmap needs zeroing: every other
 * table is written entry by entry before it is read. */
static void *take(struct kck *ck, u64 n, int zero)
{
	u8 *p = ck->arena;

	n = (n + 7) & ~7ULL;
	if (n > (u64)(ck->arena_end - ck->arena))
		return 0;
	ck->arena += n;
	if (zero)
		kt_memzero(p, n);
	return p;
}

/* A type reference used by a struct, signature, label or global. */
static int tref(struct kck *ck, struct cur *c, ktype *out)
{
	u32 i = uv(c);

	if (c->bad)
		return bad_table(ck, "table truncated");
	if (i >= ck->ntypes)
		return bad_table(ck, "type index out of range");
	*out = ck->types[i];
	return 1;
}

/* The built-in types, indices 0..KTAL_NBUILTIN-1 (ktal_format.h). */
static const ktype builtin[KTAL_NBUILTIN] = {
	[KTAL_T_JUNK] = T_JUNK,
	[KTAL_T_INT] = T_INT,
	[KTAL_T_BYTE] = T_BYTE,
	[KTAL_T_ARR_BYTE] = MKT(KTAL_K_ARR, KTAL_T_BYTE),
	[KTAL_T_SAVED + 0] = MKT(KTAL_K_SAVED, R_BX),
	[KTAL_T_SAVED + 1] = MKT(KTAL_K_SAVED, R_BP),
	[KTAL_T_SAVED + 2] = MKT(KTAL_K_SAVED, R_12),
	[KTAL_T_SAVED + 3] = MKT(KTAL_K_SAVED, R_13),
	[KTAL_T_SAVED + 4] = MKT(KTAL_K_SAVED, R_14),
	[KTAL_T_SAVED + 5] = MKT(KTAL_K_SAVED, R_15),
};

static int types(struct kck *ck)
{
	struct cur c;
	u32 i;

	for (i = 0; i < KTAL_NBUILTIN; i++)
		ck->types[i] = builtin[i];
	start(&c, &ck->sec[1]);
	for (i = KTAL_NBUILTIN; i < ck->ntypes; i++) {
		u32 v = uv(&c), k, r;

		if (c.bad)
			return bad_table(ck, ".ktal.types truncated");
		k = v & ((1u << KTAL_K_BITS) - 1);
		r = v >> KTAL_K_BITS;
		if (k >= KTAL_NKINDS || (k < KTAL_K_PTR && r != 0))
			return bad_table(ck, "unknown type kind");
		switch (k) {
		case KTAL_K_PTR: case KTAL_K_PTRQ:
			if (r >= ck->nstructs)
				return bad_table(ck, "struct index out of range");
			break;
		case KTAL_K_ARR: case KTAL_K_ARRQ:
			/* refs point backwards: no cycles through arrays */
			if (r >= i)
				return bad_table(ck, "cyclic or forward type reference");
			if (!kt_zero_valid(ck->types[r]) && ck->types[r] != T_BYTE)
				return bad_table(ck, "array element type not zero-valid");
			break;
		case KTAL_K_FN: case KTAL_K_FNQ:
			if (r >= ck->nsigs)
				return bad_table(ck, "signature index out of range");
			break;
		case KTAL_K_SAVED:
			if (r >= 16 || !(CALLEE_SAVED_MASK >> r & 1))
				return bad_table(ck, "saved type names no callee-saved register");
			break;
		}
		ck->types[i] = MKT(k, r);
	}
	if (c.p != c.end)
		return bad_table(ck, ".ktal.types has trailing bytes");
	return 1;
}

static int structs(struct kck *ck)
{
	struct cur c;
	u32 i, j, f = 0;

	start(&c, &ck->sec[2]);
	for (i = 0; i < ck->nstructs; i++) {
		u32 n = uv(&c);

		if (c.bad || n == 0 || n > KTAL_MAX_FIELDS || n > ck->nfields - f)
			return bad_table(ck, "bad field count");
		ck->structs[i].first = f;
		ck->structs[i].n = n;
		for (j = 0; j < n; j++, f++) {
			if (!tref(ck, &c, &ck->fields[f]))
				return 0;
			if (!kt_zero_valid(ck->fields[f]))
				return bad_table(ck, "field type not zero-valid");
		}
	}
	if (f != ck->nfields || c.p != c.end)
		return bad_table(ck, ".ktal.structs size mismatch");
	return 1;
}

/* Types a register or stack slot may be declared to hold. */
static int value_type(ktype t)
{
	return TK(t) != KTAL_K_BYTE;
}

/* One signature record (in .ktal.sigs, and the type of an import). */
static int sig_record(struct kck *ck, struct cur *c, struct ksig *s)
{
	u32 v = uv(c), j;

	s->nargs = v & ((1u << KTAL_SIG_NARGS_BITS) - 1);
	s->headroom = v >> KTAL_SIG_NARGS_BITS;
	if (c->bad || s->nargs > 6)
		return bad_table(ck, "bad argument count");
	if (s->headroom > KTAL_MAX_HEADROOM / 8)
		return bad_table(ck, "headroom too large");
	s->headroom *= 8; /* the file counts 8-byte words */
	for (j = 0; j < s->nargs; j++) {
		if (!tref(ck, c, &s->arg[j]))
			return 0;
		if (!value_type(s->arg[j]) || TK(s->arg[j]) == KTAL_K_SAVED)
			return bad_table(ck, "bad argument type");
	}
	if (!tref(ck, c, &s->ret))
		return 0;
	if (!value_type(s->ret) || TK(s->ret) == KTAL_K_SAVED)
		return bad_table(ck, "bad result type");
	return 1;
}

static int sigs(struct kck *ck)
{
	struct cur c;
	u32 i;

	start(&c, &ck->sec[3]);
	for (i = 0; i < ck->nsigs; i++)
		if (!sig_record(ck, &c, &ck->sigs[i]))
			return 0;
	if (c.p != c.end)
		return bad_table(ck, ".ktal.sigs size mismatch");
	return 1;
}

/* n types of registers or slots into ltypes[*t..]. */
static int ltypes(struct kck *ck, struct cur *c, u32 n, u32 *t)
{
	u32 j;

	for (j = 0; j < n; j++, (*t)++) {
		if (*t >= ck->nltypes)
			return bad_table(ck, "label types exceed header count");
		if (!tref(ck, c, &ck->ltypes[*t]))
			return 0;
		if (!value_type(ck->ltypes[*t]))
			return bad_table(ck, "bad register or slot type");
	}
	return 1;
}

static int labels(struct kck *ck)
{
	struct cur c;
	u32 i, t = 0, fn = 0, same;
	u64 off = 0;

	start(&c, &ck->sec[4]);
	if (ck->nlabels == 0)
		return bad_table(ck, "no labels");
	for (i = 0; i < ck->nlabels; i++) {
		struct klabel *l = &ck->labels[i];
		u32 v = uv(&c), delta = v >> KTAL_L_BITS, n;

		if (c.bad)
			return bad_table(ck, ".ktal.labels truncated");
		if (i > 0 && delta == 0)
			return bad_table(ck, "labels not strictly increasing");
		off += delta;
		if (off >= ck->code.len)
			return bad_table(ck, "label outside the code");
		l->off = (u32)off;
		l->kind = v & ((1u << KTAL_L_BITS) - 1);
		if (i == 0 && (l->off != 0 || l->kind != KTAL_L_FN))
			return bad_table(ck, "code must start with a function label");
		ck->lbits[off / 64] |= 1ULL << (off % 64);
		l->regmask = l->nslots = 0;
		l->headroom = l->tyidx = l->slotidx = 0;
		if (l->kind == KTAL_L_FN) {
			l->sig = uv(&c);
			if (c.bad || l->sig >= ck->nsigs)
				return bad_table(ck, "signature index out of range");
			fn = i;
			l->fn = i;
			continue;
		}
		if (l->kind != KTAL_L_BLOCK && l->kind != KTAL_L_SAME)
			return bad_table(ck, "unknown label kind");
		l->fn = fn;
		same = l->kind == KTAL_L_SAME;
		l->kind = KTAL_L_BLOCK;
		if (same) {
			/* the frame of the previous label, a block of this fn */
			const struct klabel *p = &ck->labels[i - 1];

			if (p->kind != KTAL_L_BLOCK || p->fn != fn)
				return bad_table(ck, "no frame to inherit");
			l->headroom = p->headroom;
			l->nslots = p->nslots;
			l->slotidx = p->slotidx;
		} else {
			l->headroom = uv(&c);
			if (c.bad || l->headroom > KTAL_MAX_HEADROOM / 8)
				return bad_table(ck, "bad label header");
			l->headroom *= 8; /* the file counts 8-byte words */
		}
		n = uv(&c);
		if (c.bad || n >= 1u << 16 || (n & (1u << R_SP)))
			return bad_table(ck, "bad label header");
		l->regmask = (u16)n;
		l->tyidx = t;
		if (!ltypes(ck, &c, kt_popcount(n), &t))
			return 0;
		if (same)
			continue;
		n = uv(&c);
		if (c.bad || n > KTAL_MAX_SLOTS)
			return bad_table(ck, "too many stack slots");
		l->nslots = (u16)n;
		l->slotidx = t;
		if (!ltypes(ck, &c, n, &t))
			return 0;
	}
	if (t != ck->nltypes || c.p != c.end)
		return bad_table(ck, ".ktal.labels size mismatch");
	/* rank: labels strictly before offset 64 * w */
	{
		u32 w, words = (u32)((ck->code.len + 63) / 64) + 1, r = 0;

		for (w = 0; w < words; w++) {
			ck->lrank[w] = r;
			r += kt_popcount(ck->lbits[w]);
		}
	}
	return 1;
}

/* The next import name: a NUL-terminated string of 1..KTAL_MAX_NAME
 * bytes in .ktal.impnames, which must be the name of a service. */
static int import_name(struct kck *ck, struct cur *c, u32 *svc)
{
	const u8 *name = c->p;
	u32 n = 0;
	s32 s;

	while (n <= KTAL_MAX_NAME && n < (u64)(c->end - name) && name[n])
		n++;
	if (n == 0 || n > KTAL_MAX_NAME || n >= (u64)(c->end - name))
		return bad_table(ck, "bad import name");
	c->p = name + n + 1;
	s = kt_svc_find(name, n);
	if (s < 0)
		return kt_fail(ck, "unknown service", KT_NOTYPE, "", KT_NOTYPE,
			       (const char *)name); /* NUL at name[n] */
	*svc = (u32)s;
	return 1;
}

/* Import k: its name (.ktal.impnames) picks the service, and its type
 * (.ktal.imports) must be that service's signature. */
static int imports(struct kck *ck)
{
	struct cur c, nm;
	u32 i;

	start(&c, &ck->sec[5]);
	start(&nm, &ck->sec[8]);
	if (ck->nimports > KTAL_MAX_IMPORTS)
		return bad_table(ck, "too many imports");
	for (i = 0; i < ck->nimports; i++) {
		struct kimport *im = &ck->imports[i];
		struct ksig t;

		if (!import_name(ck, &nm, &im->svc))
			return 0;
		if (c.p >= c.end)
			return bad_table(ck, ".ktal.imports truncated");
		if (!sig_record(ck, &c, &t))
			return 0;
		if (!kt_svc_match(ck, im->svc, &t, &im->sig, &im->targ)) {
			char want[64], got[64];

			kt_svcstr(im->svc, want, sizeof(want));
			kt_sigstr(ck, &t, got, sizeof(got));
			return kt_fail(ck, "bad type argument for service",
				       KT_NOTYPE, want, KT_NOTYPE, got);
		}
	}
	if (c.p != c.end)
		return bad_table(ck, ".ktal.imports size mismatch");
	if (nm.p != nm.end)
		return bad_table(ck, ".ktal.impnames size mismatch");
	return 1;
}

static u64 rd64(const u8 *p)
{
	u64 v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static int globals(struct kck *ck)
{
	struct cur c;
	u32 i;
	u64 end = 0, j;

	start(&c, &ck->sec[6]);
	for (i = 0; i < ck->nglobals; i++) {
		u64 off = uv(&c), len, bytes, esz;
		ktype t = T_JUNK, e;

		if (c.bad || !tref(ck, &c, &t))
			return bad_table(ck, ".ktal.globals truncated");
		len = uv(&c);
		if (c.bad)
			return bad_table(ck, ".ktal.globals truncated");
		if (TK(t) != KTAL_K_ARR)
			return bad_table(ck, "global is not an array");
		e = kt_elem(ck, t);
		esz = e == T_BYTE ? 1 : 8;
		/* An empty global still owns element 0: a masked index is 0 on
		 * a mispredicted path (spec section 15.2), and there it must
		 * read a value of the element type, not another global's
		 * length word. */
		bytes = (len ? len : 1) * esz;
		/* the length word and the elements lie inside the data, in
		 * address order, 8-aligned, and do not overlap */
		if (off < 8 || (off & 7) || off - 8 < end ||
		    off > ck->data.len || bytes > ck->data.len - off)
			return bad_table(ck, "global outside the data or overlapping");
		if (rd64(ck->data.p + off - 8) != len)
			return bad_table(ck, "global length word does not match");
		if (e != T_BYTE && e != T_INT)
			for (j = 0; j < bytes; j++)
				if (ck->data.p[off + j])
					return bad_table(ck, "global of pointer type not zero");
		end = off + bytes;
		ck->globals[i].va = ck->data_va + off;
		ck->globals[i].type = t;
	}
	if (c.p != c.end)
		return bad_table(ck, ".ktal.globals size mismatch");
	return 1;
}

int kt_tables(struct kck *ck)
{
	const u64 *h = ck->hdr;
	u64 words = (ck->code.len + 63) / 64 + 1;

	ck->ntypes = KTAL_NBUILTIN + (u32)h[KTAL_HDR_NTYPES];
	ck->nstructs = (u32)h[KTAL_HDR_NSTRUCTS];
	ck->nfields = (u32)h[KTAL_HDR_NFIELDS];
	ck->nsigs = (u32)h[KTAL_HDR_NSIGS];
	ck->nlabels = (u32)h[KTAL_HDR_NLABELS];
	ck->nltypes = (u32)h[KTAL_HDR_NLTYPES];
	ck->nimports = (u32)h[KTAL_HDR_NIMPORTS];
	ck->nglobals = (u32)h[KTAL_HDR_NGLOBALS];
	ck->types = take(ck, 4ULL * ck->ntypes, 0);
	ck->structs = take(ck, sizeof(struct kstruct) * (u64)ck->nstructs, 0);
	ck->fields = take(ck, 4ULL * ck->nfields, 0);
	ck->sigs = take(ck, sizeof(struct ksig) * (u64)ck->nsigs, 0);
	ck->labels = take(ck, sizeof(struct klabel) * (u64)ck->nlabels, 0);
	ck->ltypes = take(ck, 4ULL * ck->nltypes, 0);
	ck->imports = take(ck, sizeof(struct kimport) * (u64)ck->nimports, 0);
	ck->globals = take(ck, sizeof(struct kglobal) * (u64)ck->nglobals, 0);
	ck->lbits = take(ck, 8 * words, 1);
	ck->lrank = take(ck, 4 * words, 0);
	if (!ck->types || !ck->structs || !ck->fields || !ck->sigs ||
	    !ck->labels || !ck->ltypes || !ck->imports || !ck->globals ||
	    !ck->lbits || !ck->lrank)
		return kt_fail(ck, "checker internal error: arena sizing", KT_NOTYPE,
			       "", KT_NOTYPE, "");
	return types(ck) && structs(ck) && sigs(ck) && labels(ck) &&
	       imports(ck) && globals(ck);
}
