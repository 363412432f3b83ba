/* SPDX-License-Identifier: GPL-2.0 */
/*
 * marker.h - region markers for the profiling TCG plugin (tools/profile).
 *
 * A marker is a 7-byte NOP, `nopl disp32(%rax)` (0f 1f 80 + disp32), whose
 * displacement spells the marker: its low byte is the code, the other three
 * are "LMK" (0x4b4d4c, "KML" read from the top).  No compiler or assembler
 * pads with such a displacement, and any CPU in any ring executes it as a
 * NOP, so the same program marks regions in ring 3 and in ring 0.
 *
 * The code byte is KIND << 4 | TAG: KIND 1 opens a region, 2 closes it;
 * TAG (0-15) says which region it is, so one boot can profile several
 * (e.g. the three ways into the kernel).  Between an open and a close on
 * the same virtual CPU the plugin counts every executed instruction, those
 * of interrupts and of other tasks that run there in between included; the
 * markers themselves are not counted.
 */
#ifndef KML_BENCH_MARKER_H
#define KML_BENCH_MARKER_H

#define KML_MARK_OPEN	0x10
#define KML_MARK_CLOSE	0x20

/* TAG must be a constant expression from 0 to 15. */
#define KML_MARK(kind, tag) \
	__asm__ __volatile__(".byte 0x0f, 0x1f, 0x80, %c0, 0x4c, 0x4d, 0x4b" \
			     : : "i"((kind) | ((tag) & 15)) : "memory")
#define KML_REGION_OPEN(tag)	KML_MARK(KML_MARK_OPEN, tag)
#define KML_REGION_CLOSE(tag)	KML_MARK(KML_MARK_CLOSE, tag)

#endif
