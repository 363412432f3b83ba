// SPDX-License-Identifier: GPL-2.0
/*
 * ktal-check - the command-line KTAL checker.
 *
 * Exit codes: 0 every file accepted, 1 some file rejected, 2 usage or
 * I/O error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../include/ktal.h"
#include "../include/ktal_format.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ktal-check [-q] [-v] [-i] [-a] FILE...\n"
		"Typecheck KTAL objects (ELF64 with .ktal.* sections) as the kernel will.\n"
		"  -q      quiet: print nothing, report through the exit code only\n"
		"  -v      also print the fields of a rejection one per line\n"
		"  -i      also print what a loader needs: segments, entry, imports\n"
		"  -a      only print the checker memory each object needs (its arena)\n"
		"  --help  this text\n"
		"Output: 'FILE: accepted' or 'FILE: rejected: code+OFF <label>: message\n"
		"[insn (bytes)] (expected X, found Y)'.\n"
		"Exit: 0 all accepted, 1 at least one rejected, 2 usage or I/O error.\n");
}

static void print_info(const struct ktal_info *li)
{
	unsigned i;

	printf("  code: offset 0x%llx size %llu at 0x%llx\n", (unsigned long long)li->code_off,
	       (unsigned long long)li->code_size, (unsigned long long)li->code_va);
	printf("  data: offset 0x%llx size %llu at 0x%llx\n", (unsigned long long)li->data_off,
	       (unsigned long long)li->data_size, (unsigned long long)li->data_va);
	printf("  runtime page: 0x%llx\n  entry: 0x%llx\n", (unsigned long long)li->rt_va,
	       (unsigned long long)li->entry_va);
	for (i = 0; i < li->nimports && i < 64; i++)
		printf("  import %u: %s size %u pool 0x%x\n", i,
		       li->imports[i].service < KTAL_NSERVICES ? ktal_services[li->imports[i].service].name : "?",
		       li->imports[i].size, li->imports[i].pool);
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t n = 0, cap = 0, r;

	if (!f)
		return NULL;
	do {
		if (n == cap) {
			unsigned char *nb;

			cap = cap ? 2 * cap : 65536;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
	} while (r);
	fclose(f);
	*len = n;
	return buf;
}

int main(int argc, char **argv)
{
	int quiet = 0, verbose = 0, info = 0, asize = 0, i, rc = 0, files = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "-q")) {
			quiet = 1;
		} else if (!strcmp(argv[i], "-v")) {
			verbose = 1;
		} else if (!strcmp(argv[i], "-i")) {
			info = 1;
		} else if (!strcmp(argv[i], "-a")) {
			asize = 1;
		} else if (argv[i][0] == '-') {
			usage(stderr);
			return 2;
		}
	}
	for (i = 1; i < argc; i++) {
		struct ktal_diag d;
		struct ktal_info li;
		unsigned char *elf;
		void *arena;
		size_t len, need;
		char line[512];

		if (argv[i][0] == '-')
			continue;
		files++;
		elf = slurp(argv[i], &len);
		if (!elf) {
			if (!quiet)
				fprintf(stderr, "ktal-check: cannot read %s\n", argv[i]);
			return 2;
		}
		need = ktal_arena_size(elf, len);
		if (asize) {
			printf("%s: arena %zu bytes, file %zu bytes\n", argv[i], need, len);
			free(elf);
			continue;
		}
		arena = malloc(need ? need : 8);
		if (!arena) {
			if (!quiet)
				fprintf(stderr, "ktal-check: out of memory\n");
			return 2;
		}
		if (ktal_info(elf, len, arena, need, &li, &d)) {
			if (!quiet)
				printf("%s: accepted\n", argv[i]);
			if (info && !quiet)
				print_info(&li);
		} else {
			rc = 1;
			ktal_diag_format(&d, line, sizeof(line));
			if (!quiet)
				printf("%s: rejected: %s\n", argv[i], line);
			if (verbose && !quiet)
				printf("  offset: 0x%x\n  label: %d %s\n  insn: %s\n"
				       "  message: %s\n  expected: %s\n  found: %s\n",
				       d.code_off, d.label, d.label_name, d.insn, d.msg,
				       d.expected, d.found);
		}
		free(arena);
		free(elf);
	}
	if (!files) {
		usage(stderr);
		return 2;
	}
	return rc;
}
