#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make check: the whole relq suite.
#
#   1. deps: install what is missing (Debian packages)
#   2. lint, host only: W=1, sparse C=2 and checkstack against the 6.12
#      and 6.1 headers, checkpatch --strict, kernel-doc -Wall, coccinelle,
#      banned APIs, the splat scanner's self-test, docs, packaging, the
#      kselftest builds. The debug and kcsan kernels build meanwhile, in
#      the background at idle priority.
#   3. stock 6.12 and stock 6.1: kselftests + splat scan
#   4. debug kernel (KASAN, lockdep, ...): W=1, sparse and checkstack
#      against its tree (debug-lint), KUnit + kselftests + splat scan
#      (kmemleak included)
#   5. verify (debug kernel): fail-nth sweeps, the failure soak, trinity,
#      stress-ng and relq_fuzz, each followed by the health check; then
#      make verify's table (scripts/verify_table.py)
#   6. kcsan kernel (KCSAN, lockdep, ...): KUnit + the race tests
#   7. a per-target table and "N passed, N failed, N skipped"
#
# TARGETS="6.12 6.1 debug verify pitfalls kcsan" picks the VM targets (make verify
# is TARGETS=verify); TESTS=<substring> runs only matching kselftests;
# FUZZ_MINUTES (default 1: trinity as root spends 10 s counting down
# first; make verify's default is 5) bounds the
# fuzzing; --lint-only stops after step 2 and builds no kernel.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

lint_only=0
[ "${1:-}" = --lint-only ] && lint_only=1
targets=${TARGETS:-6.12 6.1 debug verify pitfalls kcsan}
# debug and verify both chosen: one boot runs both (guest-debug.sh).
with_verify=0
case " $targets " in *" debug "*"verify "*) with_verify=1 ;; esac
res=$RELQ_TOP/results
rm -rf "$res"
mkdir -p "$res/host"
t0=$(date +%s)

stage() { # stage NAME CMD...: run one stage, print its time
	local name=$1 s rc
	shift
	s=$(date +%s)
	relq_log "stage $name: start"
	"$@"
	rc=$?
	relq_log "stage $name: $(( $(date +%s) - s )) s (rc $rc)"
	return $rc
}

# --- TAP for host steps -----------------------------------------------------
# A step's result is recorded as it finishes; relq_ktap_write (lib.sh,
# the kernel's ktap_helpers.sh) writes the file once the plan is known.
lint_steps=()
# Each step's time goes to results/host/step-times.txt (the budget).
tap_step() { # tap_step NAME CMD...: ok if CMD succeeds; its output as diagnostics
	local name=$1 log s rc=0
	shift
	log=$res/host/$name.log
	s=$(date +%s)
	"$@" > "$log" 2>&1 || rc=$?
	echo "$name $(( $(date +%s) - s ))" >> "$res/host/step-times.txt"
	if [ $rc -eq 0 ]; then
		lint_steps+=("pass $name")
	else
		lint_steps+=("fail $name")
		relq_log "FAILED $name:"
		head -n 40 "$log" | sed 's/^/    /' >&2
	fi
}
write_lint_tap() { # write_lint_tap FILE: the steps so far, then start afresh
	relq_ktap_write "$1" "${lint_steps[@]}"
	lint_steps=()
}

# Build output lines that are neither progress nor known-benign notes are
# warnings (from gcc with W=1, or from sparse with C=2).
only_progress() {
	! grep -vE '^(make(\[[0-9]+\])?: |  [A-Z0-9_]+ +(\[M\] +)?/|Skipping BTF generation)' "$1"
}
build_w1() { # W=1: compiler and modpost warnings
	local log=$res/host/build-$1.out
	"$RELQ_TOP/scripts/build-module.sh" "$1" W=1 > "$log" 2>&1 &&
		only_progress "$log"
}
# C=2: sparse over every file, in a build directory of its own
# (.build/sparse/TARGET): it runs in the background, beside VMs that load
# .build/TARGET's modules, and a build there would rewrite them.
build_sparse() {
	local log=$res/host/sparse-$1.out
	RELQ_BUILD=$RELQ_TOP/.build/sparse "$RELQ_TOP/scripts/build-module.sh" "$1" C=2 \
		> "$log" 2>&1 && only_progress "$log"
}

