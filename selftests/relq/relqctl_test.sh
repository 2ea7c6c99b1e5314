#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# relqctl's own contract: exit status 0 (success), 1 (the kernel refused,
# and the message names the errno), 2 (usage error) and 3 (recv --timeout
# expired), and that each command does what its --help says. Needs root,
# relq.ko loaded and RELQCTL pointing at relqctl (default: relqctl on
# PATH); prints KTAP. Exit 4 (KSFT_SKIP) when it cannot run.
set -u
tmp=
# Every channel this test creates; cleanup destroys them (links included).
chans="rqt-a rqt-b rqt-c"

# relq_lib.sh: $here, $relqctl, the KTAP helpers, skip_all, now_us and
# the relq_need_* checks.
# shellcheck source=relq_lib.sh
. "$(dirname "$0")/relq_lib.sh" || exit 1

cleanup() {
	local c
	for c in $chans; do
		"$relqctl" destroy "$c" >/dev/null 2>&1
	done
	jobs -p | xargs -r kill 2>/dev/null
	[ -n "$tmp" ] && rm -rf "$tmp"
}

# rc EXPECTED CMD...: run CMD with its output in $out and $err; say why
# and fail unless it exits EXPECTED.
rc() {
	local want=$1 got
	shift
	"$@" > "$out" 2> "$err"
	got=$?
	[ "$got" = "$want" ] && return 0
	echo "'$*' exited $got, expected $want"
	sed 's/^/  stdout: /' "$out"
	sed 's/^/  stderr: /' "$err"
	return 1
}

# has FILE REGEX: FILE has a line matching REGEX, else say so.
has() {
	grep -Eq -- "$2" "$1" && return 0
	echo "no line matching '$2' in $(basename "$1"):"
	sed 's/^/  | /' "$1"
	return 1
}

# wait_for SECONDS CMD...: poll CMD every 50 ms until it succeeds.
wait_for() {
	local end=$(($(now_us) + $1 * 1000000))
	shift
	until "$@"; do
		if [ "$(now_us)" -gt "$end" ]; then
			echo "timed out waiting for: $*"
			return 1
		fi
		sleep 0.05
	done
}

# blocked_in_read PID: PID sleeps in read(2) (x86-64 syscall 0).
blocked_in_read() {
	local nr
	read -r nr _ < "/proc/$1/syscall" 2>/dev/null && [ "$nr" = 0 ] &&
		[ "$(cut -d' ' -f3 "/proc/$1/stat")" = S ]
}

# gone PID: PID has exited (reaped, or a zombie).
gone() {
	[ ! -e "/proc/$1" ] || [ "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" = Z ]
}

# reap PID SECONDS: wait for a background PID; its exit status goes to
# $reaped. Fails (and kills it) if it runs longer than SECONDS.
reap() {
	if ! wait_for "$2" gone "$1"; then
		kill -KILL "$1" 2>/dev/null
		wait "$1" 2>/dev/null
		return 1
	fi
	wait "$1"
	reaped=$?
}

fresh() { # fresh NAME [CREATE OPTIONS...]: a new, empty channel
	"$relqctl" destroy "$1" >/dev/null 2>&1
	rc 0 "$relqctl" create "$@"
}

t_usage_exit_2() {
	rc 2 "$relqctl" || return 1
	rc 2 "$relqctl" frobnicate || return 1
	has "$err" "unknown command 'frobnicate'" || return 1
	rc 2 "$relqctl" create || return 1
	rc 2 "$relqctl" create rqt-a --capacity lots || return 1
	has "$err" "bad number 'lots'" || return 1
	rc 2 "$relqctl" destroy rqt-a rqt-b || return 1
	rc 2 "$relqctl" recv rqt-a -n 0 || return 1
	rc 2 "$relqctl" recv rqt-a --nonblock --timeout 10 || return 1
	rc 2 "$relqctl" recv rqt-a --nonblock --async || return 1
	rc 2 "$relqctl" send rqt-a --no-such-option || return 1
	rc 2 "$relqctl" link rqt-a || return 1
	rc 2 "$relqctl" info ../null || return 1
	has "$err" '^usage: relqctl info NAME' || return 1
	# Nothing was created by any of them.
	[ ! -e /dev/relq/rqt-a ] || { echo "a usage error created rqt-a"; return 1; }
}

