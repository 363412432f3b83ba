// SPDX-License-Identifier: GPL-2.0
/*
 * diag.c - the one diagnostics function, and the printing of types.
 *
 * Every rejection in the checker goes through kt_fail(): it records the
 * code offset, the label, the instruction and the expected and found
 * types.  Only the first rejection is kept.  Messages are stable strings
 * that the test corpus matches.
 */
#include "ktal_int.h"

void kt_memzero(void *p, u64 n)
{
	u8 *b = p;

	for (; n >= 8 && !((unsigned long)b & 7); n -= 8, b += 8)
		*(u64 *)b = 0;
	while (n--)
		*b++ = 0;
}

/* dst = src, copying only the live part of the slot array. */
void kt_copy_state(struct kstate *dst, const struct kstate *src)
{
	u32 i;

	for (i = 0; i < 16; i++) {
		dst->reg[i] = src->reg[i];
		dst->inb[i] = src->inb[i];
		dst->chk[i] = src->chk[i];
		dst->mk_i[i] = src->mk_i[i];
		dst->mk_a[i] = src->mk_a[i];
	}
	dst->mk = src->mk;
	dst->rows = src->rows;
	dst->nz = src->nz;
	dst->zero = src->zero;
	dst->fl = src->fl;
	dst->headroom = src->headroom;
	dst->nslots = src->nslots;
	dst->live = src->live;
	for (i = 0; i < src->nslots && i < KTAL_MAX_SLOTS; i++)
		dst->slot[i] = src->slot[i];
}

void kt_strcpy(char *d, const char *s, u32 n)
{
	u32 i = 0;

	if (!n)
		return;
	for (; s && s[i] && i + 1 < n; i++)
		d[i] = s[i];
	d[i] = 0;
}

/* Append s to the string in buf (size n). */
static void cat(char *buf, u32 n, const char *s)
{
	u32 i = 0;

	while (i < n && buf[i])
		i++;
	while (*s && i + 1 < n)
		buf[i++] = *s++;
	if (i < n)
		buf[i] = 0;
}

static void catnum(char *buf, u32 n, const char *pre, u64 v, int hex)
{
	char tmp[24];
	int i = 23;

	tmp[i] = 0;
	do {
		tmp[--i] = "0123456789abcdef"[hex ? v % 16 : v % 10];
		v = hex ? v / 16 : v / 10;
	} while (v && i > 0);
	cat(buf, n, pre);
	cat(buf, n, tmp + i);
}

static const char *const regname[16] = {
	"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9",
	"r10", "r11", "r12", "r13", "r14", "r15",
};

/* Print t.  Arrays nest through earlier type records only, so the loop
 * follows strictly decreasing indices and stops. */
void kt_typestr(const struct kck *ck, ktype t, char *buf, u32 n)
{
	u32 steps;

	buf[0] = 0;
	for (steps = 0; steps <= ck->ntypes; steps++) {
		switch (TK(t)) {
		case KTAL_K_JUNK: cat(buf, n, "junk"); return;
		case KTAL_K_INT: cat(buf, n, "int"); return;
		case KTAL_K_BYTE: cat(buf, n, "byte"); return;
		case KTAL_K_PTR: catnum(buf, n, "ptr struct#", TREF(t), 0); return;
		case KTAL_K_PTRQ: catnum(buf, n, "ptr? struct#", TREF(t), 0); return;
		case KTAL_K_FN: catnum(buf, n, "fn sig#", TREF(t), 0); return;
		case KTAL_K_FNQ: catnum(buf, n, "fn? sig#", TREF(t), 0); return;
		case KTAL_K_SAVED:
			cat(buf, n, "saved.");
			cat(buf, n, TREF(t) < 16 ? regname[TREF(t)] : "?");
			return;
		case KTAL_K_STK: catnum(buf, n, "rsp-", TREF(t), 0); return;
		case KTAL_K_ARR:
		case KTAL_K_ARRQ:
			cat(buf, n, TK(t) == KTAL_K_ARR ? "arr " : "arr? ");
			if (TREF(t) >= ck->ntypes) {
				cat(buf, n, "?");
				return;
			}
			t = ck->types[TREF(t)];
			continue;
		default:
			cat(buf, n, "?");
			return;
		}
	}
}

/* Print signature s: "(int, arr byte) -> int headroom 64". */
void kt_sigstr(const struct kck *ck, const struct ksig *s, char *buf, u32 n)
{
	char t[64];
	u32 i;

	buf[0] = 0;
	cat(buf, n, "(");
	for (i = 0; i < s->nargs && i < 6; i++) {
		kt_typestr(ck, s->arg[i], t, sizeof(t));
		cat(buf, n, i ? ", " : "");
		cat(buf, n, t);
	}
	kt_typestr(ck, s->ret, t, sizeof(t));
	cat(buf, n, ") -> ");
	cat(buf, n, t);
	catnum(buf, n, " headroom ", s->headroom, 0);
}

