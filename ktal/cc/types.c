/* types.c - KC type checking (docs/ktal/lang.md, "Types" and "Rules").
 *
 * Resolves every name, gives every expression its type, checks every
 * rule of the language, numbers statements for the register allocator
 * (scope intervals) and weighs variable uses by loop depth.  Constant
 * subexpressions are folded with the language's own arithmetic
 * (wrapping; x / 0 == 0 and x % 0 == x).  After check_program() the tree
 * is well typed: code generation cannot meet a type error.
 */
#include <stdlib.h>
#include <string.h>
#include "cc.h"

struct type ty_int = { TY_INT, 0, 0, 0, 0, { 0 }, 0 };
struct type ty_byte = { TY_BYTE, 0, 0, 0, 0, { 0 }, 0 };
struct type ty_void = { TY_VOID, 0, 0, 0, 0, { 0 }, 0 };
struct type ty_null = { TY_NULL, 0, 0, 0, 0, { 0 }, 0 };

struct type *type_new(enum tykind k)
{
	struct type *t = xalloc(sizeof(*t));

	t->kind = k;
	return t;
}

int type_eq(const struct type *a, const struct type *b)
{
	int i;

	if (a->kind != b->kind || a->nullable != b->nullable)
		return 0;
	switch (a->kind) {
	case TY_STRUCT:
		return a->sid == b->sid;
	case TY_ARR:
		return type_eq(a->elem, b->elem);
	case TY_FN:
		if (a->nparams != b->nparams || !type_eq(a->ret, b->ret))
			return 0;
		for (i = 0; i < a->nparams; i++)
			if (!type_eq(a->params[i], b->params[i]))
				return 0;
		return 1;
	default:
		return 1;
	}
}

int type_is_ref(const struct type *t)
{
	return t->kind == TY_STRUCT || t->kind == TY_ARR || t->kind == TY_FN;
}

/* a value of type a may be stored where b is expected */
int type_sub(const struct type *a, const struct type *b)
{
	if (a->kind == TY_NULL)
		return type_is_ref(b) && b->nullable;
	if (b->kind == TY_BYTE)
		return a->kind == TY_INT || a->kind == TY_BYTE;
	if (type_is_ref(a) && a->kind == b->kind && !a->nullable && b->nullable) {
		struct type c = *a;

		c.nullable = 1;
		return type_eq(&c, b);
	}
	return type_eq(a, b);
}

int type_zero_valid(const struct type *t)
{
	return t->kind == TY_INT || t->kind == TY_BYTE || (type_is_ref(t) && t->nullable);
}

struct type *type_nonnull(const struct type *t)
{
	struct type *c = xalloc(sizeof(*c));

	*c = *t;
	c->nullable = 0;
	return c;
}

struct type *type_nullable(const struct type *t)
{
	struct type *c = xalloc(sizeof(*c));

	*c = *t;
	c->nullable = 1;
	return c;
}

void type_str(const struct type *t, char *buf, size_t n)
{
	char a[256], b[256];
	int i;
	size_t l;

	switch (t->kind) {
	case TY_INT: snprintf(buf, n, "int"); return;
	case TY_BYTE: snprintf(buf, n, "byte"); return;
	case TY_VOID: snprintf(buf, n, "void"); return;
	case TY_NULL: snprintf(buf, n, "null"); return;
	case TY_STRUCT:
		snprintf(buf, n, "%s%s", prog.structs[t->sid].name, t->nullable ? "?" : "");
		return;
	case TY_ARR:
		type_str(t->elem, a, sizeof(a));
		snprintf(buf, n, "%s[]%s", a, t->nullable ? "?" : "");
		return;
	case TY_FN:
		snprintf(a, sizeof(a), "%sfn(", t->nullable ? "(" : "");
		for (i = 0; i < t->nparams; i++) {
			type_str(t->params[i], b, sizeof(b));
			l = strlen(a);
			snprintf(a + l, sizeof(a) - l, "%s%s", i ? ", " : "", b);
		}
		l = strlen(a);
		if (t->ret->kind != TY_VOID) {
			type_str(t->ret, b, sizeof(b));
			snprintf(a + l, sizeof(a) - l, ") -> %s", b);
		} else {
			snprintf(a + l, sizeof(a) - l, ")");
		}
		snprintf(buf, n, "%s%s", a, t->nullable ? ")?" : "");
		return;
	}
}

