/* parse.c - KC tokens to the syntax tree.
 *
 * Recursive descent; expressions by precedence climbing, C's levels:
 *   || && | ^ & (== !=) (< <= > >=) (<< >>) (+ -) (* / %) unary postfix
 * Every "expected" error names what could have come there.  Nesting
 * depth is limited (MAXDEPTH) so that hostile input cannot exhaust the
 * host stack.
 */
#include <string.h>
#include "cc.h"

#define MAXDEPTH 200

struct program prog;
static struct token *T;
static int ti, ntoks, depth;

static struct token *cur(void) { return &T[ti]; }

static int is(const char *s)
{
	return (cur()->kind == TK_PUNCT || cur()->kind == TK_KEYWORD) && !strcmp(cur()->text, s);
}

static int accept(const char *s)
{
	if (is(s)) {
		ti++;
		return 1;
	}
	return 0;
}

static const char *tokdesc(struct token *t)
{
	static char buf[96];

	if (t->kind == TK_IDENT || t->kind == TK_KEYWORD || t->kind == TK_PUNCT)
		snprintf(buf, sizeof(buf), "'%s'", t->text);
	else
		snprintf(buf, sizeof(buf), "%s", t->text);
	return buf;
}

static _Noreturn void expected(const char *what)
{
	error_at(cur()->pos, "expected %s, found %s", what, tokdesc(cur()));
}

static void expect(const char *s)
{
	if (!accept(s)) {
		char w[32];

		snprintf(w, sizeof(w), "'%s'", s);
		expected(w);
	}
}

static char *ident(const char *what)
{
	if (cur()->kind != TK_IDENT)
		expected(what);
	return T[ti++].text;
}

static void enter(void)
{
	if (++depth > MAXDEPTH)
		error_at(cur()->pos, "nesting too deep (more than %d levels)", MAXDEPTH);
}

/* ---- types */
static struct type *parse_type(int64_t *fixed_len);

static struct type *parse_base_type(void)
{
	struct type *t;

	if (accept("int"))
		return &ty_int;
	if (accept("byte"))
		return &ty_byte;
	if (accept("fn")) {
		t = type_new(TY_FN);
		expect("(");
		if (!accept(")")) {
			do {
				if (t->nparams == 6)
					error_at(cur()->pos, "a function type has at most 6 parameters");
				t->params[t->nparams++] = parse_type(NULL);
			} while (accept(","));
			expect(")");
		}
		t->ret = accept("->") ? parse_type(NULL) : &ty_void;
		return t;
	}
	if (accept("(")) {
		enter();
		t = parse_type(NULL);
		depth--;
		expect(")");
		return t;
	}
	if (cur()->kind == TK_IDENT) {
		int i;

		for (i = 0; i < prog.nstructs; i++)
			if (!strcmp(prog.structs[i].name, cur()->text))
				break;
		if (i == prog.nstructs)
			error_at(cur()->pos, "unknown type '%s'; expected int, byte, fn(...), or a struct declared earlier",
				 cur()->text);
		ti++;
		t = type_new(TY_STRUCT);
		t->sid = i;
		return t;
	}
	expected("a type (int, byte, a struct name, fn(...) or '(')");
}

/* TYPE := BASE { '[' ']' | '?' }; with fixed_len, a last "[N]" is allowed
 * (global arrays) and its N stored there (else -1). */
static struct type *parse_type(int64_t *fixed_len)
{
	struct type *t;

	enter();
	t = parse_base_type();
	if (fixed_len)
		*fixed_len = -1;
	for (;;) {
		if (accept("?")) {
			struct pos p = T[ti - 1].pos;

			if (t->nullable)
				error_at(p, "type is already nullable");
			if (t->kind != TY_STRUCT && t->kind != TY_ARR && t->kind != TY_FN)
				error_at(p, "only structs, arrays and functions can be nullable; expected '[' or the end of the type");
			t = type_nullable(t);
		} else if (is("[")) {
			struct type *a;

			ti++;
			if (fixed_len && cur()->kind == TK_NUM) {
				*fixed_len = cur()->num;
				ti++;
				expect("]");
				a = type_new(TY_ARR);
				a->elem = t;
				t = a;
				break;
			}
			expect("]");
			a = type_new(TY_ARR);
			a->elem = t;
			t = a;
		} else {
			break;
		}
	}
	depth--;
	return t;
}

