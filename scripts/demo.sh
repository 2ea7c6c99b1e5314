#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The make run demo, inside the VM: a short lesson. Each step names the
# guideline (a section of GUIDELINES.md) it shows, and the demo fails
# (nonzero exit) as soon as relq does not behave as the step says.
#
#   demo.sh MODDIR RELQCTL
set -euo pipefail
moddir=${1:?MODDIR}
relqctl=${2:?RELQCTL}
tmp=$(mktemp -d)
counters=/sys/kernel/debug/relq/counters

G1='1. Securing device objects ("Secure device objects properly")'
G2='2. Creating secure device installations ("Secure device objects properly")'
G5='5. Validating object handles and object management ("Validate object handles")'
G8='8. Driver state ("Handle driver state properly")'
G9='9. Buffered I/O and errors in buffered I/O ("Validate IRP input values")'
G14='14. Completing requests ("Handle IRP completion operations properly")'
G15='15. Canceling requests ("Handle IRP cancellation operations properly")'
G17='17. Cleanup routines ("Handle IRP cleanup and close operations properly")'
G20='20. Driver Verifier ("Using Driver Verifier")'

say() { printf '\n--- %s\n    guideline %s\n' "$1" "$2"; }
run() { printf '$ %s\n' "$*"; "$@"; }
die() { echo "unexpected: $*"; exit 1; }
indent() { sed 's/^/    /' "$@"; }
now_ms() { local us=${EPOCHREALTIME//[!0-9]/}; echo $((us / 1000)); }

# expect_refused ERRNO CMD...: CMD exits 1 and names ERRNO.
expect_refused() {
	local want=$1 rc=0
	shift
	printf '$ %s\n' "$*"
	"$@" 2> "$tmp/err" || rc=$?
	indent "$tmp/err"
	[ $rc -eq 1 ] || die "'$*' exited $rc, expected 1"
	grep -q ": $want (" "$tmp/err" || die "'$*' did not name $want"
}

# expect_output TEXT CMD...: CMD succeeds and prints exactly TEXT.
expect_output() {
	local want=$1 got
	shift
	printf '$ %s\n' "$*"
	got=$("$@") || die "'$*' failed"
	printf '%s\n' "$got"
	[ "$got" = "$want" ] || die "expected '$want'"
}

# info_field NAME FIELD: one field of relqctl info.
info_field() { "$relqctl" info "$1" | awk -v f="$2:" '$1 == f { print $2 }'; }

# open_files: relq's open channel files (debugfs), or "?" without debugfs.
open_files() {
	if [ -r "$counters" ]; then
		awk '$1 == "open_files" { print $2 }' "$counters"
	else
		echo "?"
	fi
}

# expect_open_files N: the debugfs counter says N (skipped without debugfs).
expect_open_files() {
	local got
	got=$(open_files)
	echo "    relq open files (debugfs counters): $got"
	[ "$got" = "?" ] || [ "$got" = "$1" ] || die "expected $1 open files"
}

# until_ok WHAT CMD...: poll CMD until it succeeds; die after 10 s.
until_ok() {
	local what=$1 end
	shift
	end=$(($(now_ms) + 10000))
	until "$@"; do
		[ "$(now_ms)" -lt "$end" ] || die "$what"
		sleep 0.05
	done
}

# in_syscall PID NR: PID sleeps in syscall NR (x86-64: 0 read, 1 write).
in_syscall() {
	local nr
	{ read -r nr _ < "/proc/$1/syscall"; } 2>/dev/null || return 1
	[ "$nr" = "$2" ] && [ "$(cut -d' ' -f3 "/proc/$1/stat")" = S ]
}

wait_in_syscall() { until_ok "pid $1 never blocked in syscall $2" in_syscall "$@"; }

# start NAME CMD...: run CMD in the background with its output in
# $tmp/NAME.out and .err; its pid goes to $pid. A watching subshell
# records when it ended ($tmp/NAME.end, ms) and how ($tmp/NAME.rc).
start() {
	local name=$1
	shift
	rm -f "$tmp/$name".*
	(
		"$@" > "$tmp/$name.out" 2> "$tmp/$name.err" &
		echo $! > "$tmp/$name.pid"
		rc=0
		wait $! || rc=$?
		now_ms > "$tmp/$name.end"
		echo $rc > "$tmp/$name.rc"
	) &
	until_ok "$name did not start" test -s "$tmp/$name.pid"
	pid=$(cat "$tmp/$name.pid")
}

# finish NAME SINCE WHAT: the process started as NAME ends within 5 s of
# SINCE (ms; a cancel that hangs never ends, and TCG with KASAN is slow:
# the kselftests hold relq to 1 s); its exit status goes to $rc and the
# time it took to $took.
finish() {
	local end=$(($(now_ms) + 10000))
	until [ -s "$tmp/$1.rc" ]; do
		if [ "$(now_ms)" -gt "$end" ]; then
			kill -KILL "$(cat "$tmp/$1.pid")"
			die "$3 is still running"
		fi
		sleep 0.1
	done
	rc=$(cat "$tmp/$1.rc")
	took=$(($(cat "$tmp/$1.end") - $2))
	[ $took -gt 0 ] || took=0
	[ $took -lt 5000 ] || die "$3 took $took ms to return"
}

# check_exit RC REGEX FILE WHAT: the finished process exited RC and FILE
# (its output) matches REGEX.
check_exit() {
	[ "$rc" -eq "$1" ] || die "$4 exited $rc, expected $1"
	grep -q -- "$2" "$3" || die "$4 did not report '$2'"
}

echo "=== relq demo on $(uname -r) ==="
say "Load the driver: only CAP_SYS_MODULE may do this" "$G2"
run insmod "$moddir/relq.ko"
run modinfo -F version "$moddir/relq.ko"

say "The control node is root-only by default: start tight" "$G1"
run stat -c '%n: %F, mode %a, owner %U:%G' /dev/relq-control
[ "$(stat -c '%a %u %g' /dev/relq-control)" = "600 0 0" ] || die "control node is not 0600 root:root"

say "An unprivileged user is refused by the node's mode (DAC on the inode)" "$G1"
if setpriv --reuid 65534 --regid 65534 --clear-groups -- \
	bash -c 'exec 3<>/dev/relq-control' 2>"$tmp/err"; then
	die "uid 65534 opened the control node"
fi
indent "$tmp/err"
expect_refused EACCES setpriv --reuid 65534 --regid 65534 --clear-groups -- \
	"$relqctl" create demo

say "Create a channel; its node is 0600 root:root unless CREATE says otherwise" "$G2"
run "$relqctl" create demo --capacity 4096 --max-msg 256
run stat -c '%n: %F, mode %a, owner %U:%G' /dev/relq/demo
[ "$(stat -c '%a %u %g' /dev/relq/demo)" = "600 0 0" ] || die "/dev/relq/demo is not 0600 root:root"
echo "    udev note: with udev/60-relq.rules installed, udevd gives a channel"
echo "    created without --mode/--uid/--gid the group relq and mode 0660, and"
echo "    leaves explicit ones alone; this VM runs no udevd, so the kernel's"
echo "    default stands. Without the rule nothing is ever opened to everyone."

say "Send two messages with ordinary shell tools: one write(2) is one message" "$G9"
run sh -c 'printf hello > /dev/relq/demo'
run sh -c 'printf "reliable world" > /dev/relq/demo'
run "$relqctl" info demo
[ "$(info_field demo depth)" = 2 ] || die "depth is not 2"

say "Receive them: one read(2) returns one whole message, in order" "$G14"
expect_output hello dd if=/dev/relq/demo bs=4096 count=1 status=none
expect_output "reliable world" dd if=/dev/relq/demo bs=4096 count=1 status=none

say "Bad input gets a precise errno and loses nothing" "$G9"
run sh -c 'printf queued > /dev/relq/demo'
if dd if=/dev/relq/demo bs=3 count=1 status=none 2>"$tmp/err"; then
	die "a 3-byte read of a 6-byte message succeeded"
fi
indent "$tmp/err"
echo "    (EMSGSIZE: the buffer is too small, and the message stays queued)"
expect_output queued dd if=/dev/relq/demo bs=4096 count=1 status=none
expect_refused EINVAL "$relqctl" create demo --capacity 0
expect_refused EINVAL "$relqctl" create ../etc
head -c 300 /dev/zero > "$tmp/big"
expect_refused EMSGSIZE "$relqctl" send demo --file "$tmp/big"
[ "$(info_field demo depth)" = 0 ] || die "a refused message was queued"

say "relqctl: send and receive; every message whole, in order" "$G14"
run "$relqctl" send demo first "second message" third
expect_output "$(printf 'first\nsecond message\nthird')" "$relqctl" recv demo -n 3
expect_refused EAGAIN "$relqctl" recv demo --nonblock

say "A blocked reader is cancelled by a signal; nothing is consumed" "$G15"
received=$(info_field demo received)
start reader "$relqctl" recv demo
wait_in_syscall "$pid" 0
echo "\$ $relqctl recv demo &    (pid $pid, blocked in read(2) on the empty channel)"
t0=$(now_ms)
run kill -INT "$pid"
finish reader "$t0" "the interrupted reader"
indent "$tmp/reader.err"
echo "    the reader returned within $took ms of the signal, exit $rc"
check_exit 1 ': EINTR (' "$tmp/reader.err" "the interrupted reader"
[ ! -s "$tmp/reader.out" ] || die "the interrupted reader printed a message"
[ "$(info_field demo received)" = "$received" ] || die "the interrupted read consumed a message"
echo "    received counter unchanged ($received): the cancelled read took nothing"

echo "    A writer blocked on a full channel, cancelled the same way:"
run "$relqctl" create small --capacity 8 --max-msg 8
run "$relqctl" send small 12345678
start writer "$relqctl" send small blocked!
wait_in_syscall "$pid" 1
echo "\$ $relqctl send small blocked! &    (pid $pid, blocked in write(2): no room)"
t0=$(now_ms)
run kill -TERM "$pid"
finish writer "$t0" "the interrupted writer"
indent "$tmp/writer.err"
echo "    the writer returned within $took ms of the signal, exit $rc"
check_exit 1 ': EINTR (' "$tmp/writer.err" "the interrupted writer"
[ "$(info_field small depth)" = 1 ] || die "the cancelled write changed the queue"
expect_output 12345678 "$relqctl" recv small --nonblock
expect_refused EAGAIN "$relqctl" recv small --nonblock
run "$relqctl" destroy small

say "Cleanup vs close: flush is per close(), release on the last reference" "$G17"
expect_open_files 0
echo '$ exec 4<>/dev/relq/demo'
exec 4<>/dev/relq/demo
echo '$ exec 5>&4'
exec 5>&4
echo "    fds 4 and 5 share one open file:"
expect_open_files 1
echo '$ exec 5>&-'
exec 5>&-
echo "    close(2) of the dup ends only fd 5; the file, its state and fd 4 live on:"
echo "\$ /usr/bin/printf 'written via fd 4' >&4"
/usr/bin/printf 'written via fd 4' >&4
[ "$(info_field demo depth)" = 1 ] || die "the write through fd 4 was not queued"
echo '$ dd bs=4096 count=1 status=none <&4'
got=$(dd bs=4096 count=1 status=none <&4)
echo "$got"
[ "$got" = "written via fd 4" ] || die "fd 4 read '$got'"
expect_open_files 1
echo '$ exec 4>&-'
exec 4>&-
echo "    the last close released the file:"
expect_open_files 0

say "relqctl link: relq keeps its own reference to the lower channel's file" "$G5"
run "$relqctl" create lower
run "$relqctl" link demo lower
echo "    relqctl has exited and nobody has lower open, yet the link holds it:"
expect_open_files 1
expect_refused EBUSY "$relqctl" link demo lower
expect_refused ELOOP "$relqctl" link lower demo
run "$relqctl" unlink demo
expect_open_files 0
expect_refused ENOENT "$relqctl" unlink demo
run "$relqctl" destroy lower

say "Destroy while a reader waits: it wakes with ENODEV, pollers see POLLHUP" "$G8"
start reader "$relqctl" recv demo
wait_in_syscall "$pid" 0
echo "\$ $relqctl recv demo &    (pid $pid, blocked in read(2))"
start watcher "$relqctl" watch demo
until_ok "the watcher did not start" grep -q '^initial:' "$tmp/watcher.out"
echo "\$ $relqctl watch demo &   (pid $pid, in poll(2), status page mapped)"
run "$relqctl" destroy demo
t0=$(now_ms)
finish reader "$t0" "the blocked reader"
indent "$tmp/reader.err"
echo "    the reader returned within $took ms of DESTROY's return, exit $rc"
check_exit 1 ': ENODEV (' "$tmp/reader.err" "the blocked reader"
finish watcher "$t0" "the watcher"
indent "$tmp/watcher.out"
check_exit 0 'poll=POLLHUP|POLLERR$' "$tmp/watcher.out" "the watcher"
[ ! -e /dev/relq/demo ] || die "/dev/relq/demo survived DESTROY"
echo "/dev/relq/demo is gone"

say "Unload: the nodes go with the module (no leftovers)" "$G20"
expect_open_files 0
run rmmod relq
[ ! -e /dev/relq-control ] || die "/dev/relq-control survived rmmod"
echo "/dev/relq-control is gone"
rm -rf "$tmp"
echo "=== end of demo ==="
