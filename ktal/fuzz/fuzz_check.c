// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_check.c - libFuzzer harness for the checker.
 *
 * Two input modes, chosen by the first byte:
 *   'C'   the rest replaces the code bytes of a template object (a valid
 *         program whose one function starts at offset 0 and which has
 *         every kind of type and global and imports every service), so
 *         the fuzzer reaches the decoder and the typing rules with
 *         well-formed tables;
 *   other the whole input is an object (raw bytes, or mutations of the
 *         valid objects in the seed corpus).
 * fuzz/ktal.dict gives the fuzzer the service and section names.
 * Either way the checker must return 0 or 1, within its arena, with no
 * sanitizer report.  KTAL_FUZZ_TEMPLATE names the template object, which
 * the checker must accept (ktal_info gives its code offset and size).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../include/ktal.h"

static uint8_t *tmpl;
static size_t tmpl_len, code_off, code_size;

/* Learn where the template's code is from the checker itself: the
 * template must be accepted. */
static void load_template(void)
{
	const char *path = getenv("KTAL_FUZZ_TEMPLATE");
	struct ktal_info info;
	struct ktal_diag d = { 0 };
	void *arena;
	size_t need;
	FILE *f;

	if (!path || !(f = fopen(path, "rb")))
		return;
	tmpl = malloc(1 << 20);
	tmpl_len = fread(tmpl, 1, 1 << 20, f);
	fclose(f);
	need = ktal_arena_size(tmpl, tmpl_len);
	arena = malloc(need ? need : 8);
	if (!arena || !ktal_info(tmpl, tmpl_len, arena, need, &info, &d)) {
		fprintf(stderr, "fuzz_check: template %s rejected: %s\n", path, d.msg);
		abort();
	}
	free(arena);
	code_off = info.code_off;
	code_size = info.code_size;
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
	struct ktal_diag d = { 0 };
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
