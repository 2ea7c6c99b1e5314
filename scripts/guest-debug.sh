#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The debug kernel's two runs in one boot, to save one (a KASAN boot costs
# most of a minute under TCG): the suite (guest-suite.sh, results in
# $RELQ_OUT), then make verify's fault injection and fuzzing
# (guest-verify.sh, results in $RELQ_OUT/verify, with its own cmd.log and
# cmd.rc there; the host moves that directory to results/verify). The
# results share is the only place a guest write survives. The suite
# unloads relq at its end; the verifier loads it again. The VM's kernel
# log and kmemleak report cover both; relq's gcov data, both too.
#
#	guest-debug.sh MODDIR STDIR FILTER M32 PROGDIR
verify_out=${RELQ_OUT:?}/verify
bash "$RELQ_TOP/scripts/guest-suite.sh" "$1" "$2" "$3" "$4"
rc=$?
mkdir -p "$verify_out"
RELQ_OUT=$verify_out bash "$RELQ_TOP/scripts/guest-verify.sh" "$1" "$5" \
	> "$verify_out/cmd.log" 2>&1
echo $? > "$verify_out/cmd.rc"
# Coverage (scripts/coverage.sh): relq's gcov counts of both runs, into
# $RELQ_OUT/gcov under their debugfs paths. The kernel adds the counts of
# each unloaded copy of relq to what it keeps for the next (gcov_persist,
# on by default), so the files cover every load of the boot.
(cd /sys/kernel/debug/gcov 2>/dev/null && find . -name '*.gcda' |
	while read -r f; do
		mkdir -p "$RELQ_OUT/gcov/${f%/*}" && cat "$f" > "$RELQ_OUT/gcov/$f"
	done)
exit $rc
