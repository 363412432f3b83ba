// SPDX-License-Identifier: GPL-2.0
/* personality: set ADDR_NO_RANDOMIZE and READ_IMPLIES_EXEC, then run a
 * trusted program: a setuid exec clears them (PER_CLEAR_ON_SETID), so must
 * a ring-0 one, or the attacker chooses its layout and what is executable. */
#include "attack.h"
#include <sys/personality.h>

int main(void)
{
	char out[512];
	char *argv[] = { TRUSTED_VICTIM, NULL };
	long pers, ring;

	attack_name = "personality";
	if (personality(PER_LINUX | ADDR_NO_RANDOMIZE | READ_IMPLIES_EXEC) < 0)
		broken("personality: %s", strerror(errno));
	run_capture(TRUSTED_VICTIM, argv, NULL, out, sizeof(out));
	ring = field(out, "ring");
	pers = field(out, "pers");
	if (ring == 3)
		blocked("the program ran in ring 3");
	if (ring != 0)
		broken("no ring reported ('%s')", first_line(out));
	if (pers & (ADDR_NO_RANDOMIZE | READ_IMPLIES_EXEC))
		got_through("personality %#lx kept into a ring-0 program (ASLR off, READ_IMPLIES_EXEC)", pers);
	blocked("personality flags cleared at the ring-0 exec (%#lx)", pers);
}
