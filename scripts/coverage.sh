#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Line and branch coverage of module/ from the debug boot (make check).
#
#   coverage.sh report GCOVDIR BUILDDIR OUTDIR
#	GCOVDIR holds the .gcda files guest-debug.sh copied out of the
#	guest's /sys/kernel/debug/gcov (the suite and the verifier, every
#	load of relq in that boot); BUILDDIR is the debug build of relq
#	they came from (its .gcno files and sources, RELQ_GCOV=y in
#	scripts/lib.sh). Writes OUTDIR/relq.info (lcov), OUTDIR/html
#	(genhtml) and OUTDIR/summary.txt, one line:
#	"lines L% (h of n), branches B% (h of n), functions F% (h of n)",
#	which it also prints. Fails when there is no data.
#   coverage.sh min lines|branches PERCENT OUTDIR
#	Fails when the measured ratio in OUTDIR/summary.txt is below
#	PERCENT.
#
# Only module/ counts: the kernel headers relq's code inlines are left
# out. The lines of module/relq_trace.h count, its branches do not: they
# are the expansion of the kernel's TRACE_EVENT() (tracepoint static keys,
# the RCU-watching and CPU-online checks, the perf and BPF glue), none of
# them relq's logic. Debian's lcov (1.16) and gcc's own gcov do the work.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# ratio KIND FILE: "P% (h of n)" of one kind (lines, branches,
# functions) in an lcov summary, "no data" when it has none.
ratio() {
	awk -v k="$1" '$1 ~ "^" k "\\.*:$" {
		if ($3 == "data") print "no data"; else print $2, $3, $4, $5 ")"; exit }' "$2"
}

report() {
	local gcdir=$1 build=$2 out=$3 tmp n f
	local rc=(--rc lcov_branch_coverage=1
		--rc 'lcov_excl_br_line=LCOV_EXCL_BR_LINE|^(DECLARE_EVENT_CLASS|DEFINE_EVENT|TRACE_EVENT)\(')
	[ -d "$gcdir" ] || relq_die "no gcov data in $gcdir (did the debug boot finish?)"
	[ -d "$build/module" ] || relq_die "no debug build of relq in $build"
	rm -rf "$out/html" "$out/relq.info" "$out/summary.txt"
	mkdir -p "$out"
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' RETURN
	# gcov wants each .gcda beside the .gcno of the object it counts.
	mkdir -p "$tmp/module"
	n=0
	while IFS= read -r f; do
		cp "$f" "$tmp/module/"
		n=$((n + 1))
	done < <(find "$gcdir" -path '*/module/*.gcda')
	[ "$n" -gt 0 ] || relq_die "no relq .gcda file under $gcdir"
	for f in "$tmp"/module/*.gcda; do
		f=$(basename "$f" .gcda)
		[ -f "$build/module/$f.gcno" ] ||
			relq_die "$f.gcda has no $f.gcno in $build/module (not a RELQ_GCOV=y build?)"
		cp "$build/module/$f.gcno" "$tmp/module/"
	done
	# An object the guest never loaded counts as 0 %, not as absent.
	for f in "$build"/module/*.gcno; do
		f=$(basename "$f" .gcno)
		[ -f "$tmp/module/$f.gcda" ] || relq_log "no counts for module/$f.o: never ran"
	done
	lcov -q "${rc[@]}" --capture --initial --directory "$build/module" \
		--output-file "$tmp/base.info" 2>"$tmp/lcov.err" ||
		{ cat "$tmp/lcov.err" >&2; return 1; }
	lcov -q "${rc[@]}" --capture --directory "$tmp/module" \
		--output-file "$tmp/run.info" 2>"$tmp/lcov.err" ||
		{ cat "$tmp/lcov.err" >&2; return 1; }
	lcov -q "${rc[@]}" -a "$tmp/base.info" -a "$tmp/run.info" \
		--output-file "$tmp/all.info"
	lcov -q "${rc[@]}" --extract "$tmp/all.info" "$build/module/*" \
		--output-file "$out/relq.info"
	genhtml -q "${rc[@]}" --prefix "$build" --title "relq module/ coverage" \
		--output-directory "$out/html" "$out/relq.info" >/dev/null
	lcov "${rc[@]}" --summary "$out/relq.info" > "$tmp/summary" 2>&1
	printf 'lines %s, branches %s, functions %s\n' "$(ratio lines "$tmp/summary")" \
		"$(ratio branches "$tmp/summary")" "$(ratio functions "$tmp/summary")" |
		tee "$out/summary.txt"
}

at_least() {
	local what=$1 min=$2 out=$3 got
	got=$(grep -oE "$what [0-9.]+%" "$out/summary.txt" | grep -oE '[0-9.]+') ||
		relq_die "no $what ratio in $out/summary.txt"
	echo "$what: $got % measured, $min % required"
	awk -v g="$got" -v m="$min" 'BEGIN { exit !(g >= m) }'
}

case ${1:-} in
report) shift; report "$@" ;;
min) shift; at_least "$@" ;;
*) relq_die "usage: coverage.sh report GCOVDIR BUILDDIR OUTDIR | min lines|branches PERCENT OUTDIR" ;;
esac
