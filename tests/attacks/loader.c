// SPDX-License-Identifier: GPL-2.0
/*
 * ld_preload, ld_library_path, ld_audit (one source, three programs: the
 * name says which): run the trusted dynamic victim with the loader
 * variable pointing at the attacker's libkmlv.so.  Its constructor prints
 * "INJECTED ring=R" if the loader takes it.  A ring-0 exec must be
 * AT_SECURE (the loader then ignores these variables), and the victim
 * checks getauxval(AT_SECURE) itself.
 */
#include "attack.h"
#include <libgen.h>

int main(int argc, char **argv)
{
	char out[1024], env[128];
	char *vargv[] = { TRUSTED_DYN, NULL };
	char *venv[] = { env, "PATH=/bin", NULL };
	const char *name = basename(argv[0]);
	long ring, secure, injected;
	int st;

	attack_name = name;
	if (strstr(name, "library_path"))
		snprintf(env, sizeof(env), "LD_LIBRARY_PATH=/attacks/evil");
	else if (strstr(name, "audit"))
		snprintf(env, sizeof(env), "LD_AUDIT=" EVIL_LIB);
	else
		snprintf(env, sizeof(env), "LD_PRELOAD=" EVIL_LIB);
	st = run_capture(TRUSTED_DYN, vargv, venv, out, sizeof(out));
	injected = field(out, "INJECTED ring");
	ring = field(out, "ring");
	secure = field(out, "secure");
	if (injected == 0)
		got_through("%s: the attacker's library ran in ring 0", env);
	if (ring == 0 && strstr(out, "lib=evil"))
		got_through("%s: the trusted program called the attacker's library in ring 0", env);
	if (ring == 0 && secure != 1)
		got_through("%s: ring-0 exec without AT_SECURE (AT_SECURE=%ld)", env, secure);
	if (ring == 0)
		blocked("%s ignored by the loader: AT_SECURE=1, ring 0, library %s", env,
			strstr(out, "lib=good") ? "good" : "?");
	if (ring == 3)
		blocked("%s: the program ran in ring 3%s", env, injected == 3 ? " (library too)" : "");
	broken("%s: no ring reported (status %#x, output '%s')", env, st, first_line(out));
}