/* ---- expressions */
static struct expr *new_expr(enum ekind k, struct pos p)
{
	struct expr *e = xalloc(sizeof(*e));

	e->kind = k;
	e->pos = p;
	return e;
}

static struct expr *parse_expr(void);

static struct expr *parse_primary(void)
{
	struct token *t = cur();
	struct expr *e;

	if (t->kind == TK_NUM) {
		ti++;
		e = new_expr(E_NUM, t->pos);
		e->num = t->num;
		return e;
	}
	if (t->kind == TK_STR) {
		ti++;
		e = new_expr(E_STR, t->pos);
		e->str = t->str;
		e->len = t->len;
		return e;
	}
	if (t->kind == TK_IDENT) {
		ti++;
		e = new_expr(E_NAME, t->pos);
		e->str = t->text;
		return e;
	}
	if (accept("null"))
		return new_expr(E_NULL, t->pos);
	if (accept("new")) {
		struct type *ty;

		/* new S  |  new T[n] */
		if (cur()->kind == TK_IDENT || is("int") || is("byte") || is("fn") || is("(")) {
			ty = parse_base_type();
			for (;;) {
				if (is("[") && T[ti + 1].kind == TK_PUNCT && !strcmp(T[ti + 1].text, "]")) {
					struct type *a = type_new(TY_ARR);

					ti += 2;
					a->elem = ty;
					ty = a;
				} else if (is("?")) {
					if (ty->kind == TY_INT || ty->kind == TY_BYTE || ty->nullable)
						error_at(cur()->pos, "'?' here makes no sense; expected '[' and a length");
					ti++;
					ty = type_nullable(ty);
				} else {
					break;
				}
			}
			if (accept("[")) {
				e = new_expr(E_NEWARR, t->pos);
				e->tyarg = ty;
				e->a = parse_expr();
				expect("]");
				return e;
			}
			e = new_expr(E_NEW, t->pos);
			e->tyarg = ty;
			return e;
		}
		expected("a struct name or an element type after 'new'");
	}
	if (accept("(")) {
		e = parse_expr();
		expect(")");
		return e;
	}
	expected("an expression");
}

static struct expr *parse_postfix(void)
{
	struct expr *e = parse_primary();

	for (;;) {
		struct pos p = cur()->pos;

		if (accept("(")) {
			struct expr *c = new_expr(E_CALL, p);
			int cap = 0;

			c->a = e;
			if (!accept(")")) {
				do {
					GROW(c->args, c->nargs, cap);
					c->args[c->nargs++] = parse_expr();
				} while (accept(","));
				expect(")");
			}
			e = c;
		} else if (accept("[")) {
			struct expr *x = new_expr(E_INDEX, p);

			x->a = e;
			x->b = parse_expr();
			expect("]");
			e = x;
		} else if (accept(".")) {
			struct expr *f = new_expr(E_FIELD, cur()->pos);

			f->a = e;
			f->str = ident("a field name after '.'");
			e = f;
		} else {
			return e;
		}
	}
}

static struct expr *parse_unary(void)
{
	struct pos p = cur()->pos;
	int op = 0;
	struct expr *e;

	if (accept("-"))
		op = OP_NEG;
	else if (accept("!"))
		op = OP_NOT;
	else if (accept("~"))
		op = OP_BNOT;
	if (!op)
		return parse_postfix();
	enter();
	e = new_expr(E_UNARY, p);
	e->op = op;
	e->a = parse_unary();
	depth--;
	return e;
}

static const struct { const char *s; int prec, op; } binops[] = {
	{ "||", 1, 0 }, { "&&", 2, 0 }, { "|", 3, OP_OR }, { "^", 4, OP_XOR },
	{ "&", 5, OP_AND }, { "==", 6, OP_EQ }, { "!=", 6, OP_NE },
	{ "<", 7, OP_LT }, { "<=", 7, OP_LE }, { ">", 7, OP_GT }, { ">=", 7, OP_GE },
	{ "<<", 8, OP_SHL }, { ">>", 8, OP_SHR }, { "+", 9, OP_ADD }, { "-", 9, OP_SUB },
	{ "*", 10, OP_MUL }, { "/", 10, OP_DIV }, { "%", 10, OP_MOD }, { NULL, 0, 0 }
};