t_help() {
	local c
	rc 0 "$relqctl" --help || return 1
	cp "$out" "$tmp/help"
	for c in NAME SYNOPSIS DESCRIPTION COMMANDS 'EXIT STATUS'; do
		has "$tmp/help" "^$c\$" || return 1
	done
	for c in create destroy list info send recv watch link unlink; do
		has "$tmp/help" "^	relqctl $c" || return 1
		rc 0 "$relqctl" "$c" --help || return 1
		has "$out" "^	relqctl $c - " || return 1
		has "$out" "^EXIT STATUS" || return 1
	done
}

t_create_list_info_destroy() {
	fresh rqt-a --capacity 4096 --max-msg 128 || return 1
	has "$out" '^created /dev/relq/rqt-a \(id [0-9]+\)$' || return 1
	[ "$(stat -c '%a %u %g' /dev/relq/rqt-a)" = "600 0 0" ] ||
		{ echo "node is $(stat -c '%a %u %g' /dev/relq/rqt-a)"; return 1; }
	rc 0 "$relqctl" list || return 1
	has "$out" '^[0-9]+	rqt-a$' || return 1
	rc 0 "$relqctl" info rqt-a || return 1
	has "$out" '^name: +rqt-a$' || return 1
	has "$out" '^state: +live$' || return 1
	has "$out" '^capacity: +4096$' || return 1
	has "$out" '^max_msg: +128$' || return 1
	has "$out" '^depth: +0$' || return 1
	rc 1 "$relqctl" create rqt-a || return 1
	has "$err" '^relqctl: create rqt-a: EEXIST ' || return 1
	rc 0 "$relqctl" destroy rqt-a || return 1
	rc 0 "$relqctl" list || return 1
	! grep -q 'rqt-a' "$out" || { echo "rqt-a still listed"; return 1; }
	[ ! -e /dev/relq/rqt-a ] || { echo "/dev/relq/rqt-a survived destroy"; return 1; }
	rc 1 "$relqctl" info rqt-a || return 1
	has "$err" 'open /dev/relq/rqt-a: ENOENT ' || return 1
}

t_send_recv_order() {
	fresh rqt-a --capacity 4096 --max-msg 64 || return 1
	rc 0 "$relqctl" send rqt-a one two "three and four" || return 1
	printf 'five\nsix\n' > "$tmp/lines"
	rc 0 "$relqctl" send rqt-a < "$tmp/lines" || return 1
	printf 'seven\neight' > "$tmp/file"
	rc 0 "$relqctl" send rqt-a --file "$tmp/file" || return 1
	rc 0 "$relqctl" info rqt-a || return 1
	has "$out" '^depth: +6$' || return 1
	has "$out" '^next_size: +3$' || return 1
	rc 0 "$relqctl" recv rqt-a -n 5 || return 1
	printf 'one\ntwo\nthree and four\nfive\nsix\n' | cmp - "$out" ||
		{ sed 's/^/  got: /' "$out"; return 1; }
	# --file sent one message; --raw prints it byte for byte.
	rc 0 "$relqctl" recv rqt-a --raw || return 1
	cmp "$tmp/file" "$out" || return 1
	rc 0 "$relqctl" info rqt-a || return 1
	has "$out" '^depth: +0$' || return 1
	has "$out" '^sent: +6$' || return 1
	has "$out" '^received: +6$' || return 1
}

t_recv_nonblock_empty_eagain() {
	fresh rqt-a || return 1
	rc 1 "$relqctl" recv rqt-a --nonblock || return 1
	has "$err" '^relqctl: recv rqt-a: EAGAIN \(Resource temporarily unavailable\)$' || return 1
	[ ! -s "$out" ] || { echo "printed a message from an empty channel"; return 1; }
}

