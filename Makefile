# KML: the one top-level build.
#
#   make demo    install what is missing, build the kernel and the guest,
#                boot it, show KML working and how fast it is (the default)
#   make test    everything above, then every test: host tests, the
#                harness's own tests, guest tests on 1 and 2 CPUs
#   make test-debug  the guest suite on a debug kernel (lockdep,
#                DEBUG_ENTRY, RCU and preemption checks), both rings
#   make kernel  just the kernel (build/kernel/bzImage)
#   make image   just the guest initramfs (build/guest/base.cpio)
#   make bench   instructions per system call (ring 3, ring 0 syscall,
#                ring 0 direct, floor), in one VM boot under QEMU's
#                instruction-count clock
#   make bench-wall  the same in wall-clock ns (noisy under TCG)
#   make bench-vanilla  ring-3 instruction counts on the patched and on an
#                unpatched kernel of the same config (builds a second kernel)
#   make bench-apps  real programs (redis, sqlite3, a fork/exec script) in
#                ring 3 against ring 0, instructions per operation, in one
#                boot (bench/apps)
#   make profile CALL=getppid  where the instructions of one system call go,
#                in each mode (the TCG plugin of tools/profile)
#   make stress DURATION=10m [RINGS=0]  stress-ng in ring 3, then in ring 0
#                (tests/stress; RINGS picks the rings, default "3 0")
#   make libc    the KML musl and its wrapper (build/libc/bin/kml-cc)
#   make libc-test  host tests of the KML musl
#   make deb     Debian packages of the KML kernel for virtual machines
#                (build/deb/linux-{image,headers}-6.12.N-kml_*.deb)
#   make disk    a Debian 12 disk image: systemd, those packages, redis in
#                ring 0 (build/disk/kml.img; tools/kmlvm --disk)
#   make test-disk  boot the disk image and check the system on it
#
# Everything generated goes to build/, which is ignored by git.

B := build
G := $(B)/guest
MUSLCC := musl-gcc
GLIBCC := gcc
CFLAGS_GUEST := -O2 -Wall -Wextra -Wno-unused-parameter -g0
LDLIBS_GUEST := -pthread

