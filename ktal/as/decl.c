// SPDX-License-Identifier: GPL-2.0
/*
 * decl.c - declarations and the type, signature and label tables.
 *
 * Types and signatures are hash-consed (each distinct one is recorded
 * once), so the checker can compare them by index; the type table starts
 * with the format's built-in types, which are never written out.  Array
 * element types are recorded before the array type, so every ARR ref
 * points backwards.
 * Declarations are read in pass 1; in pass 2 they are skipped, except
 * that a label line checks that pass 2 reached the same code offset.
 */
#include "as.h"

struct prog P;

static const char *const reg64[16] = {
	"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};


const char *svc_name(int s)
{
	return ktal_services[s].name;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fprintf(stderr, "ktal-as: out of memory\n");
		exit(2);
	}
	return p;
}

#define GROW(arr, n) ((arr) = xrealloc((arr), sizeof(*(arr)) * (size_t)((n) + 1)))

int svc_by_name(const char *name)
{
	int i;

	for (i = 0; i < KTAL_NSERVICES; i++)
		if (ktal_services[i].name && !strcmp(ktal_services[i].name, name))
			return i;
	return -1;
}

static unsigned hash(const char *s)
{
	unsigned h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

int find_label(const char *name)
{
	unsigned i;

	if (!P.lhcap)
		return -1;
	for (i = hash(name) & (unsigned)(P.lhcap - 1); P.lhash[i];
	     i = (i + 1) & (unsigned)(P.lhcap - 1))
		if (!strcmp(P.labels[P.lhash[i] - 1].name, name))
			return P.lhash[i] - 1;
	return -1;
}

static void add_label_hash(int idx)
{
	unsigned i;

	if (2 * (P.nlabels + 1) > P.lhcap) {
		int old = P.lhcap, j;
		int *oh = P.lhash;

		P.lhcap = old ? old * 2 : 1024;
		P.lhash = calloc((size_t)P.lhcap, sizeof(int));
		if (!P.lhash)
			exit(2);
		for (j = 0; j < old; j++)
			if (oh[j]) {
				for (i = hash(P.labels[oh[j] - 1].name) & (unsigned)(P.lhcap - 1);
				     P.lhash[i]; i = (i + 1) & (unsigned)(P.lhcap - 1))
					;
				P.lhash[i] = oh[j];
			}
		free(oh);
	}
	for (i = hash(P.labels[idx].name) & (unsigned)(P.lhcap - 1); P.lhash[i];
	     i = (i + 1) & (unsigned)(P.lhcap - 1))
		;
	P.lhash[i] = idx + 1;
}

int find_struct(const char *name)
{
	int i;

	for (i = 0; i < P.nstructs; i++)
		if (!strcmp(P.structs[i].name, name))
			return i;
	return -1;
}

int find_import(const char *name)
{
	int i;

	for (i = 0; i < P.nimports; i++)
		if (!strcmp(P.imports[i].name, name))
			return i;
	return -1;
}

int find_data(const char *name)
{
	int i;

	for (i = 0; i < P.ndata; i++)
		if (!strcmp(P.data[i].name, name))
			return i;
	return -1;
}

static int find_sig_name(const char *name)
{
	int i;

	for (i = 0; i < P.nsigs; i++)
		if (!strcmp(P.sigs[i].name, name))
			return i;
	return -1;
}

/* The built-in types (ktal_format.h): the first KTAL_NBUILTIN entries of
 * P.types, which are not written to .ktal.types. */
static void builtin_types(void)
{
	static const struct tdef b[KTAL_NBUILTIN] = {
		[KTAL_T_JUNK] = { KTAL_K_JUNK, 0 },
		[KTAL_T_INT] = { KTAL_K_INT, 0 },
		[KTAL_T_BYTE] = { KTAL_K_BYTE, 0 },
		[KTAL_T_ARR_BYTE] = { KTAL_K_ARR, KTAL_T_BYTE },
		[KTAL_T_SAVED + 0] = { KTAL_K_SAVED, 3 },  /* rbx */
		[KTAL_T_SAVED + 1] = { KTAL_K_SAVED, 5 },  /* rbp */
		[KTAL_T_SAVED + 2] = { KTAL_K_SAVED, 12 }, /* r12 */
		[KTAL_T_SAVED + 3] = { KTAL_K_SAVED, 13 },
		[KTAL_T_SAVED + 4] = { KTAL_K_SAVED, 14 },
		[KTAL_T_SAVED + 5] = { KTAL_K_SAVED, 15 },
	};

	P.types = xrealloc(P.types, sizeof(b));
	memcpy(P.types, b, sizeof(b));
	P.ntypes = KTAL_NBUILTIN;
}

int type_of(int kind, int ref)
{
	int i;

	if (!P.ntypes)
		builtin_types();
	for (i = 0; i < P.ntypes; i++)
		if (P.types[i].kind == kind && P.types[i].ref == ref)
			return i;
	GROW(P.types, P.ntypes);
	P.types[P.ntypes].kind = kind;
	P.types[P.ntypes].ref = ref;
	return P.ntypes++;
}

int sig_of(const struct gdef *g)
{
	int i;

	for (i = 0; i < P.nsigs; i++)
		if (P.sigs[i].nargs == g->nargs && P.sigs[i].ret == g->ret &&
		    P.sigs[i].headroom == g->headroom &&
		    !memcmp(P.sigs[i].arg, g->arg, sizeof(g->arg)))
			return i;
	GROW(P.sigs, P.nsigs);
	P.sigs[P.nsigs] = *g;
	return P.nsigs++;
}

static int regno(const char *name)
{
	int i;

	for (i = 0; i < 16; i++)
		if (!strcmp(reg64[i], name))
			return i;
	return -1;
}

int parse_type(void)
{
	char w[MAXNAME], n[MAXNAME];
	const char *at;
	int k, r;

	skip_ws();
	at = S.p;
	need_ident(w, "a type");
	if (!strcmp(w, "int"))
		return type_of(KTAL_K_INT, 0);
	if (!strcmp(w, "junk"))
		return type_of(KTAL_K_JUNK, 0);
	if (!strcmp(w, "byte"))
		return type_of(KTAL_K_BYTE, 0);
	if (!strncmp(w, "saved.", 6)) {
		r = regno(w + 6);
		if (r < 0)
			error_at(at, "expected saved.REG with a 64-bit register");
		return type_of(KTAL_K_SAVED, r);
	}
	if (!strcmp(w, "ptr") || !strcmp(w, "ptr?")) {
		k = w[3] ? KTAL_K_PTRQ : KTAL_K_PTR;
		at = S.p;
		need_ident(n, "a struct name");
		r = find_struct(n);
		if (r < 0)
			error_at(at, "unknown struct '%s'", n);
		return type_of(k, r);
	}
	if (!strcmp(w, "arr") || !strcmp(w, "arr?")) {
		k = w[3] ? KTAL_K_ARRQ : KTAL_K_ARR;
		r = parse_type();
		return type_of(k, r);
	}
	if (!strcmp(w, "fn") || !strcmp(w, "fn?")) {
		k = w[2] ? KTAL_K_FNQ : KTAL_K_FN;
		at = S.p;
		need_ident(n, "a signature or function name");
		r = find_sig_name(n);
		if (r < 0) {
			int l = find_label(n);

			if (l < 0 || P.labels[l].kind != KTAL_L_FN)
				error_at(at, "unknown signature '%s' (declare it with sig, or define the function earlier)", n);
			r = P.labels[l].sig;
		}
		return type_of(k, r);
	}
	error_at(at, "expected a type (int, junk, byte, ptr S, ptr? S, arr T, arr? T, fn SIG, fn? SIG, saved.REG)");
}

/* A headroom in bytes: a multiple of 8 (the object counts words). */
static int headroom_value(void)
{
	const char *at = S.p;
	int64_t v = need_number("a headroom in bytes");

	if (v < 0 || v % 8 || v > KTAL_MAX_HEADROOM)
		error_at(at, "expected a headroom that is a multiple of 8, at most %u", KTAL_MAX_HEADROOM);
	return (int)v;
}

/* "(T, ...) -> T headroom N" */
static void parse_sig(struct gdef *g)
{
	memset(g->arg, 0, sizeof(g->arg));
	g->nargs = 0;
	expect("(", "'('");
	if (!accept(")")) {
		do {
			if (g->nargs == 6)
				error_at(S.p, "at most 6 arguments (rdi, rsi, rdx, rcx, r8, r9)");
			g->arg[g->nargs++] = parse_type();
		} while (accept(","));
		expect(")", "',' or ')'");
	}
	g->ret = accept("->") ? parse_type() : type_of(KTAL_K_JUNK, 0);
	g->headroom = 0;
	if (peek_ident("headroom")) {
		char w[MAXNAME];

		ident(w);
		g->headroom = headroom_value();
	}
}

static int new_label(const char *name, const char *at)
{
	if (find_label(name) >= 0)
		error_at(at, "label '%s' defined twice", name);
	GROW(P.labels, P.nlabels);
	memset(&P.labels[P.nlabels], 0, sizeof(P.labels[0]));
	strcpy(P.labels[P.nlabels].name, name);
	P.labels[P.nlabels].off = P.codelen;
	add_label_hash(P.nlabels);
	return P.nlabels++;
}

static void end_of_line(void)
{
	if (!at_end())
		error_at(S.p, "expected end of line");
}

static void decl_struct(void)
{
	struct sdef *s;
	char n[MAXNAME];
	const char *at = S.p;

	need_ident(n, "a struct name");
	if (find_struct(n) >= 0)
		error_at(at, "struct '%s' defined twice", n);
	GROW(P.structs, P.nstructs);
	s = &P.structs[P.nstructs++];
	memset(s, 0, sizeof(*s));
	strcpy(s->name, n);
	expect("{", "'{'");
	do {
		GROW(s->fname, s->nfields);
		GROW(s->ftype, s->nfields);
		need_ident(s->fname[s->nfields], "a field name");
		expect(":", "':'");
		s->ftype[s->nfields] = parse_type();
		s->nfields++;
	} while (accept(","));
	expect("}", "',' or '}'");
}

static void decl_import(void)
{
	struct idef im;
	char sname[MAXNAME];
	const char *at;
	int i;

	memset(&im, 0, sizeof(im));
	at = S.p;
	need_ident(im.name, "an import name");
	if (find_import(im.name) >= 0)
		error_at(at, "import '%s' defined twice", im.name);
	expect("=", "'='");
	at = S.p;
	need_ident(sname, "a service name");
	im.svc = svc_by_name(sname);
	if (im.svc < 0)
		error_at(at, "unknown service '%s'", sname);
	im.targ = -1;
	if (im.svc == KTAL_SVC_ALLOC || im.svc == KTAL_SVC_FREE) {
		char sn[MAXNAME];

		expect("<", "'<' and a struct name");
		at = S.p;
		need_ident(sn, "a struct name");
		im.targ = find_struct(sn);
		if (im.targ < 0)
			error_at(at, "unknown struct '%s'", sn);
		expect(">", "'>'");
	} else if (im.svc == KTAL_SVC_ALLOC_ARRAY || im.svc == KTAL_SVC_FREE_ARRAY) {
		expect("<", "'<' and an element type");
		im.targ = parse_type();
		expect(">", "'>'");
	}
	/* the import's type: the service's signature at the type argument */
	for (i = 0; i <= (int)strlen(ktal_services[im.svc].args); i++) {
		char c = ktal_services[im.svc].args[i] ? ktal_services[im.svc].args[i] : ktal_services[im.svc].ret;
		int t = c == 'i' ? KTAL_T_INT : c == 'b' ? KTAL_T_ARR_BYTE :
			c == 'I' ? type_of(KTAL_K_ARR, KTAL_T_INT) :
			c == 'v' ? type_of(KTAL_K_ARRQ, type_of(KTAL_K_ARRQ, KTAL_T_BYTE)) :
			c == 'p' ? type_of(KTAL_K_PTRQ, im.targ) :
			c == 'a' ? type_of(KTAL_K_ARRQ, im.targ) : KTAL_T_JUNK;

		if (ktal_services[im.svc].args[i])
			im.type.arg[im.type.nargs++] = t;
		else
			im.type.ret = t;
	}
	im.type.headroom = KTAL_SERVICE_HEADROOM;
	if (P.nimports >= KTAL_MAX_IMPORTS)
		error_at(at, "too many imports (at most %d)", KTAL_MAX_IMPORTS);
	GROW(P.imports, P.nimports);
	P.imports[P.nimports++] = im;
}

static void put_elem(struct ddef *d, int64_t v)
{
	d->init = xrealloc(d->init, (size_t)(d->len + 1) * (size_t)d->esize);
	memcpy(d->init + d->len * d->esize, &v, (size_t)d->esize);
	d->len++;
}

static void decl_data(void)
{
	struct ddef d;
	const char *at = S.p;

	memset(&d, 0, sizeof(d));
	need_ident(d.name, "a global name");
	if (find_data(d.name) >= 0)
		error_at(at, "global '%s' defined twice", d.name);
	expect(":", "':' and an element type");
	d.elem = parse_type();
	d.esize = P.types[d.elem].kind == KTAL_K_BYTE ? 1 : 8;
	d.type = type_of(KTAL_K_ARR, d.elem);
	if (accept("[")) {
		int64_t n = need_number("an element count");

		if (n < 0 || n > (1 << 24))
			error_at(S.p, "element count out of range");
		d.init = calloc((size_t)(n ? n : 1), (size_t)d.esize);
		d.len = n;
		expect("]", "']'");
	} else {
		expect("=", "'=' with initial values, or '[n]'");
		do {
			skip_ws();
			if (*S.p == '"') {
				S.p++;
				while (S.p < S.line + S.linelen && *S.p != '"') {
					int c = (unsigned char)*S.p++;

					if (c == '\\' && S.p < S.line + S.linelen) {
						c = (unsigned char)*S.p++;
						c = c == 'n' ? '\n' : c == 't' ? '\t' : c == '0' ? 0 : c;
					}
					put_elem(&d, c);
				}
				expect("\"", "closing '\"'");
			} else {
				put_elem(&d, need_number("a number or a string"));
			}
		} while (accept(","));
	}
	GROW(P.data, P.ndata);
	d.off = P.datalen + 8;
	/* an empty global still owns one element's bytes (spec section 8) */
	P.datalen = (uint32_t)((d.off + (uint64_t)(d.len ? d.len : 1) * (uint64_t)d.esize +
				7) & ~7ULL);
	P.data[P.ndata++] = d;
}

static void decl_block(const char *name, const char *at)
{
	int l = new_label(name, at);
	struct ldef *lb = &P.labels[l];
	int r;

	lb->kind = KTAL_L_BLOCK;
	for (r = 0; r < 16; r++)
		lb->reg[r] = -1;
	if (accept("{") && !accept("}")) {
		do {
			char rn[MAXNAME];
			const char *ra = S.p;

			need_ident(rn, "a register name");
			r = regno(rn);
			if (r < 0 || r == 4)
				error_at(ra, "expected a 64-bit register other than rsp");
			expect(":", "':'");
			P.labels[l].reg[r] = parse_type();
		} while (accept(","));
		expect("}", "',' or '}'");
	}
	if (accept("[") && !accept("]")) {
		do {
			int t = parse_type();

			lb = &P.labels[l];
			lb->slots = xrealloc(lb->slots, sizeof(int) * (size_t)(lb->nslots + 1));
			lb->slots[lb->nslots++] = t;
		} while (accept(","));
		expect("]", "',' or ']'");
	}
	if (peek_ident("headroom")) {
		char w[MAXNAME];

		ident(w);
		P.labels[l].headroom = headroom_value();
	}
}

/* In pass 2 a label line only checks that the layout did not move. */
static void pass2_label(const char *name, const char *at)
{
	int l = find_label(name);

	if (l < 0 || P.labels[l].off != P.codelen)
		error_at(at, "internal error: label '%s' moved between passes", name);
	P.curlabel = l;
}

int decl_line(void)
{
	char w[MAXNAME];
	const char *save = S.p, *at;

	skip_ws();
	at = S.p;
	if (!ident(w))
		return 0;
	if (!strcmp(w, "struct") || !strcmp(w, "import") || !strcmp(w, "data") ||
	    !strcmp(w, "sig") || !strcmp(w, "entry")) {
		if (P.pass == 2)
			return 1;
		if (!strcmp(w, "struct"))
			decl_struct();
		else if (!strcmp(w, "import"))
			decl_import();
		else if (!strcmp(w, "data"))
			decl_data();
		else if (!strcmp(w, "entry"))
			need_ident(P.entry, "the entry function's name");
		else {
			struct gdef g;
			char n[MAXNAME];
			const char *na = S.p;

			need_ident(n, "a signature name");
			if (find_sig_name(n) >= 0)
				error_at(na, "signature '%s' defined twice", n);
			parse_sig(&g);
			memset(g.name, 0, sizeof(g.name));
			{
				int i = sig_of(&g);

				if (P.sigs[i].name[0])
					error_at(na, "signature identical to '%s'; use that name", P.sigs[i].name);
				strcpy(P.sigs[i].name, n);
			}
		}
		end_of_line();
		return 1;
	}
	if (!strcmp(w, "fn")) {
		char n[MAXNAME];
		struct gdef g;
		int l;

		at = S.p;
		need_ident(n, "a function name");
		if (P.pass == 2) {
			pass2_label(n, at);
			return 1;
		}
		l = new_label(n, at);
		memset(&g, 0, sizeof(g));
		parse_sig(&g);
		P.labels[l].kind = KTAL_L_FN;
		P.labels[l].sig = sig_of(&g);
		end_of_line();
		return 1;
	}
	skip_ws();
	if (S.p < S.line + S.linelen && *S.p == ':') {
		S.p++;
		if (P.pass == 2) {
			pass2_label(w, at);
			return 1;
		}
		decl_block(w, at);
		end_of_line();
		return 1;
	}
	S.p = save;
	return 0;
}
