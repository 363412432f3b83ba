// SPDX-License-Identifier: GPL-2.0
/*
 * insn.c - instruction lines: operands and x86-64 encoding.
 *
 * Every instruction's length depends only on its text (immediates and
 * displacements are literals or struct field offsets; rip-relative
 * operands are always disp32; jumps are rel32 unless written "short"), so
 * pass 1 can lay out the code before label addresses are known.
 */
#include "as.h"

enum { K_REG, K_MEM, K_IMM, K_SYM };

/* One operand as written. */
struct opnd {
	int kind;		/* K_* */
	int reg, rsize;		/* K_REG: register number and size 1/4/8 */
	int base, index, scale;	/* K_MEM: -1 if absent */
	int64_t disp;		/* K_MEM: displacement; K_IMM: value */
	int rip;		/* K_MEM: rip-relative to ripaddr */
	uint64_t ripaddr;	/* K_MEM: absolute target (pass 2) */
	int msize;		/* K_MEM: 0 unsized, 1 byte, 8 qword */
	char sym[MAXNAME];	/* K_SYM: a label name */
	const char *at;		/* where it starts, for errors */
};

static const char *const r64[16] = { "rax", "rcx", "rdx", "rbx", "rsp", "rbp",
	"rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15" };
static const char *const r32[16] = { "eax", "ecx", "edx", "ebx", "esp", "ebp",
	"esi", "edi", "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d" };
static const char *const r8[16] = { "al", "cl", "dl", "bl", "spl", "bpl", "sil",
	"dil", "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b" };

static int reg_lookup(const char *n, int *size)
{
	int i;

	for (i = 0; i < 16; i++) {
		if (!strcmp(n, r64[i])) { *size = 8; return i; }
		if (!strcmp(n, r32[i])) { *size = 4; return i; }
		if (!strcmp(n, r8[i])) { *size = 1; return i; }
	}
	return -1;
}

void emit_byte(int b)
{
	if (P.codelen == P.codecap) {
		P.codecap = P.codecap ? P.codecap * 2 : 4096;
		P.code = xrealloc(P.code, P.codecap);
	}
	P.code[P.codelen++] = (uint8_t)b;
}

static void emit_n(uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		emit_byte((int)(v >> (8 * i) & 0xff));
}

/* Address of a rip-relative symbol; 0 in pass 1. */
static uint64_t sym_addr(const char *name, const char *at)
{
	int i;

	if (P.pass == 1)
		return 0;
	if (!strcmp(name, "stack_limit"))
		return RT_PAGE_VA + KTAL_RT_LIMIT;
	if ((i = find_import(name)) >= 0)
		return RT_PAGE_VA + KTAL_RT_SLOTS + 8ULL * (unsigned)i;
	if ((i = find_data(name)) >= 0)
		return data_va() + P.data[i].off;
	if ((i = find_label(name)) >= 0)
		return CODE_VA + P.labels[i].off;
	error_at(at, "unknown symbol '%s' (expected a global, an import, a function or stack_limit)", name);
}

/* Struct.field -> byte offset. */
static int field_off(const char *name, const char *at, int64_t *off)
{
	const char *dot = strchr(name, '.');
	char sn[MAXNAME];
	int s, f;

	if (!dot)
		return 0;
	memcpy(sn, name, (size_t)(dot - name));
	sn[dot - name] = 0;
	s = find_struct(sn);
	if (s < 0)
		return 0;
	for (f = 0; f < P.structs[s].nfields; f++)
		if (!strcmp(P.structs[s].fname[f], dot + 1)) {
			*off = 8 * f;
			return 1;
		}
	error_at(at, "struct '%s' has no field '%s'", sn, dot + 1);
}

