// SPDX-License-Identifier: GPL-2.0
/* proc_maps: read the memory map and the environment of a ring-0 process
 * of ours (/proc/PID/maps, /proc/PID/environ): its layout is the map an
 * attack on it would need, and setuid processes hide it the same way. */
#include "attack.h"

int main(void)
{
	static const char *files[] = { "maps", "environ" };
	unsigned long addr;
	char path[64], buf[256];
	int rfd, fd, i, e = 0;
	pid_t pid;

	attack_name = "proc_maps";
	pid = start_ring0_victim(&addr, &rfd);
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "/proc/%d/%s", pid, files[i]);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			e = errno;
		else if (read(fd, buf, sizeof(buf)) < 0)
			e = errno;
		else {
			kill(pid, SIGKILL);
			got_through("read /proc/PID/%s of a ring-0 process", files[i]);
		}
		if (fd >= 0)
			close(fd);
	}
	kill(pid, SIGKILL);
	refused(e, "/proc/PID/maps and environ of a ring-0 process");
}
