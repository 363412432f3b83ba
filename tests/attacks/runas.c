// SPDX-License-Identifier: GPL-2.0
/* runas UID PROG ARGS...: drop every group and become UID (gid = UID), cd
 * to /home/kml, and exec PROG.  guest-run.sh (root) starts each attack
 * through it; busybox has no setpriv --reuid. */
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	uid_t uid;

	if (argc < 3) {
		fprintf(stderr, "usage: runas UID PROG ARGS...\n");
		return 2;
	}
	uid = atoi(argv[1]);
	if (setgroups(0, NULL) || setgid(uid) || setuid(uid)) {
		fprintf(stderr, "runas: %s\n", strerror(errno));
		return 2;
	}
	if (chdir("/home/kml"))
		chdir("/");
	setenv("HOME", "/home/kml", 1);
	execv(argv[2], argv + 2);
	fprintf(stderr, "runas: exec %s: %s\n", argv[2], strerror(errno));
	return 127;
}