static const char *tstr(const struct type *t)
{
	static char bufs[4][256];
	static int k;

	k = (k + 1) % 4;
	type_str(t, bufs[k], sizeof(bufs[k]));
	return bufs[k];
}

/* ---- names */
static const char *builtins[] = { "", "len", "free", "exit", NULL };

const struct kc_service kc_services[] = {
	{ "read", "ibii", { "fd", "buffer", "offset", "count" } },
	{ "write", "ibii", { "fd", "buffer", "offset", "count" } },
	{ "open", "bii", { "path", "flags", "mode" } },
	{ "close", "i", { "fd" } },
	{ "getpid", "", { 0 } },
	{ "openat", "ibii", { "dirfd", "path", "flags", "mode" } },
	{ "lseek", "iii", { "fd", "offset", "whence" } },
	{ "fstat", "iI", { "fd", "stat" } },
	{ "getdents64", "ibii", { "fd", "buffer", "offset", "count" } },
	{ "unlink", "b", { "path" } },
	{ "rename", "bb", { "old path", "new path" } },
	{ "mkdir", "bi", { "path", "mode" } },
	{ "clock_gettime", "i", { "clock" } },
	{ "nanosleep", "i", { "ns" } },
	{ "pipe2", "Ii", { "fds", "flags" } },
	{ "dup2", "ii", { "old fd", "new fd" } },
	{ "socket", "iii", { "domain", "type", "protocol" } },
	{ "bind", "ib", { "fd", "address" } },
	{ "listen", "ii", { "fd", "backlog" } },
	{ "accept4", "ii", { "fd", "flags" } },
	{ "connect", "ib", { "fd", "address" } },
	{ "shutdown", "ii", { "fd", "how" } },
	{ "sendto", "ibii", { "fd", "buffer", "offset", "count" } },
	{ "recvfrom", "ibii", { "fd", "buffer", "offset", "count" } },
	{ "setsockopt", "iiii", { "fd", "level", "option", "value" } },
	{ "poll", "Iii", { "fds", "count", "timeout" } },
	{ "getrandom", "biii", { "buffer", "offset", "count", "flags" } },
	{ "argc", "", { 0 } },
	{ "arg", "ibi", { "n", "buffer", "offset" } },
	/* processes and signals; v is execve's byte[]?[] */
	{ "kill", "ii", { "pid", "signal" } },
	{ "fork", "", { 0 } },
	{ "waitpid", "iIi", { "pid", "status", "options" } },
	{ "execve", "bv", { "path", "argv" } },
	{ "signal", "ii", { "signal", "disposition" } },
	{ "sigtimedwait", "ii", { "mask", "timeout" } },
	{ NULL, NULL, { 0 } }
};

static int service_of(const char *n)
{
	int i;

	for (i = 0; kc_services[i].name; i++)
		if (!strcmp(kc_services[i].name, n))
			return i;
	return -1;
}

static enum builtin builtin_of(const char *n)
{
	int i;

	for (i = 1; builtins[i]; i++)
		if (!strcmp(builtins[i], n))
			return (enum builtin)i;
	return service_of(n) >= 0 ? B_SVC : B_NONE;
}

static struct func *find_func(const char *n)
{
	int i;

	for (i = 0; i < prog.nfuncs; i++)
		if (!strcmp(prog.funcs[i]->name, n))
			return prog.funcs[i];
	return NULL;
}

static struct global *find_global(const char *n)
{
	int i;

	for (i = 0; i < prog.nglobals; i++)
		if (prog.globals[i]->name && !strcmp(prog.globals[i]->name, n))
			return prog.globals[i];
	return NULL;
}

/* the scope stack of locals */
static struct var **scope;
static int nscope, scap;
static struct func *curfn;
static int stmtno, loopdepth, inloop;

static struct var *find_local(const char *n)
{
	int i;

	for (i = nscope - 1; i >= 0; i--)
		if (!strcmp(scope[i]->name, n))
			return scope[i];
	return NULL;
}

static void check_new_name(const char *n, struct pos p)
{
	if (builtin_of(n))
		error_at(p, "'%s' is a built-in function and cannot be redefined", n);
}

static struct var *declare(const char *name, struct pos p, struct type *t)
{
	struct var *v = xalloc(sizeof(*v));
	int i;

