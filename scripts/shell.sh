#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make shell: boot the debug kernel with relq loaded and give an
# interactive shell on the serial console. The host root is visible
# read-only (with a throwaway overlay); Ctrl-D or 'exit' powers off.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

target=${RELQ_SHELL_TARGET:-debug}
out=$RELQ_TOP/results/shell
mkdir -p "$out"
"$RELQ_TOP/scripts/build-module.sh" "$target" > "$out/build.log" 2>&1 ||
	{ cat "$out/build.log"; relq_die "build failed"; }
cat > "$out/profile" <<EOP
insmod $RELQ_TOP/.build/$target/relq.ko && echo "relq loaded: \$(ls -l /dev/relq-control)"
cd $RELQ_TOP
EOP
exec "$RELQ_TOP/scripts/vm.sh" -t "$target" -o "$out" -i
