#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The make run demo, inside the VM: each step names the guideline it shows.
#
#   demo.sh MODDIR RELQCTL
set -euo pipefail
moddir=${1:?MODDIR}
relqctl=${2:?RELQCTL}

say() { printf '\n--- %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

echo "=== relq demo on $(uname -r) ==="
say "Load the driver (Secure installation: only CAP_SYS_MODULE may do this)"
run insmod "$moddir/relq.ko"
run modinfo -F version "$moddir/relq.ko"

say "The control node is root-only by default (Secure device objects: start tight)"
run stat -c '%n: %F, mode %a, owner %U:%G' /dev/relq-control

say "An unprivileged user is refused by the node's mode (DAC on the inode)"
if setpriv --reuid 65534 --regid 65534 --clear-groups -- \
	bash -c 'exec 3<>/dev/relq-control' 2>/tmp/err; then
	echo "unexpected: uid 65534 opened the control node"
	exit 1
fi
sed 's/^/    /' /tmp/err

say "Create a channel; its node is 0600 root:root unless CREATE says otherwise"
run "$relqctl" create demo --capacity 4096 --max-msg 256
run stat -c '%n: %F, mode %a, owner %U:%G' /dev/relq/demo

say "Send two messages with ordinary shell tools: one write(2) is one message"
run sh -c 'printf hello > /dev/relq/demo'
run sh -c 'printf "reliable world" > /dev/relq/demo'
run "$relqctl" info demo

say "Receive them: one read(2) returns one whole message, in order"
run dd if=/dev/relq/demo bs=4096 count=1 status=none
echo
run dd if=/dev/relq/demo bs=4096 count=1 status=none
echo

say "Bad input gets a precise errno and loses nothing (Validate IRP input values)"
run sh -c 'printf queued > /dev/relq/demo'
if dd if=/dev/relq/demo bs=3 count=1 status=none 2>/tmp/err; then
	echo "unexpected: a 3-byte read of a 6-byte message succeeded"
	exit 1
fi
sed 's/^/    /' /tmp/err
echo "    (EMSGSIZE: the buffer is too small, and the message stays queued)"
run dd if=/dev/relq/demo bs=4096 count=1 status=none
echo
run "$relqctl" create demo --capacity 0 || true
run "$relqctl" create ../etc || true

say "Destroy it: the node goes at once (Handle driver state properly)"
run "$relqctl" destroy demo
if [ -e /dev/relq/demo ]; then
	echo "unexpected: /dev/relq/demo survived DESTROY"
	exit 1
fi
echo "/dev/relq/demo is gone"

say "Unload: the nodes go with the module (Driver Verifier: no leftovers)"
run rmmod relq
if [ -e /dev/relq-control ]; then
	echo "unexpected: /dev/relq-control survived rmmod"
	exit 1
fi
echo "/dev/relq-control is gone"
echo "=== end of demo ==="
