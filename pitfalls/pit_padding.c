// SPDX-License-Identifier: GPL-2.0
/*
 * relq_pitfalls: INFO_STACK_PADDING (T-PIT-12), in a file of its own
 * because it is compiled without stack auto-initialisation
 * (-ftrivial-auto-var-init=uninitialized, see Kbuild), as a kernel
 * without CONFIG_INIT_STACK_ALL_ZERO builds everything: relq's debug
 * kernel zeroes every stack variable, which would hide the bug.
 */
#include <linux/string.h>
#include <linux/uaccess.h>

#include "relq_pitfalls_internal.h"

/**
 * pit_set_name() - SET_NAME: stage the caller's name on the stack, keep it
 * @ch: the channel
 * @uarg: a &struct pit_create
 *
 * Leaves the name on the kernel stack, as any handler that stages its
 * argument there does (relq_ioctl_dispatch() included).
 *
 * Return: 0, or -EFAULT.
 */
noinline long pit_set_name(struct pit_channel *ch, const void __user *uarg)
{
	struct pit_create req;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	strscpy(ch->name, req.name, sizeof(ch->name));
	return 0;
}

/* --- INFO_STACK_PADDING --- */
/**
 * pit_info_padded() - INFO, built in an unzeroed stack struct with holes
 * @ch: the channel
 * @uarg: a &struct pit_info_padded
 *
 * Wrong: every member is set, but the compiler's padding bytes keep
 * whatever the stack held before, and copy_to_user() takes them along.
 * relq_ioctl_info() fills a zeroed struct (and relq's uapi has no holes).
 *
 * Return: 0, or -EFAULT.
 */
noinline long pit_info_padded(struct pit_channel *ch, void __user *uarg)
{
	struct pit_info_padded info;

	info.kind = PIT_KIND_CHANNEL;
	info.id = ch->id;
	info.flags = 0;
	info.bytes = ch->bytes;
	return copy_to_user(uarg, &info, sizeof(info)) ? -EFAULT : 0;
}

/* --- end INFO_STACK_PADDING --- */
