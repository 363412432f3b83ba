#!/bin/sh
# kernel-ktal-sources.sh SRC - put the KTAL checker into the kernel tree SRC.
#
# The checker has one source of truth, ktal/check/*.[ch] and
# ktal/include/*.h.  The kernel builds the very same files: this script
# copies them to SRC/arch/x86/kernel/ktal/{check,include}/, where the
# Kbuild Makefile of the KML KTAL patch (arch/x86/kernel/ktal/Makefile)
# expects them.  Call it after the patch series is applied and before the
# kernel is built.  Only files that differ are copied, each with the time
# of the copy (not cp -p: a file edited after an earlier copy was compiled
# would keep an edit time older than its object, and make would keep the
# stale object); an unchanged checker file is not copied, so not rebuilt.
# Files that left ktal/ are removed from the copy.  Nothing else of the
# kernel tree is touched.
set -eu

if [ $# -ne 1 ] || [ ! -d "$1/arch/x86/kernel" ]; then
	echo "usage: $0 KERNEL-SOURCE-TREE" >&2
	exit 2
fi
here=$(cd "$(dirname "$0")/.." && pwd)
dst=$1/arch/x86/kernel/ktal

mkdir -p "$dst/check" "$dst/include"
for d in check include; do
	for f in "$dst/$d"/*; do
		[ -e "$f" ] || continue
		[ -e "$here/ktal/$d/$(basename "$f")" ] || rm -f "$f"
	done
done
for f in "$here"/ktal/check/*.c "$here"/ktal/check/*.h; do
	cmp -s "$f" "$dst/check/$(basename "$f")" || cp "$f" "$dst/check/"
done
for f in "$here"/ktal/include/*.h; do
	cmp -s "$f" "$dst/include/$(basename "$f")" || cp "$f" "$dst/include/"
done
