/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktal_int.h - the checker's internal header, shared by its phases:
 *
 *   elf.c     find the sections and validate the segments
 *   tables.c  decode the .ktal.* annotation tables
 *   decode.c  decode one x86-64 instruction against the whitelist
 *   typing.c  the typing rule of every accepted instruction
 *   check.c   the driver: one linear walk over the code
 *   diag.c    the one diagnostics function and type printing
 *   services.c the service table
 *
 * Invariants that every phase relies on:
 *  - every index read from the object is checked against its table's
 *    count before use;
 *  - no function recurses; every loop is bounded by an input size;
 *  - all memory comes from the arena, carved once in check.c.
 */
#ifndef KTAL_INT_H
#define KTAL_INT_H

#include "ktal_shim.h"

/* A type as the checker handles it: kind in bits 24..31, ref in 0..23.
 * The ref of PTR/PTRQ is a struct index, of ARR/ARRQ the index of the
 * element's record in the type table, of FN/FNQ a signature index, of
 * SAVED a register number, of STK the byte distance below rsp.
 * JUNK is 0, so zero-filled state means "everything junk". */
typedef u32 ktype;
#define TK(t)	   ((t) >> 24)
#define TREF(t)	   ((t) & 0xffffffu)
#define MKT(k, r)  (((u32)(k) << 24) | ((u32)(r) & 0xffffffu))
#define T_JUNK	   MKT(KTAL_K_JUNK, 0)
#define T_INT	   MKT(KTAL_K_INT, 0)
#define T_BYTE	   MKT(KTAL_K_BYTE, 0)

/* Registers, in x86 encoding order; 16 stands for rip in a memory operand. */
enum { R_AX, R_CX, R_DX, R_BX, R_SP, R_BP, R_SI, R_DI,
       R_8, R_9, R_10, R_11, R_12, R_13, R_14, R_15, R_RIP };
#define CALLEE_SAVED_MASK ((1u << R_BX) | (1u << R_BP) | (1u << R_12) | \
			   (1u << R_13) | (1u << R_14) | (1u << R_15))

/* A byte range of the input. */
struct ksec {
	const u8 *p;	/* first byte, inside the input */
	u64 len;	/* bytes; p + len is inside the input */
};

/* A struct: its fields are fields[first .. first + n). */
struct kstruct {
	u32 first;	/* index of field 0 in ck->fields */
	u32 n;		/* number of fields, 1..KTAL_MAX_FIELDS */
};

/* A function signature. */
struct ksig {
	ktype arg[6];	/* argument types for rdi, rsi, rdx, rcx, r8, r9 */
	u32 nargs;	/* 0..6; registers past nargs are junk at entry */
	ktype ret;	/* type of rax at return */
	u32 headroom;	/* bytes below rsp needed at entry, <= KTAL_MAX_HEADROOM */
};

/* A label and its precondition. */
struct klabel {
	u32 off;	/* code offset; labels are strictly increasing */
	u32 fn;		/* index of the function label that owns this one */
	u8 kind;	/* KTAL_L_BLOCK or KTAL_L_FN (SAME becomes BLOCK) */
	u16 regmask;	/* BLOCK: registers whose type is given (never rsp);
			   the others are saved.r if callee-saved, else junk */
	u16 nslots;	/* BLOCK: known stack slots above the return address */
	u32 sig;	/* FN: signature index */
	u32 headroom;	/* BLOCK: bytes guaranteed below rsp */
	u32 tyidx;	/* BLOCK: popcount(regmask) register types in
			   ck->ltypes, ascending register order */
	u32 slotidx;	/* BLOCK: nslots slot types in ck->ltypes, top first
			   (shared with the previous label for KTAL_L_SAME) */
};

/* An imported service, resolved against the service table by name and
 * type. */
struct kimport {
	u32 svc;	/* KTAL_SVC_*: the service of that name */
	u32 targ;	/* type argument, read off the import's type: struct
			   index or element type index (0 if the service has
			   none) */
	struct ksig sig; /* the service's signature at the type argument,
			    which the import's type equals */
};

/* A typed global: an array in the data segment. */
struct kglobal {
	u64 va;		/* address of element 0 (the length word is at va - 8) */
	ktype type;	/* an ARR type */
};

