#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build relq (and relq_kunit where the kernel has KUnit) for one target in
# its own directory, .build/<target>, so the three targets never share
# objects. Extra arguments go to Kbuild (W=1, C=2, ...). Build output is
# on stdout/stderr; the modules end up in .build/<target>/.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

target=${1:?usage: build-module.sh TARGET [KBUILD ARGS...]}
shift
kdir=$("$RELQ_TOP/scripts/kdir.sh" "$target")
dir=${RELQ_BUILD:-$RELQ_TOP/.build}/$target
mkdir -p "$dir"
rsync -a --delete --exclude '*.o' --exclude '*.ko' --exclude '.*.cmd' \
	--exclude '*.mod*' --exclude 'modules.order' --exclude 'Module.symvers' \
	"$RELQ_TOP/Kbuild" "$RELQ_TOP/VERSION" "$RELQ_TOP/module" \
	"$RELQ_TOP/kunit" "$RELQ_TOP/include" "$dir/"
make -s -C "$kdir" M="$dir" clean >/dev/null
# shellcheck disable=SC2046
make -j"$(nproc)" -C "$kdir" M="$dir" $(relq_kbuild_args "$target") "$@" modules
