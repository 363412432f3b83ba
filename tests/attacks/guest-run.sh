#!/bin/sh
# The attack suite's guest runner (as /attacks/run.sh, run as root by kmlvm).
#
# Sets up, as root, what the attacks need (the trusted victim and some
# administrator's mistakes under /trusted), then runs every attack in
# /attacks/bin as the unprivileged user kml (uid 1000) and prints one line
# each:
#   PASS attacks/NAME: blocked (how)
#   FAIL attacks/NAME: what got through
# followed, for a failure, by the attack's other output, indented; and,
# where the kernel has /sys/kernel/debug/kml/refusals, the refusal
# counters that moved during the attack ("    | refused: reason +N").
# An attack that prints no verdict (it crashed, hung, could not start) is a
# failure.  The last line is "END passed=N failed=N".
#
# Usage: run.sh [FILTER]   FILTER: a substring of the attack names.
filter=${1:-}
A=/attacks/bin
KML=1000
NOBODY=65534
REFUSALS=/sys/kernel/debug/kml/refusals
pass=0 fail=0

say() { echo "$*"; echo "kml-attacks: $*" >/dev/console; }
verdict() {
	case "$1" in
	PASS*) pass=$((pass + 1)) ;;
	*) fail=$((fail + 1)) ;;
	esac
	say "$1"
}
victim_field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" | head -n 1; }

# --- Setup, as root ----------------------------------------------------------
inst() { cp "$2" "$3" && chown 0:0 "$3" && chmod "$1" "$3"; }	# busybox has no install
setup() {
	mkdir -p /trusted/attacks/lib /trusted/tmp /trusted/kmlhome /trusted/nosuid /attacks/moved-out /home/kml
	inst 755 $A/victim /trusted/attacks/victim
	inst 755 $A/victim_dyn /trusted/attacks/victim_dyn
	inst 755 /attacks/lib/libkmlv.so /trusted/attacks/lib/libkmlv.so
	# Administrator's mistakes the trust rule must survive:
	inst 777 $A/victim /trusted/attacks/wfile		# world-writable file
	inst 755 $A/victim /trusted/attacks/owned		# file owned by a user
	chown $KML:$KML /trusted/attacks/owned
	chown $KML:$KML /trusted/kmlhome			# directory owned by a user
	chmod 1777 /trusted/tmp					# world-writable sticky directory
	printf '#!/home/kml/interp\n' >/trusted/attacks/script.sh	# #! into a user's file
	chmod 755 /trusted/attacks/script.sh
	mount -t tmpfs -o nosuid,mode=755 kml-nosuid /trusted/nosuid	# nosuid medium
	inst 755 $A/victim /trusted/nosuid/victim
	# Withdrawn by root while a user holds a descriptor (fd_after_*):
	inst 755 $A/victim /trusted/attacks/gone
	inst 755 $A/victim /trusted/attacks/moved
	# Upstream's default (Debian turns it on): hard links to others' files
	# allowed, so the trust rule itself must stop hardlink_root.
	echo 0 >/proc/sys/fs/protected_hardlinks
	chown $KML:$KML /home/kml
	chmod 755 /home/kml
	rm -f /home/kml/interp
}

# refusals: the kernel's refusal counters, "reason count" a line (or nothing).
refusals() { cat $REFUSALS 2>/dev/null; }
refusal_delta() {
	echo "$2" | while read -r reason n; do
		[ -n "$reason" ] || continue
		old=$(echo "$1" | sed -n "s/^$reason \([0-9]*\)$/\1/p")
		[ "${old:-0}" = "$n" ] || echo "    | refused: $reason +$((n - ${old:-0}))"
	done
}

# attack NAME [ARGS...]: run one attack as kml, report its verdict.
attack() {
	name=$1; shift
	case "$name" in *"$filter"*) ;; *) return ;; esac
	before=$(refusals)
	timeout -s KILL 60 $A/runas $KML $A/$name "$@" >/tmp/attack.out 2>&1 </dev/null &
	apid=$!
	case "$name" in
	fd_after_unlink|fd_after_rename)
		i=0
		while [ ! -e /tmp/$name.opened ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
		if [ "$name" = fd_after_unlink ]; then rm -f /trusted/attacks/gone
		else mv /trusted/attacks/moved /attacks/moved-out/moved; fi ;;
	esac
	wait $apid
	rc=$?
	line=$(grep -m 1 -E "^(PASS|FAIL) attacks/$name:" /tmp/attack.out)
	[ -n "$line" ] || line="FAIL attacks/$name: no verdict (exit $rc)"
	[ -z "$override" ] || line=$override
	override=
	verdict "$line"
	case "$line" in FAIL*) grep -v -E "^(PASS|FAIL) attacks/" /tmp/attack.out | tail -n 20 | sed 's/^/    | /' ;; esac
	refusal_delta "$before" "$(refusals)"
}

# --- Controls: KML is on, and a correct install still gets ring 0 -------------
controls() {
	out=$(/trusted/attacks/victim 2>&1)
	ring=$(echo "$out" | victim_field ring)
	if [ "$ring" = 0 ]; then
		verdict "PASS attacks/control_root: a trusted program run by root is in ring 0"
	else
		verdict "FAIL attacks/control_root: a trusted program run by root is in ring ${ring:-?}, not 0 (is KML active? every attack below proves nothing)"
	fi
	out=$($A/runas $KML /trusted/attacks/victim_dyn 2>&1)
	ring=$(echo "$out" | victim_field ring)
	lib=$(echo "$out" | victim_field lib)
	if [ "$ring" = 0 ] && [ "$lib" = good ]; then
		verdict "PASS attacks/control_user: a trusted dynamic program run by uid $KML is in ring 0 with its own library ($out)"
	else
		verdict "FAIL attacks/control_user: a trusted dynamic program run by uid $KML: '$out' (expected ring=0 lib=good)"
	fi
}

