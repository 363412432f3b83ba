/* cc.h - ktal-cc, the compiler from KC (docs/ktal/lang.md) to KTAL
 * assembly: the structures shared by its phases.
 *
 *   lex.c    source text -> tokens
 *   parse.c  tokens -> syntax tree (declarations, statements, expressions)
 *   types.c  type checking: resolves names, gives every expression a type
 *   alloc.c  register allocation for local variables
 *   gen.c    code generation: instructions, temporaries, bounds checks
 *   annot.c  the KTAL type annotations: types, labels, declarations
 *   main.c   the driver: options, the pipeline, running ktal-as
 *
 * Every error goes through error_at(): "file:line:col: error: msg", the
 * source line and a caret; the compiler then exits 1.  Nothing after
 * type checking may fail on a program the checker accepted, except the
 * documented limits (frame size, expression depth), which also report
 * through error_at().
 */
#ifndef KTAL_CC_H
#define KTAL_CC_H

#include <stdint.h>
#include <stdio.h>

/* ---- positions and errors (main.c) */
struct pos {
	int file;		/* index into the file table */
	int line, col;		/* 1-based */
};
_Noreturn void error_at(struct pos p, const char *fmt, ...);
void *xalloc(size_t n);		/* zero-filled, never NULL */
char *xstrdup(const char *s);
#define GROW(arr, n, cap) do { if ((n) >= (cap)) { (cap) = (cap) ? 2 * (cap) : 8; \
	(arr) = xrealloc((arr), (size_t)(cap) * sizeof(*(arr))); } } while (0)
void *xrealloc(void *p, size_t n);

/* ---- tokens (lex.c) */
enum tok {
	TK_EOF, TK_IDENT, TK_NUM, TK_STR, TK_PUNCT, TK_KEYWORD
};
struct token {
	enum tok kind;
	char *text;		/* identifier, keyword or punctuator spelling */
	int64_t num;		/* TK_NUM: the value (characters included) */
	char *str;		/* TK_STR: the bytes, unescaped */
	int len;		/* TK_STR: their count */
	struct pos pos;
};
struct token *lex_file(int file, const char *src, size_t len, int *ntok);

/* ---- types (types.c) */
enum tykind {
	TY_INT, TY_BYTE, TY_VOID, TY_NULL, TY_STRUCT, TY_ARR, TY_FN
};
struct type {
	enum tykind kind;
	int nullable;		/* S?, T[]?, (fn ...)? */
	struct type *elem;	/* TY_ARR: element type */
	int sid;		/* TY_STRUCT: struct index */
	int nparams;		/* TY_FN */
	struct type *params[6];
	struct type *ret;	/* TY_FN: result (TY_VOID for none) */
};
extern struct type ty_int, ty_byte, ty_void, ty_null;
int type_eq(const struct type *a, const struct type *b);
int type_sub(const struct type *a, const struct type *b);	/* a assignable to b */
int type_zero_valid(const struct type *t);
int type_is_ref(const struct type *t);
struct type *type_nonnull(const struct type *t);
struct type *type_nullable(const struct type *t);
void type_str(const struct type *t, char *buf, size_t n);	/* KC spelling */

/* ---- syntax tree (parse.c) */
enum ekind {
	E_NUM, E_STR, E_NULL, E_NAME, E_UNARY, E_BINARY, E_AND, E_OR,
	E_CALL, E_INDEX, E_FIELD, E_NEW, E_NEWARR
};
/* resolved meaning of an E_NAME (types.c) */
enum nkind { N_NONE, N_LOCAL, N_GLOBAL, N_FUNC };
/* built-in functions, by the name they are called with */
enum builtin {
	B_NONE, B_LEN, B_FREE, B_EXIT,
	B_SVC		/* a KTAL service returning int: kc_services[expr.svc] */
};
/* The services KC calls by their KTAL names (spec section 9), each
 * (int, byte[], int[]...) -> int.  args: one code per argument, as in
 * ktal/check/services.c (i int, b byte[], I int[], v byte[]?[]); what: the names the
 * compiler's messages give the arguments. */
struct kc_service {
	const char *name;
	const char *args;
	const char *what[4];
};
extern const struct kc_service kc_services[];

struct var;
struct func;
struct global;

