/* gen.c - code generation: KC syntax tree to KTAL assembly.
 *
 * Frame of a function (top of stack first):
 *   temporaries pushed around calls | variable slots | saved callee regs
 * and below it the return address.  Every function has the signature
 * headroom FN_HEADROOM and starts with the stack check for its whole
 * need, N = 8 * (deepest frame) + CALL_NEED, so that everywhere in its
 * body h = N - 8 * depth >= CALL_NEED: enough to call any function,
 * service or the trap.
 *
 * Registers: locals live in callee-saved registers or slots (alloc.c);
 * temporaries in the caller-saved pool rsi rdi r8 r9 r10 r11, which is
 * pushed around calls and, when an operand needs more registers than
 * are left, around that operand's evaluation (spill()); rax rcx rdx are
 * scratch inside one operation
 * (results, division, shift counts, indexes of one-element globals).
 *
 * Annotations: every label lists the register and slot types that hold
 * at that point (annot.c spells them): the live variables (declared and
 * in scope), the live temporaries, and junk for the rest.  Since a
 * variable's declaration dominates its scope, every jump to a label
 * agrees with it.
 *
 * Bounds checks are made by bounds() alone.  Traps (bounds, allocation)
 * jump to a per-depth label that calls kc.trap, which prints the reason
 * and exits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "cc.h"

#define FN_HEADROOM 80		/* every compiled function's signature */
#define CALL_NEED 88		/* return address + FN_HEADROOM */
#define MAXSLOTS 256

enum { TRAP_BOUNDS = 1, TRAP_MEMORY = 2, TRAP_STACK = 3 };

static const char *R64[16] = {
	"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"
};
static const char *R8[16] = {
	"al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil",
	"r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b"
};
static const int pool[6] = { 6, 7, 8, 9, 10, 11 };
static const int argreg[6] = { 7, 6, 2, 1, 8, 9 };
enum { RAX = 0, RCX = 1, RDX = 2, R11 = 11 };

/* ---- output buffer of the current function */
static char *buf;
static size_t blen, bcap;
static int reachable;		/* the next instruction can be reached */
static int after_label;		/* nothing emitted since the last label */
static size_t last_ins;		/* offset in buf of the last instruction's line */
static int dst_reg = -1;	/* gen_binary: compute into this variable register */

static void out(const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(buf + blen, bcap - blen, fmt, ap);
		va_end(ap);
		if ((size_t)n < bcap - blen)
			break;
		bcap = bcap * 2 + (size_t)n + 256;
		buf = xrealloc(buf, bcap);
	}
	blen += (size_t)n;
}

/* an instruction; dropped where it cannot be reached */
static void ins(const char *fmt, ...)
{
	char line[8192];
	va_list ap;

	if (!reachable)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	last_ins = blen;
	out("    %s\n", line);
	after_label = 0;
}

/* an unconditional transfer: what follows needs a label */
static void mark(int which, const char *l);
static char *used;
enum { USED, BACK };

/* a jump (jmp or jCC) to label l */
static void ins_j(const char *cc, const char *l)
{
	if (!reachable)
		return;
	mark(USED, l);
	ins("j%s %s", cc, l);
}

/* an unconditional transfer: what follows needs a label */
static void ins_jmp(const char *l)
{
	ins_j("mp", l);
	reachable = 0;
}

/* ---- frame and register state */
enum { SL_SAVED, SL_VAR, SL_TEMP };
struct slot {
	int kind;
	int reg;		/* SL_SAVED: register; SL_VAR: variable slot number */
	struct type *ty;	/* SL_TEMP */
};
static struct func *F;
static struct slot stk[MAXSLOTS + 8];
static int depth, maxdepth;
static struct type *temp[16];	/* type of the live temporary in a pool register */
static int nlabel;

static struct pos curpos;

static void push_slot(int kind, int reg, struct type *ty)
{
	if (depth >= MAXSLOTS)
		error_at(curpos, "function '%s' needs more than %d stack slots; split it", F->name, MAXSLOTS);
	stk[depth].kind = kind;
	stk[depth].reg = reg;
	stk[depth].ty = ty;
	depth++;
	if (depth > maxdepth)
		maxdepth = depth;
}

static char *new_label(void)
{
	char *l = xalloc(16);

	snprintf(l, 16, "L%d", ++nlabel);
	return l;
}

static struct var *var_in_reg(int r)
{
	int i;

	for (i = 0; i < F->nvars; i++)
		if (F->vars[i]->live && F->vars[i]->reg == r)
			return F->vars[i];
	return NULL;
}

static struct var *var_in_slot(int s)
{
	int i;

	for (i = 0; i < F->nvars; i++)
		if (F->vars[i]->live && F->vars[i]->slot == s)
			return F->vars[i];
	return NULL;
}

/* the annotation of a label here; extra: scratch registers holding ints */
static void annotation(unsigned extra, const char *raxty)
{
	int r, i, first = 1;

	out(" {");
	for (r = 0; r < 16; r++) {
		const char *t = NULL;
		struct var *v;

		if (r == 4)
			continue;
		if (r == RAX && raxty)
			t = raxty;
		else if (extra >> r & 1)
			t = "int";
		else if (temp[r])
			t = annot_type(temp[r]);
		else if ((v = var_in_reg(r)))
			t = annot_type(v->ty);
		else
			for (i = 0; i < F->ncallee; i++)
				if (F->calleeregs[i] == r)
					t = "junk";
		if (t) {
			out("%s%s: %s", first ? "" : ", ", R64[r], t);
			first = 0;
		}
	}
	out("} [");
	for (i = depth - 1; i >= 0; i--) {
		const char *t = "junk";
		struct var *v;

		if (stk[i].kind == SL_SAVED)
			t = stk[i].reg == 3 ? "saved.rbx" : stk[i].reg == 5 ? "saved.rbp" :
			    stk[i].reg == 12 ? "saved.r12" : stk[i].reg == 13 ? "saved.r13" :
			    stk[i].reg == 14 ? "saved.r14" : "saved.r15";
		else if (stk[i].kind == SL_TEMP)
			t = annot_type(stk[i].ty);
		else if ((v = var_in_slot(stk[i].reg)))
			t = annot_type(v->ty);
		out("%s%s", i == depth - 1 ? "" : ", ", t);
	}
	/* the headroom: N - 8 * depth, filled in when N is known */
	out("] headroom @%d@\n", depth);
}

/* Labels "L<n>": used[n] once a jump to it was emitted, back[n] if
 * jumps to it may follow it (loop heads).  A label nothing reaches is
 * left out, and the code after it up to the next label with it. */
static char *back;
static int ucap;

static int lnum(const char *l)
{
	return l[0] == 'L' ? atoi(l + 1) : -1;
}

static void mark(int which, const char *l)
{
	int n = lnum(l);

	if (n < 0)
		return;
	while (n >= ucap) {
		int c = ucap ? 2 * ucap : 1024;

		used = xrealloc(used, (size_t)c);
		back = xrealloc(back, (size_t)c);
		memset(used + ucap, 0, (size_t)(c - ucap));
		memset(back + ucap, 0, (size_t)(c - ucap));
		ucap = c;
	}
	(which == USED ? used : back)[n] = 1;
}