static struct expr *parse_binary(int minprec)
{
	struct expr *l;

	enter();
	l = parse_unary();
	for (;;) {
		int k;
		struct expr *e;

		if (cur()->kind != TK_PUNCT)
			break;
		for (k = 0; binops[k].s; k++)
			if (!strcmp(binops[k].s, cur()->text))
				break;
		if (!binops[k].s || binops[k].prec < minprec)
			break;
		e = new_expr(binops[k].prec == 1 ? E_OR : binops[k].prec == 2 ? E_AND : E_BINARY, cur()->pos);
		ti++;
		e->op = binops[k].op;
		e->a = l;
		e->b = parse_binary(binops[k].prec + 1);
		l = e;
	}
	depth--;
	return l;
}

static struct expr *parse_expr(void)
{
	return parse_binary(1);
}

/* ---- statements */
static struct stmt *new_stmt(enum skind k, struct pos p)
{
	struct stmt *s = xalloc(sizeof(*s));

	s->kind = k;
	s->pos = p;
	return s;
}

static struct stmt *parse_stmt(void);

static struct stmt *parse_block(void)
{
	struct stmt *s = new_stmt(S_BLOCK, cur()->pos);
	int cap = 0;

	expect("{");
	while (!accept("}")) {
		if (cur()->kind == TK_EOF)
			expected("'}' to close the block");
		GROW(s->body, s->nbody, cap);
		s->body[s->nbody++] = parse_stmt();
	}
	return s;
}

/* var NAME [: T] [= e] (without the ';') */
static struct stmt *parse_var(void)
{
	struct stmt *s = new_stmt(S_VAR, cur()->pos);

	expect("var");
	s->pos = cur()->pos;
	s->name = ident("a variable name");
	if (accept(":"))
		s->decl_ty = parse_type(NULL);
	if (accept("="))
		s->e = parse_expr();
	else if (!s->decl_ty)
		expected("':' and a type, or '=' and an initial value");
	return s;
}

/* an assignment or an expression statement (without the ';') */
static struct stmt *parse_simple(void)
{
	struct pos p = cur()->pos;
	struct expr *e = parse_expr();
	struct stmt *s;

	if (is("=")) {
		s = new_stmt(S_ASSIGN, cur()->pos);
		ti++;
		s->lhs = e;
		s->e = parse_expr();
		return s;
	}
	s = new_stmt(S_EXPR, p);
	s->e = e;
	return s;
}

static struct stmt *parse_stmt(void)
{
	struct pos p = cur()->pos;
	struct stmt *s;

	enter();
	if (is("{")) {
		s = parse_block();
	} else if (is("var")) {
		s = parse_var();
		expect(";");
	} else if (accept("if")) {
		expect("(");
		if (accept("let")) {
			s = new_stmt(S_IFLET, cur()->pos);
			s->name = ident("a variable name after 'let'");
			expect("=");
			s->e = parse_expr();
		} else {
			s = new_stmt(S_IF, p);
			s->e = parse_expr();
		}
		expect(")");
		s->then = parse_stmt();
		if (accept("else"))
			s->els = parse_stmt();
	} else if (accept("while")) {
		s = new_stmt(S_WHILE, p);
		expect("(");
		s->e = parse_expr();
		expect(")");
		s->then = parse_stmt();
	} else if (accept("for")) {
		s = new_stmt(S_FOR, p);
		expect("(");
		if (!is(";"))
			s->init = is("var") ? parse_var() : parse_simple();
		expect(";");
		if (!is(";"))
			s->e = parse_expr();
		expect(";");
		if (!is(")"))
			s->step = parse_simple();
		expect(")");
		s->then = parse_stmt();
	} else if (accept("break")) {
		s = new_stmt(S_BREAK, p);
		expect(";");
	} else if (accept("continue")) {
		s = new_stmt(S_CONTINUE, p);
		expect(";");
	} else if (accept("return")) {
		s = new_stmt(S_RETURN, p);
		if (!is(";"))
			s->e = parse_expr();
		expect(";");
	} else {
		s = parse_simple();
		expect(";");
	}
	depth--;
	return s;
}