t_recv_timeout_exit_3() {
	local t0 t1
	fresh rqt-a || return 1
	rc 0 "$relqctl" send rqt-a early || return 1
	t0=$(now_us)
	rc 3 "$relqctl" recv rqt-a -n 2 --timeout 300 || return 1
	t1=$(now_us)
	has "$err" '^relqctl: recv rqt-a: timed out after 300 ms \(got 1 of 2\)$' || return 1
	has "$out" '^early$' || return 1
	[ $(((t1 - t0) / 1000)) -ge 300 ] ||
		{ echo "gave up after $(((t1 - t0) / 1000)) ms"; return 1; }
	# A message that arrives within the timeout is received.
	(sleep 0.2; "$relqctl" send rqt-a late) &
	rc 0 "$relqctl" recv rqt-a --timeout 10000 || return 1
	has "$out" '^late$' || return 1
	wait
}

t_recv_interrupted_eintr() {
	local pid
	fresh rqt-a || return 1
	"$relqctl" recv rqt-a > "$tmp/recv.out" 2> "$tmp/recv.err" &
	pid=$!
	wait_for 10 blocked_in_read "$pid" || return 1
	kill -INT "$pid"
	reap "$pid" 5 || { echo "recv ignored SIGINT"; return 1; }
	[ "$reaped" = 1 ] || { echo "interrupted recv exited $reaped"; return 1; }
	has "$tmp/recv.err" '^relqctl: recv rqt-a: EINTR ' || return 1
	# The cancelled read consumed nothing: the next message is intact.
	rc 0 "$relqctl" send rqt-a after || return 1
	rc 0 "$relqctl" recv rqt-a --nonblock || return 1
	has "$out" '^after$' || return 1
	rc 0 "$relqctl" info rqt-a || return 1
	has "$out" '^received: +1$' || return 1
}

t_recv_destroy_enodev() {
	local pid
	fresh rqt-a || return 1
	"$relqctl" recv rqt-a > "$tmp/recv.out" 2> "$tmp/recv.err" &
	pid=$!
	wait_for 10 blocked_in_read "$pid" || return 1
	rc 0 "$relqctl" destroy rqt-a || return 1
	reap "$pid" 5 || { echo "a blocked recv survived destroy"; return 1; }
	[ "$reaped" = 1 ] || { echo "recv exited $reaped"; return 1; }
	has "$tmp/recv.err" '^relqctl: recv rqt-a: ENODEV ' || return 1
}

# pended_requests from relq's debugfs counters (empty without debugfs).
pended() { sed -n 's/^pended_requests //p' /sys/kernel/debug/relq/counters 2>/dev/null; }

# recv --async pends COUNT RECVs through io_uring and prints the messages
# in order as they come; on a timeout the ring's teardown cancels the RECV
# still pended, which consumes nothing. Exit 4 (SKIP) where the kernel has
# no RECV (before Linux 6.7: EOPNOTSUPP).
t_recv_async() {
	local pid
	fresh rqt-a || return 1
	"$relqctl" recv rqt-a --async -n 3 > "$tmp/recv.out" 2> "$tmp/recv.err" &
	pid=$!
	wait_for 10 grep -q 'pended 3\|EOPNOTSUPP' "$tmp/recv.err" || return 1
	if grep -q EOPNOTSUPP "$tmp/recv.err"; then
		reap "$pid" 5
		has "$tmp/recv.err" '^relqctl: recv rqt-a: EOPNOTSUPP ' || return 1
		[ "$(uname -r | cut -d. -f1-2 | tr -d .)" -lt 67 ] ||
			{ echo "EOPNOTSUPP on Linux $(uname -r)"; return 1; }
		echo "RECV needs cancelable io_uring commands (Linux 6.7)"
		return 4
	fi
	if [ -n "$(pended)" ]; then
		wait_for 10 test "$(pended)" = 3 || return 1
	fi
	rc 0 "$relqctl" send rqt-a one two three || return 1
	reap "$pid" 10 || { echo "recv --async did not finish"; return 1; }
	[ "$reaped" = 0 ] || { echo "recv --async exited $reaped"; cat "$tmp/recv.err"; return 1; }
	[ "$(cat "$tmp/recv.out")" = "$(printf 'one\ntwo\nthree')" ] ||
		{ echo "received:"; cat "$tmp/recv.out"; return 1; }
	# A timeout leaves with one RECV pended: the teardown cancels it.
	rc 0 "$relqctl" send rqt-a four || return 1
	rc 3 "$relqctl" recv rqt-a --async -n 2 --timeout 300 || return 1
	has "$err" '^relqctl: recv rqt-a: timed out after 300 ms \(got 1 of 2\)$' || return 1
	has "$out" '^four$' || return 1
	rc 0 "$relqctl" send rqt-a five || return 1
	rc 0 "$relqctl" recv rqt-a --nonblock || return 1
	has "$out" '^five$' || return 1
	rc 0 "$relqctl" info rqt-a || return 1
	has "$out" '^received: +5$' || return 1
	if [ -n "$(pended)" ]; then
		wait_for 10 test "$(pended)" = 0 || return 1
	fi
}

