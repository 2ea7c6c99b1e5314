#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The documentation's "Try it" boxes, run as a student runs them inside
# make shell, so they never rot. Each box (a ".. tryit::" directive in
# Documentation/, extracted by scripts/tryit.py) is a console session:
# its commands run in order in one bash, and the box passes when the
# last command exits 0 and every expected output line appears, in order,
# in what the commands printed ("..." stands for any text). A box that
# needs what this kernel lacks (":needs: fail-nth" without fault
# injection) is a SKIP with the reason. Needs root, relq.ko loaded and
# RELQCTL pointing at relqctl (default: relqctl on PATH); prints KTAP.
# RELQ_TRYIT_BOXES (box names, space-separated) runs only those boxes and
# reports the others as SKIP, for a slow kernel that only needs to cover
# the boxes no other target can run. Exit 4 (KSFT_SKIP) when it cannot run.
set -u
tmp=

# relq_lib.sh: $here, $relqctl, the KTAP helpers, skip_all, now_us and
# the relq_need_* checks.
# shellcheck source=relq_lib.sh
. "$(dirname "$0")/relq_lib.sh" || exit 1

# Destroy what a box left behind (its channels are all called tryit*).
leftovers() {
	local c
	for c in $(relqctl list 2>/dev/null | grep -o '\btryit[a-z0-9_.-]*'); do
		relqctl destroy "$c" >/dev/null 2>&1
	done
}
# The fault injectors print a stack dump for every failure they force,
# which the suite's splat scan counts as a splat: quiet while the boxes
# run (the box's ENOMEM is what it shows), restored afterwards.
fi_dir=/sys/kernel/debug
fi_saved=()
quiet_injectors() {
	local f
	for f in "$fi_dir"/{failslab,fail_page_alloc,fail_usercopy}/verbose; do
		[ -w "$f" ] || continue
		fi_saved+=("$f=$(cat "$f")")
		echo 0 > "$f"
	done
}
restore_injectors() {
	local s
	for s in "${fi_saved[@]}"; do
		echo "${s#*=}" > "${s%%=*}"
	done
}
cleanup() {
	leftovers
	restore_injectors
	[ -n "$tmp" ] && rm -rf "$tmp"
}
trap cleanup EXIT

# The boxes: built beside this script from the documentation (make), or
# extracted from the tree this script sits in.
boxes=$here/relq_tryit_boxes.txt
tmp=$(mktemp -d) || exit 1
if [ ! -s "$boxes" ]; then
	ex=$here/../../scripts/tryit.py
	[ -f "$ex" ] || skip_all "no relq_tryit_boxes.txt and no scripts/tryit.py"
	python3 "$ex" "$here/../../Documentation" > "$tmp/boxes.txt" ||
		skip_all "scripts/tryit.py failed"
	boxes=$tmp/boxes.txt
fi
relq_need_relq
if [ "$relqctl" != "${relqctl##*/}" ]; then
	[ -x "$relqctl" ] || skip_all "no relqctl at $relqctl"
	# The boxes say "relqctl", as a student with it on PATH types it.
	PATH=$(cd "$(dirname "$relqctl")" && pwd):$PATH
	relqctl=relqctl
fi
command -v relqctl >/dev/null || skip_all "relqctl is not on PATH (set RELQCTL)"
export PATH

# needs WHAT: $why is empty when this kernel has WHAT, else the reason it
# lacks it. (No subshells and few programs: forks and execs are slow under
# TCG, and slower under KASAN.)
needs() {
	why=
	case $1 in
	'') ;;
	fail-nth) [ -e /proc/thread-self/fail-nth ] && [ -d /sys/kernel/debug/failslab ] ||
		why="no fault injection (fail-nth, failslab) in this kernel" ;;
	tracefs) [ -d /sys/kernel/tracing/events/relq ] ||
		why="no tracefs with relq's events at /sys/kernel/tracing" ;;
	*) why="unknown need '$1'" ;;
	esac
}

# matches OUTPUT EXPECTED: every line of EXPECTED matches a line of
# OUTPUT, in order; "..." matches any text, everything else literally.
matches() {
	local want pat line
	exec 5< "$1"
	while IFS= read -r want; do
		pat=$want
		for c in '\' '*' '?' '['; do
			pat=${pat//"$c"/"\\$c"}
		done
		pat=${pat//.../*}
		while :; do
			if ! IFS= read -r line <&5; then
				echo "expected, in order, a line matching: $want"
				exec 5<&-
				return 1
			fi
			line=${line%"${line##*[![:space:]]}"}
			# shellcheck disable=SC2053
			[[ $line == $pat ]] && break
		done
	done < "$2"
	exec 5<&-
}

# Split the boxes file: BOX.cmds and BOX.expect files, page and needs.
names=()
declare -A page need
while IFS= read -r ln; do
	case $ln in
	'@box '*)
		read -r _ cur pg <<< "$ln"
		: > "$tmp/$cur.cmds"; : > "$tmp/$cur.expect"
		page[$cur]=$pg need[$cur]=
		names+=("$cur") ;;
	'@needs '*) need[$cur]=${ln#@needs } ;;
	'$ '*) echo "${ln#\$ }" >> "$tmp/$cur.cmds" ;;
	'@end') ;;
	*) echo "$ln" >> "$tmp/$cur.expect" ;;
	esac
done < "$boxes"
mkdir "$tmp/cwd" || exit 1
[ ${#names[@]} -gt 0 ] || skip_all "the documentation has no try-it box"

quiet_injectors
ktap_print_header
ktap_set_plan "${#names[@]}"
for n in "${names[@]}"; do
	d=$tmp/$n
	needs "${need[$n]}"
	if [ -n "${RELQ_TRYIT_BOXES:-}" ]; then
		case " $RELQ_TRYIT_BOXES " in
		*" $n "*) ;;
		*) why="not selected (RELQ_TRYIT_BOXES)" ;;
		esac
	fi
	if [ -n "$why" ]; then
		ktap_print_msg "SKIP tryit_$n: $why"
		ktap_test_skip "tryit_$n"
		continue
	fi
	t0=$(now_us)
	(cd "$tmp/cwd" && timeout 30 bash "$d.cmds") > "$d.out" 2>&1
	r=$?
	ktap_print_msg "tryit_$n (${page[$n]}): $(( ($(now_us) - t0) / 1000 )) ms"
	if [ $r = 0 ] && matches "$d.out" "$d.expect" > "$d.why"; then
		ktap_test_pass "tryit_$n"
	else
		[ $r = 0 ] || echo "the box's last command exited $r" >> "$d.why"
		sed 's/^/# /' "$d.why"
		sed 's/^/#   $ /' "$d.cmds"
		sed 's/^/#   | /' "$d.out"
		ktap_test_fail "tryit_$n"
	fi
	leftovers
done
ktap_finished