static void parse_mem(struct opnd *o)
{
	int sign = 1;

	o->kind = K_MEM;
	o->base = o->index = -1;
	o->scale = 1;
	for (;;) {
		char n[MAXNAME];
		int64_t v;
		int sz, r;
		const char *at;

		skip_ws();
		at = S.p;
		if (number(&v)) {
			o->disp += sign * v;
		} else if (ident(n)) {
			if ((r = reg_lookup(n, &sz)) >= 0) {
				if (sz != 8)
					error_at(at, "addresses use 64-bit registers");
				if (sign < 0)
					error_at(at, "a register cannot be subtracted");
				if (accept("*")) {
					int64_t sc = need_number("a scale (1, 2, 4 or 8)");

					if (sc != 1 && sc != 2 && sc != 4 && sc != 8)
						error_at(at, "expected scale 1, 2, 4 or 8");
					if (o->index >= 0)
						error_at(at, "two index registers");
					o->index = r;
					o->scale = (int)sc;
				} else if (o->base < 0) {
					o->base = r;
				} else if (o->index < 0) {
					o->index = r;
				} else {
					error_at(at, "too many registers in address");
				}
			} else if (field_off(n, at, &v)) {
				o->disp += sign * v;
			} else {
				if (o->rip || o->base >= 0)
					error_at(at, "a symbol must be the only term of an address");
				o->rip = 1;
				o->ripaddr = sym_addr(n, at);
			}
		} else {
			error_at(S.p, "expected a register, a number, Struct.field or a symbol");
		}
		if (accept("+"))
			sign = 1;
		else if (accept("-"))
			sign = -1;
		else
			break;
	}
	expect("]", "'+', '-' or ']'");
	if (o->rip && (o->base >= 0 || o->index >= 0))
		error_at(o->at, "a symbol must be the only term of an address");
	if (o->index == 4)
		error_at(o->at, "rsp cannot be an index register");
}

static void parse_opnd(struct opnd *o)
{
	char n[MAXNAME];

	memset(o, 0, sizeof(*o));
	skip_ws();
	o->at = S.p;
	if (peek_ident("byte") || peek_ident("qword")) {
		ident(n);
		o->msize = n[0] == 'b' ? 1 : 8;
		skip_ws();
		expect("[", "'[' after the size");
		parse_mem(o);
		return;
	}
	if (accept("[")) {
		parse_mem(o);
		return;
	}
	if (number(&o->disp)) {
		o->kind = K_IMM;
		return;
	}
	if (ident(n)) {
		int64_t v;

		if ((o->reg = reg_lookup(n, &o->rsize)) >= 0) {
			o->kind = K_REG;
			return;
		}
		if (field_off(n, o->at, &v)) {
			o->kind = K_IMM;
			o->disp = v;
			return;
		}
		o->kind = K_SYM;
		strcpy(o->sym, n);
		return;
	}
	error_at(S.p, "expected an operand (register, number, [address] or label)");
}

static int fits8(int64_t v) { return v >= -128 && v <= 127; }
static int fits32(int64_t v) { return v >= INT32_MIN && v <= INT32_MAX; }

/* REX, opcode, ModRM(/SIB/disp) for register field reg and operand rm;
 * immsize bytes of immediate follow (needed for rip-relative). */
static void enc(int w, const int *opc, int nopc, int reg, const struct opnd *rm,
		int immsize, int force_rex)
{
	int rex = 0x40 | (w ? 8 : 0) | ((reg & 8) ? 4 : 0);
	int i;

	if (rm->kind == K_REG) {
		rex |= (rm->reg & 8) ? 1 : 0;
		if (rex != 0x40 || force_rex)
			emit_byte(rex);
		for (i = 0; i < nopc; i++)
			emit_byte(opc[i]);
		emit_byte(0xc0 | (reg & 7) << 3 | (rm->reg & 7));
		return;
	}
	if (!rm->rip) {
		rex |= (rm->base >= 0 && (rm->base & 8)) ? 1 : 0;
		rex |= (rm->index >= 0 && (rm->index & 8)) ? 2 : 0;
	}
	if (rex != 0x40 || force_rex)
		emit_byte(rex);
	for (i = 0; i < nopc; i++)
		emit_byte(opc[i]);
	if (rm->rip) {
		uint64_t end;

		emit_byte((reg & 7) << 3 | 5);
		end = CODE_VA + P.codelen + 4 + (uint64_t)immsize;
		if (P.pass == 2 && !fits32((int64_t)(rm->ripaddr - end)))
			error_at(rm->at, "rip-relative target out of range");
		emit_n(P.pass == 2 ? rm->ripaddr - end : 0, 4);
		return;
	}
	if (rm->base < 0)
		error_at(rm->at, "an address needs a base register");
	{
		int mod = rm->disp == 0 && (rm->base & 7) != 5 ? 0 : fits8(rm->disp) ? 1 : 2;
		int sib = rm->index >= 0 || (rm->base & 7) == 4;

		if (!fits32(rm->disp))
			error_at(rm->at, "displacement out of range");
		emit_byte(mod << 6 | (reg & 7) << 3 | (sib ? 4 : (rm->base & 7)));
		if (sib) {
			int ss = rm->scale == 8 ? 3 : rm->scale == 4 ? 2 : rm->scale == 2 ? 1 : 0;

			emit_byte(ss << 6 | ((rm->index >= 0 ? rm->index : 4) & 7) << 3 | (rm->base & 7));
		}
		if (mod == 1)
			emit_n((uint64_t)rm->disp, 1);
		else if (mod == 2)
			emit_n((uint64_t)rm->disp, 4);
	}
}