ksrc=
sources() {
	git -C "$RELQ_TOP" ls-files -co --exclude-standard \
		'module/*.[ch]' 'kunit/*.[ch]' 'include/*.h' 'selftests/relq/*.[ch]' \
		'tools/*.[ch]' 'bench/*.[ch]' 'pitfalls/*.[ch]'
}
checkpatch() {
	local files out bad
	files=$(sources)
	# shellcheck disable=SC2086
	out=$(cd "$RELQ_TOP" && perl "$ksrc/scripts/checkpatch.pl" --strict --no-tree \
		--show-types --terse -f $files)
	# checkpatch caches the CamelCase names of include/ in the working
	# directory; the tree keeps no file it did not have.
	rm -f "$RELQ_TOP"/.checkpatch-camelcase.*
	echo "$out"
	# Findings not in the justified exception list fail the step.
	bad=$(echo "$out" | grep -E ': (ERROR|WARNING|CHECK):' | while IFS= read -r l; do
		f=${l%%:*}
		t=$(echo "$l" | sed -E 's/.*: (ERROR|WARNING|CHECK):([A-Z_]+):.*/\2/')
		grep -q "^$f:$t " "$RELQ_TOP/scripts/checkpatch-exceptions.txt" || echo "$l"
	done)
	[ -z "$bad" ] || { echo "not excepted:"; echo "$bad"; return 1; }
}
kerneldoc() {
	local out files
	files=$(cd "$RELQ_TOP" && git ls-files -co --exclude-standard 'module/*.[ch]' 'include/*.h')
	# shellcheck disable=SC2086
	out=$(cd "$RELQ_TOP" && perl "$ksrc/scripts/kernel-doc" -none -Wall $files 2>&1)
	echo "$out"
	[ -z "$out" ]
}
banned_strings() {
	! (cd "$RELQ_TOP" && git ls-files -co --exclude-standard 'module/*.[ch]' 'kunit/*.[ch]' 'include/*.h' |
		xargs grep -nE '\b(strcpy|strncpy|strlcpy|strcat|sprintf|vsprintf|simple_strto[u]?ll?)\(')
}
# selftests_build OUTDIR BASE [CC [EXTRA_CFLAGS]]: build the kselftests into
# OUTDIR and install them the way the kernel's selftests Makefile does: a
# "relq" collection under BASE, with run_kselftest.sh, kselftest/ (runner,
# prefix.pl, ktap_helpers.sh) and kselftest-list.txt beside it. The VM
# runs BASE/run_kselftest.sh.
selftests_build() {
	local log
	log=$res/host/selftests-build-$(basename "$1").out
	local k=$ksrc/tools/testing/selftests base=$2
	local mk=(make -j"$(nproc)" -C "$RELQ_TOP/selftests/relq" OUTPUT="$1" KSRC="$ksrc"
		CC="${3:-gcc}" EXTRA_CFLAGS="${4:-}")
	mkdir -p "$1"
	rm -rf "$base"
	mkdir -p "$base/kselftest"
	{
		"${mk[@]}" all install INSTALL_PATH="$base/relq" &&
		install -m 744 "$k/run_kselftest.sh" "$base/" &&
		install -m 744 "$k"/kselftest/{runner.sh,prefix.pl,ktap_helpers.sh} \
			"$base/kselftest/"
	} > "$log" 2>&1 || { cat "$log"; return 1; }
	"${mk[@]}" -s COLLECTION=relq emit_tests > "$base/kselftest-list.txt" || return 1
	! grep -E 'warning:|error:' "$log"
}
coccinelle() { # the kernel's semantic patches over module/: no reports
	local f out rc=0
	for f in api/memdup_user api/stream_open api/atomic_as_refcounter \
		api/device_attr_show api/kfree_sensitive free/kfree free/ifnullfree \
		locks/call_kern locks/double_lock locks/mini_lock locks/flags \
		misc/struct_size misc/array_size misc/flexible_array null/eno \
		null/deref_null iterators/use_after_iter tests/odd_ptr_err \
		tests/unsigned_lesser_than_zero; do
		[ -f "$ksrc/scripts/coccinelle/$f.cocci" ] || { echo "missing $f.cocci"; rc=1; continue; }
		# spatch's notes about the .cocci file itself are not reports.
		out=$(spatch -D report --very-quiet --no-show-diff \
			--cocci-file "$ksrc/scripts/coccinelle/$f.cocci" --dir "$RELQ_TOP/module" \
			-I "$RELQ_TOP/include" -I "$ksrc/include" 2>&1 |
			grep -v -e '^$' -e 'should .* be a metavariable')
		[ -z "$out" ] || { echo "$f: $out"; rc=1; }
	done
	return $rc
}
checkstack() { # checkstack TARGET: no relq function over 512 bytes of stack
	local ko=$RELQ_TOP/.build/$1/relq.ko out
	echo "largest frame: $(objdump -d "$ko" |
		perl "$ksrc/scripts/checkstack.pl" x86_64 0 | head -n 1 | tr -s ' \t' ' ') ($1)"
	out=$(objdump -d "$ko" | perl "$ksrc/scripts/checkstack.pl" x86_64 512)
	[ -z "$out" ] || { echo "$out"; return 1; }
}
uapi_layout() { # T-IOC-3: standalone, C90, same layout on i386 and x86-64, no holes
	local m tmp
	tmp=$(mktemp -d)
	for m in 32 64; do
		gcc -m$m -std=c11 -Wall -Werror -I"$RELQ_TOP/include/uapi" -o "$tmp/layout$m" \
			"$RELQ_TOP/scripts/tests/uapi_layout.c" || return 1
		echo '#include <linux/relq.h>' | gcc -m$m -std=c90 -pedantic -Wall -Werror \
			-I"$RELQ_TOP/include/uapi" -fsyntax-only -x c - || return 1
		sed -n 's/^struct \(relq_[a-z_]*\) {$/struct \1 v_\1;/p' \
			"$RELQ_TOP/include/uapi/linux/relq.h" > "$tmp/all.c"
		sed -i '1i #include <linux/relq.h>' "$tmp/all.c"
		gcc -m$m -g -c -I"$RELQ_TOP/include/uapi" -o "$tmp/all$m.o" "$tmp/all.c" || return 1
		pahole "$tmp/all$m.o" > "$tmp/pahole$m.txt" || return 1
		# pahole saw every struct the header defines.
		[ "$(grep -c '^struct relq_' "$tmp/pahole$m.txt")" -eq \
			"$(grep -c '^struct relq_[a-z_]* {$' "$RELQ_TOP/include/uapi/linux/relq.h")" ] ||
			return 1
		if grep -B30 'XXX' "$tmp/pahole$m.txt"; then
			return 1
		fi
	done
	rm -rf "$tmp"
}

