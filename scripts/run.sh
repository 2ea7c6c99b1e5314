#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make run: install what is missing, build relq, boot a test kernel in
# QEMU, load relq and walk through a short narrated demo.
# RELQ_RUN_TARGET=debug|6.12|6.1 picks the kernel (default: Debian's stock
# 6.12, which needs no kernel build).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

target=${RELQ_RUN_TARGET:-6.12}
"$RELQ_TOP/scripts/deps.sh"
out=$RELQ_TOP/results/run
mkdir -p "$out"
relq_log "building relq for $target"
"$RELQ_TOP/scripts/build-module.sh" "$target" > "$out/build.log" 2>&1 ||
	{ cat "$out/build.log"; relq_die "build failed"; }
make -s -C "$RELQ_TOP/tools/relqctl" OUTPUT="$RELQ_TOP/.build" ||
	relq_die "relqctl build failed"
relq_log "booting the $target kernel under QEMU (TCG; about 30 s)"
set +e
"$RELQ_TOP/scripts/vm.sh" -t "$target" -o "$out" -T 300 -- \
	bash "$RELQ_TOP/scripts/demo.sh" "$RELQ_TOP/.build/$target" "$RELQ_TOP/.build/relqctl"
rc=$?
set -e
sed -n '/^=== relq demo/,/^=== end of demo/p' "$out/cmd.log"
splats=$(python3 "$RELQ_TOP/scripts/splat_scan.py" "$out/dmesg.txt" "$out/console.log") || true
if [ -n "$splats" ]; then
	printf '%s\n' "$splats"
	relq_die "the kernel log shows splats (see $out/dmesg.txt)"
fi
[ $rc -eq 0 ] || relq_die "demo failed (exit $rc); see $out/"
relq_log "demo finished; full logs in $out/"
