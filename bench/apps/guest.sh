#!/bin/sh
# The application benchmark's guest side (as /apps/run.sh): unmodified
# Debian programs from /realprogs/bin (ring 3) and /trusted/realprogs/bin
# (ring 0), in ROUNDS alternating rounds (ring 3, ring 0, ring 3, ...), so
# that a change of load on the host touches both rings alike.  Output, for
# bench/apps/table.py:
#   @result METRIC RING VALUE UNIT     one measurement
#   @ring WHAT RING KERNELMODE         which ring a measured program ran in
# Metrics:
#   redis-set, redis-get   requests/s, redis-benchmark against redis-server
#                          (both of the ring), loopback TCP, 20 clients
#   kvs-set, kvs-get       requests/s, the verified key-value server
#                          (ktal/programs/kvs.kc): ring 0 the object as the
#                          kernel verifies it, ring 3 the same object run by
#                          its ring-3 runtime; measured by the ring-3
#                          redis-benchmark, 50 clients, no pipelining (-P 1)
#   redis50-set, redis50-get   the reference for kvs: redis-server of the
#                          ring, the same client and options as kvs
#   sqlite-insert          inserts/s: one sqlite3 process runs INSERTS
#                          statements, each its own transaction (journal
#                          created, written, synced, deleted)
#   sqlite-query           queries/s: one sqlite3 process runs QUERIES
#                          point SELECTs on a table of 20000 rows
#   forkexec               seconds: the busybox shell running
#                          tests/realprogs/cases/forkexec-loop ITERATIONS
#   fork-exec-wait         operations/s: apptime of the ring forks, execs
#                          busybox `true` of the ring and waits, FORKS times
# sqlite and fork/exec are timed from outside by /apps/apptime (the whole
# process: loading, work, exit); each of those also gives
#   @ops METRIC RING NS COUNT          the time of COUNT operations
# (under kmlvm --icount, NS is a count of guest instructions).
#
#   @warmup ..., @warmup-ops ...       the same from the warm-up round
# Usage: run.sh ROUNDS SCALE [ONLY]   (SCALE multiplies the sizes; 1 by
# default; ONLY: the groups to run, of "redis kvs sqlite forkexec", all by
# default)
rounds=${1:-3}
scale=${2:-1}
only=${3:-all}
want() { [ "$only" = all ] || case " $only " in *" $1 "*) ;; *) return 1 ;; esac; }
sz() { awk -v n="$1" -v s="$scale" 'BEGIN { v = int(n * s); print (v < 1 ? 1 : v) }'; }
REQUESTS=$(sz 20000) INSERTS=$(sz 3000) QUERIES=$(sz 20000) ITERATIONS=$(sz 150) FORKS=$(sz 300)
echo "@config rounds=$rounds requests=$REQUESTS inserts=$INSERTS queries=$QUERIES iterations=$ITERATIONS forks=$FORKS cpus=$(nproc)"
kmode() { sed -n 's/^KernelMode:[[:space:]]*//p' "/proc/$1/status"; }
say() { echo "kml-apps: $*" >/dev/console; }

# busybox's applets next to each busybox (the fork/exec script's PATH).
for dir in /realprogs/bin /trusted/realprogs/bin; do
	for applet in $($dir/busybox --list); do
		[ -e "$dir/$applet" ] || ln -s busybox "$dir/$applet"
	done
done

# The SQL, written once (ring 3 tools; not measured).
mkdir -p /tmp/apps
awk -v n=20000 'BEGIN { print "CREATE TABLE t(k INTEGER PRIMARY KEY, v TEXT, n INTEGER);"; print "BEGIN;";
	for (i = 1; i <= n; i++) printf "INSERT INTO t VALUES(%d, \"value-%d\", %d);\n", i, i, (i * 7919) % 10007;
	print "COMMIT;" }' >/tmp/apps/setup.sql
awk -v n=$INSERTS 'BEGIN { print "CREATE TABLE t(k INTEGER PRIMARY KEY, v TEXT, n INTEGER);";
	for (i = 1; i <= n; i++) printf "INSERT INTO t(v, n) VALUES(\"row-%d\", %d);\n", i, i % 97 }' >/tmp/apps/insert.sql
awk -v n=$QUERIES 'BEGIN { for (i = 1; i <= n; i++) printf "SELECT v, n FROM t WHERE k = %d;\n", (i * 104729) % 20000 + 1 }' >/tmp/apps/query.sql

redis() {	# redis RING BIN
	port=6400
	dir=/tmp/apps/redis.$1; rm -rf $dir; mkdir -p $dir
	"$2/redis-server" --port $port --bind 127.0.0.1 --dir $dir --save '' --appendonly no --logfile $dir/log &
	pid=$!
	i=0
	until "$2/redis-cli" -p $port ping >/dev/null 2>&1; do
		i=$((i + 1)); [ $i -lt 600 ] || { echo "@error redis-server did not start in ring $1"; cat $dir/log; return; }
		sleep 0.1
	done
	echo "@ring redis-server $1 $(kmode $pid)"
	"$2/redis-benchmark" -p $port -t set,get -n $REQUESTS -c 20 --csv >$dir/csv 2>$dir/err ||
		echo "@error redis-benchmark failed in ring $1: $(cat $dir/err)"
	awk -F, -v r=$1 '{ gsub(/"/, "") } $1 == "SET" || $1 == "GET" { printf "@result redis-%s %s %s requests/s\n", tolower($1), r, $2 }' $dir/csv
	"$2/redis-cli" -p $port shutdown nosave >/dev/null 2>&1
	wait $pid
}

