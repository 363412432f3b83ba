/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktal_format.h - the KTAL object format, shared by the assembler, the
 * checker and the ring-3 runtime.  docs/ktal/spec.md section "Object
 * format" is the prose version of this file.
 *
 * A KTAL object is an ELF64 x86-64 executable.  The verified code and the
 * typed data are each one PT_LOAD segment; the runtime page (stack-limit
 * word and import slots) is a third region the loader provides.  Type
 * information lives in non-loaded sections named .ktal.*: streams of
 * unsigned LEB128 numbers ("varints"), up to 64 bits in .ktal.hdr and 32
 * bits elsewhere, except .ktal.impnames and .ktal.names (NUL-terminated
 * strings).
 */
#ifndef KTAL_FORMAT_H
#define KTAL_FORMAT_H

/* Section names. */
#define KTAL_SEC_HDR     ".ktal.hdr"	 /* fixed header, KTAL_HDR_* words */
#define KTAL_SEC_TYPES   ".ktal.types"	 /* type table */
#define KTAL_SEC_STRUCTS ".ktal.structs" /* struct layouts */
#define KTAL_SEC_SIGS    ".ktal.sigs"	 /* function signatures */
#define KTAL_SEC_LABELS  ".ktal.labels"	 /* labels, sorted by offset */
#define KTAL_SEC_IMPORTS ".ktal.imports" /* imported services: the type of each */
#define KTAL_SEC_GLOBALS ".ktal.globals" /* typed globals in the data segment */
#define KTAL_SEC_NAMES   ".ktal.names"	 /* optional label names (diagnostics) */
#define KTAL_SEC_IMPNAMES ".ktal.impnames" /* imported services: the name of each */

/* .ktal.hdr is KTAL_HDR_WORDS unsigned LEB128 numbers (up to 64 bits).
 * File offsets and addresses are page-aligned and written as page
 * numbers (the byte value >> KTAL_PAGE_SHIFT). */
#define KTAL_MAGIC	   0x4C41544BULL /* "KTAL" */
#define KTAL_VERSION	   4ULL
#define KTAL_PAGE_SHIFT	   12
#define KTAL_HDR_MAGIC	   0  /* KTAL_MAGIC | KTAL_VERSION << 32 */
#define KTAL_HDR_CODE_OFF  1  /* file offset of the code, in pages */
#define KTAL_HDR_CODE_SIZE 2  /* bytes of code */
#define KTAL_HDR_CODE_VA   3  /* virtual address of code byte 0, in pages */
#define KTAL_HDR_DATA_OFF  4  /* file offset of the data segment, in pages */
#define KTAL_HDR_DATA_SIZE 5  /* bytes of data (0: no data segment) */
#define KTAL_HDR_DATA_VA   6  /* virtual address of the data segment, in pages */
#define KTAL_HDR_RT_VA	   7  /* virtual address of the runtime page, in pages */
#define KTAL_HDR_ENTRY	   8  /* label index of the entry function */
#define KTAL_HDR_NTYPES	   9  /* records in .ktal.types (built-in types apart) */
#define KTAL_HDR_NSTRUCTS  10 /* records in .ktal.structs */
#define KTAL_HDR_NFIELDS   11 /* fields summed over all structs */
#define KTAL_HDR_NSIGS	   12 /* records in .ktal.sigs */
#define KTAL_HDR_NLABELS   13 /* records in .ktal.labels */
#define KTAL_HDR_NLTYPES   14 /* register and slot types summed over labels */
#define KTAL_HDR_NIMPORTS  15 /* records in .ktal.imports */
#define KTAL_HDR_NGLOBALS  16 /* records in .ktal.globals */
#define KTAL_HDR_WORDS	   17

/* Type kinds.  A .ktal.types record is one varint, kind | ref << 4, where
 * ref is 0 for JUNK, INT and BYTE. */
