#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The make run demo, inside the VM: each step names the guideline it shows.
set -euo pipefail
moddir=${1:?MODDIR}

say() { printf '\n--- %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

echo "=== relq demo on $(uname -r) ==="
say "Load the driver (Secure installation: only CAP_SYS_MODULE may do this)"
run insmod "$moddir/relq.ko"
run modinfo -F version "$moddir/relq.ko"

say "The control node is root-only by default (Secure device objects: start tight)"
run ls -l /dev/relq-control
run stat -c '%n: %F, mode %a, owner %U:%G' /dev/relq-control

say "An unprivileged user is refused by the node's mode (DAC on the inode)"
if setpriv --reuid 65534 --regid 65534 --clear-groups -- \
	bash -c 'exec 3<>/dev/relq-control' 2>/tmp/err; then
	echo "unexpected: uid 65534 opened the control node"
	exit 1
fi
sed 's/^/    /' /tmp/err

say "Unload: the node goes with the module (Driver Verifier: no leftovers)"
run rmmod relq
if [ -e /dev/relq-control ]; then
	echo "unexpected: /dev/relq-control survived rmmod"
	exit 1
fi
echo "/dev/relq-control is gone"
echo "=== end of demo ==="
