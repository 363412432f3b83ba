// SPDX-License-Identifier: GPL-2.0
/*
 * bench.c - checker throughput and annotation overhead.
 *
 *   bench speed FILE...   for each object: code size, time per check
 *                         (best of several runs), MB of code per second
 *   bench ann FILE...     for each object: code bytes; annotation bytes
 *                         (the type tables: every .ktal.* section but
 *                         the header, the import names and the optional
 *                         label names); header, import-name and label-name
 *                         bytes; annotations / code, and annotations +
 *                         header + import names / code (spec.md 10)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "../include/ktal.h"

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b;

	if (!f || fseek(f, 0, SEEK_END))
		exit(2);
	*len = (size_t)ftell(f);
	rewind(f);
	b = malloc(*len);
	if (!b || fread(b, 1, *len, f) != *len)
		exit(2);
	fclose(f);
	return b;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/* Sizes of the .ktal.* sections: *ann (the type tables: all but the
 * header and the two name tables), *hdr, *imp (import names: linkage,
 * not types), *names (label names).  The section headers of an object
 * that ktal_info has accepted are known to lie inside the file. */
static void sizes(const uint8_t *e, uint64_t *ann, uint64_t *hdr, uint64_t *imp,
		  uint64_t *names)
{
	uint64_t shoff = rd64(e + 40), str;
	uint16_t shnum, shstr, i;

	memcpy(&shnum, e + 60, 2);
	memcpy(&shstr, e + 62, 2);
	str = rd64(e + shoff + 64u * shstr + 24);
	*ann = *hdr = *imp = *names = 0;
	for (i = 0; i < shnum; i++) {
		const uint8_t *sh = e + shoff + 64u * i;
		const char *n = (const char *)e + str + (uint32_t)rd64(sh);
		uint64_t size = rd64(sh + 32);

		if (!strcmp(n, ".ktal.names"))
			*names += size;
		else if (!strcmp(n, ".ktal.impnames"))
			*imp += size;
		else if (!strcmp(n, ".ktal.hdr"))
			*hdr += size;
		else if (!strncmp(n, ".ktal.", 6))
			*ann += size;
	}
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	int i;

	if (argc < 3)
		return 2;
	if (!strcmp(argv[1], "speed"))
		printf("%12s %12s %12s %10s\n", "code bytes", "annot bytes", "check ms", "MB/s");
	else
		printf("%-8s %6s %12s %8s %9s %8s %10s %10s\n", "program", "code", "annotations",
		       "header", "imp.names", "names", "annot/code", "all/code");
	for (i = 2; i < argc; i++) {
		size_t len, need;
		uint8_t *e = slurp(argv[i], &len);
		uint64_t code, ann, names, hdr, imp;
		struct ktal_diag d = { 0 };
		struct ktal_info info;
		void *arena;

		/* the code size comes from the checker itself */
		need = ktal_arena_size(e, len);
		arena = malloc(need ? need : 8);
		if (!arena || !ktal_info(e, len, arena, need, &info, &d)) {
			char buf[512];

			ktal_diag_format(&d, buf, sizeof(buf));
			fprintf(stderr, "%s: rejected: %s\n", argv[i], buf);
			return 1;
		}
		code = info.code_size;
		sizes(e, &ann, &hdr, &imp, &names);
		if (!strcmp(argv[1], "ann")) {
			const char *base = strrchr(argv[i], '/');

			printf("%-8s %6llu %12llu %8llu %9llu %8llu %9.1f%% %9.1f%%\n",
			       base ? base + 1 : argv[i], (unsigned long long)code,
			       (unsigned long long)ann, (unsigned long long)hdr,
			       (unsigned long long)imp, (unsigned long long)names,
			       100.0 * (double)ann / (double)code,
			       100.0 * (double)(ann + hdr + imp) / (double)code);
			free(arena);
			free(e);
			continue;
		}
		{
			double best = 1e9, total = 0;
			int runs = 0;

			while (runs < 3 || (total < 1.0 && runs < 1000)) {
				double t0 = now(), t;

				if (!ktal_check(e, len, arena, need, &d)) {
					char buf[512];

					ktal_diag_format(&d, buf, sizeof(buf));
					fprintf(stderr, "%s: rejected: %s\n", argv[i], buf);
					return 1;
				}
				t = now() - t0;
				total += t;
				if (t < best)
					best = t;
				runs++;
			}
			printf("%12llu %12llu %12.3f %10.1f\n", (unsigned long long)code,
			       (unsigned long long)ann, best * 1e3, (double)code / best / 1e6);
		}
		free(arena);
		free(e);
	}
	return 0;
}