	check_new_name(name, p);
	for (i = nscope - 1; i >= 0; i--)
		if (!strcmp(scope[i]->name, name))
			error_at(p, "'%s' is already declared in this function (at line %d)", name, scope[i]->pos.line);
	v->name = (char *)name;
	v->pos = p;
	v->ty = t;
	v->first = stmtno;
	v->reg = v->slot = -1;
	GROW(scope, nscope, scap);
	scope[nscope++] = v;
	GROW(curfn->vars, curfn->nvars, curfn->cap);
	curfn->vars[curfn->nvars++] = v;
	return v;
}

/* leave the scope down to n entries; their scope ends here */
static void unscope(int n)
{
	while (nscope > n)
		scope[--nscope]->last = stmtno;
}

static double use_weight(void)
{
	double w = 1;
	int i;

	for (i = 0; i < loopdepth && i < 6; i++)
		w *= 8;
	return w;
}

/* ---- the types written in declarations */
static void check_written_type(struct type *t, struct pos p)
{
	int i;

	switch (t->kind) {
	case TY_ARR:
		if (!type_zero_valid(t->elem))
			error_at(p, "array elements must be byte, int or a nullable type, not %s (write %s?)",
				 tstr(t->elem), tstr(t->elem));
		check_written_type(t->elem, p);
		break;
	case TY_FN:
		for (i = 0; i < t->nparams; i++) {
			if (t->params[i]->kind == TY_BYTE)
				error_at(p, "a parameter cannot have type byte (bytes exist only in arrays); use int");
			check_written_type(t->params[i], p);
		}
		if (t->ret->kind == TY_BYTE)
			error_at(p, "a result cannot have type byte (bytes exist only in arrays); use int");
		check_written_type(t->ret, p);
		break;
	default:
		break;
	}
}

static void check_value_type(struct type *t, struct pos p, const char *what)
{
	if (t->kind == TY_BYTE)
		error_at(p, "%s cannot have type byte (bytes exist only in arrays); use int", what);
	check_written_type(t, p);
}

/* ---- expressions */
static struct type *check_expr(struct expr *e);

static void need_int(struct expr *e, const char *what)
{
	struct type *t = check_expr(e);

	if (t->kind != TY_INT)
		error_at(e->pos, "%s must be int, found %s", what, tstr(t));
}

static void need_value(struct expr *e, struct type *t)
{
	if (t->kind == TY_VOID)
		error_at(e->pos, "this call returns no value; expected an expression with a value");
}

/* e checked against expected type t (assignment compatibility) */
static void check_arg(struct expr *e, struct type *t, const char *what)
{
	struct type *a = check_expr(e);

	need_value(e, a);
	if (!type_sub(a, t)) {
		if (a->kind == TY_NULL)
			error_at(e->pos, "%s: null is not a value of the non-null type %s", what, tstr(t));
		if (type_is_ref(a) && a->nullable && type_sub(type_nonnull(a), t))
			error_at(e->pos, "%s: expected %s, found the nullable %s; check it with 'if (let x = ...)'",
				 what, tstr(t), tstr(a));
		error_at(e->pos, "%s: expected %s, found %s", what, tstr(t), tstr(a));
	}
}

static int64_t fold(int op, int64_t x, int64_t y)
{
	uint64_t a = (uint64_t)x, b = (uint64_t)y;

	switch (op) {
	case OP_ADD: return (int64_t)(a + b);
	case OP_SUB: return (int64_t)(a - b);
	case OP_MUL: return (int64_t)(a * b);
	case OP_DIV:
		if (!y) return 0;
		if (y == -1) return (int64_t)(0 - a);
		return x / y;
	case OP_MOD:
		if (!y) return x;
		if (y == -1) return 0;
		return x % y;
	case OP_SHL: return (int64_t)(a << (b & 63));
	case OP_SHR: return x >> (b & 63);
	case OP_AND: return x & y;
	case OP_OR: return x | y;
	case OP_XOR: return x ^ y;
	case OP_EQ: return x == y;
	case OP_NE: return x != y;
	case OP_LT: return x < y;
	case OP_LE: return x <= y;
	case OP_GT: return x > y;
	case OP_GE: return x >= y;
	}
	return 0;
}

static struct type *check_call(struct expr *e)
{
	struct expr *c = e->a;
	struct type *ft = NULL;
	int i;

