#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# relq guest stage 2: runs as PID 1 on the overlay root that guest-init
# built. Mounts the pseudo filesystems, runs /relq-out/cmd.sh (written by
# scripts/vm.sh), records its exit status, triggers a kmemleak scan where
# the kernel has kmemleak, saves the full kernel log and powers off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=${TERM:-linux} LANG=C.UTF-8
out=/relq-out

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=0620,ptmxmode=0666 devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
# /tmp stays the overlay's view of the host's /tmp: the repository (and
# CI's clone of it) may live there. Writes go to the tmpfs upper layer.
mount -t tmpfs -o mode=0755 tmpfs /run
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t mqueue mqueue /dev/mqueue 2>/dev/null
hostname relq-vm
ln -sf /proc/self/fd /dev/fd 2>/dev/null

# phase NAME: the guest's phases with their uptime, in the kernel log (the
# budget: where a boot's time goes).
phase() {
	local up rest
	read -r up rest < /proc/uptime
	echo "relq guest: $1 at $up s" > /dev/kmsg
}
phase "userspace up"

kmemleak=/sys/kernel/debug/kmemleak
# The pitfall boot (RELQ_LEAK_BASELINE=0 on its command line) reads
# kmemleak for its own module's objects only and never reaches the final
# scan: it skips the baseline, a dozen seconds under KASAN and TCG.
if [ -w "$kmemleak" ] && [ "${RELQ_LEAK_BASELINE:-1}" = 1 ]; then
	# Forget boot-time reports: only what happens from here on counts.
	echo scan > "$kmemleak"
	echo clear > "$kmemleak"
	phase "kmemleak baseline done"
fi
dmesg > "$out/dmesg-boot.txt"

poweroff_now() {
	sync
	echo o > /proc/sysrq-trigger
	sleep 10
	echo b > /proc/sysrq-trigger
}

# PID 1 must never exit: report and power off instead.
if ! cd "$RELQ_TOP"; then
	echo "relq guest: $RELQ_TOP is not visible in the guest" | tee "$out/cmd.log"
	echo 127 > "$out/cmd.rc"
	dmesg > "$out/dmesg.txt"
	poweroff_now
fi
export RELQ_OUT=$out RELQ_IN_GUEST=1
if [ -f "$out/interactive" ]; then
	echo "relq shell: type 'exit' or Ctrl-D to power off."
	rcfile=/etc/bash.bashrc
	[ -f "$out/profile" ] && rcfile=$out/profile
	setsid -c bash --rcfile "$rcfile" -i </dev/ttyS0 >/dev/ttyS0 2>&1
	rc=0
else
	bash "$out/cmd.sh" > >(tee "$out/cmd.log") 2>&1
	rc=$?
fi
echo "$rc" > "$out/cmd.rc"
phase "command done"

if [ -w "$kmemleak" ]; then
	# kmemleak reports an object unreferenced, and unchanged, in two
	# scans, if it was more than 5 s old when the second began: whatever
	# the command left is that old once 6 s have passed since its end
	# (under TCG the first scan alone takes longer).
	s=$SECONDS
	echo scan > "$kmemleak"
	[ $((SECONDS - s)) -ge 6 ] || sleep $((6 - (SECONDS - s)))
	echo scan > "$kmemleak"
	cat "$kmemleak" > "$out/kmemleak.txt"
	phase "kmemleak final scan done"
fi
dmesg > "$out/dmesg.txt"
poweroff_now
