#!/bin/sh
# deps.sh - install what KTAL's host build and tests need on Debian 12:
# gcc and make (checker, assembler, runtime), binutils (objcopy), clang
# with its runtime (libFuzzer, ASan, UBSan), python3 (mutator, soundness
# generator, benchmark generator).  Idempotent and quiet.
set -e
need=
for p in gcc make binutils clang libclang-rt-14-dev python3 coreutils gawk; do
	dpkg -s "$p" >/dev/null 2>&1 || need="$need $p"
done
[ -z "$need" ] && exit 0
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $need >/dev/null