static int marked(char *a, const char *l)
{
	int n = lnum(l);

	return n >= 0 && n < ucap && a[n];
}

static void label_t(const char *l, unsigned extra, const char *raxty)
{
	if (!reachable && !marked(used, l) && !marked(back, l))
		return;
	if (after_label)
		ins("nop");	/* labels must be at distinct offsets */
	out("%s:", l);
	annotation(extra, raxty);
	after_label = 1;
	reachable = 1;
}

static void label_x(const char *l, unsigned extra)
{
	label_t(l, extra, NULL);
}

static void label(const char *l)
{
	label_t(l, 0, NULL);
}

/* trap labels, one per (depth, kind), emitted at the end of the function */
struct trap { int depth, kind; char *label; };
static struct trap *traps;
static int ntraps, trapcap;

static const char *trap_label(int kind)
{
	int i;

	for (i = 0; i < ntraps; i++)
		if (traps[i].depth == depth && traps[i].kind == kind)
			return traps[i].label;
	GROW(traps, ntraps, trapcap);
	traps[ntraps].depth = depth;
	traps[ntraps].kind = kind;
	traps[ntraps].label = new_label();
	return traps[ntraps++].label;
}

/* ---- the array bounds check: the only place that emits one.  The
 * assembler's pseudo-instruction expands to the checker's masked idiom
 *     cmp idx, [arr - 8]; jae fail; sbb mask, mask; and idx, mask
 * after which the checker lets [arr + idx] address an element until idx
 * or arr is written.  The mask leaves an in-bounds index unchanged, so
 * idx may be a variable's own register.  mask is a free scratch register. */
static void bounds(int idx, int arr, int mask)
{
	const char *fail = trap_label(TRAP_BOUNDS);

	if (!reachable)
		return;
	mark(USED, fail);
	ins("index %s, %s, %s, %s", R64[idx], R64[arr], R64[mask], fail);
}

/* ---- operands */
enum { O_TEMP, O_VREG, O_IMM, O_SLOT, O_VOID, O_SPILLED };	/* O_SPILLED: pushed by spill(), reg is its depth */
struct opnd {
	int kind;
	int reg;		/* O_TEMP, O_VREG */
	int64_t imm;		/* O_IMM */
	struct var *v;		/* O_SLOT */
	struct type *ty;
};

static int slot_off(struct var *v)
{
	return 8 * (depth - 1 - (F->ncallee + v->slot));
}

static jmp_buf retry;		/* gen_func: again without extra variable registers */
static int pool_off[16];	/* pool registers holding variables in this function */

static int new_temp(struct type *ty)
{
	int i;

	for (i = 0; i < 6; i++)
		if (!temp[pool[i]] && !pool_off[pool[i]]) {
			temp[pool[i]] = ty;
			return pool[i];
		}
	if (F->nextra)
		longjmp(retry, 1);
	error_at(curpos, "internal error: no register for a temporary (spilling failed)");
}

static void free_op(struct opnd *o)
{
	if (o->kind == O_TEMP)
		temp[o->reg] = NULL;
}

/* pool registers free for temporaries now */
static int free_temps(void)
{
	int i, n = 0;

	for (i = 0; i < 6; i++)
		if (!temp[pool[i]] && !pool_off[pool[i]])
			n++;
	return n;
}

/* ---- spilling.  need(e) bounds the pool registers evaluating e takes
 * when nothing inside it spills, its result included; hold(e) is 1 if
 * its result may be a temporary.  An operation that keeps a temporary
 * while it evaluates another operand (spill()) pushes it to the frame
 * first when the free registers fall short of that operand's need, and
 * pops it back after (unspill()); the pushes nest with the evaluation,
 * so the frame stays a stack.  Invariant: an expression evaluated with
 * need(e) free registers never spills; one evaluated with fewer got
 * there because every operation around it spilled what it held, so it
 * has all the registers the statement started with: the pool less the
 * variables given to it, and when those are too few new_temp() has the
 * function generated again without variables in the pool. */
static int need(struct expr *e);

static int hold(struct expr *e)
{
	return !(e->kind == E_NUM || (e->kind == E_NAME && e->nk == N_LOCAL));
}

/* e's value may need a register of the pool to be used as an operand
 * (it is not a variable living in a register) */
static int notv(struct expr *e)
{
	return !(e->kind == E_NAME && e->nk == N_LOCAL && e->var->reg >= 0);
}

static int max2(int a, int b)
{
	return a > b ? a : b;
}

/* a then b, a's result kept meanwhile, then a comparison or an index,
 * which may load each operand not yet in a register into one */
static int need2(struct expr *a, struct expr *b)
{
	return max2(max2(need(a), hold(a) + need(b)), max2(notv(a) + notv(b), 1));
}

/* the same for arithmetic, which computes in a temporary: a's own, or a
 * new one while b's is still held */
static int need_arith(struct expr *a, struct expr *b)
{
	return max2(max2(need(a), hold(a) + need(b)), 1 + hold(b));
}

/* a condition evaluated for its jumps */
static int need_cond(struct expr *e)
{
	if (e->kind == E_NUM)
		return 0;
	if (e->kind == E_UNARY && e->op == OP_NOT)
		return need_cond(e->a);
	if (e->kind == E_AND || e->kind == E_OR)
		return max2(need_cond(e->a), need_cond(e->b));
	return max2(need(e), 1);
}

static int need(struct expr *e)
{
	switch (e->kind) {
	case E_NUM:
		return 0;
	case E_NAME:
		return e->nk == N_LOCAL ? 0 : 1;
	case E_UNARY:
	case E_FIELD:
		return max2(need(e->a), 1);
	case E_AND:
	case E_OR:
		return max2(need_cond(e), 1);	/* the form through rax */
	case E_BINARY:
		if ((e->op == OP_EQ || e->op == OP_NE) && (e->a->kind == E_NULL || e->b->kind == E_NULL))
			return max2(need(e->a->kind == E_NULL ? e->b : e->a), 1);
		if (e->op >= OP_EQ && e->op <= OP_GE)
			return need2(e->a, e->b);
		return need_arith(e->a, e->b);
	case E_INDEX:
		return need2(e->a, e->b);
	case E_CALL:
		if (e->bi == B_LEN)
			return max2(need(e->args[0]), 1);
		return 1;	/* the live temporaries are pushed around a call */
	default:
		return 1;	/* strings, null, new: one register */
	}
}

/* o is kept while next is evaluated: push it if the registers left
 * would not do; returns 1 if it did */
static int spill(struct opnd *o, struct expr *next)
{
	if (o->kind != O_TEMP || free_temps() >= max2(need(next), notv(next)))
		return 0;
	ins("push %s", R64[o->reg]);
	push_slot(SL_TEMP, o->reg, o->ty);
	free_op(o);
	o->kind = O_SPILLED;
	o->reg = depth - 1;
	return 1;
}

