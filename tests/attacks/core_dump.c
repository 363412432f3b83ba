// SPDX-License-Identifier: GPL-2.0
/*
 * core_dump: make a ring-0 process of ours crash with RLIMIT_CORE
 * unlimited in a directory of ours, and read the core.  As a control the
 * same crash in ring 3 (the untrusted copy) must leave a readable core,
 * or the attack proves nothing.
 */
#include "attack.h"
#include <dirent.h>
#include <sys/resource.h>

/* Name of a readable core file in the current directory, or NULL. */
static const char *find_core(void)
{
	static char name[256];
	struct dirent *d;
	DIR *dir = opendir(".");
	const char *found = NULL;

	while (dir && (d = readdir(dir))) {
		int fd;
		char c;

		if (strncmp(d->d_name, "core", 4))
			continue;
		fd = open(d->d_name, O_RDONLY);
		if (fd >= 0 && read(fd, &c, 1) == 1) {
			snprintf(name, sizeof(name), "%s", d->d_name);
			found = name;
		}
		if (fd >= 0)
			close(fd);
		unlink(d->d_name);
	}
	if (dir)
		closedir(dir);
	return found;
}

int main(void)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	char out[512], dir[64], pattern[128] = "?";
	char *argv[] = { NULL, "crash", NULL };
	const char *core;
	int st, fd;

	attack_name = "core_dump";
	fd = open("/proc/sys/kernel/core_pattern", O_RDONLY);
	if (fd >= 0) {
		ssize_t n = read(fd, pattern, sizeof(pattern) - 1);

		pattern[n > 0 ? n : 0] = 0;
		strtok(pattern, "\n");
		close(fd);
	}
	snprintf(dir, sizeof(dir), HOME "/cores-%d", getpid());
	if (mkdir(dir, 0700) || chdir(dir) || setrlimit(RLIMIT_CORE, &rl))
		broken("set up %s: %s", dir, strerror(errno));
	argv[0] = PAYLOAD;
	run_capture(PAYLOAD, argv, NULL, out, sizeof(out));
	if (!find_core())
		broken("control: a ring-3 crash left no core here (core_pattern '%s')", pattern);
	argv[0] = TRUSTED_VICTIM;
	st = run_capture(TRUSTED_VICTIM, argv, NULL, out, sizeof(out));
	if (field(out, "ring") != 0)
		broken("the trusted victim ran in ring %ld, not 0", field(out, "ring"));
	core = find_core();
	if (core)
		got_through("a crashed ring-0 process left a core readable by uid %d (%s)", getuid(), core);
	blocked("no core from a ring-0 process (%s, dumpable=%ld)",
		WIFSIGNALED(st) && WCOREDUMP(st) ? "status says dumped" : "not dumped",
		field(out, "dumpable"));
}
