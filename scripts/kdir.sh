#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Print the KDIR of a relq target: 6.12 and 6.1 (Debian headers), debug or
# kcsan (cached kernel build trees, built on demand).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

case ${1:-6.12} in
6.12|6.1)
	d=$(relq_headers_dir "$1") ||
		relq_die "no Debian $1 headers installed (run scripts/deps.sh)"
	echo "$d" ;;
debug|kcsan) "$RELQ_TOP/scripts/build-kernel.sh" "$1" ;;
*) relq_die "unknown target '$1' (6.12, 6.1, debug or kcsan)" ;;
esac