/* a spilled operand back into a temporary (it is on top of the frame) */
static int new_temp(struct type *ty);
static void unspill(struct opnd *o)
{
	int r;

	if (o->kind != O_SPILLED)
		return;
	if (o->reg != depth - 1)
		error_at(curpos, "internal error: spilled value not on top of the frame");
	r = new_temp(o->ty);
	ins("pop %s", R64[r]);
	depth--;
	o->kind = O_TEMP;
	o->reg = r;
	temp[r] = o->ty;
}

static int fits32(int64_t v)
{
	return v >= INT32_MIN && v <= INT32_MAX;
}

/* the operand as assembly text (a register, an immediate or a slot) */
static const char *opstr(struct opnd *o)
{
	static char b[4][48];
	static int k;

	k = (k + 1) % 4;
	switch (o->kind) {
	case O_TEMP:
	case O_VREG:
		return R64[o->reg];
	case O_IMM:
		snprintf(b[k], sizeof(b[k]), "%lld", (long long)o->imm);
		return b[k];
	case O_SLOT:
		snprintf(b[k], sizeof(b[k]), "qword [rsp + %d]", slot_off(o->v));
		return b[k];
	}
	return "?";
}

/* move o into register r (any operand kind) */
static void mov_to(int r, struct opnd *o)
{
	if ((o->kind == O_TEMP || o->kind == O_VREG) && o->reg == r)
		return;
	if (o->kind == O_IMM && o->imm == 0)
		ins("mov %s, 0", R64[r]);
	else
		ins("mov %s, %s", R64[r], opstr(o));
}

/* an operand in some register (variables' registers are used in place) */
static int reg_of(struct opnd *o)
{
	int r;

	if (o->kind == O_TEMP || o->kind == O_VREG)
		return o->reg;
	r = new_temp(o->ty);
	mov_to(r, o);
	o->kind = O_TEMP;
	o->reg = r;
	return r;
}

/* an operand in a temporary this code may overwrite */
static int temp_of(struct opnd *o)
{
	int r;

	if (o->kind == O_TEMP)
		return o->reg;
	r = new_temp(o->ty);
	mov_to(r, o);
	o->kind = O_TEMP;
	o->reg = r;
	return r;
}

static struct opnd op_temp(int r, struct type *t)
{
	struct opnd o = { O_TEMP, r, 0, NULL, t };

	temp[r] = t;
	return o;
}

/* ---- expressions */
static struct opnd gen_expr(struct expr *e);
static void gen_cond(struct expr *e, const char *l, int when);

/* a null of the nullable type t, loaded from its null cell */
static struct opnd load_null(struct type *t)
{
	int r = new_temp(type_nullable(t));

	ins("lea %s, [%s]", R64[r], annot_null_global(t));
	ins("xor eax, eax");
	bounds(RAX, r, RDX);
	ins("mov %s, [%s + rax*8]", R64[r], R64[r]);
	return op_temp(r, type_nullable(t));
}

/* e as a value of type want (null takes that type) */
static struct opnd gen_value(struct expr *e, struct type *want)
{
	if (e->kind == E_NULL)
		return load_null(want);
	return gen_expr(e);
}

/* the address of a scalar global: element 0 of its cell, checked */
static int global_cell(struct global *g)
{
	struct type *at = type_new(TY_ARR);
	int r;

	at->elem = g->ty;
	r = new_temp(at);
	ins("lea %s, [g.%d]", R64[r], g->id);
	ins("xor eax, eax");
	bounds(RAX, r, RDX);
	return r;
}

static const char *cc_of(int op, int negate)
{
	static const char *cc[] = { "e", "ne", "l", "le", "g", "ge" };
	static const char *ncc[] = { "ne", "e", "ge", "g", "le", "l" };

	unsigned k = (unsigned)(op - OP_EQ);

	if (k > 5)
		k = 1;	/* not reached: callers pass comparisons */
	return (negate ? ncc : cc)[k];
}

/* the condition with the operands swapped (a < b == b > a) */
static int mirror(int op)
{
	switch (op) {
	case OP_LT: return OP_GT;
	case OP_LE: return OP_GE;
	case OP_GT: return OP_LT;
	case OP_GE: return OP_LE;
	}
	return op;
}

static int is_null_cmp(struct expr *e)
{
	return e->kind == E_BINARY && (e->op == OP_EQ || e->op == OP_NE) &&
	       (e->a->kind == E_NULL || e->b->kind == E_NULL);
}

/* set the flags for comparison e; returns the operator to test */
static int gen_compare(struct expr *e)
{
	struct opnd l, r;
	int op = e->op;

	if (is_null_cmp(e)) {
		l = gen_expr(e->a->kind == E_NULL ? e->b : e->a);
		reg_of(&l);
		ins("test %s, %s", R64[l.reg], R64[l.reg]);
		free_op(&l);
		return op;
	}
	l = gen_expr(e->a);
	spill(&l, e->b);
	r = gen_expr(e->b);
	unspill(&l);
	if (l.kind == O_IMM && r.kind != O_IMM) {
		struct opnd t = l;

		l = r;
		r = t;
		op = mirror(op);
	}
	reg_of(&l);
	if (r.kind == O_IMM && !fits32(r.imm))
		reg_of(&r);
	if (type_is_ref(r.ty) && r.kind == O_SLOT)
		reg_of(&r);
	if (r.kind == O_IMM && r.imm == 0)
		ins("test %s, %s", R64[l.reg], R64[l.reg]);	/* the flags of cmp r, 0 */
	else
		ins("cmp %s, %s", R64[l.reg], opstr(&r));
	free_op(&l);
	free_op(&r);
	return op;
}

static void gen_cond(struct expr *e, const char *l, int when)
{
	if (e->kind == E_NUM) {
		if ((e->num != 0) == when)
			ins_jmp(l);
		return;
	}
	if (e->kind == E_UNARY && e->op == OP_NOT) {
		gen_cond(e->a, l, !when);
		return;
	}
	if (e->kind == E_AND || e->kind == E_OR) {
		int and = e->kind == E_AND;

		if (when == !and) {
			/* a || b jumps if either; !(a && b) jumps if either fails */
			gen_cond(e->a, l, when);
			gen_cond(e->b, l, when);
		} else {
			char *skip = new_label();

			gen_cond(e->a, skip, !when);
			gen_cond(e->b, l, when);
			label(skip);
		}
		return;
	}
	if (e->kind == E_BINARY && e->op >= OP_EQ && e->op <= OP_GE) {
		int op = gen_compare(e);

		ins_j(cc_of(op, !when), l);
		return;
	}
	{
		struct opnd v = gen_expr(e);

		reg_of(&v);
		ins("test %s, %s", R64[v.reg], R64[v.reg]);
		free_op(&v);
		ins_j(when ? "ne" : "e", l);
	}
}

/* ---- calls */
static struct opnd gen_call(struct expr *e);
static struct opnd gen_binary(struct expr *e);

/* push the live temporaries (caller-saved) before a call */
static int save_temps(int *saved)
{
	int i, n = 0;

	for (i = 0; i < 6; i++)
		if (temp[pool[i]]) {
			ins("push %s", R64[pool[i]]);
			push_slot(SL_TEMP, pool[i], temp[pool[i]]);
			saved[n++] = pool[i];
			temp[pool[i]] = NULL;
		}
	return n;
}

