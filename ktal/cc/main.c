/* main.c - the ktal-cc driver.
 *
 *   ktal-cc [-o OUT] [-S] FILE.kc...
 *
 * Reads every file (together they are one program), then: lex, parse,
 * type check, generate KTAL assembly, and run ktal-as on it.  With -S the
 * assembly is the output (OUT, default FILE.ktal).  Exit 0 on success, 1
 * on an error in the program (one message, file:line:col), 2 on usage or
 * I/O errors or when ktal-as fails.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cc.h"

const char **file_names;
char **file_texts;
size_t *file_lens;

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fprintf(stderr, "ktal-cc: out of memory\n");
		exit(2);
	}
	return p;
}

void *xalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	if (!p) {
		fprintf(stderr, "ktal-cc: out of memory\n");
		exit(2);
	}
	return p;
}

char *xstrdup(const char *s)
{
	char *d = xalloc(strlen(s) + 1);

	strcpy(d, s);
	return d;
}

_Noreturn void error_at(struct pos p, const char *fmt, ...)
{
	va_list ap;
	const char *s = file_texts[p.file], *e;
	int line = 1, i;

	fprintf(stderr, "%s:%d:%d: error: ", file_names[p.file], p.line, p.col);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	while (line < p.line && *s) {
		if (*s++ == '\n')
			line++;
	}
	e = strchr(s, '\n');
	if (!e)
		e = s + strlen(s);
	fprintf(stderr, "  %.*s\n  ", (int)(e - s), s);
	for (i = 1; i < p.col && s + i - 1 < e; i++)
		fputc(s[i - 1] == '\t' ? '\t' : ' ', stderr);
	fprintf(stderr, "^\n");
	exit(1);
}

static char *read_file(const char *name, size_t *len)
{
	FILE *f = fopen(name, "rb");
	char *b;
	size_t cap = 65536, n = 0, r;

	if (!f) {
		fprintf(stderr, "ktal-cc: %s: %s\n", name, strerror(errno));
		exit(2);
	}
	b = xalloc(cap + 1);
	while ((r = fread(b + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap) {
			cap *= 2;
			b = xrealloc(b, cap + 1);
		}
	}
	fclose(f);
	if (memchr(b, 0, n)) {
		fprintf(stderr, "ktal-cc: %s: not a text file (NUL byte)\n", name);
		exit(2);
	}
	b[n] = 0;
	*len = n;
	return b;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ktal-cc [-o OUT] [-S] FILE.kc...\n"
		"Compile KC (docs/ktal/lang.md) to a KTAL object the checker accepts.\n"
		"  -o OUT   output file (default: the first FILE without .kc; with -S, FILE.ktal)\n"
		"  -S       write the KTAL assembly instead of the object\n"
		"  --help   this text\n"
		"The files form one program.  ktal-as is found next to ktal-cc, or as $KTAL_AS.\n");
}

/* the path of ktal-as: $KTAL_AS, else next to this executable */
static void find_as(char *buf, size_t n)
{
	char self[PATH_MAX];
	ssize_t l;
	char *slash;

	if (getenv("KTAL_AS")) {
		snprintf(buf, n, "%s", getenv("KTAL_AS"));
		return;
	}
	l = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (l < 0) {
		snprintf(buf, n, "ktal-as");
		return;
	}
	self[l] = 0;
	slash = strrchr(self, '/');
	if (slash)
		*slash = 0;
	snprintf(buf, n, "%s/ktal-as", self);
}

int main(int argc, char **argv)
{
	const char *outname = NULL;
	int asm_only = 0, nfiles = 0, i;
	const char **files = xalloc(sizeof(char *) * (size_t)argc);
	char outbuf[PATH_MAX], tmpname[] = "/tmp/ktal-cc-XXXXXX";
	FILE *o;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "-S")) {
			asm_only = 1;
		} else if (!strcmp(argv[i], "-o")) {
			if (++i == argc) {
				usage(stderr);
				return 2;
			}
			outname = argv[i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "ktal-cc: unknown option %s\n", argv[i]);
			usage(stderr);
			return 2;
		} else {
			files[nfiles++] = argv[i];
		}
	}
	if (!nfiles) {
		usage(stderr);
		return 2;
	}
	file_names = files;
	file_texts = xalloc(sizeof(char *) * (size_t)nfiles);
	file_lens = xalloc(sizeof(size_t) * (size_t)nfiles);
	for (i = 0; i < nfiles; i++) {
		int ntok;
		struct token *t;

		file_texts[i] = read_file(files[i], &file_lens[i]);
		t = lex_file(i, file_texts[i], file_lens[i], &ntok);
		parse_file(i, t, ntok);
	}
	if (!prog.nfuncs)
		error_at((struct pos){ 0, 1, 1 }, "no functions; expected at least fn main()");
	check_program();
	if (!outname) {
		size_t l = strlen(files[0]);

		snprintf(outbuf, sizeof(outbuf), "%.*s%s", (int)(l > 3 && !strcmp(files[0] + l - 3, ".kc") ? l - 3 : l),
			 files[0], asm_only ? ".ktal" : "");
		if (!strcmp(outbuf, files[0]))
			snprintf(outbuf, sizeof(outbuf), "a.out");
		outname = outbuf;
	}
	if (asm_only) {
		o = fopen(outname, "w");
		if (!o) {
			fprintf(stderr, "ktal-cc: %s: %s\n", outname, strerror(errno));
			return 2;
		}
		gen_program(o);
		if (fclose(o)) {
			fprintf(stderr, "ktal-cc: %s: write error\n", outname);
			return 2;
		}
		return 0;
	}
	{
		int fd = mkstemp(tmpname);
		char as[PATH_MAX], src[PATH_MAX + 8];
		pid_t pid;
		int st;

		if (fd < 0 || !(o = fdopen(fd, "w"))) {
			perror("ktal-cc: temporary file");
			return 2;
		}
		gen_program(o);
		fclose(o);
		snprintf(src, sizeof(src), "%s.ktal", tmpname);
		rename(tmpname, src);
		find_as(as, sizeof(as));
		pid = fork();
		if (pid == 0) {
			execl(as, as, "-o", outname, src, (char *)NULL);
			fprintf(stderr, "ktal-cc: cannot run %s: %s\n", as, strerror(errno));
			_exit(127);
		}
		if (pid < 0 || waitpid(pid, &st, 0) < 0) {
			perror("ktal-cc: running ktal-as");
			unlink(src);
			return 2;
		}
		if (!WIFEXITED(st) || WEXITSTATUS(st)) {
			fprintf(stderr, "ktal-cc: internal error: ktal-as refused the generated assembly (kept in %s)\n", src);
			return 2;
		}
		unlink(src);
	}
	return 0;
}
