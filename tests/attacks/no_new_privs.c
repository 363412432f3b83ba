// SPDX-License-Identifier: GPL-2.0
/* no_new_privs: under PR_SET_NO_NEW_PRIVS (what a seccomp sandbox sets) a
 * trusted program must not gain ring 0, as a setuid one gains no uid. */
#include "attack.h"
#include <sys/prctl.h>

int main(void)
{
	char out[512];
	char *argv[] = { TRUSTED_VICTIM, NULL };

	attack_name = "no_new_privs";
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		broken("PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
	judge_exec("a trusted program under no_new_privs",
		   run_capture(TRUSTED_VICTIM, argv, NULL, out, sizeof(out)), out);
}