static void restore_temps(int *saved, int n)
{
	while (n--) {
		ins("pop %s", R64[saved[n]]);
		temp[saved[n]] = stk[depth - 1].ty;
		depth--;
	}
}

/* move the operands into the registers dst[] at once (a parallel move);
 * only temporaries can be overwritten by another move's destination */
static void parallel_move(struct opnd *o, const int *dst, int n)
{
	int done[8] = { 0 }, i, j, left = 0;
	int src[8];

	for (i = 0; i < n; i++) {
		src[i] = o[i].kind == O_TEMP ? o[i].reg : -1;
		if (src[i] == dst[i])
			done[i] = 1;
		else if (src[i] >= 0)
			left++;
	}
	while (left) {
		int progress = 0;

		for (i = 0; i < n; i++) {
			if (done[i] || src[i] < 0)
				continue;
			for (j = 0; j < n; j++)
				if (j != i && !done[j] && src[j] == dst[i])
					break;
			if (j < n)
				continue;
			ins("mov %s, %s", R64[dst[i]], R64[src[i]]);
			done[i] = 1;
			left--;
			progress = 1;
		}
		if (!progress) {
			/* a cycle: free one destination through rax */
			for (i = 0; i < n; i++)
				if (!done[i] && src[i] >= 0)
					break;
			ins("mov rax, %s", R64[dst[i]]);
			for (j = 0; j < n; j++)
				if (!done[j] && src[j] == dst[i])
					src[j] = RAX;
		}
	}
	for (i = 0; i < n; i++)
		if (!done[i] && src[i] < 0)
			mov_to(dst[i], &o[i]);
}

/* imports: one per service and type argument */
struct import { char *decl; char name[16]; };
static struct import *imps;
static int nimps, impcap;

static const char *import(const char *service)
{
	int i;

	for (i = 0; i < nimps; i++)
		if (!strcmp(imps[i].decl, service))
			return xstrdup(imps[i].name);
	if (nimps >= 64)
		error_at(curpos, "more than 64 services and allocation types (KTAL's import limit); use fewer struct and array types with new and free");
	GROW(imps, nimps, impcap);
	imps[nimps].decl = xstrdup(service);
	snprintf(imps[nimps].name, sizeof(imps[nimps].name), "i.%d", nimps);
	return xstrdup(imps[nimps++].name);
}

/* evaluate args (with their parameter types), move them to the argument
 * registers (and callee, if any, to r11), call target; result in rax */
static int simple_expr(struct expr *e)
{
	return e->kind == E_NUM || (e->kind == E_NAME && e->nk == N_LOCAL);
}

static void call_with(struct expr **args, struct type **ptys, int n, struct expr *callee,
		      const char *target, int check_null)
{
	struct opnd o[7];
	int dst[7], pushed[7], saved[6], ns, i, j, k = 0, nk;
	struct expr *e[7];

	ns = save_temps(saved);
	if (callee) {
		e[k] = callee;
		dst[k++] = R11;
	}
	for (i = 0; i < n; i++) {
		e[k] = args[i];
		dst[k++] = argreg[i];
	}
	/* evaluate in order; a value in a temporary is pushed while a later
	 * argument still needs temporaries, so arguments never run out */
	for (i = 0; i < k; i++) {
		o[i] = callee && i == 0 ? gen_expr(e[i]) : gen_value(e[i], ptys[i - (callee ? 1 : 0)]);
		pushed[i] = 0;
		if (o[i].kind != O_TEMP)
			continue;
		for (j = i + 1; j < k; j++)
			if (!simple_expr(e[j]))
				break;
		if (j < k) {
			ins("push %s", R64[o[i].reg]);
			push_slot(SL_TEMP, o[i].reg, o[i].ty);
			free_op(&o[i]);
			pushed[i] = 1;
		}
	}
	/* the temporaries kept in registers, at once; then the pushed ones;
	 * then variables and constants (slot offsets after the pops) */
	{
		struct opnd ko[7];
		int kd[7] = { 0 };

		for (i = nk = 0; i < k; i++)
			if (!pushed[i] && o[i].kind == O_TEMP) {
				ko[nk] = o[i];
				kd[nk++] = dst[i];
			}
		parallel_move(ko, kd, nk);
	}
	for (i = k - 1; i >= 0; i--)
		if (pushed[i]) {
			ins("pop %s", R64[dst[i]]);
			depth--;
		}
	for (i = 0; i < k; i++) {
		if (!pushed[i] && o[i].kind != O_TEMP)
			mov_to(dst[i], &o[i]);
		if (!pushed[i])
			free_op(&o[i]);
	}
	ins("call %s", target);
	if (check_null) {
		ins("test rax, rax");
		ins_j("e", trap_label(TRAP_MEMORY));
	}
	restore_temps(saved, ns);
}

static struct opnd result(struct type *t)
{
	struct opnd o = { O_VOID, 0, 0, NULL, t };

	if (t->kind == TY_VOID)
		return o;
	o = op_temp(new_temp(t), t);
	ins("mov %s, rax", R64[o.reg]);
	return o;
}

static struct opnd gen_call(struct expr *e)
{
	char svc[600], tgt[64];
	struct type *ptys[6];
	int i;

	curpos = e->pos;
	switch (e->bi) {
	case B_LEN: {
		struct opnd a = gen_expr(e->args[0]);
		int r;

		reg_of(&a);
		free_op(&a);
		r = new_temp(&ty_int);
		ins("mov %s, [%s - 8]", R64[r], R64[a.reg]);
		return op_temp(r, &ty_int);
	}
	case B_FREE: {
		struct type *t = e->args[0]->ty;

		if (t->kind == TY_STRUCT)
			snprintf(svc, sizeof(svc), "free<s.%s>", prog.structs[t->sid].name);
		else
			snprintf(svc, sizeof(svc), "free_array<%s>", annot_type(t->elem));
		ptys[0] = t;
		snprintf(tgt, sizeof(tgt), "[%s]", import(svc));
		call_with(e->args, ptys, 1, NULL, tgt, 0);
		return result(&ty_void);
	}
	case B_EXIT: case B_SVC:
		for (i = 0; i < e->nargs; i++)
			ptys[i] = e->args[i]->ty;
		snprintf(tgt, sizeof(tgt), "[%s]", import(e->bi == B_EXIT ? "exit" : kc_services[e->svc].name));
		call_with(e->args, ptys, e->nargs, NULL, tgt, 0);
		if (e->bi == B_EXIT) {
			/* exit does not return: nothing may fall from it into
			 * the code after it (the checker would see rax junk) */
			char *spin = new_label();

			mark(BACK, spin);
			label(spin);
			ins_jmp(spin);
		}
		return result(e->bi == B_EXIT ? &ty_void : &ty_int);
	default:
		break;
	}
	{
		struct type *ft = e->a->ty;

		for (i = 0; i < ft->nparams; i++)
			ptys[i] = ft->params[i];
		if (e->fn) {
			snprintf(tgt, sizeof(tgt), "f.%s", e->fn->name);
			call_with(e->args, ptys, e->nargs, NULL, tgt, 0);
		} else {
			call_with(e->args, ptys, e->nargs, e->a, "r11", 0);
		}
		return result(ft->ret);
	}
}