/* What the last flag-setting instruction established, for the next jcc. */
enum { F_NONE, F_NULLTEST, F_CMPLEN, F_CMPCF, F_STKCMP };
struct kflags {
	u8 what;	/* F_*; F_CMPCF: the fall-through of "jae" after a
			   bounds test, where CF = (r1 <u len(r2)) */
	u8 r1;		/* NULLTEST: tested reg; CMPLEN, CMPCF: index reg */
	u8 r2;		/* CMPLEN, CMPCF: array reg */
	u32 n;		/* STKCMP: bytes below rsp that were checked */
};

/* The abstract machine state at one program point. */
struct kstate {
	ktype reg[16];		/* register types; reg[R_SP] is unused */
	u16 inb[16];		/* inb[i] bit a: i is masked below len(a): on
				   every path, mispredicted ones included,
				   value(i) <u len(a) or value(i) = 0 (the index
				   sequence, spec section 15); arrays may be
				   indexed only with such an index */
	u16 chk[16];		/* chk[i] bit a: value(i) <u len(a) after a
				   branch, architecturally only (diagnostics) */
	u16 mk;			/* bit m: m holds the mask -(mk_i[m] <u
				   len(mk_a[m])), all ones or zero, computed
				   by sbb from the flags of a bounds test */
	u8 mk_i[16], mk_a[16];	/* index and array register of each mask */
	u16 rows;		/* bit i: inb[i] or chk[i] may be nonzero (a
				   superset, so that writes skip empty rows) */
	u16 nz;			/* bit r: register r is known nonzero */
	u16 zero;		/* bit r: register r is known zero */
	struct kflags fl;	/* valid only for the next instruction */
	u8 live;		/* 0: no path reaches this point */
	u32 headroom;		/* bytes below rsp known to be usable */
	u32 nslots;		/* known slots above the return address */
	ktype slot[KTAL_MAX_SLOTS]; /* slot[nslots-1] is the word at [rsp],
				       slot[0] the one above the return
				       address; only [0, nslots) is defined.
				       Must stay the last field. */
};

/* Operand of a decoded instruction. */
enum { O_NONE, O_REG, O_MEM, O_IMM };
struct kopnd {
	u8 kind;	/* O_* */
	u8 reg;		/* O_REG: register */
	u8 base;	/* O_MEM: base register, R_RIP for rip-relative */
	u8 index;	/* O_MEM: index register if has_index */
	u8 has_index;	/* O_MEM: 1 if an index register is present */
	u8 scale;	/* O_MEM: 1, 2, 4 or 8 */
	s64 disp;	/* O_MEM: displacement; O_IMM: the immediate */
};

/* Whitelisted operations. */
enum {
	OP_MOV, OP_MOVZX8, OP_STORE8, OP_LEA, OP_ALU, OP_TEST, OP_IMUL,
	OP_SHIFT, OP_INC, OP_DEC, OP_NEG, OP_NOT, OP_DIV, OP_PUSH, OP_POP,
	OP_CALL, OP_CALLR, OP_CALLM, OP_JMP, OP_JCC, OP_RET, OP_NOP, OP_CMOV,
	OP_COUNT
};
/* ALU sub-operations, numbered as the x86 /digit of opcodes 0x81. */
enum { ALU_ADD = 0, ALU_OR = 1, ALU_SBB = 3, ALU_AND = 4, ALU_SUB = 5, ALU_XOR = 6, ALU_CMP = 7 };

/* One decoded instruction. */
struct kinsn {
	u32 off;	/* code offset of the first byte */
	u32 len;	/* length in bytes, 1..15 */
	u8 op;		/* OP_* */
	u8 sub;		/* OP_ALU: ALU_*; OP_SHIFT: 4 shl, 5 shr, 7 sar */
	u8 size;	/* operand size in bytes: 1, 4 or 8 */
	u8 cc;		/* OP_JCC, OP_CMOV: condition code 0..15 */
	struct kopnd dst; /* destination (or first) operand */
	struct kopnd src; /* source (or second) operand */
	s64 target;	/* OP_JMP/JCC/CALL: target code offset (unchecked) */
};

