// SPDX-License-Identifier: GPL-2.0
/* process_vm: process_vm_writev into a ring-0 process of ours. */
#include "attack.h"
#include <sys/uio.h>

int main(void)
{
	unsigned long addr, bad = 0xbad;
	struct iovec local = { &bad, sizeof(bad) }, remote;
	int rfd;
	pid_t pid;

	attack_name = "process_vm";
	pid = start_ring0_victim(&addr, &rfd);
	remote.iov_base = (void *)addr;
	remote.iov_len = sizeof(bad);
	if (process_vm_writev(pid, &local, 1, &remote, 1, 0) != sizeof(bad)) {
		int e = errno;

		kill(pid, SIGKILL);
		if (e == ENOSYS)
			blocked("process_vm_writev is not in this kernel (ENOSYS: CONFIG_CROSS_MEMORY_ATTACH)");
		refused(e, "process_vm_writev into a ring-0 process");
	}
	got_through("process_vm_writev into a ring-0 process%s",
		    victim_saw_injection(pid, rfd) ? ": the victim saw its memory change" : "");
}
