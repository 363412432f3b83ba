// SPDX-License-Identifier: GPL-2.0
/*
 * emit.c - write the ELF64 object.
 *
 * File layout (all segments page-aligned in file and memory):
 *   0x0000  ELF header, program headers
 *   0x1000  runtime page      PT_LOAD RW  at RT_PAGE_VA
 *   0x2000  ring-3 runtime    PT_LOAD R X at RT_CODE_VA  (not verified)
 *   ...     verified code     PT_LOAD R X at CODE_VA
 *   ...     typed data        PT_LOAD RW  right after the code's pages
 *   ...     .ktal.* sections, .shstrtab, section headers
 */
#include "as.h"

extern const unsigned char ktal_rt_blob[];
extern const unsigned int ktal_rt_blob_len;

uint32_t code_size_final; /* code size from pass 1 */

uint64_t data_va(void)
{
	return CODE_VA + (((uint64_t)code_size_final + 4095) & ~4095ULL);
}

/* A growable byte buffer. */
struct buf {
	uint8_t *p;
	size_t n, cap;
};

static void put(struct buf *b, const void *d, size_t n)
{
	if (b->n + n > b->cap) {
		b->cap = (b->n + n) * 2 + 256;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->n, d, n);
	b->n += n;
}

static void put8(struct buf *b, int v) { uint8_t c = (uint8_t)v; put(b, &c, 1); }
static void put64(struct buf *b, uint64_t v) { put(b, &v, 8); }

static void uv(struct buf *b, uint64_t v)
{
	do {
		uint8_t c = v & 0x7f;

		v >>= 7;
		if (v)
			c |= 0x80;
		put8(b, c);
	} while (v);
}

static void pad_to(struct buf *b, size_t align)
{
	while (b->n % align)
		put8(b, 0);
}

#define NSEC 9 /* .ktal.* sections */
struct sec {
	const char *name;
	struct buf b;
	uint64_t off;
};