GUEST_TEST_SRCS := $(wildcard tests/guest/*.c)
GUEST_TEST_HDRS := $(wildcard tests/guest/*.h)
GUEST_TESTS := $(patsubst tests/guest/%.c,$(G)/tests/%.musl,$(GUEST_TEST_SRCS)) \
               $(patsubst tests/guest/%.c,$(G)/tests/%.glibc,$(GUEST_TEST_SRCS))
BENCH_SRCS := $(wildcard bench/guest/*.c)
BENCH_BINS := $(patsubst bench/guest/%.c,$(G)/bench/%,$(BENCH_SRCS))
GUEST_TOOLS := $(G)/bin/kml-qexit $(G)/bin/kml-ring
# The KML libc (libc/, scripts/libc-build.sh): the benchmarks and the
# direct-entry tests are built against it.
KMLCC := $(B)/libc/bin/kml-cc
LIBC_GUEST_TESTS := $(patsubst libc/tests/%.c,$(G)/tests/%.musl,$(wildcard libc/tests/direct_*.c)) \
                    $(patsubst libc/tests/%.c,$(G)/tests/%.glibc,$(wildcard libc/tests/direct_*.c))

.PHONY: all demo test test-debug kernel image deps bench bench-vanilla bench-apps stress guest libc libc-test clean selftests \
	deb disk test-disk
all: demo

deps:
	@scripts/deps.sh

kernel: deps
	@scripts/kernel-build.sh

guest: $(GUEST_TOOLS) $(GUEST_TESTS) $(BENCH_BINS) $(LIBC_GUEST_TESTS)

image: $(G)/base.cpio

# The kernel's x86 selftests come from the patched kernel tree, so they are
# in the image once the kernel has been built.
SELFTESTS := $(if $(wildcard $(B)/kernel/src.stamp),$(G)/selftests-x86/.stamp)
selftests: $(SELFTESTS)
$(G)/selftests-x86/.stamp: $(B)/kernel/src.stamp scripts/selftests-build.sh
	@scripts/selftests-build.sh

$(G)/base.cpio: $(GUEST_TOOLS) $(GUEST_TESTS) $(BENCH_BINS) $(LIBC_GUEST_TESTS) $(wildcard guest/*) \
		$(wildcard tools/kml/*.py) $(GUEST_TEST_SRCS) $(SELFTESTS) | deps
	@echo "==> image: building the guest initramfs"
	@python3 -c 'import sys; sys.path.insert(0, "tools"); from kml import image; image.base_image(".", "$@.tmp")'
	@mv $@.tmp $@

$(G)/bin/%: guest/%.c | deps
	@mkdir -p $(@D)
	$(MUSLCC) -static $(CFLAGS_GUEST) -o $@ $<

$(G)/tests/%.musl: tests/guest/%.c $(GUEST_TEST_HDRS) | deps
	@mkdir -p $(@D)
	$(MUSLCC) -static $(CFLAGS_GUEST) -o $@ $< $(LDLIBS_GUEST)

$(G)/tests/%.glibc: tests/guest/%.c $(GUEST_TEST_HDRS) | deps
	@mkdir -p $(@D)
	$(GLIBCC) $(CFLAGS_GUEST) -o $@ $< $(LDLIBS_GUEST)

$(G)/bench/%: bench/guest/%.c $(wildcard bench/guest/*.h) $(KMLCC) | deps
	@mkdir -p $(@D)
	$(KMLCC) $(CFLAGS_GUEST) -o $@ $< $(LDLIBS_GUEST)

libc: deps
	@scripts/libc-build.sh

$(KMLCC): scripts/libc-build.sh libc/kml-cc.in $(wildcard libc/patches/*.patch) | deps
	@scripts/libc-build.sh

libc-test: deps
	@scripts/libc-test.sh

# The direct-entry guest tests (libc/tests): .musl against the KML libc,
# .glibc as a control (direct_libc skips there).
$(G)/tests/direct_%.musl: libc/tests/direct_%.c $(GUEST_TEST_SRCS) $(GUEST_TEST_HDRS) $(KMLCC) | deps
	@mkdir -p $(@D)
	$(KMLCC) $(CFLAGS_GUEST) -o $@ $< $(LDLIBS_GUEST)

$(G)/tests/direct_%.glibc: libc/tests/direct_%.c $(GUEST_TEST_SRCS) $(GUEST_TEST_HDRS) | deps
	@mkdir -p $(@D)
	$(GLIBCC) $(CFLAGS_GUEST) -o $@ $< $(LDLIBS_GUEST)

# The kernel first, in a make of its own: the image then sees its tree.
demo: deps
	@$(MAKE) --no-print-directory kernel && $(MAKE) --no-print-directory image
	@scripts/demo.sh

test: deps
	@scripts/test.sh

# The guest suite on a kernel with lockdep, DEBUG_ENTRY, RCU and
# preemption debugging (kernel/config/kml-debug.config); not in `make test`.
test-debug: deps
	@scripts/test-debug.sh

bench: deps
	@$(MAKE) --no-print-directory kernel && $(MAKE) --no-print-directory image
	@scripts/bench.sh

bench-wall: deps
	@$(MAKE) --no-print-directory kernel && $(MAKE) --no-print-directory image
	@scripts/bench.sh --wall

bench-vanilla: deps
	@$(MAKE) --no-print-directory kernel && $(MAKE) --no-print-directory image
	@scripts/kernel-build.sh --unpatched
	@scripts/bench.sh --vanilla

bench-apps: deps
	@$(MAKE) --no-print-directory kernel && $(MAKE) --no-print-directory image
	@bench/apps/run.sh --no-build

# The system call to profile: a row of bench/guest/syscall_bench.
CALL ?= getppid
profile: deps
	@$(MAKE) --no-print-directory kernel && $(MAKE) --no-print-directory image
	@scripts/profile.sh $(CALL)

# How long stress-ng runs in each ring (stress-ng's syntax: 90s, 10m, 1h).
DURATION ?= 10m
RINGS ?= 3 0
stress: deps
	@$(MAKE) --no-print-directory kernel && $(MAKE) --no-print-directory image
	@tests/stress/run.sh --no-build --duration $(DURATION) --rings "$(RINGS)"

# The kernel for ordinary Debian VMs, as packages, and a disk image with
# them (docs/admin.md).  Each script rebuilds only when its inputs changed.
deb: deps
	@scripts/deb-build.sh

disk: deb
	@scripts/disk-build.sh

test-disk: disk
	@tests/disk/run.sh

clean:
	rm -rf $(G) $(B)/vm
