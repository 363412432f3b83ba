/* alloc.c - register allocation for local variables.
 *
 * Every local (parameters included) gets a home for its whole scope: one
 * of the six callee-saved registers, which survive calls, or a stack
 * slot.  Variables are taken by weight (uses, x8 per enclosing loop);
 * each gets the first register whose other variables' scopes do not
 * overlap its own, else the first such slot.  Scopes are intervals of
 * statement numbers (types.c), so variables of sibling blocks share
 * homes.  Temporaries are allocated separately, during code generation
 * (gen.c), from the caller-saved registers.  A function that calls
 * nothing may also give variables up to "extra" caller-saved registers
 * (r11 r10 r9 r8, and rcx rdx when it needs no scratch register for
 * division, shifts by a variable or null values), taken after the callee-saved ones, which cost a push
 * and a pop; those registers are then not temporaries.
 */
#include <stdlib.h>
#include "cc.h"

/* rbx r12 r13 r14 r15 rbp, then r11 r10 r9 r8 rcx rdx */
static const int callee[12] = { 3, 12, 13, 14, 15, 5, 11, 10, 9, 8, 1, 2 };

static int by_weight(const void *a, const void *b)
{
	const struct var *x = *(struct var *const *)a, *y = *(struct var *const *)b;

	if (x->weight != y->weight)
		return x->weight < y->weight ? 1 : -1;
	return x->first - y->first;
}

static int overlaps(const struct var *a, const struct var *b)
{
	return a->first <= b->last && b->first <= a->last;
}

void alloc_func(struct func *f, int extra)
{
	struct var **v = xalloc(sizeof(*v) * (size_t)(f->nvars + 1));
	int i, j, k, nregs = 6 + extra, used[12] = { 0 };

	for (i = 0; i < f->nvars; i++)
		v[i] = f->vars[i];
	qsort(v, (size_t)f->nvars, sizeof(*v), by_weight);
	f->nslots = 0;
	for (i = 0; i < f->nvars; i++)
		v[i]->reg = v[i]->slot = -1;
	for (i = 0; i < f->nvars; i++) {
		for (k = 0; k < nregs; k++) {
			for (j = 0; j < i; j++)
				if (v[j]->reg == callee[k] && overlaps(v[i], v[j]))
					break;
			if (j == i)
				break;
		}
		if (k < nregs) {
			v[i]->reg = callee[k];
			used[k] = 1;
			continue;
		}
		for (k = 0;; k++) {
			for (j = 0; j < i; j++)
				if (v[j]->slot == k && overlaps(v[i], v[j]))
					break;
			if (j == i)
				break;
		}
		v[i]->slot = k;
		if (k + 1 > f->nslots)
			f->nslots = k + 1;
	}
	f->ncallee = f->nextra = 0;
	for (k = 0; k < 6; k++)
		if (used[k])
			f->calleeregs[f->ncallee++] = callee[k];
	for (k = 6; k < nregs; k++)
		if (used[k])
			f->extraregs[f->nextra++] = callee[k];
	free(v);
}