/* ---- declarations */
static void parse_struct(void)
{
	struct sdecl *sd;
	struct pos p = cur()->pos;
	char *name = ident("a struct name");
	int i;

	for (i = 0; i < prog.nstructs; i++)
		if (!strcmp(prog.structs[i].name, name))
			error_at(p, "struct '%s' is declared twice", name);
	GROW(prog.structs, prog.nstructs, prog.scap);
	sd = &prog.structs[prog.nstructs++];
	memset(sd, 0, sizeof(*sd));
	sd->name = name;
	sd->pos = p;
	expect("{");
	while (!accept("}")) {
		struct field f;

		f.pos = cur()->pos;
		f.name = ident("a field name or '}'");
		for (i = 0; i < sd->nfields; i++)
			if (!strcmp(sd->fields[i].name, f.name))
				error_at(f.pos, "field '%s' is declared twice", f.name);
		expect(":");
		f.ty = parse_type(NULL);
		expect(";");
		/* parse_type may have grown prog.structs: refetch */
		sd = &prog.structs[prog.nstructs - 1];
		if (sd->nfields == 4096)
			error_at(f.pos, "struct '%s' has more than 4096 fields", name);
		GROW(sd->fields, sd->nfields, sd->cap);
		sd->fields[sd->nfields++] = f;
	}
	if (!sd->nfields)
		error_at(p, "struct '%s' has no fields; expected at least one", name);
}

static void parse_func(void)
{
	struct func *f = xalloc(sizeof(*f));
	int pcap = 0;

	f->pos = cur()->pos;
	f->name = ident("a function name");
	expect("(");
	if (!accept(")")) {
		do {
			struct var *v = xalloc(sizeof(*v));

			v->pos = cur()->pos;
			v->name = ident("a parameter name");
			expect(":");
			v->ty = parse_type(NULL);
			if (f->nparams == 6)
				error_at(v->pos, "a function has at most 6 parameters");
			GROW(f->params, f->nparams, pcap);
			f->params[f->nparams++] = v;
		} while (accept(","));
		expect(")");
	}
	f->ret = accept("->") ? parse_type(NULL) : &ty_void;
	if (!is("{"))
		expected("'{' to start the function body");
	f->body = parse_block();
	GROW(prog.funcs, prog.nfuncs, prog.fcap);
	prog.funcs[prog.nfuncs++] = f;
}

static int64_t const_number(void)
{
	int neg = accept("-");

	if (cur()->kind != TK_NUM)
		expected("a number");
	ti++;
	return neg ? -T[ti - 1].num : T[ti - 1].num;
}

static void parse_global(void)
{
	struct global *g = xalloc(sizeof(*g));
	int cap = 0;

	g->pos = cur()->pos;
	g->name = ident("a global variable name");
	expect(":");
	g->ty = parse_type(&g->len);
	if (g->len >= 0) {
		g->is_array = 1;
		if (g->len > (1 << 24))
			error_at(g->pos, "global array too large (at most %d elements)", 1 << 24);
	} else if (accept("=")) {
		if (g->ty->kind == TY_ARR && !g->ty->nullable) {
			g->is_array = 1;
			if (cur()->kind == TK_STR) {
				g->bytes = cur()->str;
				g->nbytes = cur()->len;
				g->len = cur()->len;
				ti++;
			} else {
				expect("{");
				if (!is("}")) {
					do {
						GROW(g->init, g->ninit, cap);
						g->init[g->ninit++] = const_number();
					} while (accept(","));
				}
				expect("}");
				g->len = g->ninit;
			}
		} else if (accept("null")) {
			g->ninit = 0;
		} else {
			g->init = xalloc(sizeof(int64_t));
			g->init[0] = const_number();
			g->ninit = 1;
		}
	} else if (g->ty->kind == TY_ARR && !g->ty->nullable) {
		error_at(cur()->pos, "a global array needs a length '[N]' or an initialiser; expected '[' N ']' or '='");
	}
	expect(";");
	GROW(prog.globals, prog.nglobals, prog.gcap);
	prog.globals[prog.nglobals++] = g;
}

void parse_file(int file, struct token *toks, int ntok)
{
	(void)file;
	T = toks;
	ntoks = ntok;
	ti = 0;
	while (cur()->kind != TK_EOF) {
		depth = 0;
		if (accept("struct"))
			parse_struct();
		else if (accept("fn"))
			parse_func();
		else if (accept("var"))
			parse_global();
		else
			expected("'struct', 'fn' or 'var' at the top level");
	}
}