/* ---- arithmetic */
static struct opnd gen_divmod(int op, struct opnd *l, struct opnd *r)
{
	char *fix = new_label();
	int t;

	mov_to(RCX, r);
	free_op(r);
	ins("mov rax, %s", opstr(l));
	t = temp_of(l);
	ins("mov rdx, rcx");
	ins("sar rdx, 63");
	ins("xor rcx, rdx");
	ins("sub rcx, rdx");		/* rcx = |b|, rdx = sign(b) */
	ins("mov %s, rax", R64[t]);
	ins("sar %s, 63", R64[t]);
	ins("xor rax, %s", R64[t]);
	ins("sub rax, %s", R64[t]);	/* rax = |a|, t = sign(a) */
	if (op == OP_DIV) {
		ins("xor %s, rdx", R64[t]);	/* t = sign of the quotient */
		ins("xor edx, edx");
		ins("test rcx, rcx");
		ins("cmove rax, rdx");		/* x / 0 == 0 */
		ins("test rcx, rcx");
		ins_j("e", fix);
		ins("div rcx");
		label_x(fix, 1u << RAX | 1u << RDX);
		ins("xor rax, %s", R64[t]);
		ins("sub rax, %s", R64[t]);
		ins("mov %s, rax", R64[t]);
	} else {
		ins("mov rdx, rax");		/* x % 0 == x */
		ins("test rcx, rcx");
		ins_j("e", fix);
		ins("xor edx, edx");
		ins("div rcx");
		label_x(fix, 1u << RAX | 1u << RDX);
		ins("xor rdx, %s", R64[t]);
		ins("sub rdx, %s", R64[t]);
		ins("mov %s, rdx", R64[t]);
	}
	return *l;
}

static struct opnd gen_binary(struct expr *e)
{
	static const char *alu[] = {
		[OP_ADD] = "add", [OP_SUB] = "sub", [OP_AND] = "and", [OP_OR] = "or", [OP_XOR] = "xor"
	};
	struct opnd l, r;
	int t;

	if (e->op >= OP_EQ && e->op <= OP_GE) {
		int op = gen_compare(e);

		t = new_temp(&ty_int);
		ins("mov %s, 0", R64[t]);
		ins("mov eax, 1");
		ins("cmov%s %s, rax", cc_of(op, 0), R64[t]);
		return op_temp(t, &ty_int);
	}
	{
		int dst = dst_reg;

		dst_reg = -1;
		l = gen_expr(e->a);
		spill(&l, e->b);
		r = gen_expr(e->b);
		unspill(&l);
		dst_reg = dst;
	}
	if (e->op == OP_DIV || e->op == OP_MOD)
		return gen_divmod(e->op, &l, &r);
	if (dst_reg >= 0) {
		/* into the variable's register: b does not read the variable */
		mov_to(dst_reg, &l);
		free_op(&l);
		l = (struct opnd){ O_VREG, dst_reg, 0, NULL, &ty_int };
	} else if (e->op == OP_ADD && l.kind == O_VREG &&
		   (r.kind == O_VREG || (r.kind == O_IMM && fits32(r.imm)))) {
		/* a sum of variables: one lea instead of mov and add */
		t = new_temp(&ty_int);
		if (r.kind == O_VREG)
			ins("lea %s, [%s + %s]", R64[t], R64[l.reg], R64[r.reg]);
		else
			ins("lea %s, [%s + %lld]", R64[t], R64[l.reg], (long long)r.imm);
		return op_temp(t, &ty_int);
	}
	if (dst_reg < 0 && l.kind != O_TEMP && r.kind == O_TEMP &&
	    (e->op == OP_ADD || e->op == OP_MUL || e->op == OP_AND || e->op == OP_OR || e->op == OP_XOR)) {
		struct opnd x = l;

		l = r;
		r = x;
	}
	t = l.kind == O_VREG && l.reg == dst_reg ? dst_reg : temp_of(&l);
	switch (e->op) {
	case OP_SHL:
	case OP_SHR: {
		const char *m = e->op == OP_SHL ? "shl" : "sar";

		if (r.kind == O_IMM) {
			if (r.imm & 63)
				ins("%s %s, %d", m, R64[t], (int)(r.imm & 63));
		} else {
			mov_to(RCX, &r);
			ins("%s %s, cl", m, R64[t]);
		}
		break;
	}
	case OP_MUL:
		if (r.kind == O_IMM || r.kind == O_SLOT) {
			mov_to(RAX, &r);
			ins("imul %s, rax", R64[t]);
		} else {
			ins("imul %s, %s", R64[t], R64[r.reg]);
		}
		break;
	default:
		if (r.kind == O_IMM && !fits32(r.imm)) {
			mov_to(RAX, &r);
			ins("%s %s, rax", alu[e->op], R64[t]);
		} else {
			ins("%s %s, %s", alu[e->op], R64[t], opstr(&r));
		}
	}
	free_op(&r);
	return l;
}

static struct opnd gen_index(struct expr *e)
{
	struct opnd a, i;
	int r, byte = e->a->ty->elem->kind == TY_BYTE;

	a = gen_expr(e->a);
	spill(&a, e->b);
	i = gen_expr(e->b);
	unspill(&a);

	reg_of(&a);
	reg_of(&i);
	bounds(i.reg, a.reg, RAX);
	free_op(&a);
	free_op(&i);
	r = new_temp(e->ty);
	if (byte)
		ins("movzx %s, byte [%s + %s]", R64[r], R64[a.reg], R64[i.reg]);
	else
		ins("mov %s, [%s + %s*8]", R64[r], R64[a.reg], R64[i.reg]);
	return op_temp(r, e->ty);
}

static struct opnd gen_expr(struct expr *e)
{
	struct opnd o = { O_IMM, 0, 0, NULL, e->ty };
	int r;

