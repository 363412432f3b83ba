/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktal.h - public interface of the KTAL checker.
 *
 * The checker is freestanding C: the same files build into the host
 * library (libktal.a) and, later, into the kernel.  Its whole interface:
 *
 *   ktal_arena_size(elf, len)  how many bytes of scratch memory checking
 *                              this object needs (0: the object is too
 *                              malformed to size; ktal_check reports why).
 *   ktal_check(...)            1 accepted, 0 rejected (diag filled in).
 *   ktal_info(...)             ktal_check, plus what a loader needs.
 *   ktal_diag_format(...)      a rejection as one line of text.
 *
 * The checker never allocates: all its tables live in the caller's arena.
 * It never recurses and runs in time linear in the object's size.
 */
#ifndef KTAL_H
#define KTAL_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stddef.h>
#include <stdint.h>
#endif

/*
 * The kernel-service interface (check/services.c): what an import names
 * and the signature it must have.  Codes, one per argument and one for the
 * result: i int, b arr byte, p ptr? S, a arr? T (S, T: the import's type
 * argument), j junk.  Indexed by KTAL_SVC_* (ktal_format.h).
 */
struct ktal_service {
	const char *name;	/* imports match it byte for byte */
	const char *args;	/* one code per argument */
	char ret;		/* code of the result */
	unsigned char targ;	/* type argument: 0 none, 1 struct, 2 element type */
};
extern const struct ktal_service ktal_services[];

/* One rejection, as the single diagnostics function records it. */
struct ktal_diag {
	uint32_t code_off;	/* offset of the instruction in the code, or ~0 */
	int32_t label;		/* index of the label whose block holds it, or -1 */
	char label_name[48];	/* that label's name, "" when unknown */
	char insn[64];		/* "mnemonic (hex bytes)" of the instruction, or "" */
	char msg[96];		/* stable message: tests match this string */
	char expected[64];	/* expected type or value, "" when none */
	char found[64];		/* found type or value, "" when none */
};

/* Scratch bytes that ktal_check needs for this object; 0 if it cannot be
 * sized (the object is rejected anyway, ktal_check says why). */
size_t ktal_arena_size(const uint8_t *elf, size_t len);

/* Check the object.  Returns 1 when accepted, 0 when rejected; on
 * rejection *diag says why.  arena must be 8-byte aligned and at least
 * ktal_arena_size(elf, len) bytes; a smaller arena is a rejection
 * ("arena too small"), never an overflow. */
int ktal_check(const uint8_t *elf, size_t len, void *arena, size_t arena_len,
	       struct ktal_diag *diag);

/* What a loader needs from an accepted object: where its segments go,
 * where to enter, and what each import slot must be filled with. */
struct ktal_import_info {
	uint32_t service;	/* KTAL_SVC_* (ktal_format.h) */
	uint32_t size;		/* alloc/free: struct bytes; alloc_array/free_array:
				   element bytes (1 or 8); others 0 */
	uint32_t pool;		/* type pool: struct index, or element type index
				   | 1 << 31; objects never move between pools */
};
struct ktal_info {
	uint64_t code_off, code_size, code_va;	/* the code segment */
	uint64_t data_off, data_size, data_va;	/* the data segment (size 0: none) */
	uint64_t rt_va;		/* the runtime page: limit word, import slots */
	uint64_t entry_va;	/* the entry function */
	uint32_t nimports;	/* slots used, <= KTAL_MAX_IMPORTS (64) */
	struct ktal_import_info imports[64];
};

/* Fill *info for an object.  Returns 1 if ktal_check accepts it (and
 * then *info is valid), else 0 with *diag filled in as by ktal_check. */
int ktal_info(const uint8_t *elf, size_t len, void *arena, size_t arena_len,
	      struct ktal_info *info, struct ktal_diag *diag);

/* Render diag as one line "code+0x1c <label>: msg [insn] (expected X,
 * found Y)" into buf (always NUL-terminated). */
void ktal_diag_format(const struct ktal_diag *diag, char *buf, size_t n);

#endif /* KTAL_H */
