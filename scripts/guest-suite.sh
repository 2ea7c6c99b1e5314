#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The test suite as it runs inside a relq VM (called through scripts/vm.sh).
#
#   guest-suite.sh MODDIR KSFTDIR [FILTER [KSFTDIR32]]
#
# Loads relq.ko from MODDIR (and relq_kunit.ko where the kernel has KUnit),
# saves each KUnit suite's debugfs KTAP, runs the relq kselftest
# collection installed in KSFTDIR through the kernel's run_kselftest.sh
# (FILTER, comma-separated substrings, restricts it to the tests whose
# name contains one) and, if given, the -m32 builds in KSFTDIR32 (T-IOC-4),
# then unloads relq and checks that its nodes are gone. Harness steps are
# reported as TAP in harness.tap; every result file lands in $RELQ_OUT.
set -u
moddir=${1:?MODDIR}
stdir=${2:?SELFTESTDIR}
filter=${3:-}
stdir32=${4:-}
out=${RELQ_OUT:?}
tap=$out/harness.tap
declare -a results
# relq_ktap_write: KTAP through the kernel's ktap_helpers.sh.
. "$RELQ_TOP/scripts/lib.sh"

step() { # step NAME CMD... : one TAP line for a harness step
	local name=$1
	shift
	if "$@" > "$out/step-$name.log" 2>&1; then
		results+=("pass $name")
	else
		results+=("fail $name")
		sed 's/^/# /' "$out/step-$name.log"
	fi
}

node_is_root_only() {
	[ "$(stat -c '%F %a %u %g' /dev/relq-control)" = "character special file 600 0 0" ]
}

relq_gone() {
	! grep -q '^relq ' /proc/modules && [ ! -e /dev/relq-control ] &&
		[ ! -e /sys/class/misc/relq-control ] && [ ! -d /dev/relq ]
}

# The kernel must keep no objects after unload (Harness rule 5): any
# report of one fails, whatever module it names (a slab cache's or a
# debug object's line need not say "relq").
no_leftovers() {
	! dmesg | grep -E 'Objects remaining|ODEBUG|refcount_t|held lock freed'
}

# Before rmmod, relq holds nothing a test left behind: module exit would
# otherwise destroy it quietly. Every debugfs counter is 0.
counters_zero() {
	local f=/sys/kernel/debug/relq/counters i
	[ -r "$f" ] || mount -t debugfs none /sys/kernel/debug 2>/dev/null
	# Asynchronous teardown (an io_uring ring's exit work) gets 10 s.
	for i in $(seq 100); do
		awk '$2 != 0 { bad = 1 } END { exit bad }' "$f" && break
		sleep 0.1
	done
	cat "$f" || return 1
	# An empty file would pass the check below: relq has counters.
	grep -q '^[a-z_]* [0-9]' "$f" || return 1
	awk '$2 != 0 { bad = 1 } END { exit bad }' "$f"
}

# relq.ko, or relq.ko.xz as DKMS installs it for Debian's 6.12.
relq_ko=$(ls "$moddir"/relq.ko "$moddir"/relq.ko.xz 2>/dev/null | head -n 1)

# T-INST-5: the module loaded is the one DKMS built, not a stray build.
loaded_is_expected() {
	local have
	have=$(cat /sys/module/relq/srcversion)
	echo "loaded srcversion $have, expected $RELQ_EXPECT_SRCVERSION"
	[ "$have" = "$RELQ_EXPECT_SRCVERSION" ]
}

echo "relq suite: kernel $(uname -r), module $relq_ko"
step t_inst_1_insmod insmod "$relq_ko"
if [ -n "${RELQ_EXPECT_SRCVERSION:-}" ]; then
	step t_inst_5_loaded_is_dkms_build loaded_is_expected
fi
step t_sec_1_control_node_created node_is_root_only

if [ -f "$moddir/relq_kunit.ko" ]; then
	if step kunit_insmod insmod "$moddir/relq_kunit.ko"; then
		# Builtins only: under KASAN and TCG every exec costs most of
		# a second.
		for d in /sys/kernel/debug/kunit/relq*; do
			[ -f "$d/results" ] || continue
			printf '%s\n' "$(< "$d/results")" > "$out/kunit-${d##*/}.ktap"
		done
		step kunit_rmmod rmmod relq_kunit
	fi
fi