#define KTAL_K_JUNK  0 /* unreadable word */
#define KTAL_K_INT   1 /* 64-bit integer */
#define KTAL_K_BYTE  2 /* 8-bit integer: array elements only */
#define KTAL_K_PTR   3 /* ref: struct; non-null pointer */
#define KTAL_K_PTRQ  4 /* ref: struct; nullable pointer */
#define KTAL_K_ARR   5 /* ref: element type (earlier index); non-null array */
#define KTAL_K_ARRQ  6 /* ref: element type; nullable array */
#define KTAL_K_FN    7 /* ref: signature; non-null code pointer */
#define KTAL_K_FNQ   8 /* ref: signature; nullable code pointer */
#define KTAL_K_SAVED 9 /* ref: register; caller's value of a callee-saved reg */
#define KTAL_K_STK   10 /* checker-internal: rsp - ref, for the stack check */
#define KTAL_NKINDS  10 /* kinds that may appear in the file: 0..9 */
#define KTAL_K_BITS  4	/* kind bits in a type record */

/* Built-in types: type indices 0..KTAL_NBUILTIN-1 are predefined, and the
 * records of .ktal.types are types KTAL_NBUILTIN, KTAL_NBUILTIN + 1, ... */
#define KTAL_T_JUNK	  0 /* junk */
#define KTAL_T_INT	  1 /* int */
#define KTAL_T_BYTE	  2 /* byte */
#define KTAL_T_ARR_BYTE	  3 /* arr byte (the services' buffers) */
#define KTAL_T_SAVED	  4 /* 4..9: saved.rbx saved.rbp saved.r12 .. saved.r15 */
#define KTAL_NBUILTIN	  10

/* Signatures: a varint nargs | headroom words << 3, the argument type
 * indices, the result type index. */
#define KTAL_SIG_NARGS_BITS 3

/* Label kinds.  A .ktal.labels record starts with one varint,
 * offset delta << 2 | kind. */
#define KTAL_L_BLOCK 0 /* a block: headroom, registers, slots */
#define KTAL_L_FN    1 /* a function entry: its signature */
#define KTAL_L_SAME  2 /* a block with the headroom and slots of the previous
			  label, itself a block of the same function */
#define KTAL_L_BITS  2 /* kind bits in the first varint of a label */

/* Imports name a service by name and type, as the loader matches them
 * against the kernel's service table: import k's name is the k-th
 * NUL-terminated string of .ktal.impnames (1..KTAL_MAX_NAME bytes, the
 * linkage, like an ELF dynamic symbol's name), and its type is the k-th
 * record of .ktal.imports, a signature record as in .ktal.sigs.  A
 * service's type argument (alloc<S>, alloc_array<T>) is read off that
 * signature. */

/* The runtime page: KTAL_RT_SIZE bytes at KTAL_RT_VA, the one address
 * the header may give (KTAL_HDR_RT_VA), where the ring-3 runtime's
 * PT_LOAD and the ring-0 loader both put it.  Verified code only ever
 * reads the limit word (stack check) and calls through slots. */
#define KTAL_RT_VA	 0x200000ULL
#define KTAL_MIN_VA	 0x100000ULL /* code and data lie at or above this */
#define KTAL_RT_SIZE	 4096
#define KTAL_RT_LIMIT	 0   /* lowest usable stack address */
#define KTAL_RT_ENTRY	 8   /* ring-3 runtime: address of the entry fn */
#define KTAL_RT_NIMPORTS 16  /* ring-3 runtime: number of imports */
#define KTAL_RT_CODE_VA	 24  /* ring-3 runtime: code address (return checks) */
#define KTAL_RT_CODE_SIZE 32 /* ring-3 runtime: code size */
#define KTAL_RT_MONITOR	 40  /* ring-3 runtime: 1 when run under the monitor */
#define KTAL_RT_SLOTS	 64  /* import slot k is the word at +64+8k */
#define KTAL_RT_DESCS	 1024 /* ring-3 runtime: import k's descriptor word */
#define KTAL_MAX_IMPORTS 64