	if (c->kind == E_NAME && !find_local(c->str) && !find_global(c->str) && !find_func(c->str)) {
		static const int nargs[] = { 0, 1, 1, 1 };
		int want;
		struct type *t;

		e->bi = builtin_of(c->str);
		if (!e->bi)
			error_at(c->pos, "unknown function '%s'", c->str);
		if (e->bi == B_SVC) {
			e->svc = service_of(c->str);
			want = (int)strlen(kc_services[e->svc].args);
		} else {
			want = nargs[e->bi];
		}
		if (e->nargs != want)
			error_at(e->pos, "%s takes %d argument%s, found %d", c->str, want,
				 want == 1 ? "" : "s", e->nargs);
		switch (e->bi) {
		case B_LEN:
			t = check_expr(e->args[0]);
			if (t->kind != TY_ARR)
				error_at(e->args[0]->pos, "len: expected an array, found %s", tstr(t));
			if (t->nullable)
				error_at(e->args[0]->pos, "len: the array %s may be null; check it with 'if (let x = ...)'", tstr(t));
			return &ty_int;
		case B_FREE:
			t = check_expr(e->args[0]);
			if (t->kind != TY_ARR && t->kind != TY_STRUCT)
				error_at(e->args[0]->pos, "free: expected a struct or an array, found %s", tstr(t));
			return &ty_void;
		case B_EXIT:
			check_arg(e->args[0], &ty_int, "argument 1 (status)");
			return &ty_void;
		case B_SVC: {
			const struct kc_service *sv = &kc_services[e->svc];
			struct type bt = { TY_ARR, 0, &ty_byte, 0, 0, { 0 }, 0 };
			struct type it = { TY_ARR, 0, &ty_int, 0, 0, { 0 }, 0 };
			/* byte[]?[]: the service takes arr? (arr? byte), KC the
			 * non-null array of nullable arguments */
			struct type bq = { TY_ARR, 1, &ty_byte, 0, 0, { 0 }, 0 };
			struct type vt = { TY_ARR, 0, &bq, 0, 0, { 0 }, 0 };

			for (i = 0; i < want; i++) {
				char what[48];
				char code = sv->args[i];

				snprintf(what, sizeof(what), "argument %d (%s)", i + 1, sv->what[i]);
				check_arg(e->args[i], code == 'b' ? &bt : code == 'I' ? &it :
					  code == 'v' ? &vt : &ty_int, what);
			}
			return &ty_int;
		}
		default:
			break;
		}
	}
	if (c->kind == E_NAME && !find_local(c->str) && !find_global(c->str))
		e->fn = find_func(c->str);
	ft = check_expr(c);
	if (ft->kind != TY_FN)
		error_at(c->pos, "called value is not a function: it has type %s", tstr(ft));
	if (ft->nullable)
		error_at(c->pos, "the function value %s may be null; check it with 'if (let f = ...)'", tstr(ft));
	if (e->nargs != ft->nparams)
		error_at(e->pos, "wrong number of arguments: expected %d, found %d", ft->nparams, e->nargs);
	for (i = 0; i < e->nargs; i++) {
		char what[32];

		snprintf(what, sizeof(what), "argument %d", i + 1);
		check_arg(e->args[i], ft->params[i], what);
	}
	return ft->ret;
}

static struct global *new_string_global(struct expr *e)
{
	struct global *g = xalloc(sizeof(*g));
	struct type *t = type_new(TY_ARR);

	t->elem = &ty_byte;
	g->ty = t;
	g->is_array = 1;
	g->bytes = e->str;
	g->nbytes = e->len;
	g->len = e->len;
	g->pos = e->pos;
	GROW(prog.globals, prog.nglobals, prog.gcap);
	prog.globals[prog.nglobals++] = g;
	return g;
}

static struct type *check_expr_(struct expr *e)
{
	struct type *a, *b;

