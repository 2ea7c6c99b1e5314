#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make verify inside the debug VM (called through scripts/vm.sh): the
# dynamic half of relq's Driver Verifier.
#
#   guest-verify.sh MODDIR PROGDIR
#
# 1. relq_failnth: fail-nth sweeps of every syscall path (T-ERR-1,
#    T-UPTR-5, T-OPEN-2) and the probabilistic soak (T-ERR-2).
# 2. Fuzzing, FUZZ_SECONDS in all (default 300): trinity as root and as an
#    unprivileged user (T-DV-2), stress-ng --dev (T-DV-3) and relq_fuzz
#    (T-DV-4, seed RELQ_SEED or the time, logged).
# After every run: no new splat in the kernel log, then the health check
# (T-DV-5): counters at zero, create, send, receive, destroy, rmmod,
# insmod. guest.sh scans kmemleak at the very end, which covers every run.
# Results: verify.tap (harness steps), kselftest-relq_failnth.tap and
# verify-stats.txt (key value lines for the table) in $RELQ_OUT.
set -u
moddir=${1:?MODDIR}
progdir=${2:?PROGDIR}
out=${RELQ_OUT:?}
relqctl=${RELQCTL:?RELQCTL}
fuzz=${FUZZ_SECONDS:-300}
seed=${RELQ_SEED:-$(date +%s)}
stats=$out/verify-stats.txt
tap=$out/verify.tap
scan=$RELQ_TOP/scripts/splat_scan.py
declare -a results
# relq_ktap_write: KTAP through the kernel's ktap_helpers.sh.
. "$RELQ_TOP/scripts/lib.sh"
: > "$stats"

record() { echo "$1 $2" >> "$stats"; }

step() { # step NAME CMD... : one TAP line for a harness step
	local name=$1
	shift
	if "$@" > "$out/verify-$name.log" 2>&1; then
		results+=("pass $name")
	else
		results+=("fail $name")
		tail -n 40 "$out/verify-$name.log" | sed 's/^/# /'
	fi
}

# Kernel log lines since the last mark; a splat there fails the run
# it follows (the whole log is scanned again at the end of make check).
mark=0
no_new_splats() {
	local name=$1 now
	dmesg > "$out/dmesg-$name.txt"
	now=$(wc -l < "$out/dmesg-$name.txt")
	tail -n +"$((mark + 1))" "$out/dmesg-$name.txt" > "$out/dmesg-$name.new"
	mark=$now
	rm -f "$out/dmesg-$name.txt"
	if python3 "$scan" "$out/dmesg-$name.new"; then
		record "splats_$name" 0
		return 0
	fi
	record "splats_$name" "$(python3 "$scan" "$out/dmesg-$name.new" | wc -l)"
	return 1
}

relq_ko=$moddir/relq.ko