# Secure exec only when the exec gains privilege (issue 17): root holds
# every capability, so its trusted program is an ordinary exec (AT_SECURE
# 0, dumpable, a core through core_pattern when it aborts); uid 1000's run
# of the same file is a secure exec (AT_SECURE 1, not dumpable, no core).
secure_exec() {
	case secure_exec in *"$filter"*) ;; *) return ;; esac
	old_pattern=$(cat /proc/sys/kernel/core_pattern)
	rm -rf /tmp/cores; mkdir -p /tmp/cores; chmod 1777 /tmp/cores
	echo '/tmp/cores/core.%u.%p' >/proc/sys/kernel/core_pattern
	out=$(ulimit -c unlimited; /trusted/attacks/victim abort 2>&1)
	cores=$(ls /tmp/cores 2>/dev/null | grep -c '^core\.0\.')
	ring=$(echo "$out" | victim_field ring)
	sec=$(echo "$out" | victim_field secure)
	dump=$(echo "$out" | victim_field dumpable)
	if [ "$ring" = 0 ] && [ "$sec" = 0 ] && [ "$dump" = 1 ] && [ "$cores" = 1 ]; then
		verdict "PASS attacks/secure_exec_root: root's trusted program in ring 0 is an ordinary exec: AT_SECURE 0, dumpable 1, its abort left a core through core_pattern ($(ls /tmp/cores))"
	else
		verdict "FAIL attacks/secure_exec_root: root's trusted program: '$out', cores owned by root: $cores (expected ring=0 secure=0 dumpable=1 and one core)"
	fi
	rm -f /tmp/cores/*
	out=$(ulimit -c unlimited; $A/runas $KML /trusted/attacks/victim abort 2>&1)
	cores=$(ls /tmp/cores 2>/dev/null | wc -l)
	ring=$(echo "$out" | victim_field ring)
	sec=$(echo "$out" | victim_field secure)
	dump=$(echo "$out" | victim_field dumpable)
	if [ "$ring" = 0 ] && [ "$sec" = 1 ] && [ "$dump" = 0 ] && [ "$cores" = 0 ]; then
		verdict "PASS attacks/secure_exec_user: uid $KML's run of the same file is a secure exec: AT_SECURE 1, dumpable 0, no core"
	else
		verdict "FAIL attacks/secure_exec_user: uid $KML: '$out', cores: $cores (expected ring=0 secure=1 dumpable=0, no core)"
	fi
	echo "$old_pattern" >/proc/sys/kernel/core_pattern
	rm -rf /tmp/cores
}

# ptrace_other_uid needs a ring-0 victim of another user: root starts it.
ptrace_other_uid() {
	case ptrace_other_uid in *"$filter"*) ;; *) return ;; esac
	: >/tmp/victim-nobody.out
	$A/runas $NOBODY /trusted/attacks/victim wait 60 >/tmp/victim-nobody.out 2>&1 &
	vpid=$!
	i=0
	while ! grep -q addr= /tmp/victim-nobody.out && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	pid=$(victim_field pid </tmp/victim-nobody.out)
	addr=$(victim_field addr </tmp/victim-nobody.out)
	attack ptrace_other_uid "$pid" "$addr"
	kill -USR1 "$vpid" 2>/dev/null
	wait "$vpid"
	if grep -q INJECTED /tmp/victim-nobody.out; then
		verdict "FAIL attacks/ptrace_other_uid_memory: uid $NOBODY's ring-0 process saw its memory changed"
	fi
}

setup
say "attacks: $(grep -c ^processor /proc/cpuinfo) CPU(s); $(cat /proc/sys/fs/protected_hardlinks 2>/dev/null | sed 's/^/protected_hardlinks=/')"
[ -n "$filter" ] || controls
secure_exec
for name in bind_mount userns_bind userns_tmpfs userns_chroot userns_proc_root userns_proc_root_bind \
	    userns_fd_pass dotdot_path symlink_out hardlink_own hardlink_root writable_dir writable_file \
	    nosuid_mount script_interp memfd_exec binfmt_misc fd_after_unlink fd_after_rename \
	    no_new_privs clone_fs personality rlimit_stack ld_preload ld_library_path ld_audit loader_direct \
	    ptrace_same_uid ptrace_traceme userns_ptrace proc_mem process_vm proc_maps core_dump arch_prctl_gs; do
	attack $name
done
ptrace_other_uid
if [ -x /attacks/cpu-state.sh ]; then
	case cpu_state in *"$filter"*) /attacks/cpu-state.sh >/tmp/cpu.out 2>&1
		while read -r l; do
			case "$l" in PASS*|FAIL*) verdict "$l" ;; SKIP*) say "$l" ;; *) echo "    | $l" ;; esac
		done </tmp/cpu.out ;;
	esac
fi
[ -z "$(refusals)" ] || { echo "refusal counters at the end:"; refusals | sed 's/^/    | /'; }
echo "END passed=$pass failed=$fail"
[ $fail = 0 ]
