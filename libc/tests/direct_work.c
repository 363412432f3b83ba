// SPDX-License-Identifier: GPL-2.0
// timeout: 60
/*
 * direct_work - tests/guest/syscall_work.c built against the KML libc,
 * whose syscall() calls the direct entry in ring 0: the same hand-over
 * from the fast path to the full one (a seccomp filter installed
 * mid-run, a tracer attaching, signals to a spinning thread) through the
 * other way in.
 */
#include "../../tests/guest/syscall_work.c"
