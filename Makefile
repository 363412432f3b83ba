# KML: the one top-level build.
#
#   make demo    install what is missing, build the kernel and the guest,
#                boot it, show KML working and how fast it is (the default)
#   make test    everything above, then every test: host tests, the
#                harness's own tests, guest tests on 1 and 2 CPUs
#   make kernel  just the kernel (build/kernel/bzImage)
#   make image   just the guest initramfs (build/guest/base.cpio)
#   make bench   the benchmarks, in one VM boot
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

.PHONY: all demo test kernel image deps bench guest clean
all: demo

deps:
	@scripts/deps.sh

kernel: deps
	@scripts/kernel-build.sh

guest: $(GUEST_TOOLS) $(GUEST_TESTS) $(BENCH_BINS)

image: $(G)/base.cpio

$(G)/base.cpio: $(GUEST_TOOLS) $(GUEST_TESTS) $(BENCH_BINS) guest/init guest/run-tests.sh \
		$(wildcard tools/kml/*.py) $(GUEST_TEST_SRCS) | deps
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

$(G)/bench/%: bench/guest/%.c $(wildcard bench/guest/*.h) | deps
	@mkdir -p $(@D)
	$(MUSLCC) -static $(CFLAGS_GUEST) -o $@ $< $(LDLIBS_GUEST)

demo: deps kernel image
	@scripts/demo.sh

test: deps
	@scripts/test.sh

bench: deps kernel image
	@scripts/bench.sh

clean:
	rm -rf $(G) $(B)/vm
