// SPDX-License-Identifier: GPL-2.0
/*
 * victim - the attack suite's payload and target.
 *
 * Run from a place the attacker controls it is the attacker's own code;
 * installed by root as /trusted/attacks/victim it is the ring-0 process
 * the injection attacks aim at.  Built static with musl, and dynamic with
 * glibc against libkmlv.so (victim_dyn, -DWITH_LIB) for the loader attacks.
 *
 *   victim            print "ring=R secure=S euid=U pers=P dumpable=D stack=L [lib=...]"
 *                     (stack: RLIMIT_STACK's soft limit, -1 for unlimited)
 *   victim wait N     print "pid=P addr=A ring=R", then wait up to N s (or
 *                     SIGUSR1) and print "token=T" plus "INJECTED" if the
 *                     token at A was changed from outside
 *   victim crash      print the first line, then fault (for core dumps)
 *   victim abort      print the first line, then abort() (SIGABRT, a core)
 *   victim setgs      try arch_prctl(ARCH_SET_GS): "setgs=RET errno=E ring=R gs=G"
 *   victim spin N     busy loop for N seconds, no system calls (cpu-state.sh)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/auxv.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>

#define TOKEN		0x5afe5afe5afe5afeUL
#define ARCH_SET_GS	0x1001
#define ARCH_GET_GS	0x1004

#ifdef WITH_LIB
const char *victim_lib(void);
#endif

static volatile unsigned long token = TOKEN;
static volatile sig_atomic_t report;

static void on_usr1(int sig)
{
	report = 1;
}

static int ring(void)
{
	unsigned short cs;

	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	return cs & 3;
}

static void identify(void)
{
	struct rlimit rl;

	getrlimit(RLIMIT_STACK, &rl);
	printf("ring=%d secure=%lu euid=%d pers=%#x dumpable=%d stack=%ld", ring(),
	       getauxval(AT_SECURE), (int)geteuid(), personality(0xffffffff),
	       prctl(PR_GET_DUMPABLE), rl.rlim_cur == RLIM_INFINITY ? -1L : (long)rl.rlim_cur);
#ifdef WITH_LIB
	printf(" lib=%s", victim_lib());
#endif
	printf("\n");
	fflush(stdout);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (!strcmp(mode, "wait")) {
		int secs = argc > 2 ? atoi(argv[2]) : 30;

		signal(SIGUSR1, on_usr1);
		printf("pid=%d addr=%#lx ring=%d\n", getpid(), (unsigned long)&token, ring());
		fflush(stdout);
		for (int i = 0; i < secs * 100 && !report && token == TOKEN; i++)
			usleep(10000);
		printf("token=%#lx%s\n", token, token == TOKEN ? "" : " INJECTED");
		return 0;
	}
	if (!strcmp(mode, "spin")) {
		struct timespec now, end;

		/* clock_gettime goes through the vDSO: no system call */
		clock_gettime(CLOCK_MONOTONIC, &end);
		end.tv_sec += argc > 2 ? atoi(argv[2]) : 10;
		do {
			for (volatile int i = 0; i < 100000; i++)
				;
			clock_gettime(CLOCK_MONOTONIC, &now);
		} while (now.tv_sec < end.tv_sec ||
			 (now.tv_sec == end.tv_sec && now.tv_nsec < end.tv_nsec));
		return 0;
	}
	identify();
	if (!strcmp(mode, "crash")) {
		static int *volatile wild = (int *)16;

		*wild = 1;
		return 0;
	}
	if (!strcmp(mode, "abort"))
		abort();
	if (!strcmp(mode, "setgs")) {
		unsigned long gs = 0;
		long r = syscall(SYS_arch_prctl, ARCH_SET_GS, 0x10000UL);
		int e = r ? errno : 0;

		syscall(SYS_arch_prctl, ARCH_GET_GS, &gs);
		printf("setgs=%ld errno=%d ring=%d gs=%#lx\n", r, e, ring(), gs);
	}
	return 0;
}