# bench50 METRIC-PREFIX RING PORT: the ring-3 redis-benchmark, 50 clients,
# -P 1, GET and SET, against the server on PORT.
bench50() {
	/realprogs/bin/redis-benchmark -p $3 -t set,get -n $REQUESTS -c 50 -P 1 --csv >/tmp/apps/csv50 2>/tmp/apps/err50 ||
		echo "@error redis-benchmark against $1 failed in ring $2: $(cat /tmp/apps/err50)"
	awk -F, -v m=$1 -v r=$2 '{ gsub(/"/, "") } $1 == "SET" || $1 == "GET" { printf "@result %s-%s %s %s requests/s\n", m, tolower($1), r, $2 }' /tmp/apps/csv50
}

kvs() {		# kvs RING BIN: the verified server, then redis-server of the ring
	port=6401
	if [ $1 = 0 ]; then prog=/apps/kvs; else prog=/apps/kvs-r3; fi
	$prog $port >/tmp/apps/kvs.log 2>&1 &
	pid=$!
	i=0
	until /realprogs/bin/redis-cli -p $port ping >/dev/null 2>&1; do
		i=$((i + 1)); [ $i -lt 600 ] || { echo "@error kvs did not start in ring $1: $(cat /tmp/apps/kvs.log)"; kill $pid; return; }
		sleep 0.1
	done
	echo "@ring kvs $1 $(kmode $pid)"
	bench50 kvs $1 $port
	kill $pid; wait $pid 2>/dev/null
	port=6402
	dir=/tmp/apps/redis50.$1; rm -rf $dir; mkdir -p $dir
	"$2/redis-server" --port $port --bind 127.0.0.1 --dir $dir --save '' --appendonly no --logfile $dir/log &
	pid=$!
	i=0
	until /realprogs/bin/redis-cli -p $port ping >/dev/null 2>&1; do
		i=$((i + 1)); [ $i -lt 600 ] || { echo "@error redis-server (50 clients) did not start in ring $1"; return; }
		sleep 0.1
	done
	echo "@ring redis50-server $1 $(kmode $pid)"
	bench50 redis50 $1 $port
	/realprogs/bin/redis-cli -p $port shutdown nosave >/dev/null 2>&1
	wait $pid
}

timed() {	# timed METRIC RING COUNT UNIT COMMAND...: run COMMAND under apptime, report COUNT/seconds
	m=$1 r=$2 count=$3 unit=$4; shift 4
	if [ "$m" = fork-exec-wait ]; then n="-n $count"; else n=; fi
	if "$APPTIME" $n "$m" "$@" 2>/tmp/apps/time >/tmp/apps/out; then
		awk -v m=$m -v r=$r -v c=$count -v u="$unit" '$1 == "@time" {
			s = $3 / 1e9; if (u == "s") printf "@result %s %s %.4f s\n", m, r, s;
			else printf "@result %s %s %.1f %s\n", m, r, c / s, u
			printf "@ops %s %s %s %s\n", m, r, $3, c }' /tmp/apps/time
	else
		echo "@error $m failed in ring $r: $(cat /tmp/apps/time)"
	fi
}

# One round in each ring.  Round 0 is a warm-up, reported as @warmup and
# not counted: QEMU translates each copy of a program's code the first
# time it runs (the ring-3 and ring-0 copies are different pages), and
# redis-server and the page cache fill up.
round() {
	for ring in 3 0; do
		# apptime of the ring: fork-exec-wait forks from it.
		if [ $ring = 0 ]; then BIN=/trusted/realprogs/bin APPTIME=/trusted/apps/apptime
		else BIN=/realprogs/bin APPTIME=/apps/apptime; fi
		say "round ${1:-$round} of $rounds, ring $ring"
		echo "@ring busybox $ring $("$BIN/cat" /proc/self/status | sed -n 's/^KernelMode:[[:space:]]*//p')"
		want redis && redis $ring $BIN
		want kvs && kvs $ring $BIN
		if want sqlite; then
			db=/tmp/apps/db.$ring
			rm -f $db.*
			timed sqlite-insert $ring $INSERTS inserts/s "$BIN/sqlite3" $db.insert ".read /tmp/apps/insert.sql"
			"$BIN/sqlite3" $db.query ".read /tmp/apps/setup.sql"
			timed sqlite-query $ring $QUERIES queries/s "$BIN/sqlite3" $db.query ".read /tmp/apps/query.sql"
			echo "@ring sqlite3 $ring $("$BIN/sqlite3" -cmd '.mode ascii' -cmd '.separator "|" "\n"' -cmd 'CREATE TEMP TABLE st(l)' \
				-cmd '.import /proc/self/status st' :memory: "SELECT trim(substr(l, 12), char(9, 32)) FROM st WHERE l LIKE 'KernelMode:%'")"
		fi
		if want forkexec; then
			(PATH=$BIN; export PATH; timed forkexec $ring $ITERATIONS s "$BIN/sh" /apps/forkexec-loop $ITERATIONS)
			echo "@ring forkexec-children $ring $(sed -n 's/^@ring exec-children //p' /tmp/apps/out)"
			timed fork-exec-wait $ring $FORKS ops/s "$BIN/true"
		fi
	done
}
round 0 | sed -e 's/^@result /@warmup /' -e 's/^@ops /@warmup-ops /'
for round in $(seq "$rounds"); do
	round
done
echo "@end"
