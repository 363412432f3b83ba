#!/bin/sh
# redis-server on loopback TCP, driven by redis-cli (a scripted session:
# strings, lists, hashes, sets, sorted sets, Lua, a transaction) and by
# redis-benchmark; then a background save (redis forks a child that writes
# the RDB file), a restart that loads it, and the dataset's digest before
# and after.  Throughput figures vary from run to run and are not printed;
# every benchmark test must complete.  All three programs are from BIN.
set -e
port=6390
cli() { "$BIN/redis-cli" -p $port "$@"; }
kmode() { sed -n 's/^KernelMode:[[:space:]]*//p' "/proc/$1/status"; }
start() {
	"$BIN/redis-server" --port $port --bind 127.0.0.1 --dir "$PWD" --save '' --appendonly no \
		--enable-debug-command yes --logfile "$PWD/redis.log" --daemonize no &
	pid=$!
	i=0
	until cli ping >/dev/null 2>&1; do
		i=$((i + 1))
		if [ $i -gt 600 ] || ! kill -0 $pid 2>/dev/null; then
			echo "redis-server did not come up; its log:" >&2
			cat redis.log >&2
			exit 1
		fi
		sleep 0.1
	done
}
stop() {
	cli shutdown nosave >/dev/null 2>&1 || true
	wait $pid || { echo "redis-server exited with status $?" >&2; cat redis.log >&2; exit 1; }
}

start
echo "@ring redis-server $(kmode $pid)"
cli <<'CMDS'
FLUSHALL
SET greeting "hello from ring zero"
GET greeting
INCR counter
INCRBY counter 41
APPEND greeting "!"
STRLEN greeting
RPUSH list a b c d e f
LPOP list
LRANGE list 0 -1
HSET h field1 v1 field2 v2 field3 v3
HGETALL h
HINCRBY h n 5
SADD s x y z x
SCARD s
SISMEMBER s y
ZADD z 3 three 1 one 2 two 10 ten
ZRANGE z 0 -1 WITHSCORES
ZRANGEBYSCORE z 2 5
EVAL "local s = 0 for i = 1, 1000 do s = s + i end return s" 0
EVAL "return redis.call('incrby', KEYS[1], ARGV[1])" 1 counter 100
MULTI
SET t1 1
INCR t1
EXEC
SETEX volatile 1000 v
EXISTS volatile nothere
DBSIZE
CMDS

# The benchmark: 1500 requests of each test from 10 clients.
"$BIN/redis-benchmark" -p $port -n 1500 -c 10 -t set,get,incr,lpush,rpop,sadd,hset,lrange_100 --csv >bench.csv &
bpid=$!
# Its ring, read from its own status while it runs.
r=gone
i=0
while [ $i -lt 500 ] && kill -0 $bpid 2>/dev/null; do
	case "$(readlink /proc/$bpid/exe 2>/dev/null)" in
	*/redis-benchmark) r=$(kmode $bpid); break ;;
	esac
	i=$((i + 1))
done
wait $bpid || { echo "redis-benchmark failed with status $?" >&2; cat bench.csv >&2; exit 1; }
echo "@ring redis-benchmark $r"
# Every test must have completed with a positive rate.
"$BIN/busybox" awk -F, 'NR > 1 { gsub(/"/, ""); ok = ($2 + 0 > 0) ? "ok" : "NO RESULT"; print "benchmark", $1, ok; n++ }
	END { print "benchmark tests:", n }' bench.csv
echo "after benchmark: dbsize $(cli dbsize) counter:__rand_int__ $(cli get counter:__rand_int__) mylist $(cli llen mylist)"
before=$(cli debug digest)
echo "digest: $before"

# A background save: redis forks; the child writes dump.rdb.
cli bgsave >/dev/null
i=0
while cli info persistence | grep -q '^rdb_bgsave_in_progress:1'; do
	i=$((i + 1)); [ $i -lt 600 ] || { echo "BGSAVE did not finish" >&2; exit 1; }
	sleep 0.1
done
echo "bgsave: $(cli info persistence | tr -d '\r' | grep '^rdb_last_bgsave_status:')"
stop
[ -s dump.rdb ] || { echo "no dump.rdb after BGSAVE" >&2; exit 1; }

# Restart: the new server loads the file; same data.
start
after=$(cli debug digest)
echo "reloaded digest equal: $([ "$after" = "$before" ] && echo yes || echo "no ($after)")"
echo "reloaded: $(cli get greeting) $(cli hget h field2) $(cli zscore z ten)"
stop