dkms_build() {
	"$RELQ_TOP/scripts/dkms-build.sh" "$1" > "$res/host/dkms-$1.srcversion"
}

# tree_checks TARGET: the sparse and stack checks against one tree, once
# build_w1 has built relq for it (the build the VMs load).
tree_checks() {
	tap_step "t_uptr_7_sparse_c2_$1" build_sparse "$1"
	tap_step "t_err_4_checkstack_$1" checkstack "$1"
}

# The host-side gate, in two halves. lint: what the VMs need (the modules
# for Debian's 6.12 and 6.1 headers, built with W=1, DKMS's builds,
# relqctl, the selftests). lint_checks: sparse, the stack check, the
# static checks and documentation, which no VM needs; make check runs them
# at idle priority while the first VM runs (a TCG guest leaves a host core
# mostly idle), --lint-only in the foreground. The debug tree gets the
# same once it is built (stage debug-lint).
lint() {
	tap_step t_err_4_build_w1_6.12 build_w1 6.12
	tap_step t_err_4_build_w1_6.1 build_w1 6.1
	tap_step relqctl_build make -C "$RELQ_TOP/tools/relqctl" OUTPUT="$RELQ_TOP/.build"
	# T-INST-5: the stock-kernel runs load what DKMS built.
	for t in 6.12 6.1; do
		tap_step "t_inst_5_dkms_build_$t" dkms_build "$t"
	done
	tap_step selftests_build selftests_build "$RELQ_TOP/.build/selftests" \
		"$RELQ_TOP/.build/kselftest"
	# kselftest_harness.h casts pointer operands of EXPECT_EQ() to intmax_t,
	# which i386 flags as a size-changing cast; nothing else is silenced.
	tap_step t_ioc_4_selftests_build_m32 selftests_build "$RELQ_TOP/.build/selftests32" \
		"$RELQ_TOP/.build/kselftest32" "gcc -m32" -Wno-pointer-to-int-cast
	write_lint_tap "$res/host/lint.tap"
}

