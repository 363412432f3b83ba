/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktal_shim.h - the only place where the kernel build and the host build
 * of the checker differ.  The checker includes no libc header: it needs
 * fixed-width integers, size_t, and a hook to yield on long inputs.
 */
#ifndef KTAL_SHIM_H
#define KTAL_SHIM_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/sched.h>
/* Let other tasks run while checking a large object. */
#define KTAL_YIELD() cond_resched()
#else
typedef __UINT8_TYPE__ u8;
typedef __UINT16_TYPE__ u16;
typedef __UINT32_TYPE__ u32;
typedef __UINT64_TYPE__ u64;
typedef __INT32_TYPE__ s32;
typedef __INT64_TYPE__ s64;
#define KTAL_YIELD() do { } while (0)
#endif

#include "../include/ktal.h"
#include "../include/ktal_format.h"

#endif /* KTAL_SHIM_H */
