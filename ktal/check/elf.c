// SPDX-License-Identifier: GPL-2.0
/*
 * elf.c - phase 1: find the .ktal.* sections and check that the loadable
 * segments are the ones the header describes.
 *
 * After kt_elf() returns 1:
 *  - ck->hdr holds the header words, and every byte range named below lies
 *    inside the input;
 *  - the code is exactly one PT_LOAD segment, read+execute, not writable;
 *  - the data (if any) is exactly one PT_LOAD segment, read+write;
 *  - no other PT_LOAD shares a page with the code, and the runtime page
 *    shares no page with code or data;
 *  - the .ktal.* sections are pairwise disjoint, so their sizes add up to
 *    at most the file's (the bound on the checker's memory rests on it);
 *  - the runtime page is at KTAL_RT_VA, where one PT_LOAD of exactly one
 *    page, read-write, puts it for the ring-3 runtime, and no other
 *    PT_LOAD touches it: the page the checker types "call [slot]" against
 *    is the one both loaders fill.
 */
#include "ktal_int.h"

#define PF_X 1
#define PF_W 2
#define PF_R 4
#define PT_LOAD 1
#define PT_DYNAMIC 2
#define PT_INTERP 3
#define SHT_NOBITS 8
#define PAGE 4096ULL
#define MAX_PHDRS 16
#define MAX_SHDRS 64
#define USER_TOP (1ULL << 46) /* every address we accept lies below this */

/* ck->sec[k] is the section secname[k]; all are required but the names */
#define SEC_NAMES 7
static const char *const secname[9] = {
	KTAL_SEC_HDR, KTAL_SEC_TYPES, KTAL_SEC_STRUCTS, KTAL_SEC_SIGS,
	KTAL_SEC_LABELS, KTAL_SEC_IMPORTS, KTAL_SEC_GLOBALS, KTAL_SEC_NAMES,
	KTAL_SEC_IMPNAMES,
};

