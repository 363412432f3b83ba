// SPDX-License-Identifier: GPL-2.0
/*
 * threads_tls - threads (clone with CLONE_VM through pthreads), futexes,
 * and thread-local storage through the FS base.
 *
 * 1. Four threads increment a shared counter under a mutex: the total is
 *    exact.  Two threads ping-pong through a condition variable.
 * 2. Each thread's __thread variable is its own; %fs:0 (the thread
 *    pointer both glibc and musl keep at FS offset 0) equals
 *    pthread_self() and ARCH_GET_FS, differs per thread, and the
 *    __thread variable lies just below it (x86-64 TLS variant II).
 * 3. Threads share the pid and have their own tid.
 * 4. Raw futex: FUTEX_WAIT on a changed value fails with EAGAIN, a timed
 *    wait times out with ETIMEDOUT, and FUTEX_WAKE wakes a waiter.
 * 5. A raw clone(CLONE_VM) child writes to the parent's memory.
 */
#include "kmltest.h"
#include <pthread.h>
#include <sched.h>

#define NT 4
#define ITERS 20000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static long counter;
static int turn, pingpongs;
static pthread_barrier_t barrier;
static __thread long tls_var = -1;

struct tinfo {
	int id;
	uintptr_t fs0, self, fsbase, tls_addr;
	pid_t pid, tid;
	int tls_ok, ring;
};

static uintptr_t read_fs0(void)
{
	uintptr_t v;

	asm volatile("mov %%fs:0, %0" : "=r"(v));
	return v;
}

static void *worker(void *arg)
{
	struct tinfo *t = arg;
	unsigned long fsbase = 0;
	int i;

	tls_var = 1000 + t->id;
	t->ring = kml_ring();
	for (i = 0; i < ITERS; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
	}
	/* every thread has written its TLS before any thread checks its own */
	pthread_barrier_wait(&barrier);
	t->tls_ok = tls_var == 1000 + t->id;
	t->fs0 = read_fs0();
	t->self = (uintptr_t)pthread_self();
	syscall(SYS_arch_prctl, ARCH_GET_FS, &fsbase);
	t->fsbase = fsbase;
	t->tls_addr = (uintptr_t)&tls_var;
	t->pid = getpid();
	t->tid = (pid_t)syscall(SYS_gettid);
	return (void *)(uintptr_t)(t->id + 100);
}