/* Limits.  Everything the checker reads is capped by one of these. */
#define KTAL_MAX_CODE	   (64u << 20) /* bytes of code */
#define KTAL_MAX_RECORDS   ((1u << 24) - 64) /* records in any one table (refs are
					       24-bit, built-in types come first) */
#define KTAL_MAX_FIELDS	   4096	       /* fields in one struct */
#define KTAL_MAX_SLOTS	   256	       /* known stack slots in a frame */
#define KTAL_MAX_HEADROOM  (1u << 20)  /* bytes of headroom, any label */
#define KTAL_ENTRY_HEADROOM 65536      /* headroom the loader guarantees at entry */
#define KTAL_SERVICE_HEADROOM 64       /* headroom a service call needs past its return address */
#define KTAL_MAX_NAME	   31	       /* bytes in an import name, without its NUL */
#define KTAL_MAX_ARENA	   (32u << 20) /* bytes of checker memory for one object */

/* Service numbers: the index of each service in the checker's service
 * table (check/services.c).  They are not in the object's tables, which
 * name services; the checker reports them (struct ktal_import_info), and
 * the assembler writes them into the ring-3 runtime's descriptors. */
#define KTAL_SVC_EXIT	     0
#define KTAL_SVC_READ	     1
#define KTAL_SVC_WRITE	     2
#define KTAL_SVC_OPEN	     3
#define KTAL_SVC_CLOSE	     4
#define KTAL_SVC_GETPID	     5
#define KTAL_SVC_ALLOC	     6
#define KTAL_SVC_FREE	     7
#define KTAL_SVC_ALLOC_ARRAY 8
#define KTAL_SVC_FREE_ARRAY  9
/* files */
#define KTAL_SVC_OPENAT	     10
#define KTAL_SVC_LSEEK	     11
#define KTAL_SVC_FSTAT	     12
#define KTAL_SVC_GETDENTS64  13
#define KTAL_SVC_UNLINK	     14
#define KTAL_SVC_RENAME	     15
#define KTAL_SVC_MKDIR	     16
/* time */
#define KTAL_SVC_CLOCK_GETTIME 17
#define KTAL_SVC_NANOSLEEP   18
/* pipes and descriptors */
#define KTAL_SVC_PIPE2	     19
#define KTAL_SVC_DUP2	     20
/* stream sockets */
#define KTAL_SVC_SOCKET	     21
#define KTAL_SVC_BIND	     22
#define KTAL_SVC_LISTEN	     23
#define KTAL_SVC_ACCEPT4     24
#define KTAL_SVC_CONNECT     25
#define KTAL_SVC_SHUTDOWN    26
#define KTAL_SVC_SENDTO	     27
#define KTAL_SVC_RECVFROM    28
#define KTAL_SVC_SETSOCKOPT  29
#define KTAL_SVC_POLL	     30
/* randomness and the program's arguments */
#define KTAL_SVC_GETRANDOM   31
#define KTAL_SVC_ARGC	     32
#define KTAL_SVC_ARG	     33
/* processes and signals */
#define KTAL_SVC_KILL	     34
#define KTAL_SVC_FORK	     35
#define KTAL_SVC_WAITPID     36
#define KTAL_SVC_EXECVE	     37
#define KTAL_SVC_SIGNAL	     38
#define KTAL_SVC_SIGTIMEDWAIT 39
#define KTAL_NSERVICES	     40

/* fstat's int array: at least this many words (struct stat, x86-64) */
#define KTAL_STAT_WORDS	     18

/* Ring-3 runtime descriptor word for import k (written by the assembler
 * at KTAL_RT_DESCS + 8k): service | size << 8 | key << 32, where size is
 * the struct size or element size and key identifies the type pool. */

#endif /* KTAL_FORMAT_H */
