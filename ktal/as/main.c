// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - ktal-as: KTAL text in, ELF64 executable out.
 *
 *   pass 1  read every line: declarations fill the tables, instructions
 *           are encoded with placeholder addresses to fix their lengths
 *           and so every label's offset;
 *   pass 2  encode the instructions again with the real addresses;
 *   emit    write the object (emit.c).
 */
#include <sys/stat.h>
#include "as.h"

static char *read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0, r;

	if (!fp) {
		fprintf(stderr, "ktal-as: cannot open %s\n", path);
		exit(2);
	}
	do {
		if (n + 65536 > cap) {
			cap = cap * 2 + 65536;
			buf = xrealloc(buf, cap + 1);
		}
		r = fread(buf + n, 1, cap - n, fp);
		n += r;
	} while (r);
	fclose(fp);
	buf[n] = 0;
	*len = n;
	return buf;
}

static void pass(const char *text, size_t len)
{
	const char *p = text, *end = text + len;

	S.lineno = 0;
	P.codelen = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (!nl)
			nl = end;
		S.lineno++;
		S.line = S.p = p;
		S.linelen = (int)(nl - p);
		if (!at_end() && !decl_line())
			insn_line();
		p = nl + 1;
	}
}

static void usage(FILE *out)
{
	fprintf(out, "usage: ktal-as [-o out] file.ktal\n"
		"Assemble KTAL text into an ELF64 executable with .ktal.* type sections.\n"
		"The output runs in ring 3 through its built-in runtime and is checked\n"
		"by ktal-check.  Exit: 0 written, 1 source error, 2 usage or I/O error.\n");
}

int main(int argc, char **argv)
{
	const char *in = NULL, *out = "a.out";
	char *text;
	size_t len;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else if (argv[i][0] == '-' || in) {
			usage(stderr);
			return 2;
		} else
			in = argv[i];
	}
	if (!in) {
		usage(stderr);
		return 2;
	}
	text = read_file(in, &len);
	S.file = in;
	strcpy(P.entry, "main");
	P.pass = 1;
	pass(text, len);
	code_size_final = P.codelen;
	if (P.codelen == 0) {
		fprintf(stderr, "%s: error: no code\n", in);
		return 1;
	}
	P.pass = 2;
	pass(text, len);
	if (P.codelen != code_size_final) {
		fprintf(stderr, "%s: internal error: code size changed between passes\n", in);
		return 1;
	}
	write_object(out);
	chmod(out, 0755);
	return 0;
}