/* Print service svc's name and generic signature from its codes
 * (services.c): "alloc_array (int) -> arr? T headroom 64". */
void kt_svcstr(u32 svc, char *buf, u32 n)
{
	const struct ktal_service *s = &ktal_services[svc < KTAL_NSERVICES ? svc : 0];
	u32 i;

	buf[0] = 0;
	cat(buf, n, s->name);
	cat(buf, n, " (");
	for (i = 0; i <= 6; i++) {
		char c = i < 6 && s->args[i] ? s->args[i] : s->ret;
		int last = !(i < 6 && s->args[i]);

		if (last)
			cat(buf, n, ") -> ");
		else if (i)
			cat(buf, n, ", ");
		cat(buf, n, c == 'i' ? "int" : c == 'b' ? "arr byte" :
			    c == 'I' ? "arr int" : c == 'v' ? "arr? arr? byte" :
			    c == 'p' ? "ptr? S" : c == 'a' ? "arr? T" : "junk");
		if (last)
			break;
	}
	catnum(buf, n, " headroom ", KTAL_SERVICE_HEADROOM, 0);
}

/* Name of label l from .ktal.names (the l-th NUL-terminated string). */
static void label_name(const struct kck *ck, u32 l, char *buf, u32 n)
{
	const u8 *p = ck->sec[7].p, *end;
	u32 i = 0;

	buf[0] = 0;
	if (!p)
		return;
	end = p + ck->sec[7].len;
	while (p < end && i < l) {
		if (*p++ == 0)
			i++;
	}
	for (i = 0; p < end && *p && i + 1 < n; i++)
		buf[i] = (char)*p++;
	buf[i] = 0;
}

int kt_fail(struct kck *ck, const char *msg, ktype expected, const char *exp_s,
	    ktype found, const char *found_s)
{
	struct ktal_diag *d = ck->diag;
	const struct kinsn *in = ck->cur_insn;

	if (ck->failed)
		return 0;
	ck->failed = 1;
	kt_memzero(d, sizeof(*d));
	d->code_off = 0xffffffffu;
	d->label = -1;
	kt_strcpy(d->msg, msg, sizeof(d->msg));
	if (expected != KT_NOTYPE) {
		kt_typestr(ck, expected, d->expected, sizeof(d->expected));
		if (exp_s && *exp_s) {
			cat(d->expected, sizeof(d->expected), " in ");
			cat(d->expected, sizeof(d->expected), exp_s);
		}
	} else {
		kt_strcpy(d->expected, exp_s, sizeof(d->expected));
	}
	if (found != KT_NOTYPE)
		kt_typestr(ck, found, d->found, sizeof(d->found));
	else
		kt_strcpy(d->found, found_s, sizeof(d->found));
	if (in) {
		u32 i;

		d->code_off = in->off;
		d->label = (s32)ck->cur_label;
		label_name(ck, ck->cur_label, d->label_name, sizeof(d->label_name));
		if (in->op < OP_COUNT)
			cat(d->insn, sizeof(d->insn), kt_opname[in->op]);
		cat(d->insn, sizeof(d->insn), " (");
		for (i = 0; i < in->len && i < 15 && in->off + i < ck->code.len; i++) {
			u8 b = ck->code.p[in->off + i];
			char hx[4] = { ' ', "0123456789abcdef"[b >> 4],
				       "0123456789abcdef"[b & 15], 0 };

			cat(d->insn, sizeof(d->insn), i ? hx : hx + 1);
		}
		cat(d->insn, sizeof(d->insn), ")");
	}
	return 0;
}

void ktal_diag_format(const struct ktal_diag *d, char *buf, size_t n)
{
	u32 m = n > 0xffffffffu ? 0xffffffffu : (u32)n;

	if (!m)
		return;
	buf[0] = 0;
	if (d->code_off != 0xffffffffu) {
		catnum(buf, m, "code+0x", d->code_off, 1);
		if (d->label_name[0]) {
			cat(buf, m, " <");
			cat(buf, m, d->label_name);
			cat(buf, m, ">");
		}
		cat(buf, m, ": ");
	}
	cat(buf, m, d->msg);
	if (d->insn[0]) {
		cat(buf, m, " [");
		cat(buf, m, d->insn);
		cat(buf, m, "]");
	}
	if (d->expected[0] || d->found[0]) {
		cat(buf, m, " (expected ");
		cat(buf, m, d->expected[0] ? d->expected : "-");
		cat(buf, m, ", found ");
		cat(buf, m, d->found[0] ? d->found : "-");
		cat(buf, m, ")");
	}
}