static void *pinger(void *arg)
{
	int me = (int)(uintptr_t)arg, i;

	for (i = 0; i < 500; i++) {
		pthread_mutex_lock(&lock);
		while (turn != me)
			pthread_cond_wait(&cond, &lock);
		turn = !me;
		pingpongs++;
		pthread_cond_broadcast(&cond);
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

static int fword;
static long futex(int *uaddr, int op, int val, const struct timespec *ts)
{
	return syscall(SYS_futex, uaddr, op, val, ts, NULL, 0);
}

static void *futex_waiter(void *arg)
{
	(void)arg;
	while (__atomic_load_n(&fword, __ATOMIC_ACQUIRE) == 0)
		futex(&fword, FUTEX_WAIT, 0, NULL);
	return (void *)1;
}

static volatile int clone_flag;
static int clone_fn(void *arg)
{
	clone_flag = (int)(uintptr_t)arg;
	return 0;
}

int main(void)
{
	pthread_t th[NT], a, b;
	struct tinfo ti[NT];
	struct timespec ts = { 0, 20000000 };
	void *ret;
	int i, j, ok;
	long r;
	char *cstack;
	pid_t pid;

	kml_expect_ring();

	kml_run("%d threads, mutex-protected counter", NT);
	pthread_barrier_init(&barrier, NULL, NT);
	tls_var = 1;
	for (i = 0; i < NT; i++) {
		ti[i].id = i;
		if (pthread_create(&th[i], NULL, worker, &ti[i]))
			kml_die("pthread_create failed");
	}
	ok = 1;
	for (i = 0; i < NT; i++) {
		pthread_join(th[i], &ret);
		ok &= (uintptr_t)ret == (uintptr_t)(i + 100);
	}
	KML_CHECK("pthread_join returns each thread's value", ok, "mismatch");
	KML_CHECK_EQ("counter total", (long)NT * ITERS, counter);

	kml_run("thread-local storage through FS");
	KML_CHECK_EQ("main thread's __thread variable untouched", 1, tls_var);
	for (i = 0; i < NT; i++) {
		char what[96];

		snprintf(what, sizeof(what), "thread %d: own __thread value", i);
		KML_CHECK(what, ti[i].tls_ok, "another thread's value leaked in");
		snprintf(what, sizeof(what), "thread %d: %%fs:0 == pthread_self()", i);
		KML_CHECK_EQ(what, ti[i].self, ti[i].fs0);
		snprintf(what, sizeof(what), "thread %d: %%fs:0 == ARCH_GET_FS", i);
		KML_CHECK_EQ(what, ti[i].fsbase, ti[i].fs0);
		snprintf(what, sizeof(what), "thread %d: &tls_var just below FS base", i);
		KML_CHECK(what, ti[i].tls_addr < ti[i].fsbase &&
			  ti[i].fsbase - ti[i].tls_addr < (1 << 20),
			  "FS base %#lx, &tls_var %#lx",
			  (unsigned long)ti[i].fsbase, (unsigned long)ti[i].tls_addr);
		snprintf(what, sizeof(what), "thread %d: runs in the process's ring", i);
		KML_CHECK_EQ(what, kml_ring(), ti[i].ring);
		snprintf(what, sizeof(what), "thread %d: same pid, own tid", i);
		KML_CHECK(what, ti[i].pid == getpid() && ti[i].tid != getpid(),
			  "pid %d (expected %d), tid %d", ti[i].pid, getpid(), ti[i].tid);
		for (j = 0; j < i; j++)
			if (ti[j].fs0 == ti[i].fs0)
				kml_fail("threads %d and %d share FS base %#lx", j, i,
					 (unsigned long)ti[i].fs0);
	}
	KML_CHECK_EQ("main thread: %fs:0 == pthread_self()",
		     (uintptr_t)pthread_self(), read_fs0());

	kml_run("condition variable ping-pong, 2 x 500");
	turn = 0;
	pthread_create(&a, NULL, pinger, (void *)0);
	pthread_create(&b, NULL, pinger, (void *)1);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	KML_CHECK_EQ("1000 hand-overs", 1000, pingpongs);

	kml_run("raw futex operations");
	fword = 1;
	r = futex(&fword, FUTEX_WAIT, 0, NULL);
	KML_CHECK("FUTEX_WAIT with a stale value: EAGAIN", r == -1 && errno == EAGAIN,
		  "got %ld errno %d", r, errno);
	fword = 0;
	r = futex(&fword, FUTEX_WAIT, 0, &ts);
	KML_CHECK("FUTEX_WAIT with a 20 ms timeout: ETIMEDOUT",
		  r == -1 && errno == ETIMEDOUT, "got %ld errno %d", r, errno);
	pthread_create(&a, NULL, futex_waiter, NULL);
	__atomic_store_n(&fword, 1, __ATOMIC_RELEASE);
	futex(&fword, FUTEX_WAKE, 1, NULL);
	pthread_join(a, &ret);
	KML_CHECK_EQ("FUTEX_WAKE released the waiter", 1, (uintptr_t)ret);

	kml_run("raw clone(CLONE_VM)");
	cstack = malloc(256 * 1024);
	pid = clone(clone_fn, cstack + 256 * 1024, CLONE_VM | SIGCHLD, (void *)77);
	if (!KML_CHECK_SYS("clone", pid))
		kml_finish();
	kml_check_exit("clone child exits 0", pid, 0);
	KML_CHECK_EQ("child's store is visible in the shared address space", 77, clone_flag);

	kml_finish();
}
