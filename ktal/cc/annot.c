/* annot.c - the KTAL side of types: their spelling in assembly, the
 * signatures (one "sig" per distinct function type), the imports of the
 * services, the globals, and the declarations that open the output.
 *
 * Assembly names: structs "s.NAME", signatures "sig.N", functions
 * "f.NAME", globals "g.N", imports "i.N", null cells "n.N".  A null
 * cell is a one-element zero-filled global array of a nullable type: the
 * checker gives a register a nullable type only from memory, so a null
 * value is loaded from there.
 */
#include <string.h>
#include "cc.h"

static struct type **sigs;	/* function types, by signature number */
static int nsigs, sigcap;
static struct type **nulls;	/* nullable types with a null cell */
static int nnulls, nullcap;

void annot_reset(FILE *out)
{
	(void)out;
	nsigs = nnulls = 0;
}

static int sig_index(const struct type *fnty)
{
	struct type t = *fnty;
	int i;

	t.nullable = 0;
	for (i = 0; i < nsigs; i++)
		if (type_eq(sigs[i], &t))
			return i;
	GROW(sigs, nsigs, sigcap);
	sigs[nsigs] = type_nonnull(fnty);
	return nsigs++;
}

const char *annot_sig(const struct type *fnty)
{
	static char buf[8][32];
	static int k;

	k = (k + 1) % 8;
	snprintf(buf[k], sizeof(buf[k]), "sig.%d", sig_index(fnty));
	return buf[k];
}

/* the KTAL type of a KC value type (void results are int 0) */
static void ktype(const struct type *t, char *buf, size_t n)
{
	char e[4096];

	switch (t->kind) {
	case TY_INT:
	case TY_VOID:
	case TY_NULL:
		snprintf(buf, n, "int");
		return;
	case TY_BYTE:
		snprintf(buf, n, "byte");
		return;
	case TY_STRUCT:
		snprintf(buf, n, "ptr%s s.%s", t->nullable ? "?" : "", prog.structs[t->sid].name);
		return;
	case TY_ARR:
		ktype(t->elem, e, sizeof(e));
		snprintf(buf, n, "arr%s %s", t->nullable ? "?" : "", e);
		return;
	case TY_FN:
		snprintf(buf, n, "fn%s sig.%d", t->nullable ? "?" : "", sig_index(t));
		return;
	}
}

const char *annot_type(const struct type *t)
{
	static char buf[16][4096];
	static int k;

	k = (k + 1) % 16;
	ktype(t, buf[k], sizeof(buf[k]));
	return buf[k];
}

const char *annot_null_global(const struct type *t)
{
	static char buf[8][32];
	static int k;
	int i;

	for (i = 0; i < nnulls; i++)
		if (type_eq(nulls[i], t))
			break;
	if (i == nnulls) {
		GROW(nulls, nnulls, nullcap);
		nulls[nnulls++] = type_nullable(t);
	}
	k = (k + 1) % 8;
	snprintf(buf[k], sizeof(buf[k]), "n.%d", i);
	return buf[k];
}

/* Signatures must be declared before the structs and signatures that
 * mention them, and after the structs they mention. */
static int *sig_done;		/* sig_done[i]: signature i was written */
static int ndone;		/* entries of sig_done, all initialised */
static int struct_done;		/* structs declared so far */

/* sig_done covers every signature (new ones appear while writing) */
static void grow_done(void)
{
	if (ndone >= nsigs)
		return;
	sig_done = xrealloc(sig_done, sizeof(int) * (size_t)nsigs);
	while (ndone < nsigs)
		sig_done[ndone++] = 0;
}

static void need_sigs(const struct type *t, FILE *out, struct pos at);

static void emit_sig(int i, FILE *out, struct pos at)
{
	struct type *t = sigs[i];
	int j;

	grow_done();
	if (sig_done[i])
		return;
	sig_done[i] = 1;
	for (j = 0; j < t->nparams; j++)
		need_sigs(t->params[j], out, at);
	need_sigs(t->ret, out, at);
	fprintf(out, "sig sig.%d(", i);
	for (j = 0; j < t->nparams; j++)
		fprintf(out, "%s%s", j ? ", " : "", annot_type(t->params[j]));
	fprintf(out, ") -> %s headroom 80\n", annot_type(t->ret));
}

static void need_sigs(const struct type *t, FILE *out, struct pos at)
{
	if (t->kind == TY_STRUCT && t->sid >= struct_done)
		error_at(at, "a function type here mentions struct %s, which is declared later; declare it first",
			 prog.structs[t->sid].name);
	if (t->kind == TY_ARR)
		need_sigs(t->elem, out, at);
	if (t->kind == TY_FN) {
		emit_sig(sig_index(t), out, at);
	}
}

static void struct_sigs(const struct type *t, FILE *out, struct pos at, int self)
{
	if (t->kind == TY_ARR)
		struct_sigs(t->elem, out, at, self);
	if (t->kind == TY_FN) {
		struct_done = self;	/* a signature may not mention the struct being declared */
		need_sigs(t, out, at);
		struct_done = self + 1;
	}
}

void annot_emit_decls(FILE *out)
{
	int i, j;

	grow_done();
	struct_done = 0;
	for (i = 0; i < prog.nstructs; i++) {
		struct sdecl *sd = &prog.structs[i];

		struct_done = i + 1;
		for (j = 0; j < sd->nfields; j++)
			struct_sigs(sd->fields[j].ty, out, sd->fields[j].pos, i);
		fprintf(out, "struct s.%s { ", sd->name);
		for (j = 0; j < sd->nfields; j++)
			fprintf(out, "%s%s: %s", j ? ", " : "", sd->fields[j].name, annot_type(sd->fields[j].ty));
		fprintf(out, " }\n");
	}
	struct_done = prog.nstructs;
	/* register the signatures of the globals' and null cells' types
	 * (written below) before the signatures are written */
	for (i = 0; i < prog.nglobals; i++)
		(void)annot_type(prog.globals[i]->ty);
	for (i = 0; i < nnulls; i++)
		(void)annot_type(nulls[i]);
	for (i = 0; i < nsigs; i++)
		emit_sig(i, out, prog.funcs[0]->pos);
	for (i = 0; i < nnulls; i++)
		fprintf(out, "data n.%d: %s[1]\n", i, annot_type(nulls[i]));
	for (i = 0; i < prog.nglobals; i++) {
		struct global *g = prog.globals[i];

		if (!g->is_array && g->ty->kind == TY_INT) {
			/* a scalar: a one-element array */
			fprintf(out, "data g.%d: int = %lld\n", g->id, g->ninit ? (long long)g->init[0] : 0LL);
		} else if (!g->is_array) {
			fprintf(out, "data g.%d: %s[1]\n", g->id, annot_type(g->ty));
		} else if (g->len && (g->bytes || g->ninit)) {
			fprintf(out, "data g.%d: %s = ", g->id, annot_type(g->ty->elem));
			if (g->bytes)
				for (j = 0; j < g->nbytes; j++)
					fprintf(out, "%s%d", j ? "," : "", (unsigned char)g->bytes[j]);
			else
				for (j = 0; j < g->ninit; j++)
					fprintf(out, "%s%lld", j ? "," : "",
						g->ty->elem->kind == TY_BYTE ? (long long)(g->init[j] & 255)
									     : (long long)g->init[j]);
			fprintf(out, "\n");
		} else {
			fprintf(out, "data g.%d: %s[%lld]\n", g->id, annot_type(g->ty->elem), (long long)g->len);
		}
	}
}