	switch (e->kind) {
	case E_NUM:
		return &ty_int;
	case E_STR:
		e->glob = new_string_global(e);
		return e->glob->ty;
	case E_NULL:
		return &ty_null;
	case E_NAME:
		if ((e->var = find_local(e->str))) {
			e->nk = N_LOCAL;
			e->var->weight += use_weight();
			return e->var->ty;
		}
		if ((e->glob = find_global(e->str))) {
			e->nk = N_GLOBAL;
			return e->glob->ty;
		}
		if ((e->fn = find_func(e->str))) {
			e->nk = N_FUNC;
			return e->fn->fty;
		}
		if (builtin_of(e->str))
			error_at(e->pos, "built-in function '%s' can only be called, not used as a value", e->str);
		error_at(e->pos, "unknown name '%s'", e->str);
	case E_UNARY:
		need_int(e->a, e->op == OP_NEG ? "operand of '-'" : e->op == OP_NOT ? "operand of '!'" : "operand of '~'");
		if (e->a->kind == E_NUM) {
			int64_t x = e->a->num;

			e->kind = E_NUM;
			e->num = e->op == OP_NEG ? (int64_t)(0 - (uint64_t)x) : e->op == OP_NOT ? !x : ~x;
		}
		return &ty_int;
	case E_AND:
	case E_OR:
		need_int(e->a, e->kind == E_AND ? "left operand of '&&'" : "left operand of '||'");
		need_int(e->b, e->kind == E_AND ? "right operand of '&&'" : "right operand of '||'");
		return &ty_int;
	case E_BINARY:
		a = check_expr(e->a);
		b = check_expr(e->b);
		need_value(e->a, a);
		need_value(e->b, b);
		if ((e->op == OP_EQ || e->op == OP_NE) && (type_is_ref(a) || type_is_ref(b) ||
							   a->kind == TY_NULL || b->kind == TY_NULL)) {
			if (a->kind == TY_NULL && b->kind == TY_NULL)
				error_at(e->pos, "comparing null with null");
			if (a->kind == TY_NULL || b->kind == TY_NULL) {
				struct type *r = a->kind == TY_NULL ? b : a;

				if (!type_is_ref(r) || !r->nullable)
					error_at(e->pos, "only a nullable value can be compared with null, found %s", tstr(r));
				return &ty_int;
			}
			if (!type_is_ref(a) || !type_is_ref(b) ||
			    !type_eq(type_nonnull(a), type_nonnull(b)))
				error_at(e->pos, "'%s' compares values of the same type, found %s and %s",
					 e->op == OP_EQ ? "==" : "!=", tstr(a), tstr(b));
			return &ty_int;
		}
		if (a->kind != TY_INT)
			error_at(e->a->pos, "left operand of a binary operator must be int, found %s", tstr(a));
		if (b->kind != TY_INT)
			error_at(e->b->pos, "right operand of a binary operator must be int, found %s", tstr(b));
		if (e->a->kind == E_NUM && e->b->kind == E_NUM) {
			e->num = fold(e->op, e->a->num, e->b->num);
			e->kind = E_NUM;
		}
		return &ty_int;
	case E_CALL:
		return check_call(e);
	case E_INDEX:
		a = check_expr(e->a);
		if (a->kind != TY_ARR)
			error_at(e->a->pos, "indexed value is not an array: it has type %s", tstr(a));
		if (a->nullable)
			error_at(e->a->pos, "the array %s may be null; check it with 'if (let x = ...)'", tstr(a));
		need_int(e->b, "an array index");
		return a->elem->kind == TY_BYTE ? &ty_int : a->elem;
	case E_FIELD: {
		struct sdecl *sd;
		int i;

		a = check_expr(e->a);
		if (a->kind != TY_STRUCT)
			error_at(e->a->pos, "'.%s' applied to a value of type %s; expected a struct", e->str, tstr(a));
		if (a->nullable)
			error_at(e->a->pos, "the struct %s may be null; check it with 'if (let x = ...)'", tstr(a));
		sd = &prog.structs[a->sid];
		for (i = 0; i < sd->nfields; i++)
			if (!strcmp(sd->fields[i].name, e->str))
				break;
		if (i == sd->nfields)
			error_at(e->pos, "struct %s has no field '%s'", sd->name, e->str);
		e->field = i;
		return sd->fields[i].ty;
	}
	case E_NEW:
		if (e->tyarg->kind != TY_STRUCT || e->tyarg->nullable)
			error_at(e->pos, "'new' makes a struct (new S) or an array (new T[n]), found %s", tstr(e->tyarg));
		return e->tyarg;
	case E_NEWARR:
		if (!type_zero_valid(e->tyarg))
			error_at(e->pos, "array elements must be byte, int or a nullable type, not %s (write %s?)",
				 tstr(e->tyarg), tstr(e->tyarg));
		check_written_type(e->tyarg, e->pos);
		need_int(e->a, "an array length");
		b = type_new(TY_ARR);
		b->elem = e->tyarg;
		return b;
	}
	error_at(e->pos, "unknown expression");
}

static struct type *check_expr(struct expr *e)
{
	e->ty = check_expr_(e);
	return e->ty;
}

