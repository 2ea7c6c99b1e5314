# SPDX-License-Identifier: GPL-2.0
#
# The common start of relq's shell kselftests (relqctl_test.sh,
# relq_udev_test.sh, relq_tryit_test.sh), sourced by each from beside it
# (make install puts it there, a TEST_FILES entry). It sets $here (the
# test's directory) and $relqctl (RELQCTL, default: relqctl on PATH),
# loads the kernel's KTAP helpers and defines skip_all, now_us,
# relq_need_relq and relq_need_relqctl. Without ktap_helpers.sh it exits
# 4 (KSFT_SKIP), as the tests do when they cannot run.
# shellcheck shell=bash

# shellcheck disable=SC2034 # used by the tests that source this file
relqctl=${RELQCTL:-relqctl}

# The kernel's KTAP helpers: beside the installed collection, or in the
# unpacked source (RELQ_KSRC) when run from relq's tree.
here=$(cd "$(dirname "$0")" && pwd)
for h in "$here/../kselftest/ktap_helpers.sh" \
	"${RELQ_KSRC:-/nonexistent}/tools/testing/selftests/kselftest/ktap_helpers.sh"; do
	# shellcheck source=/dev/null
	[ -f "$h" ] && . "$h" && break
done
type ktap_test_pass >/dev/null 2>&1 || { echo "no ktap_helpers.sh" >&2; exit 4; }

# skip_all REASON: the whole test is a SKIP.
skip_all() { ktap_print_header; ktap_skip_all "$1"; exit "$KSFT_SKIP"; }

# now_us: microseconds, without a fork (slow VMs fork slowly).
now_us() { echo "${EPOCHREALTIME//[!0-9]/}"; }

# relq_need_relq: SKIP unless running as root with relq.ko loaded.
relq_need_relq() {
	[ "$(id -u)" = 0 ] || skip_all "needs root"
	[ -e /dev/relq-control ] || skip_all "relq.ko is not loaded"
}

# relq_need_relqctl: SKIP unless $relqctl names a command.
relq_need_relqctl() {
	command -v "$relqctl" >/dev/null || skip_all "relqctl not found (set RELQCTL)"
}