lint_checks() {
	tree_checks 6.12
	tree_checks 6.1
	tap_step t_err_4_checkpatch_strict checkpatch
	tap_step t_err_4_kernel_doc kerneldoc
	tap_step t_err_4_coccinelle coccinelle
	tap_step t_str_5_no_unsafe_string_functions banned_strings
	tap_step t_dv_8_splat_scanner_selftest python3 "$RELQ_TOP/scripts/splat_scan.py" --self-test
	tap_step t_ioc_3_uapi_layout uapi_layout
	tap_step t_doc_3_errno_table python3 "$RELQ_TOP/scripts/errno_table.py"
	# T-DOC-1: the concordance's rows, IDs, code references and test names
	# (a TAP file of its own), and the checker's self-test.
	python3 "$RELQ_TOP/scripts/doc_links.py" > "$res/host/doc-links.tap" 2>&1
	tap_step t_doc_1_concordance_checker_selftest python3 "$RELQ_TOP/scripts/doc_links.py" --self-test
	# The pitfall gallery's page: every T-PIT has its report, section and test.
	python3 "$RELQ_TOP/scripts/pitfall_docs.py" --check > "$res/host/pitfall-docs.tap" 2>&1
	# T-DOC-2: make htmldocs with warnings as errors.
	tap_step t_doc_2_htmldocs bash "$RELQ_TOP/scripts/htmldocs.sh" "$res/host/html"
	# Every page fits a 1280-pixel window (headless chromium).
	tap_step t_doc_2_page_width bash "$RELQ_TOP/scripts/doc_width.sh" "$res/host/html"
	# T-INST-4, T-INST-7: make install/uninstall, modinfo, signing.
	bash "$RELQ_TOP/scripts/test-install.sh" "$res/host/install.tap" > "$res/host/install.log" 2>&1
	# T-SYNC-3, T-STATE-4, T-CAN-8: one TAP file of their own.
	python3 "$RELQ_TOP/scripts/lint_locks.py" > "$res/host/lint-locks.tap" 2>&1
	write_lint_tap "$res/host/lint-checks.tap"
}

# The pitfall gallery's module (test build, debug kernel): W=1 clean, and
# sparse reports exactly one thing, T-PIT-16's dereference of a __user
# pointer (the build-time half of that pitfall's detection).
build_pitfalls_w1() {
	local log=$res/host/build-pitfalls.out
	"$RELQ_TOP/scripts/build-pitfalls.sh" debug W=1 > "$log" 2>&1 &&
		only_progress "$log"
}
pitfalls_sparse() {
	local log=$res/host/sparse-pitfalls.out warn
	RELQ_BUILD=$RELQ_TOP/.build/sparse "$RELQ_TOP/scripts/build-pitfalls.sh" debug C=2 \
		> "$log" 2>&1 || return 1
	warn=$(grep -vE '^(make(\[[0-9]+\])?: |  [A-Z0-9_]+ +(\[M\] +)?/|Skipping BTF generation)' "$log")
	echo "$warn"
	[ "$(echo "$warn" | grep -c .)" = 1 ] &&
		echo "$warn" | grep -qE 'pit_main\.c:[0-9]+:[0-9]+: warning: dereference of noderef expression'
}

# debug-lint: the builds the debug and pitfall boots load, then the
# checks, which build elsewhere (.build/sparse), in the background at idle
# priority beside the debug boot.
debug_checks_pid=
debug_lint() {
	tap_step t_err_4_build_w1_debug build_w1 debug
	tap_step t_pit_build_w1_debug build_pitfalls_w1
	(
		chrt --idle -p 0 $BASHPID >/dev/null 2>&1
		tree_checks debug
		tap_step t_pit_16_sparse_noderef pitfalls_sparse
		write_lint_tap "$res/host/lint-debug.tap"
	) &
	debug_checks_pid=$!
	lint_steps=()
}

# --- VM targets ----------------------------------------------------------------
# The kcsan kernel runs KUnit and the kselftests the spec's master table
# gives it (column C): the concurrency, cancellation, race, forwarding and
# close races; the functional contract is proven on the other three.
kcsan_tests=t_mp_,t_sync_4,t_hdl_2,t_state_1,t_state_2,t_open_4,t_can_,t_err_6,t_uptr_8,t_csq_,t_race_,t_fwd_4,t_close_3,t_cln_1,t_cln_2

