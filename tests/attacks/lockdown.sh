#!/usr/bin/env bash
# Kernel lockdown, from the host: two boots.
#
#   lockdown_boot     boot with lockdown=integrity: the boot line says that
#                     trusted programs are off because of lockdown; a
#                     program in /trusted runs in ring 3, the refusal counter
#                     "lockdown" moved and the "KML: ring 3 for ..." line
#                     says why; a verified KTAL program still runs in ring 0
#                     (root, and uid 1000 with kernel.kml_ktal_unprivileged=1)
#   lockdown_runtime  boot without lockdown: /trusted is ring 0; raise
#                     lockdown to integrity through securityfs: the next
#                     exec runs in ring 3, the log says once that trusted
#                     programs are off from now on, verified programs run
#
# Under lockdown /dev/port is closed, so the guest cannot report its status
# through isa-debug-exit; kmlvm then takes the status line of /init.
# One line each: "PASS attacks/NAME: ..." or "FAIL attacks/NAME: ...".
#
#   tests/attacks/lockdown.sh [kmlvm VM options...]
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/build/attacks/lockdown
mkdir -p "$out"
rc=0

make -s -C "$top/ktal" all >/dev/null 2>"$out/make.err" ||
	{ echo "FAIL attacks/lockdown: make -C ktal: $(head -3 "$out/make.err")"; exit 1; }
gcc -static -O2 -o "$out/ktal-run" "$top/tests/ktal-guest/ktal-run.c" ||
	{ echo "FAIL attacks/lockdown: cannot build ktal-run"; exit 1; }
files=(--file "$out/ktal-run:/lockdown/ktal-run" --file "$top/ktal/build/examples/cat:/lockdown/cat")

# The guest half: KEY=VALUE lines.  $1: "raise" to raise lockdown first.
guest='
mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
chmod 755 /lockdown; chmod 755 /lockdown/cat /lockdown/ktal-run
refusals() { sed -n "s/^lockdown //p" /sys/kernel/debug/kml/refusals; }
echo "ring_before=$(/trusted/sbin/kml-ring)"
if [ "$1" = raise ]; then echo integrity >/sys/kernel/security/lockdown; fi
echo "level=$(cat /sys/kernel/security/lockdown)"
n0=$(refusals)
echo "ring=$(/trusted/sbin/kml-ring)"
echo "ring_again=$(/trusted/sbin/kml-ring)"
echo "refused=$(( $(refusals) - n0 ))"
echo "root_ktal=$(/lockdown/ktal-run -s -o /dev/null /lockdown/cat)"
echo 1 >/proc/sys/kernel/kml_ktal_unprivileged 2>/dev/null
echo "user_ktal=$(/lockdown/ktal-run -u 1000 -s -o /dev/null /lockdown/cat)"
dmesg | grep -E "KML:|Lockdown:" | sed "s/^\[[^]]*\] /log=/"
'
field() { echo "$1" | sed -n "s/^$2=//p" | head -n 1; }

check() {	# check NAME APPEND MODE
	local name=$1 append=$2 mode=$3 o why=
	o=$("$top/tools/kmlvm" sh "${files[@]}" ${append:+--append "$append"} "${@:4}" \
		"sh -c '$guest' guest $mode" 2>&1)
	local st=$?
	[ $st = 0 ] || why="kmlvm exit $st"
	if [ "$mode" = raise ]; then
		[ "$(field "$o" ring_before)" = 0 ] || why="${why:+$why; }a trusted program was not in ring 0 before the raise"
		echo "$o" | grep -q "log=KML: trusted programs are off from now on" ||
			why="${why:+$why; }no 'trusted programs are off from now on' line"
		[ "$(echo "$o" | grep -c "off from now on")" = 1 ] || why="${why:+$why; }the 'from now on' line is not there exactly once"
	else
		echo "$o" | grep -q "log=KML: on: trusted programs are off because the kernel is locked down" ||
			why="${why:+$why; }no boot line saying trusted programs are off because of lockdown"
	fi
	case "$(field "$o" level)" in *"[integrity]"*) ;; *) why="${why:+$why; }lockdown level '$(field "$o" level)'" ;; esac
	[ "$(field "$o" ring)" = 3 ] && [ "$(field "$o" ring_again)" = 3 ] ||
		why="${why:+$why; }a /trusted program ran in ring $(field "$o" ring)/$(field "$o" ring_again) under lockdown"
	[ "$(field "$o" refused)" = 2 ] || why="${why:+$why; }refusal counter lockdown moved by $(field "$o" refused), not 2"
	echo "$o" | grep -q "log=KML: ring 3 for .*kml-ring.*the kernel is locked down" ||
		why="${why:+$why; }no 'KML: ring 3 for ...: the kernel is locked down' line"
	case "$(field "$o" root_ktal)" in "status 1 1 exit 0"*) ;; *) why="${why:+$why; }root's verified program: $(field "$o" root_ktal)" ;; esac
	case "$(field "$o" user_ktal)" in
	"status 1 1 exit 0"*) ;;
	*"CPU's mitigations cannot protect"*) ;;	# not offered to users on this CPU (boot line)
	*) why="${why:+$why; }uid 1000's verified program: $(field "$o" user_ktal)" ;;
	esac
	if [ -n "$why" ]; then
		echo "FAIL attacks/$name: $why"
		echo "$o" | sed 's/^/    | /'
		rc=1
	else
		echo "PASS attacks/$name: ${append:-lockdown raised at run time}: /trusted in ring 3 (counter lockdown +2, one log line each), verified programs in ring 0 ($(field "$o" user_ktal | cut -d' ' -f1-5))"
	fi
}
check lockdown_boot lockdown=integrity boot "$@"
check lockdown_runtime "" raise "$@"
exit $rc
