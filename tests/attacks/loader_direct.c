// SPDX-License-Identifier: GPL-2.0
/* loader_direct: run the dynamic loader itself with the trusted dynamic
 * program as its argument and the attacker's library preloaded
 * (ld.so --preload LIB /trusted/attacks/victim_dyn): the loader maps the
 * trusted program, so nothing but the loader's own file decides the ring. */
#include "attack.h"

int main(void)
{
	char out[1024];
	char *argv[] = { "/lib64/ld-linux-x86-64.so.2", "--preload", EVIL_LIB, TRUSTED_DYN, NULL };
	long ring, injected;
	int st;

	attack_name = "loader_direct";
	st = run_capture(argv[0], argv, NULL, out, sizeof(out));
	ring = field(out, "ring");
	injected = field(out, "INJECTED ring");
	if (injected == 0 || ring == 0)
		got_through("ld.so --preload ran %s in ring 0", injected == 0 ? "the attacker's library" : "the program");
	if (ring == 3)
		blocked("the loader, the program and the library ran in ring 3");
	broken("no ring reported (status %#x, output '%s')", st, first_line(out));
}
