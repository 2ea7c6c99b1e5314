#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# T-INST-2 and T-INST-3: relq's node permissions with no udev rule (the
# kernel defaults) and under a real systemd-udevd running the shipped
# udev/60-relq.rules. Needs root, relq.ko loaded and RELQCTL pointing at
# relqctl; prints KTAP. Exit 4 (KSFT_SKIP) when it cannot run.
set -u
udevd=
for c in /lib/systemd/systemd-udevd /usr/lib/systemd/systemd-udevd; do
	[ -x "$c" ] && udevd=$c && break
done
# relq_lib.sh: $here, $relqctl, the KTAP helpers, skip_all, now_us and
# the relq_need_* checks.
# shellcheck source=relq_lib.sh
. "$(dirname "$0")/relq_lib.sh" || exit 1
# The shipped rule: RELQ_RULES, or relq's tree when run from it.
rules=${RELQ_RULES:-$here/../../udev/60-relq.rules}
check() { # check NAME EXPECTED PATH: "mode uid gid" of PATH
	local got
	got=$(stat -c '%a %u %g' "$3" 2>&1)
	if [ "$got" = "$2" ]; then
		ktap_test_pass "$1"
	else
		echo "# $3: expected '$2', got '$got'"
		ktap_test_fail "$1"
	fi
}

relq_need_relq
relq_need_relqctl
# A running udevd would apply whatever rule is installed: neither part
# can see the kernel's own defaults then.
if [ -e /run/udev/control ] || pgrep -x systemd-udevd >/dev/null; then
	skip_all "a udevd is already running"
fi
# T-INST-2 needs no udevd; T-INST-3 needs one, the rule and the group.
inst3_skip=
[ -n "$udevd" ] || inst3_skip="systemd-udevd is not installed"
[ -f "$rules" ] || inst3_skip=${inst3_skip:-"no rule file $rules"}
# The guest's /etc is a throwaway overlay: add the group directly (groupadd
# needs lock files that a 9p-backed overlay does not always grant).
if [ -z "$inst3_skip" ]; then
	getent group relq >/dev/null || echo "relq:x:4243:" >> /etc/group ||
		inst3_skip="cannot add group relq"
fi
relq_gid=$(getent group relq | cut -d: -f3)
rm -f /etc/udev/rules.d/60-relq.rules
"$relqctl" destroy udev-def 2>/dev/null
"$relqctl" destroy udev-exp 2>/dev/null

ktap_print_header
ktap_set_plan 13

# T-INST-2: no rule, no udevd: the kernel's defaults.
"$relqctl" create udev-def >/dev/null || echo "# create udev-def failed"
"$relqctl" create udev-exp --mode 0640 --gid 4242 >/dev/null || echo "# create udev-exp failed"
check t_inst_2_no_rule_default_channel "600 0 0" /dev/relq/udev-def
check t_inst_2_no_rule_explicit_channel "640 0 4242" /dev/relq/udev-exp
check t_inst_2_no_rule_control "600 0 0" /dev/relq-control

if [ -n "$inst3_skip" ]; then
	ktap_print_msg "T-INST-3 cannot run: $inst3_skip"
	for n in rule_default_channel rule_explicit_channel rule_control \
		rule_sets_default_group rule_member_opens_default_channel \
		rule_non_member_refused rule_new_channel rule_removed_default_channel \
		rule_removed_explicit_channel no_world_writable_node; do
		ktap_test_skip "t_inst_3_$n"
	done
	"$relqctl" destroy udev-def >/dev/null
	"$relqctl" destroy udev-exp >/dev/null
	ktap_finished
fi

# T-INST-3: the shipped rule under a real udevd.
mkdir -p /etc/udev/rules.d /run/udev
install -m 0644 "$rules" /etc/udev/rules.d/60-relq.rules
"$udevd" --daemon >/dev/null 2>&1 || echo "# udevd did not start"
udevadm control --reload
udevadm trigger --action=add --subsystem-match=relq
udevadm trigger --action=add --subsystem-match=misc --sysname-match=relq-control
# relq was loaded before this udevd ran: replay the module's "add" uevent
# (udevadm trigger does not enumerate /sys/module).
echo add > /sys/module/relq/uevent
udevadm settle --timeout=30
check t_inst_3_rule_default_channel "660 0 $relq_gid" /dev/relq/udev-def
check t_inst_3_rule_explicit_channel "640 0 4242" /dev/relq/udev-exp
check t_inst_3_rule_control "600 0 0" /dev/relq-control

# The driver agrees with the rule: it learnt the group, so a member of
# "relq" (and only a member) opens a default channel for read and write.
param=$(cat /sys/module/relq/parameters/default_group)
if [ "$param" = "$relq_gid" ]; then
	ktap_test_pass t_inst_3_rule_sets_default_group
else
	echo "# default_group is '$param', expected $relq_gid"
	ktap_test_fail t_inst_3_rule_sets_default_group
fi
opens_as() { # opens_as GROUPS PATH: uid 4244 with GROUPS opens PATH O_RDWR
	setpriv --reuid=4244 --regid=4244 --groups="$1" --inh-caps=-all \
		sh -c 'exec 3<>"$1"' sh "$2" 2>/dev/null
}
if opens_as "$relq_gid" /dev/relq/udev-def; then
	ktap_test_pass t_inst_3_rule_member_opens_default_channel
else
	ktap_test_fail t_inst_3_rule_member_opens_default_channel
fi
if opens_as 4245 /dev/relq/udev-def; then
	ktap_test_fail t_inst_3_rule_non_member_refused
else
	ktap_test_pass t_inst_3_rule_non_member_refused
fi

# A channel created while udevd runs gets the rule at once (after settle).
"$relqctl" destroy udev-def >/dev/null
"$relqctl" create udev-def >/dev/null
udevadm settle --timeout=30
check t_inst_3_rule_new_channel "660 0 $relq_gid" /dev/relq/udev-def

# Rule removed (and the module reloaded, which resets default_group):
# re-created channels are back to the kernel's defaults.
rm -f /etc/udev/rules.d/60-relq.rules
udevadm control --reload
# Events queued before the reload (a replayed module "add" would write
# default_group again) are done before the parameter is reset.
udevadm settle --timeout=30
echo -1 > /sys/module/relq/parameters/default_group
echo "# default_group is now $(cat /sys/module/relq/parameters/default_group)"
"$relqctl" destroy udev-def >/dev/null
"$relqctl" destroy udev-exp >/dev/null
"$relqctl" create udev-def >/dev/null
"$relqctl" create udev-exp --mode 0640 --gid 4242 >/dev/null
udevadm settle --timeout=30
check t_inst_3_rule_removed_default_channel "600 0 0" /dev/relq/udev-def
check t_inst_3_rule_removed_explicit_channel "640 0 4242" /dev/relq/udev-exp

# No relq node is writable by others, whatever udev did.
if find /dev/relq /dev/relq-control -perm -0002 | grep -q .; then
	ktap_test_fail t_inst_3_no_world_writable_node
else
	ktap_test_pass t_inst_3_no_world_writable_node
fi

udevadm control --exit
"$relqctl" destroy udev-def >/dev/null
"$relqctl" destroy udev-exp >/dev/null
ktap_finished
