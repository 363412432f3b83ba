// SPDX-License-Identifier: GPL-2.0
/*
 * kmlprof: a QEMU TCG plugin that profiles marked regions of a guest run.
 *
 * Written to the plugin API of QEMU 7.2 (QEMU_PLUGIN_VERSION 1, Debian 12's
 * qemu-system-x86), which cannot read guest registers: everything is
 * decided from the instruction bytes and addresses at translation time.
 *
 * Regions.  A guest program opens and closes a region with the markers of
 * bench/guest/marker.h: `nopl disp32(%rax)` whose displacement is
 * 0x4b4d4cCC, CC = KIND << 4 | TAG (KIND 1 open, 2 close, TAG 0-15).  From
 * an open to the next close on the same virtual CPU, every executed guest
 * instruction is counted (in any ring and any task: an interrupt in the
 * region is part of it); the markers themselves are not.
 *
 * Attribution.  An instruction at a kernel address (upper half) belongs to
 * the System.map symbol at or below it ("[kernel]" when there is none); one
 * at a user address to the user symbol that contains it (from the optional
 * usermap, `nm -S` output of the programs of interest), else to "[user]".
 *
 * Costly instructions.  Those that cost much on hardware and little under
 * TCG are classified by their bytes: SYSCALL, SYSRET, IRET, SWAPGS, WRMSR,
 * RDMSR, MOV to CR3, MOV to another CR, CLI, STI, POPF, STAC, CLAC, LFENCE,
 * MFENCE, VERW, INT n, INT3/INT1; each is counted with its symbol.
 *
 * Arguments: map=SYSTEM.MAP (required), out=FILE (the report; default
 * stderr), usermap=FILE.  Report, written when QEMU exits:
 *   @region TAG calls=N insns=TOTAL unbalanced=K
 *   @sym TAG COUNT NAME                 instructions in NAME, whole region
 *   @costly TAG CLASS COUNT NAME        costly instructions of CLASS in NAME
 * (per call: divide by N; scripts/profile-report.py prints the tables).
 *
 * Cost: one helper call per executed instruction for the whole run, inside
 * a region or not (the plugin cannot know at translation time).
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

#define MAX_VCPUS	64
#define NTAGS		16
#define KERNEL_START	0xffff800000000000ull
#define MARK_OPEN	0x10	/* the marker kinds, as in bench/guest/marker.h */
#define MARK_CLOSE	0x20

/* The costly instruction classes; 0 is "not costly".  5 bits in udata. */
enum cls {
	C_NONE, C_SYSCALL, C_SYSRET, C_IRET, C_SWAPGS, C_WRMSR, C_RDMSR,
	C_MOV_CR3, C_MOV_CR, C_CLI, C_STI, C_POPF, C_STAC, C_CLAC, C_LFENCE,
	C_MFENCE, C_VERW, C_INT, C_INT3, NCLS
};

static const char *const cls_name[NCLS] = {
	[C_SYSCALL] = "SYSCALL", [C_SYSRET] = "SYSRET", [C_IRET] = "IRET",
	[C_SWAPGS] = "SWAPGS", [C_WRMSR] = "WRMSR", [C_RDMSR] = "RDMSR",
	[C_MOV_CR3] = "MOV-to-CR3", [C_MOV_CR] = "MOV-to-CR", [C_CLI] = "CLI",
	[C_STI] = "STI", [C_POPF] = "POPF", [C_STAC] = "STAC", [C_CLAC] = "CLAC",
	[C_LFENCE] = "LFENCE", [C_MFENCE] = "MFENCE", [C_VERW] = "VERW",
	[C_INT] = "INT-n", [C_INT3] = "INT3/INT1",
};

/* Symbol 0 is "[user]", 1 "[kernel]"; then the kernel's, then the user's. */
#define SYM_USER	0
#define SYM_KERNEL	1

struct sym {
	uint64_t addr;
	uint64_t size;		/* 0: up to the next symbol (System.map) */
	char *name;
};

