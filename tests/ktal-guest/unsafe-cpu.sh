#!/usr/bin/env bash
# unsafe-cpu.sh - verified programs on a boot whose mitigations cannot
# protect the kernel from ring-0 code: boot with mitigations=off (Spectre
# v2 without retpolines, on this guest's CPU) and check, in one boot:
#   - one boot line "KML: verified programs are for CAP_SYS_ADMIN only: ..."
#   - kernel.kml_ktal_unprivileged cannot be set to 1 (EPERM)
#   - uid 1000's exec of a verified program fails with EPERM and that reason
#   - root's runs in ring 0
# Prints "PASS ktal-kernel/unsafe-cpu: ..." or "FAIL ktal-kernel/unsafe-cpu: ...".
#
#   tests/ktal-guest/unsafe-cpu.sh [kmlvm VM options...]
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/build/ktal-guest-unsafe
mkdir -p "$out"
make -s -C "$top/ktal" all >/dev/null 2>"$out/make.err" ||
	{ echo "FAIL ktal-kernel/unsafe-cpu: make -C ktal: $(head -3 "$out/make.err")"; exit 1; }
gcc -static -O2 -o "$out/ktal-run" "$top/tests/ktal-guest/ktal-run.c" ||
	{ echo "FAIL ktal-kernel/unsafe-cpu: cannot build ktal-run"; exit 1; }

o=$("$top/tools/kmlvm" sh --file "$out/ktal-run:/u/ktal-run" --file "$top/ktal/build/examples/cat:/u/cat" \
	--append mitigations=off "$@" '
chmod 755 /u /u/cat /u/ktal-run
echo "lines=$(dmesg | grep -c "KML: verified programs are for CAP_SYS_ADMIN only")"
dmesg | grep "KML: verified programs" | sed "s/^\[[^]]*\] /log=/"
if echo 1 >/proc/sys/kernel/kml_ktal_unprivileged 2>/dev/null; then echo set=ok; else echo set=refused; fi
echo "value=$(cat /proc/sys/kernel/kml_ktal_unprivileged)"
echo "user=$(/u/ktal-run -u 1000 -o /dev/null /u/cat </dev/null)"
echo "root=$(/u/ktal-run -s -o /dev/null /u/cat)"
' 2>&1)
st=$?
field() { echo "$o" | sed -n "s/^$1=//p" | head -n 1; }
why=
[ $st = 0 ] || why="kmlvm exit $st"
[ "$(field lines)" = 1 ] || why="${why:+$why; }$(field lines) boot lines, not 1"
case "$(field log)" in *"cannot protect the kernel from ring-0 code (mitigations=off)"*) ;; *) why="${why:+$why; }boot line: '$(field log)'" ;; esac
[ "$(field set)" = refused ] && [ "$(field value)" = 0 ] || why="${why:+$why; }the switch was set: $(field set) $(field value)"
case "$(field user)" in "execfail 1 | why verified programs are for CAP_SYS_ADMIN only: the CPU's mitigations"*) ;;
	*) why="${why:+$why; }uid 1000: $(field user)" ;; esac
case "$(field root)" in "status 1 1 exit 0"*) ;; *) why="${why:+$why; }root: $(field root)" ;; esac
if [ -n "$why" ]; then
	echo "FAIL ktal-kernel/unsafe-cpu: $why"
	echo "$o" | sed 's/^/    | /'
	exit 1
fi
echo "PASS ktal-kernel/unsafe-cpu: mitigations=off: one boot line ($(field log | sed 's/^KML: //')), the switch stays 0, uid 1000 refused with the reason, root in ring 0"