/* ---- statements */
int func_terminates(struct stmt *s)
{
	int i;

	if (!s)
		return 0;
	switch (s->kind) {
	case S_RETURN:
		return 1;
	case S_BLOCK:
		for (i = 0; i < s->nbody; i++)
			if (func_terminates(s->body[i]))
				return 1;
		return 0;
	case S_IF:
	case S_IFLET:
		return func_terminates(s->then) && func_terminates(s->els);
	case S_EXPR:
		return s->e->kind == E_CALL && s->e->bi == B_EXIT;
	default:
		return 0;
	}
}

static void check_stmt(struct stmt *s);

static void check_lvalue(struct expr *l)
{
	if (l->kind == E_NAME) {
		if (l->nk == N_FUNC)
			error_at(l->pos, "cannot assign to the function '%s'", l->str);
		if (l->nk == N_GLOBAL && l->glob->is_array)
			error_at(l->pos, "cannot assign to the global array '%s'; assign its elements", l->str);
		return;
	}
	if (l->kind == E_INDEX || l->kind == E_FIELD)
		return;
	error_at(l->pos, "cannot assign to this expression; expected a variable, an element a[i] or a field p.f");
}

static void check_var(struct stmt *s)
{
	struct type *t;

	if (s->decl_ty) {
		check_value_type(s->decl_ty, s->pos, "a variable");
		if (s->e)
			check_arg(s->e, s->decl_ty, "initial value");
		else if (!type_zero_valid(s->decl_ty))
			error_at(s->pos, "variable '%s' of the non-null type %s needs an initial value", s->name,
				 tstr(s->decl_ty));
		t = s->decl_ty;
	} else {
		t = check_expr(s->e);
		need_value(s->e, t);
		if (t->kind == TY_NULL)
			error_at(s->e->pos, "the type of null is unknown; write 'var %s: T = null'", s->name);
	}
	s->var = declare(s->name, s->pos, t);
	stmtno++;
}

static void check_stmt(struct stmt *s)
{
	int n = nscope, i;
	struct type *t;

	stmtno++;
	switch (s->kind) {
	case S_BLOCK:
		for (i = 0; i < s->nbody; i++)
			check_stmt(s->body[i]);
		unscope(n);
		break;
	case S_VAR:
		check_var(s);
		break;
	case S_ASSIGN:
		t = check_expr(s->lhs);
		check_lvalue(s->lhs);
		check_arg(s->e, s->lhs->kind == E_INDEX && s->lhs->a->ty->elem->kind == TY_BYTE ? &ty_byte : t,
			  "assigned value");
		break;
	case S_EXPR:
		if (s->e->kind != E_CALL)
			error_at(s->e->pos, "this expression does nothing; expected a call or an assignment");
		check_expr(s->e);
		break;
	case S_IF:
		need_int(s->e, "an if condition");
		check_stmt(s->then);
		unscope(n);
		if (s->els) {
			check_stmt(s->els);
			unscope(n);
		}
		break;
	case S_IFLET:
		t = check_expr(s->e);
		need_value(s->e, t);
		if (!type_is_ref(t) || !t->nullable)
			error_at(s->e->pos, "'if (let ...)' needs a nullable value (S?, T[]? or a nullable function), found %s",
				 tstr(t));
		s->var = declare(s->name, s->pos, type_nonnull(t));
		check_stmt(s->then);
		unscope(n);
		if (s->els) {
			check_stmt(s->els);
			unscope(n);
		}
		break;
	case S_WHILE:
	case S_FOR:
		if (s->init) {
			if (s->init->kind == S_VAR)
				check_var(s->init);
			else
				check_stmt(s->init);
		}
		loopdepth++;
		inloop++;
		if (s->e)
			need_int(s->e, "a loop condition");
		check_stmt(s->then);
		if (s->step) {
			if (s->step->kind == S_EXPR && s->step->e->kind != E_CALL)
				error_at(s->step->e->pos, "this expression does nothing; expected a call or an assignment");
			check_stmt(s->step);
		}
		loopdepth--;
		inloop--;
		unscope(n);
		break;
	case S_BREAK:
	case S_CONTINUE:
		if (!inloop)
			error_at(s->pos, "'%s' outside a loop", s->kind == S_BREAK ? "break" : "continue");
		break;
	case S_RETURN:
		if (curfn->ret->kind == TY_VOID) {
			if (s->e)
				error_at(s->e->pos, "function '%s' returns no value; expected 'return;'", curfn->name);
		} else {
			if (!s->e)
				error_at(s->pos, "function '%s' returns %s; expected 'return' with a value", curfn->name,
					 tstr(curfn->ret));
			check_arg(s->e, curfn->ret, "returned value");
		}
		break;
	}
	stmtno++;
}