# vm_tap TARGET OUTDIR: vm.tap says whether the VM completed and whether
# its logs (console, dmesg, kmemleak) are free of splats (T-DV-6).
vm_tap() {
	local t=$1 out=$2 splats done=pass clean=pass
	splats=$(python3 "$RELQ_TOP/scripts/splat_scan.py" "$out/console.log" \
		"$out/dmesg.txt" "$out/kmemleak.txt")
	[ -f "$out/cmd.rc" ] || done="fail"
	if [ -n "$splats" ] || [ ! -f "$out/dmesg.txt" ]; then
		clean="fail"
	fi
	local steps=("$done vm_${t}_completed" "$clean t_dv_6_no_splats_$t")
	# The verifier-run IDs: a named step each, failing on its own, for the
	# concordance to cite. The splat scan covers every detector; each
	# step also checks that what it vouches for actually ran.
	local ran_ks=0 opt miss=
	ran_ks=$(cat "$out"/kselftest-*.tap 2>/dev/null | grep -c '^ok ')
	case $t in
	debug) # T-SYNC-1: KUnit and kselftests under lockdep, PROVE_RCU, atomic sleep
		if [ "$clean" = pass ] && [ "$ran_ks" -gt 0 ] &&
			ls "$out"/kunit-*.ktap >/dev/null 2>&1; then
			steps+=("pass t_sync_1_no_lock_reports_debug")
		else
			steps+=("fail t_sync_1_no_lock_reports_debug")
		fi ;;
	kcsan) # T-MP-4: the concurrency tests under KCSAN
		if [ "$clean" = pass ] && [ "$ran_ks" -gt 0 ]; then
			steps+=("pass t_mp_4_no_kcsan_reports_kcsan")
		else
			steps+=("fail t_mp_4_no_kcsan_reports_kcsan")
		fi
		# T-PIT-8 ran after the suite (its result is in pitfalls.tap).
		if [ -f "$out/pitfalls.rc" ]; then
			steps+=("pass vm_kcsan_pitfalls_completed")
		else
			steps+=("fail vm_kcsan_pitfalls_completed")
		fi ;;
	6.12|6.1) # T-DV-1: the suite on a distro kernel booted with the checks on
		for opt in slub_debug=FZPU init_on_free=1 page_poison=1 \
			kfence.sample_interval=10 hung_task_panic=1 panic_on_warn=1; do
			grep -q "Kernel command line:.* $opt" "$out/dmesg.txt" 2>/dev/null ||
				miss="$miss $opt"
		done
		[ -z "$miss" ] || relq_log "$t: booted without$miss"
		if [ "$clean" = pass ] && [ "$ran_ks" -gt 0 ] && [ -z "$miss" ]; then
			steps+=("pass t_dv_1_no_splats_hardened_$t")
		else
			steps+=("fail t_dv_1_no_splats_hardened_$t")
		fi ;;
	esac
	# T-PTC-1: the cancellation tests ran under lockdep (debug) or KCSAN
	# (kcsan), and passed, and the kernel reported nothing.
	if [ "$t" = debug ] || [ "$t" = kcsan ]; then
		local ptc=pass ran bad rx='^(not )?ok [0-9]+ [^ ]*t_(can|race|csq)_[0-9]'
		ran=$(cat "$out"/kselftest-*.tap 2>/dev/null | grep -E "$rx" |
			grep -v '^not ' | grep -vc '# SKIP')
		bad=$(cat "$out"/kselftest-*.tap 2>/dev/null | grep -E "$rx" | grep -c '^not ')
		[ "$clean" = pass ] && [ "$ran" -gt 0 ] && [ "$bad" = 0 ] || ptc=fail
		relq_log "$t: T-PTC-1: $ran cancellation tests passed, $bad failed"
		steps+=("$ptc t_ptc_1_cancellation_no_reports_$t")
	fi
	relq_ktap_write "$out/vm.tap" "${steps[@]}"
	if [ ! -f "$out/cmd.rc" ]; then
		relq_log "$t: the VM did not complete ($(cat "$out/vm.status" 2>/dev/null))"
	fi
	if [ -n "$splats" ]; then
		relq_log "splats on $t:"
		printf '%s\n' "$splats" >&2
		printf '%s\n' "$splats" > "$out/splats.txt"
	fi
	return 0
}

