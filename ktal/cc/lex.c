/* lex.c - KC source text to tokens.
 *
 * Tokens: identifiers and keywords, numbers (decimal, 0x hex, characters
 * 'c' with \n \t \r \0 \\ \' \" \xHH), strings with the same escapes,
 * and punctuators.  Comments: // to the end of the line and block
 * comments.  The token array ends with TK_EOF.
 */
#include <ctype.h>
#include <string.h>
#include "cc.h"

static const char *keywords[] = {
	"struct", "fn", "var", "if", "else", "while", "for", "break",
	"continue", "return", "let", "null", "new", "int", "byte", NULL
};
static const char *puncts[] = {
	"->", "==", "!=", "<=", ">=", "&&", "||", "<<", ">>",
	"{", "}", "(", ")", "[", "]", ";", ",", ":", ".", "=", "+", "-",
	"*", "/", "%", "&", "|", "^", "!", "~", "<", ">", "?", NULL
};

struct lexer {
	int file;
	const char *s;
	size_t len, i;
	int line, col;
};

static struct pos here(struct lexer *L)
{
	struct pos p = { L->file, L->line, L->col };

	return p;
}

static int peekc(struct lexer *L, size_t k)
{
	return L->i + k < L->len ? (unsigned char)L->s[L->i + k] : -1;
}

static void adv(struct lexer *L)
{
	if (L->i < L->len) {
		if (L->s[L->i] == '\n') {
			L->line++;
			L->col = 1;
		} else {
			L->col++;
		}
		L->i++;
	}
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* One character of a literal (after an optional backslash). */
static int lex_char(struct lexer *L, int quote)
{
	struct pos p = here(L);
	int c = peekc(L, 0);

	if (c < 0 || c == '\n')
		error_at(p, "unterminated %s literal; expected %c", quote == '"' ? "string" : "character", quote);
	adv(L);
	if (c != '\\')
		return c;
	c = peekc(L, 0);
	adv(L);
	switch (c) {
	case 'n': return '\n';
	case 't': return '\t';
	case 'r': return '\r';
	case '0': return 0;
	case '\\': return '\\';
	case '\'': return '\'';
	case '"': return '"';
	case 'x': {
		int h = hexval(peekc(L, 0)), l = h >= 0 ? hexval(peekc(L, 1)) : -1;

		if (h < 0 || l < 0)
			error_at(p, "bad escape; expected two hex digits after \\x");
		adv(L);
		adv(L);
		return h * 16 + l;
	}
	}
	error_at(p, "unknown escape; expected one of \\n \\t \\r \\0 \\\\ \\' \\\" \\xHH");
}

struct token *lex_file(int file, const char *src, size_t len, int *ntok)
{
	struct lexer L = { file, src, len, 0, 1, 1 };
	struct token *t = NULL;
	int n = 0, cap = 0;

	for (;;) {
		int c = peekc(&L, 0);
		struct token tk;

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			adv(&L);
			continue;
		}
		if (c == '/' && peekc(&L, 1) == '/') {
			while (peekc(&L, 0) >= 0 && peekc(&L, 0) != '\n')
				adv(&L);
			continue;
		}
		if (c == '/' && peekc(&L, 1) == '*') {
			struct pos p = here(&L);

			adv(&L);
			adv(&L);
			while (!(peekc(&L, 0) == '*' && peekc(&L, 1) == '/')) {
				if (peekc(&L, 0) < 0)
					error_at(p, "unterminated comment; expected */");
				adv(&L);
			}
			adv(&L);
			adv(&L);
			continue;
		}
		memset(&tk, 0, sizeof(tk));
		tk.pos = here(&L);
		if (c < 0) {
			tk.kind = TK_EOF;
			tk.text = "end of file";
			GROW(t, n, cap);
			t[n++] = tk;
			break;
		}
		if (isalpha(c) || c == '_') {
			size_t b = L.i;
			int k;

			while (isalnum(peekc(&L, 0)) || peekc(&L, 0) == '_')
				adv(&L);
			if (L.i - b > 40)
				error_at(tk.pos, "name longer than 40 characters");
			tk.text = xalloc(L.i - b + 1);
			memcpy(tk.text, src + b, L.i - b);
			tk.kind = TK_IDENT;
			for (k = 0; keywords[k]; k++)
				if (!strcmp(keywords[k], tk.text))
					tk.kind = TK_KEYWORD;
		} else if (isdigit(c)) {
			uint64_t v = 0;
			int any = 0;

			tk.kind = TK_NUM;
			if (c == '0' && (peekc(&L, 1) == 'x' || peekc(&L, 1) == 'X')) {
				adv(&L);
				adv(&L);
				while (hexval(peekc(&L, 0)) >= 0) {
					if (v >> 60)
						error_at(tk.pos, "number too large; expected at most 64 bits");
					v = v * 16 + (uint64_t)hexval(peekc(&L, 0));
					adv(&L);
					any = 1;
				}
				if (!any)
					error_at(tk.pos, "expected hex digits after 0x");
			} else {
				while (isdigit(peekc(&L, 0))) {
					uint64_t d = (uint64_t)(peekc(&L, 0) - '0');

					if (v > (UINT64_MAX - d) / 10)
						error_at(tk.pos, "number too large; expected at most 64 bits");
					v = v * 10 + d;
					adv(&L);
				}
			}
			if (isalnum(peekc(&L, 0)) || peekc(&L, 0) == '_')
				error_at(here(&L), "expected a digit or the end of the number");
			tk.num = (int64_t)v;
			tk.text = "number";
		} else if (c == '\'') {
			adv(&L);
			if (peekc(&L, 0) == '\'')
				error_at(tk.pos, "empty character literal; expected one character");
			tk.num = lex_char(&L, '\'');
			if (peekc(&L, 0) != '\'')
				error_at(here(&L), "expected ' to end the character literal");
			adv(&L);
			tk.kind = TK_NUM;
			tk.text = "character";
		} else if (c == '"') {
			int cap2 = 16;

			adv(&L);
			tk.kind = TK_STR;
			tk.text = "string";
			tk.str = xalloc((size_t)cap2);
			while (peekc(&L, 0) != '"') {
				int ch = lex_char(&L, '"');

				if (tk.len + 1 >= cap2) {
					cap2 *= 2;
					tk.str = xrealloc(tk.str, (size_t)cap2);
				}
				tk.str[tk.len++] = (char)ch;
			}
			adv(&L);
		} else {
			int k;

			for (k = 0; puncts[k]; k++) {
				size_t pl = strlen(puncts[k]);

				if (L.i + pl <= len && !memcmp(src + L.i, puncts[k], pl))
					break;
			}
			if (!puncts[k])
				error_at(tk.pos, "unexpected character '%c'; expected a name, a number, a string or an operator",
					 isprint(c) ? c : '?');
			tk.kind = TK_PUNCT;
			tk.text = (char *)puncts[k];
			for (size_t j = 0; j < strlen(puncts[k]); j++)
				adv(&L);
		}
		GROW(t, n, cap);
		t[n++] = tk;
	}
	*ntok = n;
	return t;
}