# counters NAME: relq's debugfs counters into the associative array NAME
# (bash builtins only: under KASAN and TCG every exec costs most of a
# second, and the health check runs after every fuzzer).
counters() {
	local -n into=$1
	local k v
	into=()
	while read -r k v; do
		into[$k]=$v
	done < /sys/kernel/debug/relq/counters
	[ ${#into[@]} -gt 0 ]
}

# T-DV-5: the driver is healthy after whatever ran before.
health() (
	set -x
	declare -A c
	counters c || return 1
	declare -p c
	# Fuzzers leave channels behind by design; a channel they left must
	# still go away cleanly, and no file may be left open.
	[ "${c[open_files]}" = 0 ] || { echo "relq files still open"; return 1; }
	[ "${c[waiting_tasks]}" = 0 ] || { echo "tasks still wait in relq"; return 1; }
	[ "${c[pended_requests]}" = 0 ] || { echo "RECVs still pended"; return 1; }
	"$relqctl" list
	# By LIST's names (sysfs), not by nodes: a node can outlive its
	# channel when devtmpfs fails to allocate during its removal.
	for ch in /sys/class/relq/*; do
		[ -e "$ch" ] || continue
		"$relqctl" destroy "${ch##*/}" || return 1
	done
	"$relqctl" create health --capacity 4096 --max-msg 64 || return 1
	printf 'are you well' > /dev/relq/health || return 1
	got=$(dd if=/dev/relq/health bs=64 count=1 status=none) || return 1
	[ "$got" = "are you well" ] || { echo "received '$got'"; return 1; }
	"$relqctl" destroy health || return 1
	# Every counter (open files, channels, queued messages, waiting tasks,
	# pended requests) is back at 0.
	counters c || return 1
	for k in "${!c[@]}"; do
		[ "${c[$k]}" = 0 ] || { echo "counters after destroy:"; declare -p c; return 1; }
	done
	rmmod relq || return 1
	insmod "$relq_ko" || return 1
	[ "$(stat -c '%a %u %g' /dev/relq-control)" = "600 0 0" ]
)

after() { # after RUN: the checks that follow every fuzz or injection run
	step "t_dv_6_no_splats_after_$1" no_new_splats "$1"
	step "t_dv_5_health_check_after_$1" health
}

echo "relq verify: kernel $(uname -r), module $relq_ko, fuzz ${fuzz}s, seed $seed"
step t_inst_1_insmod insmod "$relq_ko"
no_new_splats boot > /dev/null

# --- 1. fault injection ------------------------------------------------------
RELQ_SOAK_SECONDS=${RELQ_SOAK_SECONDS:-15} "$progdir/relq_failnth" \
	> "$out/kselftest-relq_failnth.tap" 2>&1
echo "relq verify: relq_failnth exited $?"
# Whatever happened there, nothing fails on purpose from here on.
for f in failslab fail_page_alloc fail_usercopy; do
	echo 0 > "/sys/kernel/debug/$f/probability"
done
after failnth

# --- 2. fuzzing ------------------------------------------------------------------
# Channels owned by the unprivileged user (uid 65534): the user fuzz runs
# reach the message path; CREATE/DESTROY/LIST need CAP_SYS_ADMIN.
fuzz_channels() {
	"$relqctl" create fz0 --capacity 4096 --max-msg 256 --uid 65534 --gid 65534 &&
		"$relqctl" create fz1 --capacity 65536 --max-msg 4096 --uid 65534 --gid 65534
}

# trinity takes one victim path: a directory holding copies of the nodes
# (same device numbers). The user run gets a 0666 copy of the control
# node, so its ioctls reach relq's capability check instead of the DAC.
victims=/run/relq-victims
victim_nodes() {
	rm -rf "$victims"
	mkdir -p "$victims"
	cp -a /dev/relq-control /dev/relq/fz0 /dev/relq/fz1 "$victims/"
	chmod 0666 "$victims/relq-control"
	chmod 0777 "$victims"
}

# Keep the channels fed so that blocking readers (stress-ng) always wake.
feeder() {
	while :; do
		printf 'feed' > /dev/relq/fz0 2>/dev/null
		printf 'feed-1' > /dev/relq/fz1 2>/dev/null
		sleep 0.05
	done
}

# trinity's syscall count: "Ran N syscalls" or its per-child totals.
trinity_calls() {
	grep -oE 'Ran [0-9]+ syscalls' "$1" | awk '{ s += $2 } END { print s + 0 }'
}

# Its own session and a watchdog: trinity outlives timeout(1)'s signals,
# so the whole session gets SIGKILL when the time is up.
trinity_run() { # trinity_run NAME SECONDS [setpriv args...]
	local name=$1 secs=$2 rc calls pid
	shift 2
	local dir=/run/trinity-$name
	mkdir -p "$dir" && chmod 0777 "$dir"
	(cd "$dir" && exec setsid "$@" trinity --dangerous -q -l off \
		-V "$victims" -s "$seed" -C 2 \
		--disable-fds=sockets,pipes,perf,epoll,eventfd,pseudo,timerfd,testfile,memfd,drm \
		-c ioctl -c read -c write -c readv -c writev -c pread64 -c pwrite64 \
		-c poll -c ppoll -c mmap -c munmap -c mprotect -c dup2 -c close \
		> "$out/trinity-$name.log" 2>&1) &
	pid=$!
	sleep "$secs"
	kill -INT -- "-$pid" 2>/dev/null
	sleep 5
	kill -KILL -- "-$pid" 2>/dev/null
	pkill -KILL -x trinity
	wait "$pid"
	rc=$?
	calls=$(trinity_calls "$out/trinity-$name.log")
	record "fuzz_seconds_trinity_$name" "$secs"
	record "fuzz_calls_trinity_$name" "$calls"
	echo "trinity $name: exit $rc, $calls syscalls"
	tail -n 5 "$out/trinity-$name.log"
	# It must have started and run syscalls until it was stopped.
	[ "$calls" -gt 0 ]
}

stress_ng_run() { # stress_ng_run SECONDS: --dev on each node in turn
	local secs=$1 node ops total=0 each
	each=$(( secs / 3 > 1 ? secs / 3 : 1 ))
	for node in /dev/relq/fz0 /dev/relq/fz1 /dev/relq-control; do
		timeout -k 10 $((each + 30)) stress-ng --dev 2 --dev-file "$node" \
			-t "${each}s" --metrics-brief > "$out/stress-ng.log.tmp" 2>&1
		rc=$?
		cat "$out/stress-ng.log.tmp" >> "$out/stress-ng.log"
		[ $rc -eq 0 ] || { echo "stress-ng on $node exited $rc"; return 1; }
		ops=$(awk '/metrc|metrics/ && / dev / { print $5 }' "$out/stress-ng.log.tmp")
		total=$((total + ${ops:-0}))
	done
	record fuzz_seconds_stress_ng "$secs"
	record fuzz_calls_stress_ng "$total"
	echo "stress-ng: $total bogo ops"
}

relq_fuzz_run() {
	local secs=$1 rc calls
	"$progdir/relq_fuzz" -s "$seed" -t "$secs" -p 2 > "$out/relq_fuzz.log" 2>&1
	rc=$?
	cat "$out/relq_fuzz.log"
	calls=$(sed -n 's/^relq_fuzz: seed [0-9]*: \([0-9]*\) calls,.*/\1/p' "$out/relq_fuzz.log" |
		awk '{ s += $1 } END { print s + 0 }')
	record fuzz_seconds_relq_fuzz "$secs"
	record fuzz_calls_relq_fuzz "$calls"
	return $rc
}

t_root=$((fuzz * 30 / 100)) t_user=$((fuzz * 25 / 100))
t_stress=$((fuzz * 15 / 100)) t_own=$((fuzz - fuzz * 70 / 100))
record fuzz_seed "$seed"

fuzz_channels && victim_nodes
feeder &
feeder_pid=$!
step t_dv_2_trinity_root trinity_run root "$t_root"
step t_dv_2_trinity_user trinity_run user "$t_user" \
	setpriv --reuid 65534 --regid 65534 --clear-groups --inh-caps=-all --bounding-set=-all --
kill "$feeder_pid"
wait "$feeder_pid" 2>/dev/null
after trinity

fuzz_channels
feeder &
feeder_pid=$!
step t_dv_3_stress_ng_dev stress_ng_run "$t_stress"
kill "$feeder_pid"
wait "$feeder_pid" 2>/dev/null
after stress_ng

step t_dv_4_relq_fuzz relq_fuzz_run "$t_own"
after relq_fuzz

step t_dv_6_rmmod rmmod relq
record splats_total "$(python3 "$scan" <(dmesg) | wc -l)"

relq_ktap_write "$tap" "${results[@]}"
cat "$tap"
