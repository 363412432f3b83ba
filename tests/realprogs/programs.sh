# Shared by the host runners of tests/realprogs, bench/apps and tests/stress
# (sourced, not executed): the kmlvm options that put unmodified Debian
# programs into the guest, each twice, with its shared libraries at their
# Debian paths:
#   /realprogs/bin/NAME           an ordinary copy: runs in ring 3
#   /trusted/realprogs/bin/NAME   root's copy under /trusted: runs in ring 0
# The programs come from the packages in tests/deps.list.  python3 brings
# its standard library (without its tests and GUI parts).  The base image
# stays as it is: these are added per boot, laid over it.

# The host path of each program the suites use.
declare -A REALPROGS=(
	[redis-server]=/usr/bin/redis-server
	[redis-benchmark]=/usr/bin/redis-benchmark
	[redis-cli]=/usr/bin/redis-cli
	[sqlite3]=/usr/bin/sqlite3
	[python3]=/usr/bin/python3
	[busybox]=/bin/busybox
	[stress-ng]=/usr/bin/stress-ng
)
PYTHON_STDLIB_EXCLUDE=(test tests idlelib tkinter turtledemo lib2to3 ensurepip pydoc_data __pycache__
	site-packages dist-packages "config-3.*-x86_64-linux-gnu")

# realprogs_vmopts NAME...: set the array RP_VMOPTS to the kmlvm options
# adding the programs NAME in both places; fail if one is not installed.
realprogs_vmopts() {
	RP_VMOPTS=()
	local name host
	for name in "$@"; do
		host=${REALPROGS[$name]:-}
		[ -n "$host" ] || { echo "realprogs: unknown program $name" >&2; return 1; }
		[ -x "$host" ] || { echo "realprogs: $host is missing: run 'make deps' (tests/deps.list)" >&2; return 1; }
		RP_VMOPTS+=(--add-binary "$host:/realprogs/bin/$name" --add-binary "$host:/trusted/realprogs/bin/$name")
		if [ "$name" = python3 ]; then
			local stdlib
			stdlib=$("$host" -c 'import sysconfig; print(sysconfig.get_path("stdlib"))') || return 1
			RP_VMOPTS+=(--add-tree "$stdlib")
			local x
			for x in "${PYTHON_STDLIB_EXCLUDE[@]}"; do RP_VMOPTS+=(--tree-exclude "$x"); done
		fi
	done
}
