#!/bin/sh
# busybox: its shell and a set of its applets on generated data (sorting,
# checksums, compression, an archive, text tools, arithmetic), every one
# exec'd from BIN, so in this ring.
set -e
PATH=$BIN
export PATH
exec "$BIN/busybox" sh -e -c '
echo "@ring busybox-cat $(cat /proc/self/status | sed -n "s/^KernelMode:[[:space:]]*//p")"
seq 1 20000 | awk "{ printf \"%d %s %d\n\", (\$1 * 7919) % 10007, substr(\"abcdefghij\", \$1 % 10 + 1, 3), \$1 }" >data.txt
echo "lines: $(wc -l <data.txt)"
echo "sorted: $(sort -n data.txt | md5sum | cut -d" " -f1)"
echo "sort -k2,2 -k1n: $(sort -k2,2 -k1,1n data.txt | head -n 3 | tr "\n" ";")"
echo "uniq: $(cut -d" " -f2 data.txt | sort | uniq -c | tr -s " " | tr "\n" ";")"
echo "sha256: $(sha256sum data.txt | cut -d" " -f1)"
gzip -9 -c data.txt >data.gz
echo "gzip roundtrip: $(gunzip -c data.gz | cmp - data.txt && echo same)"
mkdir -p tree/a/b tree/c
cp data.txt tree/a/b/x; echo hello >tree/c/y; ln -s ../c/y tree/a/link
tar -cf t.tar tree
mkdir out; tar -xf t.tar -C out
echo "tar: $(find out -type f | sort | tr "\n" " ")$(readlink out/tree/a/link)"
echo "diff: $(diff -r tree out/tree && echo none)"
echo "sed: $(sed -n "s/^\([0-9]*\) abc .*/\1/p" data.txt | head -n 5 | tr "\n" ",")"
echo "grep: $(grep -c " bcd " data.txt) $(grep -E "^1[0-9]{3} " data.txt | wc -l)"
echo "awk sum: $(awk "{ s += \$1 * \$3 } END { printf \"%.0f\", s }" data.txt)"
echo "dc: $(echo "2 64 ^ 1 - p" | dc)"
echo "expr: $(expr 123456789 \* 7 % 1000003)"
echo "od: $(head -c 16 data.txt | od -An -tx1 | tr -s " ")"
echo "tr: $(echo Kernel Mode Linux | tr a-z A-Z | rev)"
'