	curpos = e->pos;
	switch (e->kind) {
	case E_NUM:
		o.imm = e->num;
		return o;
	case E_STR:
		r = new_temp(e->ty);
		ins("lea %s, [g.%d]", R64[r], e->glob->id);
		return op_temp(r, e->ty);
	case E_NULL:
		return load_null(e->ty);	/* not reached: typed contexts use gen_value */
	case E_NAME:
		if (e->nk == N_LOCAL) {
			if (e->var->reg >= 0) {
				o.kind = O_VREG;
				o.reg = e->var->reg;
			} else {
				o.kind = O_SLOT;
				o.v = e->var;
			}
			return o;
		}
		if (e->nk == N_FUNC) {
			r = new_temp(e->ty);
			ins("lea %s, [f.%s]", R64[r], e->fn->name);
			return op_temp(r, e->ty);
		}
		if (e->glob->is_array) {
			r = new_temp(e->ty);
			ins("lea %s, [g.%d]", R64[r], e->glob->id);
			return op_temp(r, e->ty);
		}
		r = global_cell(e->glob);
		ins("mov %s, [%s + rax*8]", R64[r], R64[r]);
		return op_temp(r, e->ty);
	case E_UNARY:
		o = gen_expr(e->a);
		if (e->op == OP_NOT) {
			reg_of(&o);
			ins("test %s, %s", R64[o.reg], R64[o.reg]);
			free_op(&o);
			r = new_temp(&ty_int);
			ins("mov %s, 0", R64[r]);
			ins("mov eax, 1");
			ins("cmove %s, rax", R64[r]);
			return op_temp(r, &ty_int);
		}
		r = temp_of(&o);
		ins("%s %s", e->op == OP_NEG ? "neg" : "not", R64[r]);
		return o;
	case E_AND:
	case E_OR: {
		char *l = new_label(), *end;

		if (free_temps() >= 1 + need_cond(e)) {
			/* the result's register is set around the jumps */
			r = new_temp(&ty_int);
			ins("mov %s, 0", R64[r]);
			gen_cond(e, l, 0);
			ins("mov %s, 1", R64[r]);
			label(l);
			return op_temp(r, &ty_int);
		}
		/* no register to keep meanwhile: the result joins in rax */
		end = new_label();
		gen_cond(e, l, 0);
		ins("mov eax, 1");
		ins_jmp(end);
		label(l);
		ins("xor eax, eax");
		label_t(end, 0, "int");
		r = new_temp(&ty_int);
		ins("mov %s, rax", R64[r]);
		return op_temp(r, &ty_int);
	}
	case E_BINARY:
		return gen_binary(e);
	case E_CALL:
		return gen_call(e);
	case E_INDEX:
		return gen_index(e);
	case E_FIELD:
		o = gen_expr(e->a);
		reg_of(&o);
		free_op(&o);
		r = new_temp(e->ty);
		ins("mov %s, [%s + %d]", R64[r], R64[o.reg], 8 * e->field);
		return op_temp(r, e->ty);
	case E_NEW: {
		char svc[128], tgt[48];

		snprintf(svc, sizeof(svc), "alloc<s.%s>", prog.structs[e->tyarg->sid].name);
		snprintf(tgt, sizeof(tgt), "[%s]", import(svc));
		call_with(NULL, NULL, 0, NULL, tgt, 1);
		return result(e->ty);
	}
	case E_NEWARR: {
		char svc[600], tgt[48];
		struct type *pt[1] = { &ty_int };

		snprintf(svc, sizeof(svc), "alloc_array<%s>", annot_type(e->tyarg));
		snprintf(tgt, sizeof(tgt), "[%s]", import(svc));
		call_with(&e->a, pt, 1, NULL, tgt, 1);
		return result(e->ty);
	}
	}
	return o;
}

/* ---- statements */
static char *brk[256], *cont[256];
static int nloops;
static char *retlabel;

/* expression e reads variable x */
static int uses_var(struct expr *e, struct var *x)
{
	int i;

	if (!e)
		return 0;
	if (e->kind == E_NAME && e->var == x)
		return 1;
	if (uses_var(e->a, x) || uses_var(e->b, x))
		return 1;
	for (i = 0; i < e->nargs; i++)
		if (uses_var(e->args[i], x))
			return 1;
	return 0;
}

/* the value of e for variable x: arithmetic is computed in x's own
 * register when x is in one and the right operand does not read it */
static struct opnd gen_for_var(struct expr *e, struct var *x)
{
	struct opnd v;

	if (x->reg >= 0 && e->kind == E_BINARY && e->op >= OP_ADD && e->op <= OP_XOR &&
	    e->op != OP_DIV && e->op != OP_MOD && !uses_var(e->b, x)) {
		dst_reg = x->reg;
		v = gen_binary(e);
		dst_reg = -1;
		return v;
	}
	return gen_value(e, x->ty);
}

/* If the last instruction only defines temporary t (mov, movzx, lea),
 * make it define register r instead; returns 1 if it did. */
static int retarget_last(int t, int r)
{
	char *line = buf + last_ins, *m = line + 4, *comma;
	const char *ops[] = { "mov ", "movzx ", "lea ", NULL };
	size_t tl = strlen(R64[t]);
	int k;

	if (!reachable || after_label || last_ins >= blen)
		return 0;
	for (k = 0; ops[k]; k++)
		if (!strncmp(m, ops[k], strlen(ops[k])))
			break;
	if (!ops[k])
		return 0;
	m += strlen(ops[k]);
	comma = strchr(m, ',');
	if (!comma || (size_t)(comma - m) != tl || strncmp(m, R64[t], tl))
		return 0;
	{
		char rest[512];

		snprintf(rest, sizeof(rest), "%s", comma);
		blen = (size_t)(m - buf);
		out("%s%s", R64[r], rest);
	}
	return 1;
}

/* store operand v into variable x's home */
static void store_var(struct var *x, struct opnd *v)
{
	if (x->reg >= 0) {
		if (v->kind == O_TEMP && retarget_last(v->reg, x->reg))
			return;
		mov_to(x->reg, v);
		return;
	}
	if (v->kind == O_SLOT || (v->kind == O_IMM && (!fits32(v->imm) || x->ty->kind != TY_INT)))
		reg_of(v);
	ins("mov %s, %s", opstr(&(struct opnd){ O_SLOT, 0, 0, x, x->ty }), opstr(v));
}

static void gen_assign(struct stmt *s)
{
	struct expr *l = s->lhs;
	struct opnd v, a, i;

	if (l->kind == E_NAME && l->nk == N_LOCAL) {
		v = gen_for_var(s->e, l->var);
		store_var(l->var, &v);
		free_op(&v);
		return;
	}
	if (l->kind == E_NAME) {
		int c;

		v = gen_value(s->e, l->ty);
		reg_of(&v);
		c = global_cell(l->glob);
		ins("mov [%s + rax*8], %s", R64[c], R64[v.reg]);
		temp[c] = NULL;
		free_op(&v);
		return;
	}
	if (l->kind == E_FIELD) {
		a = gen_expr(l->a);
		spill(&a, s->e);
		v = gen_value(s->e, l->ty);
		unspill(&a);
		reg_of(&a);
		if (s->e->kind == E_NULL) {
			free_op(&v);
			ins("mov qword [%s + %d], 0", R64[a.reg], 8 * l->field);
		} else {
			if (v.kind != O_IMM || !fits32(v.imm))
				reg_of(&v);
			ins("mov %s[%s + %d], %s", v.kind == O_IMM ? "qword " : "", R64[a.reg], 8 * l->field, opstr(&v));
			free_op(&v);
		}
		free_op(&a);
		return;
	}
	/* a[i] = v; a and i may be spilled while the next is evaluated,
	 * and are popped in the reverse order */
	{
		struct opnd *sp[3];
		int k = 0;

		a = gen_expr(l->a);
		if (spill(&a, l->b))
			sp[k++] = &a;
		i = gen_expr(l->b);
		if (spill(&i, s->e))
			sp[k++] = &i;
		if (spill(&a, s->e))
			sp[k++] = &a;
		v = s->e->kind == E_NULL ? (struct opnd){ O_IMM, 0, 0, NULL, &ty_int } : gen_expr(s->e);
		while (k)
			unspill(sp[--k]);
	}
	reg_of(&a);
	reg_of(&i);
	if (l->a->ty->elem->kind == TY_BYTE) {
		reg_of(&v);
		bounds(i.reg, a.reg, RAX);
		ins("mov byte [%s + %s], %s", R64[a.reg], R64[i.reg], R8[v.reg]);
	} else {
		if (v.kind != O_IMM || !fits32(v.imm))
			reg_of(&v);
		bounds(i.reg, a.reg, RAX);
		ins("mov %s[%s + %s*8], %s", v.kind == O_IMM ? "qword " : "", R64[a.reg], R64[i.reg], opstr(&v));
	}
	free_op(&v);
	free_op(&i);
	free_op(&a);
}

