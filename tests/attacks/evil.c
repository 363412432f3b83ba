// SPDX-License-Identifier: GPL-2.0
/*
 * The attacker's shared library, built as libkmlv.so with the same soname
 * as the victim's own library.  Used as LD_PRELOAD, through LD_LIBRARY_PATH
 * and as LD_AUDIT: whichever way the loader takes it, its constructor runs
 * first and prints "INJECTED ring=R", the proof that attacker code ran
 * inside the trusted process.
 */
#include <stdio.h>
#include <unistd.h>

static int ring(void)
{
	unsigned short cs;

	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	return cs & 3;
}

__attribute__((constructor)) static void inject(void)
{
	char msg[64];
	int n = snprintf(msg, sizeof(msg), "INJECTED ring=%d\n", ring());

	if (write(1, msg, n) != n)
		_exit(99);
}

const char *victim_lib(void)
{
	return "evil";
}

/* Makes it acceptable to LD_AUDIT as well. */
unsigned int la_version(unsigned int version)
{
	return version;
}