/* The whole checker context.  Arrays point into the arena. */
struct kck {
	const u8 *elf;		/* the object */
	u64 len;		/* its size */
	u64 hdr[KTAL_HDR_WORDS]; /* .ktal.hdr, validated by elf.c, page
				   numbers turned into bytes */
	struct ksec code;	/* the code bytes */
	struct ksec data;	/* the data bytes (len 0: none) */
	struct ksec sec[9];	/* hdr, types, structs, sigs, labels, imports,
				   globals, names (p NULL when absent),
				   impnames */
	u64 code_va, data_va, rt_va; /* from the header */

	ktype *types;		/* ntypes types: KTAL_NBUILTIN built-in ones,
				   then the records of .ktal.types */
	u32 ntypes;
	struct kstruct *structs; /* nstructs structs */
	u32 nstructs;
	ktype *fields;		/* nfields field types */
	u32 nfields;
	struct ksig *sigs;	/* nsigs signatures */
	u32 nsigs;
	struct klabel *labels;	/* nlabels labels, sorted by offset */
	u32 nlabels;
	ktype *ltypes;		/* nltypes label register/slot types */
	u32 nltypes;
	struct kimport *imports; /* nimports imports */
	u32 nimports;
	struct kglobal *globals; /* nglobals globals, sorted by address */
	u32 nglobals;
	u64 *lbits;		/* bit o: a label starts at code offset o */
	u32 *lrank;		/* lrank[w]: labels before code offset 64*w */

	struct kstate *st;	/* the current state */
	struct kstate *tmp;	/* scratch state for jump targets */
	u32 cur_label;		/* label whose block is being walked */
	const struct kinsn *cur_insn; /* instruction being checked, or NULL */

	u8 *arena;		/* next free arena byte */
	u8 *arena_end;		/* end of the arena */
	struct ktal_diag *diag;	/* where the rejection goes */
	int failed;		/* a rejection has been recorded */
};

/* Bits set in x.  (Not __builtin_popcount: without -mpopcnt it calls
 * libgcc, which the kernel does not link.) */
static inline u32 kt_popcount(u64 x)
{
	x = x - ((x >> 1) & 0x5555555555555555ULL);
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (u32)((x * 0x0101010101010101ULL) >> 56);
}

/* diag.c: record the (first) rejection.  expected/found are types, or 0
 * with *_s giving text instead.  Always returns 0 so that callers can
 * "return fail(...)". */
int kt_fail(struct kck *ck, const char *msg, ktype expected, const char *exp_s,
	    ktype found, const char *found_s);
#define KT_NOTYPE 0xffffffffu	/* "no type" for kt_fail */
void kt_typestr(const struct kck *ck, ktype t, char *buf, u32 n);
void kt_sigstr(const struct kck *ck, const struct ksig *s, char *buf, u32 n);
void kt_svcstr(u32 svc, char *buf, u32 n);
void kt_strcpy(char *d, const char *s, u32 n);
void kt_memzero(void *p, u64 n);
void kt_copy_state(struct kstate *dst, const struct kstate *src);

/* elf.c */
int kt_elf(struct kck *ck);
/* tables.c */
u64 kt_tables_arena(const u64 *hdr, u64 code_size);
int kt_tables(struct kck *ck);
int kt_zero_valid(ktype t);
ktype kt_elem(const struct kck *ck, ktype arr);
/* decode.c */
int kt_decode(struct kck *ck, u32 off, struct kinsn *in);
extern const char *const kt_opname[OP_COUNT];
/* typing.c */
int kt_insn(struct kck *ck, const struct kinsn *in);
int kt_sub(const struct kck *ck, ktype a, ktype b);
int kt_enter(struct kck *ck, u32 label);
int kt_jump(struct kck *ck, const struct kstate *s, s64 target);
/* services.c */
s32 kt_svc_find(const u8 *name, u32 n);
int kt_svc_sig(const struct kck *ck, u32 svc, s64 targ, struct ksig *sig);
int kt_svc_match(const struct kck *ck, u32 svc, const struct ksig *t,
		 struct ksig *sig, u32 *targ);

#endif /* KTAL_INT_H */