static void gen_stmt(struct stmt *s);

static void declare(struct stmt *s)
{
	struct var *x = s->var;
	struct opnd v;

	if (s->e) {
		v = gen_for_var(s->e, x);
	} else if (x->ty->kind == TY_INT) {
		v = (struct opnd){ O_IMM, 0, 0, NULL, &ty_int };
	} else {
		v = load_null(x->ty);
	}
	store_var(x, &v);
	free_op(&v);
	x->live = 1;
}


/* variables declared since mark: their scope ends */
static struct var **declared;
static int ndeclared, declcap;

static void scope_end(int mark)
{
	while (ndeclared > mark)
		declared[--ndeclared]->live = 0;
}

static void note_declared(struct var *v)
{
	GROW(declared, ndeclared, declcap);
	declared[ndeclared++] = v;
}

static void gen_loop(struct stmt *s)
{
	char *top = new_label(), *cnd = new_label(), *end = new_label();
	char *cn = s->kind == S_FOR && s->step ? new_label() : cnd;
	int m0 = ndeclared;

	if (s->init) {
		if (s->init->kind == S_VAR) {
			declare(s->init);
			note_declared(s->init->var);
		} else {
			gen_stmt(s->init);
		}
	}
	if (nloops >= 256)
		error_at(s->pos, "loops nested too deep (at most 256)");
	brk[nloops] = end;
	cont[nloops] = cn;
	nloops++;
	mark(BACK, top);
	mark(BACK, cn);
	mark(BACK, cnd);
	if (s->e)
		ins_jmp(cnd);
	label(top);
	gen_stmt(s->then);
	if (cn != cnd) {
		label(cn);
		gen_stmt(s->step);
	}
	if (s->e) {
		label(cnd);
		gen_cond(s->e, top, 1);
	} else {
		ins_jmp(top);
	}
	nloops--;
	scope_end(m0);
	label(end);
}

static void gen_stmt(struct stmt *s)
{
	int mark = ndeclared, i;
	struct opnd v;

	curpos = s->pos;
	switch (s->kind) {
	case S_BLOCK:
		for (i = 0; i < s->nbody; i++)
			gen_stmt(s->body[i]);
		scope_end(mark);
		break;
	case S_VAR:
		declare(s);
		note_declared(s->var);
		break;
	case S_ASSIGN:
		gen_assign(s);
		break;
	case S_EXPR:
		v = gen_expr(s->e);
		free_op(&v);
		break;
	case S_IF: {
		char *els = new_label(), *end = s->els ? new_label() : els;

		gen_cond(s->e, els, 0);
		gen_stmt(s->then);
		scope_end(mark);
		if (s->els) {
			ins_jmp(end);
			label(els);
			gen_stmt(s->els);
			scope_end(mark);
		}
		label(end);
		break;
	}
	case S_IFLET: {
		char *els = new_label(), *end = s->els ? new_label() : els;

		v = gen_expr(s->e);
		reg_of(&v);
		ins("test %s, %s", R64[v.reg], R64[v.reg]);
		ins_j("e", els);
		store_var(s->var, &v);
		free_op(&v);
		s->var->live = 1;
		note_declared(s->var);
		gen_stmt(s->then);
		scope_end(mark);
		if (s->els) {
			ins_jmp(end);
			label(els);
			gen_stmt(s->els);
			scope_end(mark);
		}
		label(end);
		break;
	}
	case S_WHILE:
	case S_FOR:
		gen_loop(s);
		break;
	case S_BREAK:
		ins_jmp(brk[nloops - 1]);
		break;
	case S_CONTINUE:
		ins_jmp(cont[nloops - 1]);
		break;
	case S_RETURN:
		if (s->e) {
			v = gen_value(s->e, F->ret);
			mov_to(RAX, &v);
			free_op(&v);
		} else {
			ins("xor eax, eax");
		}
		ins_jmp(retlabel);
		break;
	}
}

/* ---- functions */
static void sig_text(struct func *f, FILE *o)
{
	int i;

	fprintf(o, "fn f.%s(", f->name);
	for (i = 0; i < f->nparams; i++)
		fprintf(o, "%s%s", i ? ", " : "", annot_type(f->params[i]->ty));
	fprintf(o, ") -> %s headroom %d\n", annot_type(f->ret), FN_HEADROOM);
}

/* write the buffer with every "@D@" replaced by N - 8 * D */
static void flush(FILE *o, int n)
{
	size_t i = 0;

	while (i < blen) {
		if (buf[i] == '@') {
			int d = atoi(buf + i + 1);

			fprintf(o, "%d", n - 8 * d);
			i = (size_t)(strchr(buf + i + 1, '@') - buf) + 1;
		} else {
			fputc(buf[i++], o);
		}
	}
	blen = 0;
}

static const char *trap_import_write, *trap_import_exit;

/* a label whose registers and depth slots are all junk (a trap's code
 * needs none of them); the headroom is that of the depth */
static void junk_label(const char *l, int d)
{
	int j;

	out("%s: {rbx: junk, rbp: junk, r12: junk, r13: junk, r14: junk, r15: junk} [", l);
	for (j = 0; j < d; j++)
		out("%sjunk", j ? ", " : "");
	out("] headroom @%d@\n", d);
}

/* e or an expression inside it satisfies p */
static int expr_any(struct expr *e, int (*p)(struct expr *))
{
	int i;

	if (!e)
		return 0;
	if (p(e) || expr_any(e->a, p) || expr_any(e->b, p))
		return 1;
	for (i = 0; i < e->nargs; i++)
		if (expr_any(e->args[i], p))
			return 1;
	return 0;
}

/* an expression of s or of a statement inside it satisfies p; with
 * null_decl, so does a declaration without value of a reference (its
 * null comes from a null cell, which takes rdx) */
static int stmt_any(struct stmt *s, int (*p)(struct expr *), int null_decl)
{
	int i;

	if (!s)
		return 0;
	for (i = 0; i < s->nbody; i++)
		if (stmt_any(s->body[i], p, null_decl))
			return 1;
	if (expr_any(s->e, p) || expr_any(s->lhs, p))
		return 1;
	if (null_decl && s->kind == S_VAR && !s->e && s->var->ty->kind != TY_INT)
		return 1;
	return stmt_any(s->then, p, null_decl) || stmt_any(s->els, p, null_decl) ||
	       stmt_any(s->init, p, null_decl) || stmt_any(s->step, p, null_decl);
}

