// SPDX-License-Identifier: GPL-2.0
/* script_interp: a root-owned script in /trusted whose #! names a file the
 * attacker can write (/home/kml/interp, set up by guest-run.sh): the
 * attacker puts a program there and runs the script. */
#include "attack.h"

int main(void)
{
	char out[512];
	char *argv[] = { "/trusted/attacks/script.sh", NULL };

	attack_name = "script_interp";
	if (copy_file(PAYLOAD, HOME "/interp", 0755))
		broken("copy the payload to " HOME "/interp: %s", strerror(errno));
	judge_exec("the attacker's #! interpreter of a script in /trusted",
		   run_capture(argv[0], argv, NULL, out, sizeof(out)), out);
}