# relq_matching PROG: "-t NAME" for each test of PROG (its -l list) whose
# name contains an entry of FILTER; bash alone, no exec but PROG's.
relq_matching() {
	local line name f
	while read -r line; do
		name=${line##* }
		[ -n "$name" ] || continue
		for f in ${filter//,/ }; do
			case $name in *"$f"*) printf -- '-t %s ' "$name"; break ;; esac
		done
	done < <("$1" -l 2>&1)
}

# run_collection BASE SUFFIX: kselftest's own run_kselftest.sh over the
# relq collection installed in BASE (see selftests_build in check.sh).
# Its TAP (one line per program: exit status, SKIP, TIMEOUT from the
# collection's settings) goes to runner$SUFFIX.tap; each program's own
# TAP, from the runner's per-test log, to kselftest-NAME$SUFFIX.tap.
run_collection() {
	local base=$1 sfx=$2 t name var args i sel=()
	for t in $(cut -d: -f2 "$base/kselftest-list.txt"); do
		case " ${RELQ_SKIP_PROGS:-} " in *" $t "*) continue ;; esac
		case $sfx in
		# The -m32 builds prove the ABI: the programs that exercise
		# the ioctl structs and the copy paths, not the timing-heavy ones.
		-m32) case $m32_progs in *" $t "*) ;; *) continue ;; esac ;;
		esac
		args=
		if [ -n "$filter" ]; then
			case $t in
			*.sh) # a script runs when a FILTER entry is part of its name
				local f hit=
				for f in ${filter//,/ }; do
					case $t in *"$f"*) hit=1 ;; esac
				done
				[ -n "$hit" ] || continue ;;
			*)
				args=$(relq_matching "$base/relq/$t")
				[ -n "$args" ] || continue ;;
			esac
		fi
		# The -m32 run leaves out the long races and cycle counts: they
		# pass no struct across the ABI that the other tests do not.
		if [ "$sfx" = -m32 ] && [ -z "$args" ]; then
			for i in $m32_skip; do
				args="$args -T $i"
			done
		fi
		# The runner passes KSELFTEST_<NAME>_ARGS to program NAME.
		var=${t//[^[:alnum:]_]/_}
		var=KSELFTEST_${var^^}_ARGS
		export "$var=$args"
		sel+=(-t "relq:$t")
	done
	[ ${#sel[@]} -gt 0 ] || return 0
	echo "relq suite: run_kselftest.sh ${sel[*]}"
	local t0
	t0=$(date +%s.%N)
	"$base/run_kselftest.sh" -p "${sel[@]}" > "$out/runner$sfx.tap" 2>&1
	local names=() logs=()
	for ((i = 1; i < ${#sel[@]}; i += 2)); do
		name=${sel[i]#relq:}
		names+=("$name")
		[ -f "/tmp/$name" ] && logs+=("$name")
		: > "$out/kselftest-${name%.sh}$sfx.tap"
	done
	# One stat and one awk for all the per-test logs: under KASAN and TCG
	# every exec costs most of a second. The runner writes each program's
	# log as it runs, in order: its modification time is when the program
	# ended. The log is the program's output with "# " before each line,
	# after the runner's own "# timeout" line.
	(
		cd /tmp || exit 1
		{ [ ${#logs[@]} -eq 0 ] || stat -c '%n %.3Y' -- "${logs[@]}"; } > "$out/ends$sfx.txt"
		awk -v t0="$t0" -v sfx="$sfx" -v out="$out" -v order="${names[*]}" '
			FILENAME == ARGV[1] { end[$1] = $2; next }
			FNR == 1 { close(f); f = FILENAME; sub(/\.sh$/, "", f); f = out "/kselftest-" f sfx ".tap" }
			/^# (timeout set to|overriding timeout to) / { next }
			{ sub(/^# /, ""); print > f }
			END {
				n = split(order, o, " ")
				prev = t0
				for (i = 1; i <= n; i++) {
					e = (o[i] in end) ? end[o[i]] : prev
					printf "relq suite: %s%s took %.1f s\n", o[i], sfx, e - prev
					prev = e
				}
			}' "$out/ends$sfx.txt" "${logs[@]}"
		rm -f -- "${logs[@]}" "$out/ends$sfx.txt"
	)
	cat "$out/runner$sfx.tap"
}

# The programs that pass relq's uapi structs (CREATE, DESTROY, LIST, INFO
# in all its sizes, LINK, the status page) and user buffers across the
# ABI; the others (stress, races, cancellation, close, trace, hardening)
# pass nothing the 64-bit run does not already prove.
m32_progs=" relq_control_test relq_channel_test relq_wait_test relq_status_test relq_uaccess_test relq_security_test relq_state_test relq_forward_test "
m32_skip="t_obj_2_open_close_cycles t_fwd_3_link_depth_and_cycles t_hdl_2_link_close_race t_fwd_4_link_churn_under_writers"

# T-IOC-4: each -m32 program gives the same result, test by test, as its
# 64-bit run (the tests the -m32 run leaves out aside).
m32_results() { # m32_results TAP: "NAME pass|fail|skip" per test, sorted
	awk '/^(not )?ok [0-9]+ / {
		st = ($1 == "not") ? "fail" : (index($0, "# SKIP") ? "skip" : "pass")
		print ($1 == "not") ? $4 : $3, st }' "$1" | sort
}
m32_matches() {
	local t a b i rc=0
	for t in $m32_progs; do
		[ -f "$out/kselftest-$t-m32.tap" ] || { echo "$t: no -m32 run"; rc=1; continue; }
		a=$(m32_results "$out/kselftest-$t.tap")
		for i in $m32_skip; do
			a=$(printf '%s\n' "$a" | grep -v "\.$i ")
		done
		b=$(m32_results "$out/kselftest-$t-m32.tap")
		if [ "$a" != "$b" ] || [ -z "$a" ]; then
			echo "$t: the -m32 results differ from the 64-bit ones:"
			diff <(printf '%s\n' "$a") <(printf '%s\n' "$b")
			rc=1
		else
			echo "$t: $(printf '%s\n' "$b" | wc -l) tests alike"
		fi
	done
	return $rc
}
# relq_udev_test.sh (T-INST-2/3) needs the shipped rule and relqctl;
# relq_tryit_test.sh (the documentation's try-it boxes) needs relqctl.
export RELQ_RULES=$RELQ_TOP/udev/60-relq.rules RELQCTL=${RELQCTL:-}
run_collection "$stdir" ""
if [ -n "$stdir32" ]; then
	run_collection "$stdir32" -m32
	[ -n "$filter" ] || step t_ioc_4_m32_matches_64bit m32_matches
fi

# T-OBJ-3: an open relq file pins the module; after the close rmmod works.
rmmod_refused_while_open() {
	local rc
	"$RELQCTL" create objthree >/dev/null || return 1
	exec 3<>/dev/relq/objthree
	# delete_module(2) itself, to see its errno: EWOULDBLOCK (or EBUSY).
	python3 -c 'import ctypes, errno, os, sys
libc = ctypes.CDLL(None, use_errno=True)
r = libc.syscall(176, b"relq", os.O_NONBLOCK)
e = ctypes.get_errno()
print("delete_module:", r, errno.errorcode.get(e, e))
sys.exit(0 if r == -1 and e in (errno.EWOULDBLOCK, errno.EBUSY) else 1)'
	rc=$?
	exec 3>&-
	"$RELQCTL" destroy objthree || return 1
	[ $rc -eq 0 ] && grep -q '^relq ' /proc/modules
}
# T-OBJ-4: 16 channels, some linked, no user fd open. A link holds its
# lower channel's file, and an open file pins the module, so rmmod is
# refused while one exists (EWOULDBLOCK, as with an fd); DESTROY of the
# uppers drops the links, and rmmod then destroys the rest cleanly. The
# module loads again.
rmmod_with_channels() {
	local i
	for i in $(seq 1 16); do
		"$RELQCTL" create "objfour$i" >/dev/null || return 1
	done
	"$RELQCTL" link objfour1 objfour2 || return 1
	"$RELQCTL" link objfour2 objfour3 || return 1
	"$RELQCTL" link objfour4 objfour5 || return 1
	"$RELQCTL" send objfour1 linked || return 1
	if rmmod relq; then
		echo "rmmod succeeded while links held files"
		return 1
	fi
	grep -q '^relq ' /proc/modules || return 1
	for i in 1 2 4; do
		"$RELQCTL" destroy "objfour$i" || return 1
	done
	rmmod relq || return 1
	[ ! -e /dev/relq ] && [ ! -e /sys/class/relq ] || return 1
	insmod "$relq_ko" && node_is_root_only
}
step t_dv_6_counters_zero_before_rmmod counters_zero
# T-UPTR-4: no relq line in the log prints a raw kernel address (%p is
# hashed; %px, or a pointer printed as a number, would show one).
no_raw_pointers() {
	! dmesg | grep -i relq | grep -E '(0x)?ffff(ffff[89a-f]|[89a-f][0-9a-f]{3})[0-9a-f]{8}\b'
}
step t_uptr_4_no_pointers_in_dmesg no_raw_pointers
if [ -n "${RELQCTL:-}" ]; then
	step t_obj_3_rmmod_refused_while_open rmmod_refused_while_open
	step t_obj_4_rmmod_with_channels rmmod_with_channels
fi

# T-DV-6: unload cleanly, and the nodes go with the module.
step t_dv_6_rmmod rmmod relq
step t_dv_6_nodes_gone relq_gone
step t_dv_6_no_leftovers no_leftovers

relq_ktap_write "$tap" "${results[@]}"
cat "$tap"