struct expr {
	enum ekind kind;
	struct pos pos;
	int op;			/* E_UNARY/E_BINARY: the operator token's first char(s), see OP_* */
	int64_t num;		/* E_NUM */
	char *str; int len;	/* E_STR: bytes; E_NAME/E_FIELD: name in str */
	struct expr *a, *b;	/* operands; E_CALL: a is the callee; E_INDEX a[b]; E_FIELD a.str */
	struct expr **args; int nargs;	/* E_CALL */
	struct type *tyarg;	/* E_NEW/E_NEWARR: the written type; E_NEWARR: length in a */
	/* filled by types.c */
	struct type *ty;	/* the expression's type */
	enum nkind nk;		/* E_NAME */
	struct var *var;	/* N_LOCAL */
	struct global *glob;	/* N_GLOBAL, and E_STR (its literal global) */
	struct func *fn;	/* N_FUNC; E_CALL of a named function */
	enum builtin bi;	/* E_CALL of a built-in */
	int svc;		/* B_SVC: index in kc_services */
	int field;		/* E_FIELD: field index */
};

/* binary and unary operators */
enum {
	OP_ADD = 1, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_SHL, OP_SHR, OP_AND,
	OP_OR, OP_XOR, OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE,
	OP_NEG, OP_NOT, OP_BNOT
};

enum skind {
	S_BLOCK, S_VAR, S_ASSIGN, S_EXPR, S_IF, S_IFLET, S_WHILE, S_FOR,
	S_BREAK, S_CONTINUE, S_RETURN
};
struct stmt {
	enum skind kind;
	struct pos pos;
	struct stmt **body; int nbody;	/* S_BLOCK */
	struct expr *e;		/* S_VAR init, S_ASSIGN value, S_EXPR, S_IF cond, S_IFLET value, S_WHILE/S_FOR cond, S_RETURN */
	struct expr *lhs;	/* S_ASSIGN */
	struct stmt *then, *els;	/* S_IF, S_IFLET; S_WHILE/S_FOR body in then */
	struct stmt *init, *step;	/* S_FOR */
	char *name;		/* S_VAR, S_IFLET */
	struct type *decl_ty;	/* S_VAR: written type or NULL */
	struct var *var;	/* S_VAR, S_IFLET: the variable (types.c) */
};

/* A local variable or parameter.  Its home is a callee-saved register or
 * a stack slot, chosen by alloc.c; "live" is set by gen.c while the code
 * generated is inside the variable's scope and after its declaration,
 * which is exactly where the label annotations give it its type. */
struct var {
	char *name;
	struct pos pos;
	struct type *ty;
	int first, last;	/* scope: statement numbers, for sharing homes */
	double weight;		/* uses, weighted by loop depth */
	int reg;		/* home register number, or -1 */
	int slot;		/* home slot (0-based from the frame's bottom), or -1 */
	int live;		/* gen.c */
};

struct field {
	char *name;
	struct type *ty;
	struct pos pos;
};
struct sdecl {
	char *name;
	struct pos pos;
	struct field *fields; int nfields, cap;
	int emitted;		/* annot.c */
};

struct func {
	char *name;
	struct pos pos;
	struct var **params; int nparams;
	struct type *ret;	/* TY_VOID if none */
	struct type *fty;	/* its function type */
	struct stmt *body;
	struct var **vars; int nvars, cap;	/* every local, parameters first */
	int ncallee;		/* callee-saved registers used (alloc.c) */
	int calleeregs[6];
	int nslots;		/* stack slots for variables (alloc.c) */
	int nextra;		/* caller-saved registers given to variables (leaf functions) */
	int extraregs[6];
};

struct global {
	char *name;		/* KC name, or NULL for a string literal */
	struct pos pos;
	struct type *ty;	/* scalar: its type; array: T[] (non-null) */
	int is_array;		/* a global array (of fixed length or initialised) */
	int64_t len;		/* array length */
	int64_t *init; int ninit;	/* int initialisers / scalar value */
	char *bytes; int nbytes;	/* byte initialiser (strings) */
	int id;			/* assembly name: g.ID */
};

struct program {
	struct sdecl *structs; int nstructs, scap;
	struct func **funcs; int nfuncs, fcap;
	struct global **globals; int nglobals, gcap;
};
extern struct program prog;

void parse_file(int file, struct token *toks, int ntok);
struct type *type_new(enum tykind k);
void check_program(void);
int func_terminates(struct stmt *s);

/* ---- back end */
void alloc_func(struct func *f, int extra);
/* annot.c */
void annot_reset(FILE *out);
const char *annot_type(const struct type *t);	/* KTAL spelling; static buffer ring */
const char *annot_sig(const struct type *fnty);	/* a sig name for a fn type */
const char *annot_null_global(const struct type *t);
void annot_emit_decls(FILE *out);
void gen_program(FILE *out);

/* files (main.c) */
extern const char **file_names;
extern char **file_texts;
extern size_t *file_lens;

#endif
