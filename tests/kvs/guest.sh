#!/bin/sh
# guest.sh - the guest half of tests/kvs/run.sh (runs as root in the
# unpacked tree; kmlvm puts Debian's redis programs in /realprogs/bin).
# The servers run as uid 1000, and so do the clients.
BIN=/realprogs/bin
U="./kvs-client runas 1000"
T=/tmp/kvs
mkdir -p $T && chmod 777 $T && chmod 755 . ./kvs ./kvs-r3 ./kvs-client
echo 1 >/proc/sys/kernel/kml_ktal_unprivileged || echo "FAIL kvs/setup: cannot set kernel.kml_ktal_unprivileged"
kfield() { sed -n "s/^$2:[[:space:]]*//p" /proc/$1/status; }
rss() { kfield $1 VmRSS | awk '{print $1}'; }
# up PORT: wait until a server answers PING on PORT (60 s at most)
up() {
	i=0
	until [ "$($BIN/redis-cli -p $1 ping 2>/dev/null)" = PONG ]; do
		i=$((i + 1)); [ $i -lt 600 ] || return 1
		sleep 0.1
	done
}
# same NAME FILE REF: PASS if FILE equals REF, else FAIL with the diff
same() {
	if cmp -s "$2" "$3"; then echo "PASS $1"
	else echo "FAIL $1: differs from redis-server's"; diff "$3" "$2" | head -n 20 | sed 's/^/    | /'; fi
}
# clients PORT TAG: the redis-cli session, the --pipe batch, the cases
clients() {
	$U ./kvs-client cases $1 cases.txt >$T/$2.cases 2>&1
	$U $BIN/redis-cli -p $1 <session.txt >$T/$2.cli 2>&1
	{ $U $BIN/redis-cli -p $1 --pipe <$T/pipe.txt; $U $BIN/redis-cli -p $1 get ctr; } >$T/$2.pipe 2>&1
}
awk 'BEGIN { for (i = 0; i < 10000; i++) { k = "key:" i; printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%d\r\n", length(k), k, length(i ""), i;
	printf "*2\r\n$4\r\nINCR\r\n$3\r\nctr\r\n" } }' >$T/pipe.txt

# the reference: Debian's redis-server, ring 3, as uid 1000
$U $BIN/redis-server --port 6400 --bind 127.0.0.1 --dir $T --save '' --appendonly no --logfile $T/redis.log &
rpid=$!
up 6400 || echo "FAIL kvs/setup: redis-server did not start: $(cat $T/redis.log)"
clients 6400 ref
$BIN/redis-cli -p 6400 shutdown nosave >/dev/null 2>&1
wait $rpid

for ring in 0 3; do
	if [ $ring = 0 ]; then prog=./kvs port=6401 want="1 1"; else prog=./kvs-r3 port=6402 want="0 -"; fi
	R=kvs/ring$ring
	$U $prog $port >$T/kvs$ring.out 2>&1 &
	pid=$!
	if ! up $port; then
		echo "FAIL $R/start: no PING reply on port $port: $(cat $T/kvs$ring.out)"
		kill $pid 2>/dev/null
		continue
	fi
	got="$(kfield $pid KernelMode) $(kfield $pid KtalVerified)"
	[ "$ring" = 3 ] && got="${got% *} -"
	if [ "$got" = "$want" ]; then echo "PASS $R/ring (KernelMode KtalVerified: $got, uid $(kfield $pid Uid | awk '{print $1}'))"
	else echo "FAIL $R/ring: KernelMode KtalVerified '$got', expected '$want'"; fi
	clients $port k$ring
	same $R/cases $T/k$ring.cases $T/ref.cases
	same $R/redis-cli $T/k$ring.cli $T/ref.cli
	same $R/pipe $T/k$ring.pipe $T/ref.pipe
	for p in 1 16; do
		if $U $BIN/redis-benchmark -p $port -t get,set -c 50 -n 5000 -P $p --csv >$T/bench$ring.$p 2>$T/bench$ring.err &&
			[ "$(awk -F, '{ gsub(/"/, "") } ($1 == "SET" || $1 == "GET") && $2 + 0 > 0' $T/bench$ring.$p | wc -l)" = 2 ]; then
			echo "PASS $R/benchmark-P$p ($(awk -F, '{ gsub(/"/, "") } $1 == "SET" || $1 == "GET" { printf "%s %s/s ", $1, $2 }' $T/bench$ring.$p))"
		else
			echo "FAIL $R/benchmark-P$p: $(cat $T/bench$ring.$p $T/bench$ring.err | head -n 5 | tr '\n' ' ')"
		fi
	done
	$U ./kvs-client hostile $port | sed "s#^\(PASS\|FAIL\) #\1 $R/#"
	$U ./kvs-client conns $port 50 | sed "s#^\(PASS\|FAIL\) #\1 $R/#"
	$U ./kvs-client conns $port 200 | sed "s#^\(PASS\|FAIL\) #\1 $R/#"
	$U ./kvs-client churn $port 100 50000 | sed "s#^\(PASS\|FAIL\) #\1 $R/#"
	r1=$(rss $pid)
	$U ./kvs-client churn $port 500 50000 | sed "s#^\(PASS\|FAIL\) #\1 $R/#"
	r2=$(rss $pid)
	if [ -n "$r1" ] && [ -n "$r2" ] && [ "$r2" -le $((2 * r1)) ]; then echo "PASS $R/memory (VmRSS $r1 kB after 100 churn rounds, $r2 kB after 600)"
	else echo "FAIL $R/memory: VmRSS $r1 kB after 100 churn rounds, $r2 kB after 600"; fi
	got2="$(kfield $pid KernelMode) $(kfield $pid KtalVerified)"
	[ "$ring" = 3 ] && got2="${got2% *} -"
	if kill -0 $pid 2>/dev/null && [ "$got2" = "$want" ]; then echo "PASS $R/alive"
	else echo "FAIL $R/alive: the server is gone or changed ring ('$got2'): $(cat $T/kvs$ring.out)"; fi
	kill $pid; wait $pid 2>/dev/null
done
echo END