vm_target() {
	local t=$1 out=$res/$1 rc filter=${TESTS:-}
	mkdir -p "$out"
	[ "$t" = kcsan ] && [ -z "$filter" ] && filter=$kcsan_tests
	# lint and debug-lint built relq for 6.12, 6.1 and debug; kcsan builds here.
	case $t in
	6.12|6.1|debug) ;;
	*) "$RELQ_TOP/scripts/build-module.sh" "$t" > "$out/build.log" 2>&1 ;;
	esac
	if [ ! -f "$RELQ_TOP/.build/$t/relq.ko" ]; then
		printf 'TAP version 13\n1..1\nnot ok 1 build_relq_%s\n' "$t" > "$out/vm.tap"
		return 1
	fi
	# The -m32 builds prove the 32-bit ABI (T-IOC-4) on the newest distro
	# kernel; the other kernels run the 64-bit programs only (the budget).
	local m32=
	[ "$t" = 6.12 ] && m32=$RELQ_TOP/.build/kselftest32
	# The shell tests (relqctl's contract, the udev rule) test user space
	# and reach no kernel path the C programs do not; every fork and exec
	# is slow under TCG, and slower under KASAN: they run once, on the
	# newest distro kernel, where users run them.
	local skip='' obj2=100000 boxes=
	[ "$t" = 6.12 ] || skip="relqctl_test.sh relq_udev_test.sh"
	# The docs' try-it boxes run where a student runs them, on 6.12; the
	# one that needs fault injection (fail-nth) runs on the debug kernel.
	case $t in
	6.1) skip="$skip relq_tryit_test.sh" ;;
	debug) boxes=g19-fail-nth ;;
	esac
	# T-OBJ-2's 10^5 open/close cycles take 3 minutes under KASAN: the
	# distro kernels run them all, the debug kernel a tenth.
	[ "$t" = debug ] && obj2=10000
	# T-BUF-6's flipping races: 10^5 ioctls each on the distro kernels,
	# 10^4 under KASAN (12 s instead of about 2 minutes).
	local buf6=100000
	[ "$t" = debug ] && buf6=10000
	# Stock kernels load the DKMS-built module (T-INST-5).
	local moddir=$RELQ_TOP/.build/$t expect=
	if [ -s "$res/host/dkms-$t.srcversion" ]; then
		moddir=$RELQ_TOP/.build/$t-dkms
		expect=$(cat "$res/host/dkms-$t.srcversion")
	fi
	# With verify among the targets, the debug boot runs it too, after
	# the suite (guest-debug.sh): one KASAN boot instead of two.
	local script=(guest-suite.sh) timeout=${RELQ_VM_TIMEOUT:-1200}
	local secs=$(( ${FUZZ_MINUTES:-1} * 60 ))
	if [ "$t" = debug ] && [ "$with_verify" = 1 ]; then
		script=(guest-debug.sh)
		timeout=$((timeout + secs + 900))
	fi
	# The kcsan boot ends with the pitfall gallery's KCSAN pitfall.
	if [ "$t" = kcsan ]; then
		"$RELQ_TOP/scripts/build-pitfalls.sh" kcsan > "$out/build-pitfalls.log" 2>&1 &&
			script=(guest-kcsan.sh "$RELQ_TOP/.build/kcsan-pitfalls")
	fi
	"$RELQ_TOP/scripts/vm.sh" -t "$t" -o "$out" -T "$timeout" -- \
		env RELQCTL="$RELQ_TOP/.build/relqctl" RELQ_STRESS_SECONDS="${RELQ_STRESS_SECONDS:-2}" \
		RELQ_SKIP_PROGS="$skip" RELQ_OBJ2_CYCLES="$obj2" RELQ_OPEN4_ROUNDS=500 \
		RELQ_BUF6_ROUNDS="$buf6" \
		${boxes:+RELQ_TRYIT_BOXES="$boxes"} \
		RELQ_KSRC="$ksrc" FUZZ_SECONDS="$secs" \
		${RELQ_SEED:+RELQ_SEED="$RELQ_SEED"} \
		RELQ_EXPECT_SRCVERSION="$expect" \
		bash "$RELQ_TOP/scripts/${script[0]}" "${script[@]:1}" "$moddir" \
		"$RELQ_TOP/.build/kselftest" "$filter" "$m32" "$RELQ_TOP/.build/selftests" \
		> "$out/vm.out" 2>&1
	rc=$?
	vm_tap "$t" "$out"
	[ $rc -eq 0 ] || relq_log "$t: suite exited $rc; see $out/"
	return 0
}