t_send_nonblock_full_eagain() {
	fresh rqt-a --capacity 8 --max-msg 8 || return 1
	rc 0 "$relqctl" send rqt-a 12345678 || return 1
	rc 1 "$relqctl" send rqt-a --nonblock overflow || return 1
	has "$err" '^relqctl: send rqt-a: EAGAIN \(Resource temporarily unavailable\)$' || return 1
	rc 0 "$relqctl" recv rqt-a --nonblock -n 1 || return 1
	has "$out" '^12345678$' || return 1
	rc 1 "$relqctl" recv rqt-a --nonblock || return 1
}

t_send_too_big_emsgsize() {
	fresh rqt-a --capacity 64 --max-msg 16 || return 1
	rc 0 "$relqctl" send rqt-a 0123456789abcdef || return 1
	rc 1 "$relqctl" send rqt-a 0123456789abcdefg || return 1
	has "$err" '^relqctl: send rqt-a: EMSGSIZE \(Message too long\)$' || return 1
	head -c 100 /dev/zero > "$tmp/big"
	rc 1 "$relqctl" send rqt-a --file "$tmp/big" || return 1
	has "$err" '^relqctl: send rqt-a: EMSGSIZE ' || return 1
	rc 0 "$relqctl" info rqt-a || return 1
	has "$out" '^depth: +1$' || return 1
}

t_destroy_missing_enoent() {
	"$relqctl" destroy rqt-c >/dev/null 2>&1
	rc 1 "$relqctl" destroy rqt-c || return 1
	has "$err" '^relqctl: destroy rqt-c: ENOENT \(No such file or directory\)$' || return 1
}

t_unprivileged_create_eacces() {
	"$relqctl" destroy rqt-c >/dev/null 2>&1
	rc 1 setpriv --reuid 65534 --regid 65534 --clear-groups -- \
		"$relqctl" create rqt-c || return 1
	has "$err" '^relqctl: open /dev/relq-control: EACCES \(Permission denied\)$' || return 1
	[ ! -e /dev/relq/rqt-c ] || { echo "uid 65534 created rqt-c"; return 1; }
	fresh rqt-a || return 1
	rc 1 setpriv --reuid 65534 --regid 65534 --clear-groups -- \
		"$relqctl" send rqt-a hello || return 1
	has "$err" '^relqctl: open /dev/relq/rqt-a: EACCES ' || return 1
}

t_link_unlink() {
	fresh rqt-a || return 1
	fresh rqt-b || return 1
	fresh rqt-c || return 1
	# relqctl exits after each command: the link outlives its process.
	rc 0 "$relqctl" link rqt-b rqt-c || return 1
	has "$out" '^rqt-b -> rqt-c$' || return 1
	rc 0 "$relqctl" link rqt-a rqt-b || return 1
	has "$out" '^rqt-a -> rqt-b -> rqt-c$' || return 1
	# A message sent to the top is forwarded to the bottom.
	rc 0 "$relqctl" send rqt-a down || return 1
	rc 0 "$relqctl" recv rqt-c --nonblock || return 1
	has "$out" '^down$' || return 1
	rc 0 "$relqctl" info rqt-a || return 1
	has "$out" '^forwarded: +1$' || return 1
	has "$out" '^lower: +rqt-b \(id [0-9]+\)$' || return 1
	has "$out" '^depth: +0$' || return 1
	rc 0 "$relqctl" unlink rqt-b || return 1
	rc 1 "$relqctl" link rqt-a rqt-b || return 1
	has "$err" '^relqctl: link rqt-a rqt-b: EBUSY \(Device or resource busy\)$' || return 1
	rc 1 "$relqctl" link rqt-b rqt-a || return 1
	has "$err" '^relqctl: link rqt-b rqt-a: ELOOP ' || return 1
	rc 1 "$relqctl" link rqt-b rqt-b || return 1
	has "$err" '^relqctl: link rqt-b rqt-b: ELOOP ' || return 1
	rc 0 "$relqctl" unlink rqt-a || return 1
	rc 1 "$relqctl" unlink rqt-a || return 1
	has "$err" '^relqctl: unlink rqt-a: ENOENT ' || return 1
	# After UNLINK the channel links again; DESTROY of the upper drops it.
	rc 0 "$relqctl" link rqt-a rqt-b || return 1
	rc 0 "$relqctl" destroy rqt-a || return 1
	rc 0 "$relqctl" destroy rqt-b || return 1
}