static struct sym *syms;
static size_t nsyms, ksyms_lo, ksyms_hi, usyms_lo, usyms_hi;

static uint64_t *counts;	/* [tag][symbol] */
static uint64_t regions[NTAGS], unbalanced[NTAGS];
static bool active[MAX_VCPUS];
static unsigned int vcpu_tag[MAX_VCPUS];
static FILE *out;

/* Costly instructions by (tag, class, symbol): a small open hash. */
#define COSTLY_SLOTS 8192
static struct costly {
	uint32_t key;		/* tag << 27 | cls << 22 | (symbol + 1); 0: empty */
	uint64_t count;
} costly[COSTLY_SLOTS];
static pthread_mutex_t costly_lock = PTHREAD_MUTEX_INITIALIZER;

static void costly_add(unsigned int tag, unsigned int cls, size_t sym)
{
	uint32_t key = (uint32_t)(tag << 27 | cls << 22 | (sym + 1));
	uint32_t h = (key * 2654435761u) % COSTLY_SLOTS;

	pthread_mutex_lock(&costly_lock);
	for (unsigned int i = 0; i < COSTLY_SLOTS; i++, h = (h + 1) % COSTLY_SLOTS) {
		if (costly[h].key == key || costly[h].key == 0) {
			costly[h].key = key;
			costly[h].count++;
			break;
		}
	}
	pthread_mutex_unlock(&costly_lock);
}

/*
 * The class of the instruction in BYTES (LEN bytes, 64-bit code): legacy
 * prefixes, an optional REX, then the opcode.
 */
static enum cls classify(const uint8_t *b, size_t len)
{
	size_t i = 0;
	bool rex_r = false, mandatory = false;	/* 66, F2 or F3 seen */
	uint8_t op, modrm;

	for (; i < len; i++) {
		uint8_t p = b[i];

		if (p == 0x66 || p == 0xf2 || p == 0xf3)
			mandatory = true;
		else if (!(p == 0xf0 || p == 0x2e || p == 0x36 || p == 0x3e ||
			   p == 0x26 || p == 0x64 || p == 0x65 || p == 0x67))
			break;
	}
	if (i < len && (b[i] & 0xf0) == 0x40) {
		rex_r = b[i] & 4;
		i++;
	}
	if (i >= len)
		return C_NONE;
	op = b[i++];
	switch (op) {
	case 0xfa: return C_CLI;
	case 0xfb: return C_STI;
	case 0x9d: return C_POPF;
	case 0xcf: return C_IRET;
	case 0xcd: return C_INT;
	case 0xcc: case 0xf1: return C_INT3;
	case 0x0f: break;
	default: return C_NONE;
	}
	if (i >= len)
		return C_NONE;
	op = b[i++];
	modrm = i < len ? b[i] : 0;
	switch (op) {
	case 0x05: return C_SYSCALL;
	case 0x07: return C_SYSRET;
	case 0x30: return C_WRMSR;
	case 0x32: return C_RDMSR;
	case 0x22:	/* MOV CRn, r64: CR number in ModRM.reg (+8 with REX.R) */
		if (i >= len)
			return C_NONE;
		return (((modrm >> 3) & 7) | (rex_r ? 8 : 0)) == 3 ? C_MOV_CR3 : C_MOV_CR;
	case 0x00:	/* group 6: /5 is VERW */
		return i < len && ((modrm >> 3) & 7) == 5 ? C_VERW : C_NONE;
	case 0x01:	/* group 7, no mandatory prefix: the register forms */
		if (mandatory || i >= len)
			return C_NONE;
		return modrm == 0xf8 ? C_SWAPGS : modrm == 0xca ? C_CLAC :
		       modrm == 0xcb ? C_STAC : C_NONE;
	case 0xae:	/* group 15, register form, no prefix: /5 LFENCE, /6 MFENCE */
		if (mandatory || i >= len || (modrm >> 6) != 3)
			return C_NONE;
		return ((modrm >> 3) & 7) == 5 ? C_LFENCE :
		       ((modrm >> 3) & 7) == 6 ? C_MFENCE : C_NONE;
	default:
		return C_NONE;
	}
}