static u64 rd(const u8 *p, int n)
{
	u64 v = 0;
	int i;

	for (i = n - 1; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/* [off, off + n) lies inside the input. */
static int inside(const struct kck *ck, u64 off, u64 n)
{
	return off <= ck->len && n <= ck->len - off;
}

/* The NUL-terminated string at tab[off] equals s (bounded by the table). */
static int name_is(const u8 *tab, u64 tablen, u64 off, const char *s)
{
	u64 i;

	for (i = 0; off + i < tablen; i++) {
		if ((u8)s[i] != tab[off + i])
			return 0;
		if (s[i] == 0)
			return 1;
	}
	return 0;
}

/* Page-rounded ranges [a, a+an) and [b, b+bn) share a page. */
static int pages_overlap(u64 a, u64 an, u64 b, u64 bn)
{
	u64 a0 = a & ~(PAGE - 1), a1 = (a + an + PAGE - 1) & ~(PAGE - 1);
	u64 b0 = b & ~(PAGE - 1), b1 = (b + bn + PAGE - 1) & ~(PAGE - 1);

	if (an == 0 || bn == 0)
		return 0;
	return a0 < b1 && b0 < a1;
}

static int sections(struct kck *ck)
{
	const u8 *e = ck->elf;
	u64 shoff = rd(e + 40, 8), shnum = rd(e + 60, 2), shstr = rd(e + 62, 2);
	const u8 *sh, *tab;
	u64 i, taboff, tablen;
	int k;

	if (shnum == 0 || shnum > MAX_SHDRS || rd(e + 58, 2) != 64 ||
	    !inside(ck, shoff, shnum * 64))
		return kt_fail(ck, "bad section header table", KT_NOTYPE, "",
			       KT_NOTYPE, "");
	if (shstr >= shnum)
		return kt_fail(ck, "bad section name table", KT_NOTYPE, "",
			       KT_NOTYPE, "");
	sh = e + shoff + shstr * 64;
	taboff = rd(sh + 24, 8);
	tablen = rd(sh + 32, 8);
	if (!inside(ck, taboff, tablen))
		return kt_fail(ck, "bad section name table", KT_NOTYPE, "",
			       KT_NOTYPE, "");
	tab = e + taboff;
	for (i = 0; i < shnum; i++) {
		u64 off, size, name;

		sh = e + shoff + i * 64;
		name = rd(sh, 4);
		off = rd(sh + 24, 8);
		size = rd(sh + 32, 8);
		for (k = 0; k < 9; k++) {
			if (!name_is(tab, tablen, name, secname[k]))
				continue;
			if (rd(sh + 4, 4) == SHT_NOBITS || !inside(ck, off, size))
				return kt_fail(ck, "section outside the file",
					       KT_NOTYPE, secname[k], KT_NOTYPE, "");
			if (ck->sec[k].p)
				return kt_fail(ck, "duplicate section", KT_NOTYPE,
					       secname[k], KT_NOTYPE, "");
			ck->sec[k].p = e + off;
			ck->sec[k].len = size;
		}
	}
	for (k = 0; k < 9; k++)
		if (k != SEC_NAMES && !ck->sec[k].p)
			return kt_fail(ck, "missing section", KT_NOTYPE,
				       secname[k], KT_NOTYPE, "");
	for (k = 0; k < 9; k++) {
		int j;

		for (j = 0; j < k; j++) {
			const struct ksec *a = &ck->sec[k], *b = &ck->sec[j];

			if (a->len && b->len && a->p < b->p + b->len &&
			    b->p < a->p + a->len)
				return kt_fail(ck, "overlapping sections", KT_NOTYPE,
					       secname[j], KT_NOTYPE, secname[k]);
		}
	}
	return 1;
}

static int header(struct kck *ck)
{
	/* words that count 4 KiB pages; ck->hdr holds them in bytes */
	static const u8 pages[] = { KTAL_HDR_CODE_OFF, KTAL_HDR_CODE_VA,
		KTAL_HDR_DATA_OFF, KTAL_HDR_DATA_VA, KTAL_HDR_RT_VA };
	const struct ksec *h = &ck->sec[0];
	const u8 *p = h->p, *end = h->p + h->len;
	u32 i;

	for (i = 0; i < KTAL_HDR_WORDS; i++) {
		u64 v = 0;
		int shift;

		for (shift = 0;; shift += 7) {
			if (p >= end || shift > 63)
				return kt_fail(ck, "bad .ktal.hdr size", KT_NOTYPE, "",
					       KT_NOTYPE, "");
			v |= (u64)(*p & 0x7f) << shift;
			if (!(*p++ & 0x80))
				break;
		}
		ck->hdr[i] = v;
	}
	if (p != end)
		return kt_fail(ck, "bad .ktal.hdr size", KT_NOTYPE, "", KT_NOTYPE, "");
	if (ck->hdr[KTAL_HDR_MAGIC] != (KTAL_MAGIC | KTAL_VERSION << 32))
		return kt_fail(ck, "bad .ktal.hdr magic or version", KT_NOTYPE,
			       "", KT_NOTYPE, "");
	for (i = 0; i < sizeof(pages); i++) {
		if (ck->hdr[pages[i]] >> (64 - KTAL_PAGE_SHIFT))
			return kt_fail(ck, "bad segment address", KT_NOTYPE, "",
				       KT_NOTYPE, "");
		ck->hdr[pages[i]] <<= KTAL_PAGE_SHIFT;
	}
	ck->code_va = ck->hdr[KTAL_HDR_CODE_VA];
	ck->data_va = ck->hdr[KTAL_HDR_DATA_VA];
	ck->rt_va = ck->hdr[KTAL_HDR_RT_VA];
	if (ck->hdr[KTAL_HDR_CODE_SIZE] == 0 ||
	    ck->hdr[KTAL_HDR_CODE_SIZE] > KTAL_MAX_CODE ||
	    !inside(ck, ck->hdr[KTAL_HDR_CODE_OFF], ck->hdr[KTAL_HDR_CODE_SIZE]))
		return kt_fail(ck, "code outside the file", KT_NOTYPE, "",
			       KT_NOTYPE, "");
	if (ck->hdr[KTAL_HDR_DATA_SIZE] > KTAL_MAX_CODE ||
	    !inside(ck, ck->hdr[KTAL_HDR_DATA_OFF], ck->hdr[KTAL_HDR_DATA_SIZE]))
		return kt_fail(ck, "data outside the file", KT_NOTYPE, "",
			       KT_NOTYPE, "");
	/* page numbers: the addresses are page-aligned by construction */
	/* Code and data lie at or above KTAL_MIN_VA: a null pointer's field
	 * (below 32 KiB) then never addresses them, even on a mispredicted
	 * null test, where it would read program data as a pointer (spec
	 * section 15.3). */
	if (ck->code_va >= USER_TOP || ck->data_va >= USER_TOP ||
	    ck->code_va < KTAL_MIN_VA ||
	    (ck->hdr[KTAL_HDR_DATA_SIZE] && ck->data_va < KTAL_MIN_VA))
		return kt_fail(ck, "bad segment address", KT_NOTYPE, "",
			       KT_NOTYPE, "");
	if (ck->rt_va != KTAL_RT_VA)
		return kt_fail(ck, "bad runtime page address", KT_NOTYPE,
			       "0x200000", KT_NOTYPE, "");
	ck->code.p = ck->elf + ck->hdr[KTAL_HDR_CODE_OFF];
	ck->code.len = ck->hdr[KTAL_HDR_CODE_SIZE];
	ck->data.p = ck->elf + ck->hdr[KTAL_HDR_DATA_OFF];
	ck->data.len = ck->hdr[KTAL_HDR_DATA_SIZE];
	return 1;
}

static int segments(struct kck *ck)
{
	const u8 *e = ck->elf;
	u64 phoff = rd(e + 32, 8), phnum = rd(e + 56, 2), i;
	u64 csz = ck->code.len, dsz = ck->data.len;
	int have_code = 0, have_data = 0, have_rt = 0;

	if (phnum == 0 || phnum > MAX_PHDRS || rd(e + 54, 2) != 56 ||
	    !inside(ck, phoff, phnum * 56))
		return kt_fail(ck, "bad program header table", KT_NOTYPE, "",
			       KT_NOTYPE, "");
	for (i = 0; i < phnum; i++) {
		const u8 *ph = e + phoff + i * 56;
		u64 type = rd(ph, 4), flags = rd(ph + 4, 4);
		u64 off = rd(ph + 8, 8), va = rd(ph + 16, 8);
		u64 fsz = rd(ph + 32, 8), msz = rd(ph + 40, 8);

		if (type == PT_INTERP || type == PT_DYNAMIC)
			return kt_fail(ck, "dynamic objects are not supported",
				       KT_NOTYPE, "", KT_NOTYPE, "");
		if (type != PT_LOAD)
			continue;
		if (va >= USER_TOP || msz >= USER_TOP || fsz > msz)
			return kt_fail(ck, "bad segment address", KT_NOTYPE, "",
				       KT_NOTYPE, "");
		if (off == ck->hdr[KTAL_HDR_CODE_OFF] && va == ck->code_va &&
		    fsz == csz && msz == csz && flags == (PF_R | PF_X) &&
		    !have_code) {
			have_code = 1;
			continue;
		}
		if (dsz && off == ck->hdr[KTAL_HDR_DATA_OFF] &&
		    va == ck->data_va && fsz == dsz && msz == dsz &&
		    flags == (PF_R | PF_W) && !have_data) {
			have_data = 1;
			if (pages_overlap(va, msz, ck->code_va, csz))
				return kt_fail(ck, "segment overlaps the code",
					       KT_NOTYPE, "", KT_NOTYPE, "");
			continue;
		}
		if (va == ck->rt_va && msz == KTAL_RT_SIZE &&
		    flags == (PF_R | PF_W) && !have_rt) {
			have_rt = 1;
			continue;
		}
		if (pages_overlap(va, msz, ck->rt_va, KTAL_RT_SIZE))
			return kt_fail(ck, "segment overlaps the runtime page",
				       KT_NOTYPE, "", KT_NOTYPE, "");
		/* Any other segment (the ring-3 runtime) must keep off the
		 * code's pages. */
		if (pages_overlap(va, msz, ck->code_va, csz))
			return kt_fail(ck, "segment overlaps the code", KT_NOTYPE,
				       "", KT_NOTYPE, "");
		if (dsz && pages_overlap(va, msz, ck->data_va, dsz))
			return kt_fail(ck, "segment overlaps the data", KT_NOTYPE,
				       "", KT_NOTYPE, "");
	}
	if (!have_code)
		return kt_fail(ck, "code segment does not match the header",
			       KT_NOTYPE, "", KT_NOTYPE, "");
	if (dsz && !have_data)
		return kt_fail(ck, "data segment does not match the header",
			       KT_NOTYPE, "", KT_NOTYPE, "");
	if (!have_rt)
		return kt_fail(ck, "runtime page segment does not match the header",
			       KT_NOTYPE, "", KT_NOTYPE, "");
	if (pages_overlap(ck->rt_va, KTAL_RT_SIZE, ck->code_va, csz) ||
	    pages_overlap(ck->rt_va, KTAL_RT_SIZE, ck->data_va, dsz))
		return kt_fail(ck, "runtime page overlaps code or data",
			       KT_NOTYPE, "", KT_NOTYPE, "");
	return 1;
}

int kt_elf(struct kck *ck)
{
	const u8 *e = ck->elf;

	if (ck->len < 64 || e[0] != 0x7f || e[1] != 'E' || e[2] != 'L' ||
	    e[3] != 'F')
		return kt_fail(ck, "not an ELF file", KT_NOTYPE, "", KT_NOTYPE, "");
	if (e[4] != 2 || e[5] != 1 || rd(e + 18, 2) != 62 || rd(e + 16, 2) != 2)
		return kt_fail(ck, "not an x86-64 little-endian executable",
			       KT_NOTYPE, "", KT_NOTYPE, "");
	return sections(ck) && header(ck) && segments(ck);
}