t_watch_count() {
	local pid
	fresh rqt-a || return 1
	"$relqctl" watch rqt-a --count 1 > "$tmp/watch.out" 2>&1 &
	pid=$!
	wait_for 10 grep -q '^initial:' "$tmp/watch.out" || return 1
	has "$tmp/watch.out" '^initial: state=live depth=0 bytes=0 sent=0 received=0 poll=POLLOUT$' ||
		return 1
	rc 0 "$relqctl" send rqt-a hello || return 1
	reap "$pid" 5 || { echo "watch --count 1 did not stop"; return 1; }
	[ "$reaped" = 0 ] || { echo "watch exited $reaped"; return 1; }
	has "$tmp/watch.out" '^event 1: state=live depth=1 bytes=5 sent=1 received=0 poll=POLLIN\|POLLOUT$' ||
		return 1
	[ "$(wc -l < "$tmp/watch.out")" = 2 ] || { cat "$tmp/watch.out"; return 1; }
}

t_watch_hangup() {
	local pid
	fresh rqt-a || return 1
	"$relqctl" watch rqt-a --count 100 > "$tmp/watch.out" 2>&1 &
	pid=$!
	wait_for 10 grep -q '^initial:' "$tmp/watch.out" || return 1
	rc 0 "$relqctl" send rqt-a hi || return 1
	wait_for 10 grep -q 'sent=1 .*poll=POLLIN' "$tmp/watch.out" || return 1
	rc 0 "$relqctl" destroy rqt-a || return 1
	reap "$pid" 5 || { echo "watch did not stop on destroy"; return 1; }
	[ "$reaped" = 0 ] || { echo "watch exited $reaped"; return 1; }
	has "$tmp/watch.out" '^event [0-9]+: state=(dying|dead) .*poll=POLLHUP\|POLLERR$' ||
		return 1
	has "$tmp/watch.out" '^hangup: /dev/relq/rqt-a was destroyed$' || return 1
}

cases=(usage_exit_2 help create_list_info_destroy send_recv_order
	recv_nonblock_empty_eagain recv_timeout_exit_3 recv_interrupted_eintr
	recv_destroy_enodev recv_async send_nonblock_full_eagain send_too_big_emsgsize
	destroy_missing_enoent unprivileged_create_eacces link_unlink
	watch_count watch_hangup)

relq_need_relq
relq_need_relqctl
command -v setpriv >/dev/null || skip_all "setpriv is not installed"
relqctl=$(command -v "$relqctl")
tmp=$(mktemp -d) || skip_all "mktemp failed"
chmod 0755 "$tmp"
out=$tmp/stdout
err=$tmp/stderr
trap cleanup EXIT

ktap_print_header
ktap_set_plan "${#cases[@]}"
for c in "${cases[@]}"; do
	t0=$(now_us)
	"t_$c" > "$tmp/case.log" 2>&1
	r=$?
	ktap_print_msg "relqctl_$c: $(( ($(now_us) - t0) / 1000 )) ms"
	if [ $r = 0 ]; then
		ktap_test_pass "relqctl_$c"
	elif [ $r = 4 ]; then
		ktap_print_msg "SKIP relqctl_$c: $(tail -n 1 "$tmp/case.log")"
		ktap_test_skip "relqctl_$c"
	else
		sed 's/^/# /' "$tmp/case.log"
		ktap_test_fail "relqctl_$c"
	fi
	for ch in $chans; do
		"$relqctl" destroy "$ch" >/dev/null 2>&1
	done
done
ktap_finished