/* A region marker: the marker's code byte, or -1. */
static int marker_code(const uint8_t *b, size_t len)
{
	if (len == 7 && b[0] == 0x0f && b[1] == 0x1f && b[2] == 0x80 &&
	    b[4] == 0x4c && b[5] == 0x4d && b[6] == 0x4b)
		return b[3];
	return -1;
}

/* The symbol of ADDR, by binary search in syms[lo, hi). */
static size_t lookup(uint64_t addr)
{
	size_t lo, hi;

	if (addr >= KERNEL_START) {
		lo = ksyms_lo, hi = ksyms_hi;
		if (lo == hi || addr < syms[lo].addr)
			return SYM_KERNEL;
	} else {
		lo = usyms_lo, hi = usyms_hi;
		if (lo == hi || addr < syms[lo].addr)
			return SYM_USER;
	}
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	if (syms[lo].size && addr - syms[lo].addr >= syms[lo].size)
		return addr >= KERNEL_START ? SYM_KERNEL : SYM_USER;
	return lo;
}

static void on_insn(unsigned int vcpu, void *udata)
{
	uintptr_t u = (uintptr_t)udata;
	unsigned int tag;

	if (vcpu >= MAX_VCPUS || !active[vcpu])
		return;
	tag = vcpu_tag[vcpu];
	counts[tag * nsyms + (u >> 5)]++;
	if (u & 31)
		costly_add(tag, u & 31, u >> 5);
}

static void on_marker(unsigned int vcpu, void *udata)
{
	unsigned int code = (uintptr_t)udata, tag = code & 15;

	if (vcpu >= MAX_VCPUS)
		return;
	if ((code & 0xf0) == MARK_OPEN) {
		if (active[vcpu])
			unbalanced[vcpu_tag[vcpu]]++;
		active[vcpu] = true;
		vcpu_tag[vcpu] = tag;
		regions[tag]++;
	} else if ((code & 0xf0) == MARK_CLOSE) {
		if (!active[vcpu] || vcpu_tag[vcpu] != tag)
			unbalanced[tag]++;
		active[vcpu] = false;
	}
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb);

	for (size_t i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		const uint8_t *bytes = qemu_plugin_insn_data(insn);
		size_t len = qemu_plugin_insn_size(insn);
		int code = marker_code(bytes, len);
		uintptr_t u;

		if (code >= 0) {
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_marker, QEMU_PLUGIN_CB_NO_REGS,
							       (void *)(uintptr_t)code);
			continue;
		}
		u = (uintptr_t)lookup(qemu_plugin_insn_vaddr(insn)) << 5 | classify(bytes, len);
		qemu_plugin_register_vcpu_insn_exec_cb(insn, on_insn, QEMU_PLUGIN_CB_NO_REGS, (void *)u);
	}
}

static void report(qemu_plugin_id_t id, void *p)
{
	for (unsigned int tag = 0; tag < NTAGS; tag++) {
		uint64_t total = 0;

		if (!regions[tag])
			continue;
		for (size_t s = 0; s < nsyms; s++)
			total += counts[tag * nsyms + s];
		fprintf(out, "@region %u calls=%" PRIu64 " insns=%" PRIu64 " unbalanced=%" PRIu64 "\n",
			tag, regions[tag], total, unbalanced[tag]);
		for (size_t s = 0; s < nsyms; s++)
			if (counts[tag * nsyms + s])
				fprintf(out, "@sym %u %" PRIu64 " %s\n", tag, counts[tag * nsyms + s], syms[s].name);
		for (unsigned int h = 0; h < COSTLY_SLOTS; h++)
			if (costly[h].key && costly[h].key >> 27 == tag)
				fprintf(out, "@costly %u %s %" PRIu64 " %s\n", tag,
					cls_name[(costly[h].key >> 22) & 31], costly[h].count,
					syms[(costly[h].key & ((1u << 22) - 1)) - 1].name);
	}
	fflush(out);
	if (out != stderr)
		fclose(out);
}

