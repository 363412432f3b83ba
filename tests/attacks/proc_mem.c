// SPDX-License-Identifier: GPL-2.0
/* proc_mem: write into a ring-0 process of ours through /proc/PID/mem. */
#include "attack.h"

int main(void)
{
	unsigned long addr, bad = 0xbad;
	char path[64];
	int rfd, fd;
	pid_t pid;

	attack_name = "proc_mem";
	pid = start_ring0_victim(&addr, &rfd);
	snprintf(path, sizeof(path), "/proc/%d/mem", pid);
	fd = open(path, O_RDWR);
	if (fd < 0) {
		int e = errno;

		kill(pid, SIGKILL);
		refused(e, "open /proc/PID/mem of a ring-0 process");
	}
	if (pwrite(fd, &bad, sizeof(bad), addr) != sizeof(bad)) {
		int e = errno;

		kill(pid, SIGKILL);
		refused(e, "write to /proc/PID/mem of a ring-0 process");
	}
	got_through("wrote into a ring-0 process through /proc/PID/mem%s",
		    victim_saw_injection(pid, rfd) ? ": the victim saw its memory change" : "");
}