void write_object(const char *out)
{
	struct sec sec[NSEC] = {
		{ .name = KTAL_SEC_HDR }, { .name = KTAL_SEC_TYPES }, { .name = KTAL_SEC_STRUCTS },
		{ .name = KTAL_SEC_SIGS }, { .name = KTAL_SEC_LABELS }, { .name = KTAL_SEC_IMPORTS },
		{ .name = KTAL_SEC_GLOBALS }, { .name = KTAL_SEC_NAMES }, { .name = KTAL_SEC_IMPNAMES },
	};
	struct buf f = { 0 }, shstr = { 0 }, rtpage = { 0 }, data = { 0 };
	uint64_t nfields = 0, nltypes = 0, prev = 0, rt_off, code_off, data_off;
	uint64_t rtcode_off, shoff;
	int i, j, entry = find_label(P.entry), nph;
	FILE *fp;

	if (entry < 0 || P.labels[entry].kind != KTAL_L_FN) {
		fprintf(stderr, "%s: error: no entry function '%s'\n", S.file, P.entry);
		exit(1);
	}
	/* tables */
	for (i = KTAL_NBUILTIN; i < P.ntypes; i++)
		uv(&sec[1].b, (uint64_t)P.types[i].kind |
			      (uint64_t)P.types[i].ref << KTAL_K_BITS);
	for (i = 0; i < P.nstructs; i++) {
		uv(&sec[2].b, (uint64_t)P.structs[i].nfields);
		for (j = 0; j < P.structs[i].nfields; j++)
			uv(&sec[2].b, (uint64_t)P.structs[i].ftype[j]);
		nfields += (uint64_t)P.structs[i].nfields;
	}
	for (i = 0; i < P.nsigs; i++) {
		uv(&sec[3].b, (uint64_t)P.sigs[i].nargs |
			      ((uint64_t)P.sigs[i].headroom / 8) << KTAL_SIG_NARGS_BITS);
		for (j = 0; j < P.sigs[i].nargs; j++)
			uv(&sec[3].b, (uint64_t)P.sigs[i].arg[j]);
		uv(&sec[3].b, (uint64_t)P.sigs[i].ret);
	}
	for (i = 0; i < P.nlabels; i++) {
		const struct ldef *l = &P.labels[i], *p = i ? &P.labels[i - 1] : NULL;
		unsigned mask = 0;
		int r, same;

		put(&sec[7].b, l->name, strlen(l->name) + 1);
		if (l->kind == KTAL_L_FN) {
			uv(&sec[4].b, (l->off - prev) << KTAL_L_BITS | KTAL_L_FN);
			uv(&sec[4].b, (uint64_t)l->sig);
			prev = l->off;
			continue;
		}
		/* a block with the frame of the block before it says so */
		same = p && p->kind == KTAL_L_BLOCK && p->headroom == l->headroom &&
		       p->nslots == l->nslots &&
		       (!l->nslots || !memcmp(p->slots, l->slots, sizeof(int) * (size_t)l->nslots));
		uv(&sec[4].b, (l->off - prev) << KTAL_L_BITS | (same ? KTAL_L_SAME : KTAL_L_BLOCK));
		prev = l->off;
		if (!same)
			uv(&sec[4].b, (uint64_t)l->headroom / 8);
		for (r = 0; r < 16; r++)
			if (l->reg[r] >= 0)
				mask |= 1u << r;
		uv(&sec[4].b, mask);
		for (r = 0; r < 16; r++)
			if (l->reg[r] >= 0) {
				uv(&sec[4].b, (uint64_t)l->reg[r]);
				nltypes++;
			}
		if (same)
			continue;
		uv(&sec[4].b, (uint64_t)l->nslots);
		for (r = 0; r < l->nslots; r++)
			uv(&sec[4].b, (uint64_t)l->slots[r]);
		nltypes += (uint64_t)l->nslots;
	}
	for (i = 0; i < P.nimports; i++) {
		const struct gdef *g = &P.imports[i].type;

		put(&sec[8].b, svc_name(P.imports[i].svc), strlen(svc_name(P.imports[i].svc)) + 1);
		uv(&sec[5].b, (uint64_t)g->nargs |
			      ((uint64_t)g->headroom / 8) << KTAL_SIG_NARGS_BITS);
		for (j = 0; j < g->nargs; j++)
			uv(&sec[5].b, (uint64_t)g->arg[j]);
		uv(&sec[5].b, (uint64_t)g->ret);
	}
	for (i = 0; i < P.ndata; i++) {
		const struct ddef *d = &P.data[i];

		uv(&sec[6].b, d->off);
		uv(&sec[6].b, (uint64_t)d->type);
		uv(&sec[6].b, (uint64_t)d->len);
		while (data.n < d->off - 8)
			put8(&data, 0);
		put64(&data, (uint64_t)d->len);
		put(&data, d->init, (size_t)d->len * (size_t)d->esize);
	}
	while (data.n < P.datalen) /* an empty last global's element 0 */
		put8(&data, 0);
	pad_to(&data, 8);
	/* runtime page */
	for (i = 0; i < KTAL_RT_SIZE / 8; i++)
		put64(&rtpage, 0);
	{
		uint64_t *w = (uint64_t *)rtpage.p;

		w[KTAL_RT_ENTRY / 8] = CODE_VA + P.labels[entry].off;
		w[KTAL_RT_NIMPORTS / 8] = (uint64_t)P.nimports;
		w[KTAL_RT_CODE_VA / 8] = CODE_VA;
		w[KTAL_RT_CODE_SIZE / 8] = P.codelen;
		for (i = 0; i < P.nimports; i++) {
			const struct idef *im = &P.imports[i];
			uint64_t size = 0, key = 0;

			if (im->svc == KTAL_SVC_ALLOC || im->svc == KTAL_SVC_FREE) {
				size = 8ULL * (uint64_t)P.structs[im->targ].nfields;
				key = (uint64_t)im->targ;
			} else if (im->svc == KTAL_SVC_ALLOC_ARRAY || im->svc == KTAL_SVC_FREE_ARRAY) {
				size = P.types[im->targ].kind == KTAL_K_BYTE ? 1 : 8;
				key = (1ULL << 31) | (uint64_t)im->targ;
			}
			w[KTAL_RT_DESCS / 8 + i] = (uint64_t)im->svc | size << 8 | key << 32;
		}
	}
	/* file */
	nph = P.ndata ? 4 : 3;
	for (i = 0; i < 0x1000; i++)
		put8(&f, 0);
	rt_off = f.n;
	put(&f, rtpage.p, rtpage.n);
	rtcode_off = f.n;
	put(&f, ktal_rt_blob, ktal_rt_blob_len);
	pad_to(&f, 4096);
	code_off = f.n;
	put(&f, P.code, P.codelen);
	pad_to(&f, 4096);
	data_off = f.n;
	put(&f, data.p, data.n);
	/* header section, now that offsets are known */
	{
		uint64_t h[KTAL_HDR_WORDS] = { 0 };

		h[KTAL_HDR_MAGIC] = KTAL_MAGIC | KTAL_VERSION << 32;
		h[KTAL_HDR_CODE_OFF] = code_off >> KTAL_PAGE_SHIFT;
		h[KTAL_HDR_CODE_SIZE] = P.codelen;
		h[KTAL_HDR_CODE_VA] = CODE_VA >> KTAL_PAGE_SHIFT;
		h[KTAL_HDR_DATA_OFF] = data.n ? data_off >> KTAL_PAGE_SHIFT : 0;
		h[KTAL_HDR_DATA_SIZE] = data.n;
		h[KTAL_HDR_DATA_VA] = data.n ? data_va() >> KTAL_PAGE_SHIFT : 0;
		h[KTAL_HDR_RT_VA] = RT_PAGE_VA >> KTAL_PAGE_SHIFT;
		h[KTAL_HDR_ENTRY] = (uint64_t)entry;
		h[KTAL_HDR_NTYPES] = P.ntypes > KTAL_NBUILTIN ? (uint64_t)(P.ntypes - KTAL_NBUILTIN) : 0;
		h[KTAL_HDR_NSTRUCTS] = (uint64_t)P.nstructs;
		h[KTAL_HDR_NFIELDS] = nfields;
		h[KTAL_HDR_NSIGS] = (uint64_t)P.nsigs;
		h[KTAL_HDR_NLABELS] = (uint64_t)P.nlabels;
		h[KTAL_HDR_NLTYPES] = nltypes;
		h[KTAL_HDR_NIMPORTS] = (uint64_t)P.nimports;
		h[KTAL_HDR_NGLOBALS] = (uint64_t)P.ndata;
		for (i = 0; i < KTAL_HDR_WORDS; i++)
			uv(&sec[0].b, h[i]);
	}
	put8(&shstr, 0);
	for (i = 0; i < NSEC; i++) {
		sec[i].off = f.n;
		put(&f, sec[i].b.p ? sec[i].b.p : (uint8_t *)"", sec[i].b.n);
	}
	{
		uint64_t text_name, data_name, shstr_name, shstr_off, name[NSEC];

		for (i = 0; i < NSEC; i++) {
			name[i] = shstr.n;
			put(&shstr, sec[i].name, strlen(sec[i].name) + 1);
		}
		text_name = shstr.n;
		put(&shstr, ".text", 6);
		data_name = shstr.n;
		put(&shstr, ".data", 6);
		shstr_name = shstr.n;
		put(&shstr, ".shstrtab", 10);
		shstr_off = f.n;
		put(&f, shstr.p, shstr.n);
		pad_to(&f, 8);
		shoff = f.n;
		/* section headers: null, NSEC ktal, .text, .data, .shstrtab */
		for (i = 0; i < 64; i++)
			put8(&f, 0);
#define SH(nm, type, flags, addr, off, size) do { \
		uint32_t a32[2] = { (uint32_t)(nm), (type) }; \
		uint64_t a64[4] = { (flags), (addr), (off), (size) }; \
		uint32_t z32[2] = { 0, 0 }; uint64_t z64[2] = { 1, 0 }; \
		put(&f, a32, 8); put(&f, a64, 32); put(&f, z32, 8); put(&f, z64, 16); \
	} while (0)
		for (i = 0; i < NSEC; i++)
			SH(name[i], 1, 0, 0, sec[i].off, sec[i].b.n);
		SH(text_name, 1, 6, CODE_VA, code_off, P.codelen);
		SH(data_name, 1, 3, data.n ? data_va() : 0, data_off, data.n);
		SH(shstr_name, 3, 0, 0, shstr_off, shstr.n);
	}
	/* ELF header and program headers */
	{
		uint8_t *e = f.p;
		uint64_t ph[4][7] = {
			{ 1 | 6ULL << 32, rt_off, RT_PAGE_VA, RT_PAGE_VA, KTAL_RT_SIZE, KTAL_RT_SIZE, 4096 },
			{ 1 | 5ULL << 32, rtcode_off, RT_CODE_VA, RT_CODE_VA, ktal_rt_blob_len, ktal_rt_blob_len, 4096 },
			{ 1 | 5ULL << 32, code_off, CODE_VA, CODE_VA, P.codelen, P.codelen, 4096 },
			{ 1 | 6ULL << 32, data_off, data_va(), data_va(), data.n, data.n, 4096 },
		};
		uint16_t h16[6] = { 64, 56, (uint16_t)nph, 64, NSEC + 4, NSEC + 3 };
		uint64_t entry_va = RT_CODE_VA, phoff = 64;

		memcpy(e, "\177ELF\2\1\1", 7);
		e[16] = 2;	/* ET_EXEC */
		e[18] = 62;	/* EM_X86_64 */
		e[20] = 1;	/* EV_CURRENT */
		memcpy(e + 24, &entry_va, 8);
		memcpy(e + 32, &phoff, 8);
		memcpy(e + 40, &shoff, 8);
		memcpy(e + 52, h16, 12);
		memcpy(e + 64, ph, 56 * (size_t)nph);
	}
	fp = fopen(out, "wb");
	if (!fp || fwrite(f.p, 1, f.n, fp) != f.n || fclose(fp)) {
		fprintf(stderr, "ktal-as: cannot write %s\n", out);
		exit(2);
	}
}
