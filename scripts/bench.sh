#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench: relq against pipe(2), AF_UNIX SOCK_SEQPACKET, POSIX mqueue and
# write(2) to /dev/null, on Debian's stock 6.12 kernel under QEMU.
#
#   scripts/bench.sh                 build, boot, measure, report
#   scripts/bench.sh --guest KO BENCH ARGS...   (inside the VM; vm.sh runs it)
#
# Environment: RELQ_BENCH_REPS (default 9), RELQ_BENCH_MS (time per
# measurement, default 200), RELQ_BENCH_OUT (default results/bench),
# RELQ_BUILD (build root, default .build/bench; the module lands in
# $RELQ_BUILD/6.12), RELQ_KVM=1 (KVM instead of TCG, see vm.sh).
# Writes bench.json, bench.txt and bench.png plus the VM logs to the output
# directory. Under TCG only ratios from one run mean anything.
set -euo pipefail

if [ "${1:-}" = --guest ]; then
	# Inside the VM, as root: load relq, lift the peers' limits, measure.
	ko=${2:?KO}
	bench=${3:?BENCH}
	shift 3
	out=${RELQ_OUT:-/relq-out}
	echo "=== relq bench on $(uname -r) ($(nproc) vCPUs) ==="
	# 200 idle channels for the memory workload, plus the working ones.
	insmod "$ko" max_channels=256
	# POSIX mqueue: the default msgsize_max (8192) cannot carry 64 KiB
	# messages and msg_max (10) is a shallow queue; root may raise both.
	echo "fs.mqueue.msgsize_max: $(cat /proc/sys/fs/mqueue/msgsize_max) -> 65536"
	echo 65536 > /proc/sys/fs/mqueue/msgsize_max
	echo "fs.mqueue.msg_max: $(cat /proc/sys/fs/mqueue/msg_max) -> 65536"
	echo 65536 > /proc/sys/fs/mqueue/msg_max
	# KFENCE takes a sampled allocation out of the slab accounting every
	# 10 ms (vm.sh boots with kfence.sample_interval=10): switch it off.
	if [ -w /sys/module/kfence/parameters/sample_interval ]; then
		echo 0 > /sys/module/kfence/parameters/sample_interval
	fi
	echo "clocksource: $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
	rc=0
	"$bench" -o "$out/bench.json" "$@" || rc=$?
	rmmod relq || rc=1
	echo "=== end of relq bench (exit $rc) ==="
	exit $rc
fi

. "$(dirname "$0")/lib.sh"

target=6.12
out=${RELQ_BENCH_OUT:-$RELQ_TOP/results/bench}
build=${RELQ_BUILD:-$RELQ_TOP/.build/bench}
reps=${RELQ_BENCH_REPS:-9}
ms=${RELQ_BENCH_MS:-200}
accel=tcg
[ "${RELQ_KVM:-0}" = 1 ] && accel=kvm

"$RELQ_TOP/scripts/deps.sh"
mkdir -p "$out" "$build"
out=$(cd "$out" && pwd)
build=$(cd "$build" && pwd)
rm -f "$out"/bench.json "$out"/bench.txt "$out"/bench.png "$out"/bench.gp

relq_log "building relq for $target in $build/$target"
RELQ_BUILD=$build "$RELQ_TOP/scripts/build-module.sh" "$target" > "$out/build.log" 2>&1 ||
	{ cat "$out/build.log"; relq_die "module build failed"; }
make -s -C "$RELQ_TOP/bench" OUTPUT="$build" >> "$out/build.log" 2>&1 ||
	{ cat "$out/build.log"; relq_die "relq_bench build failed"; }

relq_log "booting the stock $target kernel ($accel): $reps reps of ${ms} ms per measurement (about 4 minutes)"
set +e
"$RELQ_TOP/scripts/vm.sh" -t "$target" -o "$out" -T 900 -- \
	bash "$RELQ_TOP/scripts/bench.sh" --guest "$build/$target/relq.ko" "$build/relq_bench" \
	-r "$reps" -d "$ms" -a "$accel"
rc=$?
set -e
splats=$(python3 "$RELQ_TOP/scripts/splat_scan.py" "$out/dmesg.txt" "$out/console.log") || true
if [ -n "$splats" ]; then
	printf '%s\n' "$splats"
	relq_die "the kernel log shows splats (see $out/dmesg.txt)"
fi
if [ $rc -ne 0 ] || [ ! -s "$out/bench.json" ]; then
	relq_die "the benchmark failed in the VM (exit $rc); see $out/cmd.log"
fi

# sizeof(struct relq_channel), from the module's BTF, labels the memory
# breakdown; without pahole the report simply leaves it out.
ssize=$(pahole -C relq_channel "$build/$target/relq.ko" 2>/dev/null |
	sed -n 's@.*/\* size: \([0-9]*\),.*@\1@p' | head -n 1) || true
python3 "$RELQ_TOP/scripts/bench_report.py" "$out/bench.json" \
	--text "$out/bench.txt" --png "$out/bench.png" ${ssize:+--struct-size "$ssize"}
relq_log "results: $out/bench.txt, $out/bench.json, $out/bench.png"
