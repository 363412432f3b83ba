# cc.mk - ktal-cc, the KC compiler (included by ktal/Makefile).
#
#   make -C ktal build/ktal-cc   the compiler
#   make -C ktal cc-test         compile errors, run cases, programs, generated programs
#   make -C ktal cc-fuzz         a long run of generated programs (CC_FUZZ_COUNT, default 5000)
#   make -C ktal bench-cc        instructions of wc and sort against gcc -O2, compile time
CC_SRC := $(wildcard cc/*.c)

all: $(B)/ktal-cc

$(B)/ktal-cc: $(CC_SRC) cc/cc.h
	@mkdir -p $(B)
	$(CC) $(CFLAGS) -Wno-format-truncation -o $@ $(CC_SRC)

cc-test: $(B)/ktal-cc $(B)/ktal-as $(B)/ktal-check
	./cc/tests/run.sh

cc-fuzz: $(B)/ktal-cc $(B)/ktal-as $(B)/ktal-check
	./cc/tests/run.sh --fuzz-only $(or $(CC_FUZZ_COUNT),5000)

bench-cc: $(B)/ktal-cc $(B)/ktal-as $(B)/ktal-check
	./cc/bench.sh

.PHONY: cc-test cc-fuzz bench-cc