/* e itself calls something (len is not a call) */
static int is_call(struct expr *e)
{
	return (e->kind == E_CALL && e->bi != B_LEN) || e->kind == E_NEW || e->kind == E_NEWARR;
}

/* e itself needs rcx or rdx as scratch (division, variable shifts, null
 * values, global scalars) */
static int needs_scratch(struct expr *e)
{
	if (e->kind == E_BINARY && (e->op == OP_DIV || e->op == OP_MOD ||
				    ((e->op == OP_SHL || e->op == OP_SHR) && e->b->kind != E_NUM)))
		return 1;
	return e->kind == E_NULL || (e->kind == E_NAME && e->nk == N_GLOBAL && !e->glob->is_array);
}

static void gen_func(struct func *f, FILE *o)
{
	int i, n;
	char *ovf;
	volatile int extra = stmt_any(f->body, is_call, 0) ? 0 : stmt_any(f->body, needs_scratch, 1) ? 4 : 6;

	F = f;
	if (setjmp(retry))
		extra = 0;	/* the temporaries needed the registers */
	alloc_func(f, extra);
	memset(pool_off, 0, sizeof(pool_off));
	for (i = 0; i < f->nextra; i++)
		pool_off[f->extraregs[i]] = 1;
	depth = maxdepth = 0;
	ntraps = 0;
	ndeclared = 0;
	nloops = 0;
	memset(temp, 0, sizeof(temp));
	for (i = 0; i < f->nvars; i++)
		f->vars[i]->live = 0;
	blen = 0;
	reachable = 1;
	retlabel = new_label();
	ovf = new_label();
	curpos = f->pos;
	for (i = 0; i < f->ncallee; i++) {
		ins("push %s", R64[f->calleeregs[i]]);
		push_slot(SL_SAVED, f->calleeregs[i], NULL);
	}
	if (f->nslots) {
		if (depth + f->nslots > MAXSLOTS)
			error_at(f->pos, "function '%s' has too many variables for its %d stack slots", f->name, MAXSLOTS);
		ins("sub rsp, %d", 8 * f->nslots);
		for (i = 0; i < f->nslots; i++)
			push_slot(SL_VAR, i, NULL);
	}
	{
		/* parameters to their homes: slots first, then the registers
		 * at once (homes may be argument registers of other parameters) */
		struct opnd src[6];
		int dst[6], k = 0;

		for (i = 0; i < f->nparams; i++) {
			struct opnd p = { O_VREG, argreg[i], 0, NULL, f->params[i]->ty };

			if (f->params[i]->slot >= 0)
				store_var(f->params[i], &p);
		}
		for (i = 0; i < f->nparams; i++) {
			if (f->params[i]->reg < 0)
				continue;
			src[k] = (struct opnd){ O_TEMP, argreg[i], 0, NULL, f->params[i]->ty };
			dst[k++] = f->params[i]->reg;
		}
		parallel_move(src, dst, k);
		for (i = 0; i < f->nparams; i++)
			f->params[i]->live = 1;
	}
	gen_stmt(f->body);
	if (reachable)
		ins("xor eax, eax");	/* a void function's end (others cannot get here) */
	for (i = 0; i < f->nvars; i++)
		f->vars[i]->live = 0;
	label_t(retlabel, 0, annot_type(f->ret));
	if (f->nslots) {
		ins("add rsp, %d", 8 * f->nslots);
		depth -= f->nslots;
	}
	for (i = f->ncallee - 1; i >= 0; i--) {
		ins("pop %s", R64[f->calleeregs[i]]);
		depth--;
	}
	ins("ret");
	reachable = 0;
	/* traps: call kc.trap, which does not return */
	for (i = 0; i < ntraps; i++) {
		char *spin = new_label();

		depth = traps[i].depth;
		junk_label(traps[i].label, depth);
		out("    mov edi, %d\n    call kc.trap\n", traps[i].kind);
		junk_label(spin, depth);
		out("    jmp %s\n", spin);
	}
	/* stack overflow at entry: only the signature's headroom is known */
	out("%s: {} headroom %d\n", ovf, FN_HEADROOM);
	out("    mov edi, 2\n    lea rsi, [kc.msg.3]\n    xor edx, edx\n    mov rcx, [rsi - 8]\n");
	out("    call [%s]\n    mov edi, 103\n    call [%s]\n", trap_import_write, trap_import_exit);
	out("%s.spin: {} headroom %d\n    jmp %s.spin\n", ovf, FN_HEADROOM, ovf);

	n = 8 * maxdepth + CALL_NEED;
	if (n > (1 << 20))
		error_at(f->pos, "function '%s' needs too much stack", f->name);
	sig_text(f, o);
	fprintf(o, "    lea r11, [rsp - %d]\n    cmp r11, [stack_limit]\n    jb %s\n", n, ovf);
	flush(o, n);
}

/* kc.trap(kind): print the reason on fd 2, exit with 100 + kind */
static void gen_trap(FILE *o)
{
	fprintf(o, "fn kc.trap(int) -> int headroom %d\n", FN_HEADROOM);
	fprintf(o, "    push rdi\n"
		   "    lea rsi, [kc.msg.1]\n"
		   "    cmp rdi, 2\n"
		   "    jne kc.trap.w\n"
		   "    lea rsi, [kc.msg.2]\n"
		   "kc.trap.w: {rsi: arr byte} [int] headroom %d\n"
		   "    mov edi, 2\n"
		   "    xor edx, edx\n"
		   "    mov rcx, [rsi - 8]\n"
		   "    call [%s]\n"
		   "    pop rdi\n"
		   "    add rdi, 100\n"
		   "    call [%s]\n"
		   "    xor eax, eax\n"
		   "    ret\n", FN_HEADROOM - 8, trap_import_write, trap_import_exit);
}

void gen_program(FILE *o)
{
	FILE *code = tmpfile();
	char line[4096];
	int i;

	if (!code) {
		perror("ktal-cc: tmpfile");
		exit(2);
	}
	buf = xalloc(bcap = 65536);
	nimps = 0;
	trap_import_write = import("write");
	trap_import_exit = import("exit");
	gen_trap(code);
	for (i = 0; i < prog.nfuncs; i++)
		gen_func(prog.funcs[i], code);
	/* declarations first: they name every type the code uses */
	fprintf(o, "; generated by ktal-cc from KC source: do not edit\n");
	annot_emit_decls(o);
	for (i = 0; i < nimps; i++)
		fprintf(o, "import %s = %s\n", imps[i].name, imps[i].decl);
	fprintf(o, "data kc.msg.1: byte = \"index out of bounds\\n\"\n");
	fprintf(o, "data kc.msg.2: byte = \"out of memory\\n\"\n");
	fprintf(o, "data kc.msg.3: byte = \"stack overflow\\n\"\n");
	fprintf(o, "entry f.main\n");
	rewind(code);
	while (fgets(line, sizeof(line), code))
		fputs(line, o);
	fclose(code);
}
