/* SPDX-License-Identifier: GPL-2.0 */
/*
 * as.h - the KTAL assembler's shared header.
 *
 *   lex.c    reading a line: identifiers, numbers, punctuation; errors
 *   decl.c   declarations: struct, sig, import, data, entry, fn, labels,
 *            and the hash-consed type and signature tables
 *   insn.c   instructions: operand parsing and x86-64 encoding
 *   emit.c   the ELF64 object: segments, .ktal.* tables, runtime
 *   main.c   the driver: pass 1 (layout), pass 2 (encoding), emit
 *
 * The assembler is an encoder, not a checker: it accepts ill-typed
 * programs (the corpus needs them) and leaves every safety decision to
 * the checker, which does not trust it.
 */
#ifndef AS_H
#define AS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../include/ktal.h"
#include "../include/ktal_format.h"

#define MAXNAME 64

/* Fixed layout of the ring-3 executable the assembler writes. */
#define RT_PAGE_VA KTAL_RT_VA /* runtime page (KTAL_HDR_RT_VA) */
#define RT_CODE_VA 0x201000ULL /* ring-3 runtime code, not verified */
#define CODE_VA	   0x400000ULL /* verified code */

/* The current source line and the cursor in it. */
struct src {
	const char *file;	/* file name for messages */
	int lineno;		/* 1-based line number */
	const char *line;	/* start of the line (not NUL-terminated) */
	int linelen;		/* its length without the newline */
	const char *p;		/* cursor, line <= p <= line + linelen */
};
extern struct src S;

/* lex.c */
_Noreturn void error_at(const char *at, const char *fmt, ...);
void skip_ws(void);
int at_end(void);			/* only blanks or a comment remain */
int accept(const char *punct);		/* consume punct if next */
void expect(const char *punct, const char *what);
int peek_ident(const char *word);	/* next identifier is word */
int ident(char *out);			/* read [A-Za-z_.][A-Za-z0-9_.?]*; 0 if none */
void need_ident(char *out, const char *what);
int number(int64_t *v);		/* integer or 'c' char literal; 0 if none */
int64_t need_number(const char *what);

/* A struct declaration. */
struct sdef {
	char name[MAXNAME];	/* struct name */
	int nfields;		/* number of 8-byte fields */
	char (*fname)[MAXNAME];	/* field names */
	int *ftype;		/* field type indices */
};

/* A type record, as in .ktal.types. */
struct tdef {
	int kind;		/* KTAL_K_* */
	int ref;		/* struct, element type, signature or register */
};

/* A signature record, as in .ktal.sigs. */
struct gdef {
	char name[MAXNAME];	/* "" unless declared with "sig NAME" */
	int nargs;		/* 0..6 */
	int arg[6];		/* argument type indices */
	int ret;		/* result type index */
	int headroom;		/* bytes */
};

/* A label: a function entry or a block. */
struct ldef {
	char name[MAXNAME];	/* label name */
	int kind;		/* KTAL_L_FN or KTAL_L_BLOCK */
	int sig;		/* FN: signature index */
	int headroom;		/* BLOCK: bytes */
	int reg[16];		/* BLOCK: type index per register, -1 if junk */
	int nslots;		/* BLOCK: number of stack slots */
	int *slots;		/* BLOCK: slot types, top first */
	uint32_t off;		/* code offset, set in pass 1 */
};

/* An import: .ktal.impnames gets the service's name, .ktal.imports its
 * type. */
struct idef {
	char name[MAXNAME];	/* local name used in "call [name]" */
	int svc;		/* KTAL_SVC_* */
	int targ;		/* type argument (struct or type index), -1 none */
	struct gdef type;	/* the service's signature at targ (name unused) */
};

/* A global array in the data segment. */
struct ddef {
	char name[MAXNAME];	/* global name */
	int type;		/* index of the arr type */
	int elem;		/* element type index */
	int esize;		/* 1 or 8 */
	int64_t len;		/* number of elements */
	uint8_t *init;		/* len * esize bytes */
	uint32_t off;		/* offset of element 0 in the data segment */
};

/* The whole program. */
struct prog {
	struct sdef *structs; int nstructs;
	struct tdef *types; int ntypes;
	struct gdef *sigs; int nsigs;
	struct ldef *labels; int nlabels;
	struct idef *imports; int nimports;
	struct ddef *data; int ndata;
	char entry[MAXNAME];	/* entry function name */
	uint8_t *code; uint32_t codelen, codecap; /* the code being built */
	int pass;		/* 1: layout, 2: encode */
	int curlabel;		/* label being defined in pass 2 */
	uint32_t datalen;	/* size of the data segment */
	/* label name hash: index+1 per bucket, open addressing */
	int *lhash; int lhcap;
};
extern struct prog P;

/* decl.c */
int decl_line(void);			/* 1 if the line was a declaration */
int find_label(const char *name);
int find_struct(const char *name);
int find_import(const char *name);
int find_data(const char *name);
int parse_type(void);
int type_of(int kind, int ref);
int sig_of(const struct gdef *g);
int svc_by_name(const char *name);
const char *svc_name(int svc);		/* the name an import is linked by */
void *xrealloc(void *p, size_t n);

/* insn.c */
void insn_line(void);
void emit_byte(int b);

/* emit.c */
void write_object(const char *out);
uint64_t data_va(void);			/* data segment address (after pass 1) */
extern uint32_t code_size_final;	/* code size found by pass 1 */

#endif /* AS_H */
