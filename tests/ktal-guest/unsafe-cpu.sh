#!/usr/bin/env bash
# unsafe-cpu.sh - verified programs on boots whose mitigations cannot
# protect the kernel from ring-0 code.  One boot a row of the table below
# (kernel arguments, QEMU CPU model, the reason the boot line must give:
# the mitigations switched off, Spectre v2 without retpolines, and an
# Intel Skylake-SP's vulnerability list, which also has the kernel turn
# PTI on beside KML; retbleed=off only keeps the kernel's own warning
# about Retbleed off the console); each checks:
#   - one boot line "KML: verified programs are for CAP_SYS_ADMIN only: ... (REASON)"
#   - kernel.kml_ktal_unprivileged cannot be set to 1 (EPERM)
#   - uid 1000's exec of a verified program fails with EPERM and that reason
#   - root's runs in ring 0
# Prints "PASS ktal-kernel/unsafe-cpu/NAME: ..." or "FAIL ...: why" per row.
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

# NAME | kernel arguments | QEMU CPU model (- for kmlvm's) | the reason in the boot line
rows='mitigations-off | mitigations=off | - | mitigations=off
spectre-v2-off | spectre_v2=off | - | Spectre v2: the kernel'"'"'s indirect branches are not retpolines, and (e)IBRS does not separate ring-0 programs from the kernel
intel-skylake | retbleed=off | max,vendor=GenuineIntel,family=6,model=85 | Retbleed/SRSO: return predictions are untrained only on entries from ring 3'

failed=0
while IFS='|' read -r name append model reason; do
	name=$(echo $name); append=$(echo $append); model=$(echo $model)
	reason=$(echo "$reason" | sed 's/^ *//; s/ *$//')
	cpu=(); [ "$model" = - ] || cpu=(--cpu-model "$model")
	o=$("$top/tools/kmlvm" sh --file "$out/ktal-run:/u/ktal-run" --file "$top/ktal/build/examples/cat:/u/cat" \
		--append "$append" "${cpu[@]}" "$@" '
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
	case "$(field log)" in *"cannot protect the kernel from ring-0 code ($reason)") ;;
		*) why="${why:+$why; }boot line: '$(field log)', expected the reason '$reason'" ;; esac
	[ "$(field set)" = refused ] && [ "$(field value)" = 0 ] || why="${why:+$why; }the switch was set: $(field set) $(field value)"
	case "$(field user)" in "execfail 1 | why verified programs are for CAP_SYS_ADMIN only: the CPU's mitigations"*) ;;
		*) why="${why:+$why; }uid 1000: $(field user)" ;; esac
	case "$(field root)" in "status 1 1 exit 0"*) ;; *) why="${why:+$why; }root: $(field root)" ;; esac
	if [ -n "$why" ]; then
		echo "FAIL ktal-kernel/unsafe-cpu/$name: $why"
		echo "$o" | sed 's/^/    | /'
		failed=1
		continue
	fi
	echo "PASS ktal-kernel/unsafe-cpu/$name: $append: one boot line ($reason), the switch stays 0, uid 1000 refused with the reason, root in ring 0"
done <<< "$rows"
exit $failed
