# SPDX-License-Identifier: GPL-2.0
# Shared helpers for relq's host scripts: cache paths and the kernel targets.
# Sourced, never run.

RELQ_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RELQ_CACHE=${RELQ_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/relq}

relq_log() { printf '[relq] %s\n' "$*" >&2; }

# relq_ktap_write FILE "pass|fail|skip NAME"...: one KTAP file, in plan
# order, written by the kernel's own kselftest/ktap_helpers.sh from the
# unpacked source in $RELQ_KSRC (set by make check for itself and its VMs).
relq_ktap_write() {
	local file=$1 r
	shift
	(
		# shellcheck source=/dev/null
		. "${RELQ_KSRC:?}/tools/testing/selftests/kselftest/ktap_helpers.sh" || exit 1
		ktap_print_header
		ktap_set_plan $#
		for r in "$@"; do
			"ktap_test_${r%% *}" "${r#* }"
		done
		ktap_print_totals
	) > "$file"
}
relq_die() { printf '[relq] error: %s\n' "$*" >&2; exit 1; }

# Debian package version of an installed package, or empty.
relq_pkgver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null; }

# The newest installed Debian headers tree of a series ("6.12" or "6.1").
relq_headers_dir() {
	local series=$1 d
	case $series in
	6.12) d=$(ls -d /usr/src/linux-headers-6.12.*-amd64 2>/dev/null | sort -V | tail -n 1) ;;
	6.1) d=$(ls -d /usr/src/linux-headers-6.1.0-*-amd64 2>/dev/null | sort -V | tail -n 1) ;;
	esac
	[ -n "$d" ] && echo "$d"
}

# Unpacked Debian kernel source (linux-source-6.12), for checkpatch,
# kernel-doc, coccinelle, kselftest_harness.h, kunit.py and the debug build.
relq_ksrc() {
	local ver dir
	ver=$(relq_pkgver linux-source-6.12)
	[ -n "$ver" ] || relq_die "linux-source-6.12 is not installed (run scripts/deps.sh)"
	dir=$RELQ_CACHE/src/linux-source-6.12-$ver
	if [ ! -f "$dir/.relq-unpacked" ]; then
		relq_log "unpacking linux-source-6.12 $ver into $dir"
		rm -rf "$dir" "$dir.tmp"
		mkdir -p "$dir.tmp"
		tar -C "$dir.tmp" -xf /usr/src/linux-source-6.12.tar.xz || relq_die "unpack failed"
		mv "$dir.tmp/linux-source-6.12" "$dir" && rmdir "$dir.tmp"
		touch "$dir/.relq-unpacked"
	fi
	echo "$dir"
}

# Config fragments of a built flavour, in merge order: debug is
# debug.config; kcsan is debug.config then kcsan.config.
relq_fragments() {
	local k=$RELQ_TOP/scripts/kconfig
	case $1 in
	debug) echo "$k/debug.config" ;;
	kcsan) echo "$k/debug.config $k/kcsan.config" ;;
	*) relq_die "unknown kernel flavour '$1'" ;;
	esac
}

# Build directory of a built flavour, keyed by source version and the hash
# of its config fragments.
relq_built_kdir() {
	local ver hash frags
	ver=$(relq_pkgver linux-source-6.12)
	frags=$(relq_fragments "$1")
	# shellcheck disable=SC2086
	hash=$(cat $frags | sha256sum | cut -c1-12)
	echo "$RELQ_CACHE/kernels/$1-$ver-$hash"
}

relq_debug_kdir() { relq_built_kdir debug; }

# relq_kbuild_args TARGET: the Kbuild variables of a target's relq build.
# The debug and kcsan kernels get the test build, with race-window hooks
# (module/hooks.c); the debug build is also profiled for coverage (gcov,
# scripts/coverage.sh). The distro kernels, DKMS and make install never
# get either.
relq_kbuild_args() {
	case $1 in
	debug) echo RELQ_TEST_HOOKS=y RELQ_GCOV=y ;;
	kcsan) echo RELQ_TEST_HOOKS=y ;;
	esac
}
