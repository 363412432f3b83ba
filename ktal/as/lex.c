// SPDX-License-Identifier: GPL-2.0
/*
 * lex.c - reading one source line.  Errors print file:line:col, the
 * line, a caret under the column, and what was expected; then exit 1.
 */
#include <ctype.h>
#include <stdarg.h>
#include "as.h"

struct src S;

_Noreturn void error_at(const char *at, const char *fmt, ...)
{
	va_list ap;
	int col = (int)(at - S.line);

	if (col < 0 || col > S.linelen)
		col = S.linelen;
	fprintf(stderr, "%s:%d:%d: error: ", S.file, S.lineno, col + 1);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%.*s\n%*s^\n", S.linelen, S.line, col, "");
	exit(1);
}

void skip_ws(void)
{
	while (S.p < S.line + S.linelen && (*S.p == ' ' || *S.p == '\t' || *S.p == '\r'))
		S.p++;
}

int at_end(void)
{
	skip_ws();
	return S.p >= S.line + S.linelen || *S.p == ';';
}

int accept(const char *punct)
{
	size_t n = strlen(punct);

	skip_ws();
	if ((size_t)(S.line + S.linelen - S.p) >= n && !memcmp(S.p, punct, n)) {
		S.p += n;
		return 1;
	}
	return 0;
}

void expect(const char *punct, const char *what)
{
	if (!accept(punct))
		error_at(S.p, "expected %s", what);
}

static int idstart(int c) { return isalpha(c) || c == '_' || c == '.'; }
static int idchar(int c) { return isalnum(c) || c == '_' || c == '.'; }

int ident(char *out)
{
	const char *b;
	size_t n;

	skip_ws();
	if (S.p >= S.line + S.linelen || !idstart((unsigned char)*S.p))
		return 0;
	b = S.p;
	while (S.p < S.line + S.linelen && idchar((unsigned char)*S.p))
		S.p++;
	/* a trailing '?' belongs to ptr?/arr?/fn? */
	if (S.p < S.line + S.linelen && *S.p == '?')
		S.p++;
	n = (size_t)(S.p - b);
	if (n >= MAXNAME)
		error_at(b, "name too long (at most %d characters)", MAXNAME - 1);
	memcpy(out, b, n);
	out[n] = 0;
	return 1;
}

int peek_ident(const char *word)
{
	const char *save = S.p;
	char buf[MAXNAME];
	int r = ident(buf) && !strcmp(buf, word);

	S.p = save;
	return r;
}

void need_ident(char *out, const char *what)
{
	if (!ident(out))
		error_at(S.p, "expected %s", what);
}

int number(int64_t *v)
{
	const char *b;
	int neg = 0;
	uint64_t x = 0;

	skip_ws();
	b = S.p;
	if (S.p < S.line + S.linelen && *S.p == '\'') {
		if (S.p + 2 < S.line + S.linelen && S.p[1] == '\\' && S.p + 3 < S.line + S.linelen && S.p[3] == '\'') {
			int c = S.p[2];
			*v = c == 'n' ? '\n' : c == 't' ? '\t' : c == '0' ? 0 : c;
			S.p += 4;
			return 1;
		}
		if (S.p + 2 < S.line + S.linelen && S.p[2] == '\'') {
			*v = (unsigned char)S.p[1];
			S.p += 3;
			return 1;
		}
		error_at(b, "bad character literal");
	}
	if (S.p < S.line + S.linelen && *S.p == '-') {
		neg = 1;
		S.p++;
	}
	if (S.p >= S.line + S.linelen || !isdigit((unsigned char)*S.p)) {
		S.p = b;
		return 0;
	}
	if (S.p + 1 < S.line + S.linelen && S.p[0] == '0' && (S.p[1] == 'x' || S.p[1] == 'X')) {
		S.p += 2;
		if (!isxdigit((unsigned char)*S.p))
			error_at(S.p, "expected hex digits");
		while (S.p < S.line + S.linelen && isxdigit((unsigned char)*S.p)) {
			int c = tolower((unsigned char)*S.p++);
			x = x * 16 + (uint64_t)(isdigit(c) ? c - '0' : c - 'a' + 10);
		}
	} else {
		while (S.p < S.line + S.linelen && isdigit((unsigned char)*S.p))
			x = x * 10 + (uint64_t)(*S.p++ - '0');
	}
	if (S.p < S.line + S.linelen && idchar((unsigned char)*S.p))
		error_at(S.p, "expected end of number");
	*v = neg ? -(int64_t)x : (int64_t)x;
	return 1;
}

int64_t need_number(const char *what)
{
	int64_t v;

	if (!number(&v))
		error_at(S.p, "expected %s", what);
	return v;
}