static void need(int ok, const struct opnd *o, const char *what)
{
	if (!ok)
		error_at(o->at, "expected %s", what);
}

static int cc_of(const char *m)
{
	static const char *const names[][4] = {
		{ "o" }, { "no" }, { "b", "c", "nae" }, { "ae", "nb", "nc" },
		{ "e", "z" }, { "ne", "nz" }, { "be", "na" }, { "a", "nbe" },
		{ "s" }, { "ns" }, { "p", "pe" }, { "np", "po" },
		{ "l", "nge" }, { "ge", "nl" }, { "le", "ng" }, { "g", "nle" },
	};
	int i, j;

	for (i = 0; i < 16; i++)
		for (j = 0; j < 4 && names[i][j]; j++)
			if (!strcmp(m, names[i][j]))
				return i;
	return -1;
}

static int64_t label_target(const struct opnd *o)
{
	int l;

	need(o->kind == K_SYM, o, "a label");
	if (P.pass == 1)
		return P.codelen;
	l = find_label(o->sym);
	if (l < 0)
		error_at(o->at, "unknown label '%s'", o->sym);
	return P.labels[l].off;
}

static void branch(int opc_short, const int *opc_near, int nnear, int is_short,
		   const struct opnd *o)
{
	int64_t t = label_target(o), rel;
	int i;

	if (is_short) {
		rel = t - (int64_t)(P.codelen + 2);
		if (P.pass == 2 && !fits8(rel))
			error_at(o->at, "short jump out of range");
		emit_byte(opc_short);
		emit_n((uint64_t)(P.pass == 2 ? rel : 0), 1);
		return;
	}
	rel = t - (int64_t)(P.codelen + (unsigned)nnear + 4);
	for (i = 0; i < nnear; i++)
		emit_byte(opc_near[i]);
	emit_n((uint64_t)(P.pass == 2 ? rel : 0), 4);
}

static const struct { const char *m; int digit; } alus[] = {
	{ "add", 0 }, { "or", 1 }, { "sbb", 3 }, { "and", 4 }, { "sub", 5 },
	{ "xor", 6 }, { "cmp", 7 },
};
#define NALUS ((int)(sizeof(alus) / sizeof(alus[0])))

/*
 * index IDX, ARR, MASK, LFAIL: the masked array index (spec section 15),
 * exactly
 *	cmp IDX, [ARR - 8]
 *	jae LFAIL		; architecturally, IDX <u len(ARR) after this
 *	sbb MASK, MASK		; MASK = IDX <u len(ARR) ? ~0 : 0, from the flags
 *	and IDX, MASK		; so IDX is in bounds or 0 on every path
 * All three registers are 64-bit; MASK is overwritten.
 */
static void index_seq(void)
{
	struct opnd o[4], m;
	int i, op, jae[2] = { 0x0f, 0x83 };

	for (i = 0; i < 4; i++) {
		if (i)
			expect(",", "',' (index IDX, ARR, MASK, LFAIL)");
		parse_opnd(&o[i]);
		if (i < 3)
			need(o[i].kind == K_REG && o[i].rsize == 8, &o[i],
			     "a 64-bit register");
	}
	need(o[2].reg != o[0].reg && o[2].reg != o[1].reg && o[0].reg != o[1].reg,
	     &o[2], "three different registers");
	need(o[1].reg != 4 && o[2].reg != 4 && o[0].reg != 4, &o[0],
	     "registers other than rsp");
	memset(&m, 0, sizeof(m));
	m.kind = K_MEM;
	m.base = o[1].reg;
	m.index = -1;
	m.scale = 1;
	m.disp = -8;
	m.at = o[1].at;
	op = 0x3b;
	enc(1, &op, 1, o[0].reg, &m, 0, 0);
	branch(0, jae, 2, 0, &o[3]);
	op = 0x19;
	enc(1, &op, 1, o[2].reg, &o[2], 0, 0);
	op = 0x21;
	enc(1, &op, 1, o[2].reg, &o[0], 0, 0);
}

