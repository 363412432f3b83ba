/* alloc.c - register allocation for local variables.
 *
 * Every local (parameters included) gets a home for its whole scope: one
 * of the six callee-saved registers, which survive calls, or a stack
 * slot.  Variables are taken by weight (uses, x8 per enclosing loop);
 * each gets the first register whose other variables' scopes do not
 * overlap its own, else the first such slot.  Scopes are intervals of
 * statement numbers (types.c), so variables of sibling blocks share
 * homes.  Temporaries are allocated separately, during code generation
 * (gen.c), from the caller-saved registers.
 */
#include <stdlib.h>
#include "cc.h"

static const int callee[6] = { 3, 12, 13, 14, 15, 5 };	/* rbx r12 r13 r14 r15 rbp */

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

void alloc_func(struct func *f)
{
	struct var **v = xalloc(sizeof(*v) * (size_t)(f->nvars + 1));
	int i, j, k, used[6] = { 0 };

	for (i = 0; i < f->nvars; i++)
		v[i] = f->vars[i];
	qsort(v, (size_t)f->nvars, sizeof(*v), by_weight);
	f->nslots = 0;
	for (i = 0; i < f->nvars; i++) {
		for (k = 0; k < 6; k++) {
			for (j = 0; j < i; j++)
				if (v[j]->reg == callee[k] && overlaps(v[i], v[j]))
					break;
			if (j == i)
				break;
		}
		if (k < 6) {
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
	f->ncallee = 0;
	for (k = 0; k < 6; k++)
		if (used[k])
			f->calleeregs[f->ncallee++] = callee[k];
	free(v);
}
