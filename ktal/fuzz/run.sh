#!/bin/bash
# run.sh SECONDS - a long libFuzzer run of the checker (make -C ktal fuzz).
# Seeds: every example and corpus object, whole, and their code alone
# (mode 'C', spliced into the template by the harness); ktal.dict holds
# the service names import names must match.  Findings go to
# build/fuzz-out/; the corpus it grows is kept in build/fuzz-corpus/.
cd "$(dirname "$0")/.." || exit 2
# Debian's own python3 starts much faster than version-manager shims.
PY=${PYTHON:-$( [ -x /usr/bin/python3 ] && echo /usr/bin/python3 || echo python3)}
secs=${1:-600}
C=build/fuzz-corpus
mkdir -p $C build/fuzz-out
for f in build/examples/* build/test/*; do
	[ -f "$f" ] && head -c 4 "$f" | grep -q ELF || continue
	cp "$f" $C/ 2>/dev/null
	case "$f" in */mal-*) continue ;; esac	# malformed: no code to extract
	$PY tools/mutate.py "$f" "$C/code-$(basename "$f")" extract-code 2>/dev/null
done
exec env KTAL_FUZZ_TEMPLATE=build/fuzz_template build/fuzz_check \
	-max_total_time="$secs" -timeout=5 -rss_limit_mb=2048 -dict=fuzz/ktal.dict \
	-artifact_prefix=build/fuzz-out/ $C
