// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_check.c - libFuzzer harness for the checker.
 *
 * Two input modes, chosen by the first byte:
 *   'C'   the rest replaces the code bytes of a template object (a valid
 *         program whose one function starts at offset 0 and which has
 *         every kind of type, import and global), so the fuzzer reaches
 *         the decoder and the typing rules with well-formed tables;
 *   other the whole input is an object (raw bytes, or mutations of the
 *         valid objects in the seed corpus).
 * Either way the checker must return 0 or 1, within its arena, with no
 * sanitizer report.  KTAL_FUZZ_TEMPLATE names the template object.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../include/ktal.h"

static uint8_t *tmpl;
static size_t tmpl_len, code_off, code_size;

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/* Find .ktal.hdr in the template to learn where its code is. */
static void load_template(void)
{
	const char *path = getenv("KTAL_FUZZ_TEMPLATE");
	FILE *f;
	uint64_t shoff, i;
	uint16_t shnum, shstr;
	const uint8_t *sh, *names;

	if (!path || !(f = fopen(path, "rb")))
		return;
	tmpl = malloc(1 << 20);
	tmpl_len = fread(tmpl, 1, 1 << 20, f);
	fclose(f);
	shoff = rd64(tmpl + 40);
	memcpy(&shnum, tmpl + 60, 2);
	memcpy(&shstr, tmpl + 62, 2);
	names = tmpl + rd64(tmpl + shoff + 64 * shstr + 24);
	for (i = 0; i < shnum; i++) {
		sh = tmpl + shoff + 64 * i;
		if (!strcmp((const char *)names + (uint32_t)rd64(sh), ".ktal.hdr")) {
			const uint8_t *h = tmpl + rd64(sh + 24);
			uint64_t w[3] = { 0, 0, 0 };
			int k, shift;

			/* the header is LEB128 words: magic, code_off, code_size */
			for (k = 0; k < 3; k++)
				for (shift = 0;; shift += 7) {
					w[k] |= (uint64_t)(*h & 0x7f) << shift;
					if (!(*h++ & 0x80))
						break;
				}
			code_off = w[1];
			code_size = w[2];
		}
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	load_template();
	return 0;
}

static void check(const uint8_t *obj, size_t len)
{
	struct ktal_diag d;
	size_t need = ktal_arena_size(obj, len);
	void *arena;
	int r;

	if (need > (256u << 20))
		abort(); /* the arena must stay proportional to the input */
	arena = malloc(need ? need : 8);
	r = ktal_check(obj, len, arena, need, &d);
	if (r != 0 && r != 1)
		abort();
	if (!r && (!d.msg[0] || !strncmp(d.msg, "checker internal error", 22)))
		abort(); /* every rejection says why, and none is a checker bug */
	free(arena);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 0 && data[0] == 'C' && tmpl && code_size) {
		uint8_t *obj = malloc(tmpl_len);
		size_t n = size - 1 < code_size ? size - 1 : code_size;

		memcpy(obj, tmpl, tmpl_len);
		memcpy(obj + code_off, data + 1, n);
		check(obj, tmpl_len);
		free(obj);
		return 0;
	}
	check(data, size);
	return 0;
}
