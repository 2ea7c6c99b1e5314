#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build relq_pitfalls.ko (the pitfall gallery's test module, pitfalls/)
# for the debug or kcsan kernel in .build/<target>-pitfalls. Extra
# arguments go to Kbuild (W=1, C=2, ...). Never built for the distro
# kernels, never installed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

target=${1:?usage: build-pitfalls.sh debug|kcsan [KBUILD ARGS...]}
shift
case $target in
debug|kcsan) ;;
*) relq_die "build-pitfalls.sh: the pitfalls build only for debug and kcsan" ;;
esac
kdir=$("$RELQ_TOP/scripts/kdir.sh" "$target")
dir=${RELQ_BUILD:-$RELQ_TOP/.build}/$target-pitfalls
mkdir -p "$dir"
rsync -a --delete --exclude '*.o' --exclude '*.ko' --exclude '.*.cmd' \
	--exclude '*.mod*' --exclude 'modules.order' --exclude 'Module.symvers' \
	"$RELQ_TOP/pitfalls/" "$dir/"
make -s -C "$kdir" M="$dir" clean >/dev/null
make -j"$(nproc)" -C "$kdir" M="$dir" "$@" modules