static int by_addr(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;

	return (x->addr > y->addr) - (x->addr < y->addr);
}

static void add_sym(size_t *cap, uint64_t addr, uint64_t size, const char *name)
{
	if (nsyms == *cap) {
		*cap = *cap ? 2 * *cap : 4096;
		syms = realloc(syms, *cap * sizeof(*syms));
		if (!syms) {
			perror("kmlprof");
			exit(1);
		}
	}
	syms[nsyms].addr = addr;
	syms[nsyms].size = size;
	syms[nsyms].name = strdup(name);
	nsyms++;
}

/*
 * Text symbols of a map: System.map lines "ADDR TYPE NAME" (each up to the
 * next), or `nm -S` lines "ADDR SIZE TYPE NAME" (only those with a size are
 * kept from a user map).  Returns the number read, or -1.
 */
static long load_map(const char *path, size_t *cap, bool user)
{
	char line[1024], name[512], f2[64], f3[64];
	unsigned long long addr, size;
	size_t first = nsyms;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char type;
		int n = sscanf(line, "%llx %63s %63s %511s", &addr, f2, f3, name);

		if (n == 4 && sscanf(f2, "%llx", &size) == 1) {
			type = f3[0];
		} else if (n == 3) {
			type = f2[0];
			size = 0;
			strcpy(name, f3);
		} else {
			continue;
		}
		if (type != 't' && type != 'T' && type != 'w' && type != 'W')
			continue;
		if (user && !size)
			continue;
		if (!user && addr < KERNEL_START)
			continue;
		add_sym(cap, addr, size, name);
	}
	fclose(f);
	qsort(syms + first, nsyms - first, sizeof(*syms), by_addr);
	return (long)(nsyms - first);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
					   int argc, char **argv)
{
	const char *map = NULL, *usermap = NULL, *outpath = NULL;
	size_t cap = 0;

	for (int i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "map=", 4))
			map = argv[i] + 4;
		else if (!strncmp(argv[i], "usermap=", 8))
			usermap = argv[i] + 8;
		else if (!strncmp(argv[i], "out=", 4))
			outpath = argv[i] + 4;
		else {
			fprintf(stderr, "kmlprof: unknown argument %s (map=, usermap=, out=)\n", argv[i]);
			return -1;
		}
	}
	if (strcmp(info->target_name, "x86_64")) {
		fprintf(stderr, "kmlprof: x86_64 guests only, not %s\n", info->target_name);
		return -1;
	}
	if (!map) {
		fprintf(stderr, "kmlprof: map=SYSTEM.MAP is required\n");
		return -1;
	}
	add_sym(&cap, 0, 0, "[user]");
	add_sym(&cap, 0, 0, "[kernel]");
	ksyms_lo = nsyms;
	if (load_map(map, &cap, false) <= 0) {
		fprintf(stderr, "kmlprof: no kernel text symbols in %s\n", map);
		return -1;
	}
	ksyms_hi = usyms_lo = usyms_hi = nsyms;
	if (usermap) {
		if (load_map(usermap, &cap, true) < 0) {
			fprintf(stderr, "kmlprof: cannot read %s\n", usermap);
			return -1;
		}
		usyms_hi = nsyms;
	}
	if (nsyms >= (1u << 22) - 1) {
		fprintf(stderr, "kmlprof: too many symbols (%zu)\n", nsyms);
		return -1;
	}
	counts = calloc(NTAGS * nsyms, sizeof(*counts));
	out = outpath ? fopen(outpath, "w") : stderr;
	if (!counts || !out) {
		perror(outpath ? outpath : "kmlprof");
		return -1;
	}
	fprintf(out, "# kmlprof: %zu kernel and %zu user symbols\n", ksyms_hi - ksyms_lo, usyms_hi - usyms_lo);
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	qemu_plugin_register_atexit_cb(id, report, NULL);
	return 0;
}