static void check_func(struct func *f)
{
	int i;

	curfn = f;
	nscope = 0;
	stmtno = 0;
	loopdepth = inloop = 0;
	for (i = 0; i < f->nparams; i++) {
		struct var *v = declare(f->params[i]->name, f->params[i]->pos, f->params[i]->ty);

		free(f->params[i]);
		f->params[i] = v;
	}
	check_stmt(f->body);
	unscope(0);
	if (f->ret->kind != TY_VOID && !func_terminates(f->body))
		error_at(f->pos, "function '%s' may end without returning a %s; expected a return at the end",
			 f->name, tstr(f->ret));
}

void check_program(void)
{
	int i, j;
	struct func *m = NULL;

	for (i = 0; i < prog.nstructs; i++) {
		struct sdecl *sd = &prog.structs[i];

		check_new_name(sd->name, sd->pos);
		for (j = 0; j < sd->nfields; j++) {
			struct type *t = sd->fields[j].ty;

			if (!type_zero_valid(t) || t->kind == TY_BYTE)
				error_at(sd->fields[j].pos, "field '%s' must be int or a nullable type, not %s%s",
					 sd->fields[j].name, tstr(t),
					 type_is_ref(t) ? " (write it with '?')" : "");
			check_written_type(t, sd->fields[j].pos);
		}
	}
	for (i = 0; i < prog.nfuncs; i++) {
		struct func *f = prog.funcs[i];

		check_new_name(f->name, f->pos);
		for (j = 0; j < i; j++)
			if (!strcmp(prog.funcs[j]->name, f->name))
				error_at(f->pos, "function '%s' is defined twice", f->name);
		f->fty = type_new(TY_FN);
		f->fty->nparams = f->nparams;
		for (j = 0; j < f->nparams; j++) {
			check_value_type(f->params[j]->ty, f->params[j]->pos, "a parameter");
			f->fty->params[j] = f->params[j]->ty;
		}
		if (f->ret->kind == TY_BYTE)
			error_at(f->pos, "a result cannot have type byte (bytes exist only in arrays); use int");
		check_written_type(f->ret, f->pos);
		f->fty->ret = f->ret;
		if (!strcmp(f->name, "main"))
			m = f;
	}
	for (i = 0; i < prog.nglobals; i++) {
		struct global *g = prog.globals[i];

		check_new_name(g->name, g->pos);
		if (find_func(g->name))
			error_at(g->pos, "'%s' is both a global and a function", g->name);
		for (j = 0; j < i; j++)
			if (!strcmp(prog.globals[j]->name, g->name))
				error_at(g->pos, "global '%s' is defined twice", g->name);
		check_value_type(g->ty, g->pos, "a global");
		if (!g->is_array && !type_zero_valid(g->ty))
			error_at(g->pos, "global '%s' has the non-null type %s; globals are int or nullable", g->name,
				 tstr(g->ty));
		if (!g->is_array && g->ninit && g->ty->kind != TY_INT)
			error_at(g->pos, "global '%s' of type %s can only be initialised with null", g->name, tstr(g->ty));
		if (g->is_array && g->bytes && g->ty->elem->kind != TY_BYTE)
			error_at(g->pos, "a string initialises a byte[] global, not %s", tstr(g->ty));
		if (g->is_array && g->ninit && g->ty->elem->kind != TY_INT && g->ty->elem->kind != TY_BYTE)
			error_at(g->pos, "numbers initialise int[] or byte[] globals, not %s", tstr(g->ty));
	}
	if (!m)
		error_at((struct pos){ 0, 1, 1 }, "no function 'main'; expected fn main() -> int or fn main()");
	if (m->nparams || (m->ret->kind != TY_INT && m->ret->kind != TY_VOID))
		error_at(m->pos, "main must be 'fn main() -> int' or 'fn main()'");
	for (i = 0; i < prog.nfuncs; i++)
		check_func(prog.funcs[i]);
	for (i = 0; i < prog.nglobals; i++)
		prog.globals[i]->id = i;
}