# verify_results: the verify stage's TAP and table, after its run (its
# own boot, or the debug boot's second half, whose kernel logs it shares).
verify_results() {
	local out=$res/verify f
	if [ "$with_verify" = 1 ]; then
		# The debug boot wrote the verifier's results into its own share.
		rm -rf "$out"
		mkdir -p "$out"
		[ -d "$res/debug/verify" ] && mv "$res/debug/verify"/* "$out"/ &&
			rmdir "$res/debug/verify"
		for f in console.log dmesg.txt kmemleak.txt; do
			[ -f "$res/debug/$f" ] && cp "$res/debug/$f" "$out/$f"
		done
	fi
	vm_tap verify "$out"
	[ "$(cat "$out/cmd.rc" 2>/dev/null)" = 0 ] ||
		relq_log "verify: exited $(cat "$out/cmd.rc" 2>/dev/null); see $out/"
	python3 "$RELQ_TOP/scripts/verify_table.py" "$res" | tee "$out/table.txt"
	return 0
}

# coverage: the line and branch coverage of module/ in the debug boot
# (the suite, then the verifier), from the gcov counts guest-debug.sh
# saved: results/coverage/html, and summary.txt, printed at the end.
# With TESTS (a subset of the tests) it measures but holds no minimum.
coverage() {
	local out=$res/coverage cov=$RELQ_TOP/scripts/coverage.sh k min
	mkdir -p "$out"
	tap_step coverage_report bash "$cov" report "$res/debug/gcov" \
		"$RELQ_TOP/.build/debug" "$out"
	# The minimums, in percent.
	for k in lines:90 branches:80; do
		min=${k#*:} k=${k%:*}
		if [ -n "${TESTS:-}" ]; then
			lint_steps+=("skip coverage_${k}_at_least_$min")
		else
			tap_step "coverage_${k}_at_least_$min" bash "$cov" min "$k" "$min" "$out"
		fi
	done
	write_lint_tap "$out/coverage.tap"
}

# make verify: the debug kernel (and the debug build of relq) under
# fault injection and fuzzers, then the table.
verify_target() {
	local out=$res/verify secs=$(( ${FUZZ_MINUTES:-1} * 60 )) rc
	mkdir -p "$out"
	"$RELQ_TOP/scripts/vm.sh" -t debug -o "$out" -T "$((secs + 900))" -- \
		env RELQCTL="$RELQ_TOP/.build/relqctl" FUZZ_SECONDS="$secs" RELQ_KSRC="$ksrc" \
		${RELQ_SEED:+RELQ_SEED="$RELQ_SEED"} \
		bash "$RELQ_TOP/scripts/guest-verify.sh" "$RELQ_TOP/.build/debug" \
		"$RELQ_TOP/.build/selftests" > "$out/vm.out" 2>&1
	rc=$?
	[ $rc -eq 0 ] || relq_log "verify: exited $rc; see $out/"
	verify_results
}

# The pitfall gallery (T-PIT-*): relq_pitfalls.ko in a boot of the debug
# kernel of its own, where detectors report without stopping the kernel
# (scripts/vm.sh -t pitfalls). The boot ends in T-PIT-17's stack
# overflow, after the marker guest-pitfalls.sh writes; this checks its
# report on the console. (T-PIT-8 runs at the end of the kcsan boot.)
pitfalls_target() {
	local out=$res/pitfalls start
	mkdir -p "$out"
	[ -f "$RELQ_TOP/.build/debug-pitfalls/relq_pitfalls.ko" ] ||
		"$RELQ_TOP/scripts/build-pitfalls.sh" debug > "$out/build.log" 2>&1
	"$RELQ_TOP/scripts/vm.sh" -t pitfalls -o "$out" -T 900 -- \
		bash "$RELQ_TOP/scripts/guest-pitfalls.sh" "$RELQ_TOP/.build/debug-pitfalls" \
		"$RELQ_TOP/.build/selftests" > "$out/vm.out" 2>&1
	local steps=() p17=fail done=fail
	[ -f "$out/pitfalls.rc" ] && done=pass
	steps+=("$done vm_pitfalls_completed")
	# T-PIT-17: the console after the marker holds every expected pattern.
	if [ -f "$out/pit17.armed" ] && [ "$(cat "$out/vm.status" 2>/dev/null)" = crashed ]; then
		start=$(grep -n 'relq pitfalls: T-PIT-17 armed' "$out/console.log" | head -n 1 | cut -d: -f1)
		if [ -n "$start" ]; then
			tail -n "+$start" "$out/console.log" | head -n 80 |
				sed 's/^\[ *[0-9.]*\] //' > "$out/reports/FORWARD_WITHOUT_DEPTH.log"
			p17=pass
			while IFS= read -r rx; do
				grep -qE -- "$rx" "$out/reports/FORWARD_WITHOUT_DEPTH.log" || p17=fail
			done < <(awk -F'\t' '$2 == "FORWARD_WITHOUT_DEPTH" { for (i = 3; i <= NF; i++) print $i }' \
				"$RELQ_TOP/pitfalls/pitfalls.txt")
		fi
	fi
	steps+=("$p17 t_pit_17_forward_without_depth")
	relq_ktap_write "$out/vm.tap" "${steps[@]}"
	[ "$p17" = pass ] || relq_log "pitfalls: T-PIT-17's overflow was not reported; see $out/console.log"
	return 0
}

# flavour_of TARGET: the kernel a target boots, if relq builds it.
flavour_of() {
	case $1 in
	debug|verify|pitfalls) echo debug ;;
	kcsan) echo kcsan ;;
	esac
}

# The flavours the chosen targets need, in the order they are needed.
flavours() {
	local t
	for t in $targets; do
		flavour_of "$t"
	done | awk '!seen[$0]++'
}

# Kernel builds run in the background at SCHED_IDLE priority, one after
# the other, from the start: they take only the CPU time the foreground
# stages leave idle (single-threaded lint steps, guests waiting on
# timers), so the VM tests run at full speed and keep their timing. A
# foreground stage that needs a kernel asks build-kernel.sh for it, which
# waits on the flavour's lock and reuses the result (or builds it there,
# at normal priority, should the background build have failed).
kernels_bg() {
	local f s
	for f in $(flavours); do
		s=$(date +%s)
		chrt --idle 0 "$RELQ_TOP/scripts/build-kernel.sh" "$f" \
			> "$res/host/kernel-$f.out" 2> "$res/host/kernel-$f.log" || return 1
		relq_log "background: the $f kernel took $(( $(date +%s) - s )) s"
	done
}

# need_kernel FLAVOUR: wait for (or build) a kernel, then lint against it.
need_kernel() {
	[ -f "$res/host/built-$1" ] && return 0
	stage "$1-kernel" "$RELQ_TOP/scripts/build-kernel.sh" "$1" > /dev/null ||
		relq_die "$1 kernel build failed"
	touch "$res/host/built-$1"
	if [ "$1" = debug ]; then
		stage debug-lint debug_lint
	fi
}

stage deps bash "$RELQ_TOP/scripts/deps.sh" || relq_die "dependency install failed"
ksrc=$(stage ksrc "$RELQ_TOP/scripts/ksrc.sh") || relq_die "no kernel source"
# The unpacked source, for relq_ktap_write here and in every VM.
export RELQ_KSRC=$ksrc
kill_tree() { # kill_tree PID: the process and all its descendants
	local c
	for c in $(pgrep -P "$1"); do
		kill_tree "$c"
	done
	kill "$1" 2>/dev/null
}
bg_pid=
if [ $lint_only -eq 0 ] && [ -n "$(flavours)" ]; then
	kernels_bg &
	bg_pid=$!
	# No build outlives the run that started it.
	trap 'kill_tree $bg_pid' EXIT
fi
stage lint lint
checks_pid=
if [ $lint_only -eq 1 ]; then
	stage lint-checks lint_checks
else
	(
		chrt --idle -p 0 $BASHPID >/dev/null 2>&1
		s=$(date +%s)
		lint_checks
		relq_log "background: lint-checks took $(( $(date +%s) - s )) s"
	) &
	checks_pid=$!
fi
if [ $lint_only -eq 0 ]; then
	for t in $targets; do
		f=$(flavour_of "$t")
		[ -z "$f" ] || need_kernel "$f"
		if [ "$t" = pitfalls ]; then
			stage vm-pitfalls pitfalls_target
		elif [ "$t" = verify ] && [ "$with_verify" = 1 ]; then
			stage verify verify_results
			stage coverage coverage
		elif [ "$t" = verify ]; then
			stage verify verify_target
		else
			stage "vm-$t" vm_target "$t"
		fi
	done
fi
[ -z "$checks_pid" ] || wait "$checks_pid"
[ -z "$debug_checks_pid" ] || wait "$debug_checks_pid"
if [ -n "$bg_pid" ]; then
	wait "$bg_pid"
	trap - EXIT
fi
relq_log "total: $(( $(date +%s) - t0 )) s"
[ ! -f "$res/coverage/summary.txt" ] ||
	relq_log "coverage of module/: $(cat "$res/coverage/summary.txt")"
python3 "$RELQ_TOP/scripts/summarize.py" "$res"
