#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Print the KDIR of a relq target: 6.12 and 6.1 (Debian headers) or debug
# (the cached debug kernel build tree, built on demand).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

case ${1:-6.12} in
6.12|6.1)
	d=$(relq_headers_dir "$1") ||
		relq_die "no Debian $1 headers installed (run scripts/deps.sh)"
	echo "$d" ;;
debug) "$RELQ_TOP/scripts/build-kernel.sh" ;;
*) relq_die "unknown target '$1' (6.12, 6.1 or debug)" ;;
esac