void insn_line(void)
{
	char m[MAXNAME];
	struct opnd a, b;
	int n = 0, i, is_short = 0;
	const char *mat;

	skip_ws();
	mat = S.p;
	need_ident(m, "an instruction, a declaration or a label");
	if (!strcmp(m, "db")) {
		do {
			int64_t v = need_number("a byte value");

			if (v < -128 || v > 255)
				error_at(S.p, "byte value out of range");
			emit_byte((int)(v & 0xff));
		} while (accept(","));
		goto end;
	}
	if (!strcmp(m, "index")) {
		index_seq();
		goto end;
	}
	if (peek_ident("short")) {
		char w[MAXNAME];

		ident(w);
		is_short = 1;
	}
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	if (!at_end()) {
		parse_opnd(&a);
		n = 1;
		if (accept(",")) {
			parse_opnd(&b);
			n = 2;
		}
	}
#define NOPS(k) do { if (n != (k)) error_at(mat, "'%s' takes %d operand(s)", m, k); } while (0)
	for (i = 0; i < NALUS; i++) {
		if (strcmp(m, alus[i].m))
			continue;
		NOPS(2);
		need(a.kind == K_REG && a.rsize != 1, &a, "a 64- or 32-bit register");
		if (b.kind == K_REG) {
			int op = alus[i].digit * 8 + 1;

			need(b.rsize == a.rsize, &b, "a register of the same size");
			enc(a.rsize == 8, &op, 1, b.reg, &a, 0, 0);
		} else if (b.kind == K_MEM) {
			int op = alus[i].digit * 8 + 3;

			enc(a.rsize == 8, &op, 1, a.reg, &b, 0, 0);
		} else {
			int op = fits8(b.disp) ? 0x83 : 0x81;

			need(b.kind == K_IMM && fits32(b.disp), &b, "a 32-bit immediate");
			enc(a.rsize == 8, &op, 1, alus[i].digit, &a, op == 0x83 ? 1 : 4, 0);
			emit_n((uint64_t)b.disp, op == 0x83 ? 1 : 4);
		}
		goto end;
	}
	if (!strcmp(m, "mov")) {
		NOPS(2);
		if (a.kind == K_REG && a.rsize != 1) {
			if (b.kind == K_REG) {
				int op = 0x89;

				need(b.rsize == a.rsize, &b, "a register of the same size");
				enc(a.rsize == 8, &op, 1, b.reg, &a, 0, 0);
			} else if (b.kind == K_MEM) {
				int op = 0x8b;

				enc(a.rsize == 8, &op, 1, a.reg, &b, 0, 0);
			} else {
				need(b.kind == K_IMM, &b, "a register, an address or an immediate");
				if (a.rsize == 4 || (b.disp >= 0 && b.disp <= UINT32_MAX)) {
					if (a.reg & 8)
						emit_byte(0x41);
					emit_byte(0xb8 + (a.reg & 7));
					emit_n((uint64_t)b.disp, 4);
				} else if (fits32(b.disp)) {
					int op = 0xc7;

					enc(1, &op, 1, 0, &a, 4, 0);
					emit_n((uint64_t)b.disp, 4);
				} else {
					emit_byte(0x48 | ((a.reg & 8) ? 1 : 0));
					emit_byte(0xb8 + (a.reg & 7));
					emit_n((uint64_t)b.disp, 8);
				}
			}
		} else if (a.kind == K_MEM && a.msize == 1) {
			int op = 0x88;

			need(b.kind == K_REG && b.rsize == 1, &b, "a byte register");
			enc(0, &op, 1, b.reg, &a, 0, b.reg >= 4 && b.reg < 8);
		} else if (a.kind == K_MEM) {
			if (b.kind == K_REG) {
				int op = 0x89;

				need(b.rsize != 1, &b, "a 64-bit register (use 'mov byte [..], r8b' for bytes)");
				enc(b.rsize == 8, &op, 1, b.reg, &a, 0, 0);
			} else {
				int op = 0xc7;

				need(b.kind == K_IMM && fits32(b.disp), &b, "a register or a 32-bit immediate");
				need(a.msize == 8, &a, "'qword [...]' for an immediate store");
				enc(1, &op, 1, 0, &a, 4, 0);
				emit_n((uint64_t)b.disp, 4);
			}
		} else {
			need(0, &a, "a register or an address");
		}
		goto end;
	}
	if (!strcmp(m, "movzx")) {
		int op[2] = { 0x0f, 0xb6 };

		NOPS(2);
		need(a.kind == K_REG && a.rsize != 1, &a, "a 64- or 32-bit register");
		need(b.kind == K_MEM && b.msize == 1, &b, "'byte [...]'");
		enc(a.rsize == 8, op, 2, a.reg, &b, 0, 0);
		goto end;
	}
	if (!strcmp(m, "lea")) {
		int op = 0x8d;

		NOPS(2);
		need(a.kind == K_REG && a.rsize == 8, &a, "a 64-bit register");
		if (b.kind == K_SYM) { /* lea r, name */
			b.kind = K_MEM;
			b.rip = 1;
			b.base = b.index = -1;
			b.ripaddr = sym_addr(b.sym, b.at);
		}
		need(b.kind == K_MEM, &b, "an address");
		enc(1, &op, 1, a.reg, &b, 0, 0);
		goto end;
	}
	if (!strncmp(m, "cmov", 4) && cc_of(m + 4) >= 0) {
		int op[2] = { 0x0f, 0x40 + cc_of(m + 4) };

		NOPS(2);
		need(a.kind == K_REG && a.rsize != 1, &a, "a 64- or 32-bit register");
		need(b.kind == K_REG && b.rsize == a.rsize, &b, "a register of the same size");
		enc(a.rsize == 8, op, 2, a.reg, &b, 0, 0);
		goto end;
	}
	if (!strcmp(m, "test") || !strcmp(m, "imul")) {
		NOPS(2);
		need(a.kind == K_REG && a.rsize != 1, &a, "a 64- or 32-bit register");
		need(b.kind == K_REG && b.rsize == a.rsize, &b, "a register of the same size");
		if (m[0] == 't') {
			int op = 0x85;

			enc(a.rsize == 8, &op, 1, b.reg, &a, 0, 0);
		} else {
			int op[2] = { 0x0f, 0xaf };

			enc(a.rsize == 8, op, 2, a.reg, &b, 0, 0);
		}
		goto end;
	}
	if (!strcmp(m, "shl") || !strcmp(m, "shr") || !strcmp(m, "sar")) {
		int digit = !strcmp(m, "shl") ? 4 : !strcmp(m, "shr") ? 5 : 7;

		NOPS(2);
		need(a.kind == K_REG && a.rsize != 1, &a, "a 64- or 32-bit register");
		if (b.kind == K_REG) {
			int op = 0xd3;

			need(b.reg == 1 && b.rsize == 1, &b, "cl or an immediate");
			enc(a.rsize == 8, &op, 1, digit, &a, 0, 0);
		} else {
			int op = 0xc1;

			need(b.kind == K_IMM && b.disp >= 0 && b.disp < 64, &b, "a shift count 0..63");
			enc(a.rsize == 8, &op, 1, digit, &a, 1, 0);
			emit_byte((int)b.disp);
		}
		goto end;
	}
	{
		static const struct { const char *m; int op, digit; } un[] = {
			{ "inc", 0xff, 0 }, { "dec", 0xff, 1 }, { "not", 0xf7, 2 },
			{ "neg", 0xf7, 3 }, { "div", 0xf7, 6 },
		};

		for (i = 0; i < 5; i++) {
			if (strcmp(m, un[i].m))
				continue;
			NOPS(1);
			need(a.kind == K_REG && a.rsize != 1, &a, "a 64- or 32-bit register");
			enc(a.rsize == 8, &un[i].op, 1, un[i].digit, &a, 0, 0);
			goto end;
		}
	}
	if (!strcmp(m, "push") || !strcmp(m, "pop")) {
		NOPS(1);
		need(a.kind == K_REG && a.rsize == 8, &a, "a 64-bit register");
		if (a.reg & 8)
			emit_byte(0x41);
		emit_byte((m[1] == 'u' ? 0x50 : 0x58) + (a.reg & 7));
		goto end;
	}
	if (!strcmp(m, "call")) {
		NOPS(1);
		if (a.kind == K_SYM) {
			int op = 0xe8;

			branch(0, &op, 1, 0, &a);
		} else {
			int op = 0xff;

			need(a.kind == K_REG ? a.rsize == 8 : a.kind == K_MEM, &a,
			     "a function, a 64-bit register or [import]");
			enc(0, &op, 1, 2, &a, 0, 0);
		}
		goto end;
	}
	if (!strcmp(m, "jmp")) {
		int op = 0xe9;

		NOPS(1);
		branch(0xeb, &op, 1, is_short, &a);
		goto end;
	}
	if (m[0] == 'j' && cc_of(m + 1) >= 0) {
		int cc = cc_of(m + 1), op[2] = { 0x0f, 0x80 + cc };

		NOPS(1);
		branch(0x70 + cc, op, 2, is_short, &a);
		goto end;
	}
	if (!strcmp(m, "ret") || !strcmp(m, "nop")) {
		NOPS(0);
		emit_byte(m[0] == 'r' ? 0xc3 : 0x90);
		goto end;
	}
	error_at(mat, "unknown instruction '%s'", m);
end:
	if (!at_end())
		error_at(S.p, "expected end of line");
}
