#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The pitfall gallery inside its own boot (scripts/vm.sh -t pitfalls or
# pitfalls-kcsan): loads relq_pitfalls.ko from PITDIR and runs
# relq_pitfalls_test from PROGDIR, whose TAP lands in
# $RELQ_OUT/pitfalls.tap and each pitfall's captured report in
# $RELQ_OUT/reports/NAME.log. On the debug kernel, T-PIT-17 comes last:
# it overflows the kernel stack, which ends the boot; the host reads the
# console for its report (scripts/check.sh).
#
#	guest-pitfalls.sh PITDIR PROGDIR
pitdir=${1:?PITDIR}
progdir=${2:?PROGDIR}
out=${RELQ_OUT:?}
mkdir -p "$out/reports"
rm -f "$out"/reports/*.log "$out/pit17.armed"

# On the kcsan kernel the gallery runs T-PIT-8 (its one KCSAN pitfall)
# at the end of the kcsan suite's boot (scripts/guest-kcsan.sh): the
# marker below ends what that boot's splat scan reads, and the detectors
# must report without stopping the kernel.
only=(-T t_pit_8_unlocked_counter)
if [ -e /sys/kernel/debug/kcsan ]; then
	only=(-t t_pit_8_unlocked_counter)
	echo 0 > /proc/sys/kernel/panic_on_warn
fi
echo "relq pitfalls: begin" > /dev/kmsg
echo "relq pitfalls: kernel $(uname -r)"
grep -o -w smap /proc/cpuinfo | head -n 1 | sed 's/^/cpu has: /'
insmod "$pitdir/relq_pitfalls.ko" || exit 1
s=$(date +%s)
RELQ_PIT_OUT=$out/reports "$progdir/relq_pitfalls_test" "${only[@]}" \
	> "$out/pitfalls.tap" 2>&1
rc=$?
echo "relq_pitfalls_test exited $rc after $(( $(date +%s) - s )) s"
echo "$rc" > "$out/pitfalls.rc"
cat "$out/pitfalls.tap"
if [ -e /sys/kernel/debug/kcsan ]; then
	exit "$rc"
fi
# T-PIT-17: the host expects this boot to end in the stack overflow's
# panic, after the marker below.
echo "relq pitfalls: T-PIT-17 armed" > /dev/kmsg
date +%s > "$out/pit17.armed"
sync
echo FORWARD_WITHOUT_DEPTH > /sys/kernel/debug/relq_pitfalls/DIRECT
echo "relq pitfalls: T-PIT-17: the forward returned: no overflow"
exit 1
