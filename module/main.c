// SPDX-License-Identifier: GPL-2.0
/*
 * relq: a reliable message queue that ports Microsoft's "Creating
 * Reliable Kernel-Mode Drivers" guidelines to a Linux character device.
 *
 *	# insmod relq.ko
 *	# ls -l /dev/relq-control
 *	crw------- 1 root root 10, 123 ... /dev/relq-control
 *
 * This file holds module init and exit and the global limits; see
 * Documentation/ for the design.
 */
#include "relq_internal.h"

#include <linux/build_bug.h>
#include <linux/init.h>
#include <linux/kstrtox.h>
#include <linux/moduleparam.h>
#include <linux/module.h>
#include <linux/stddef.h>

/* Open channel files, for the debugfs counters. */
atomic_long_t relq_nr_open = ATOMIC_LONG_INIT(0);

/* Global limits: written only through relq_param_set(), read with READ_ONCE(). */
unsigned int relq_max_channels = 64;
unsigned int relq_max_capacity = 1U << 20;
unsigned int relq_max_msg_size = 64U << 10;

/* Parse and range-check a limit; out of range or not a number is -EINVAL. */
static int relq_param_set(const char *val, const struct kernel_param *kp,
			  unsigned int max)
{
	unsigned int v;

	if (kstrtouint(val, 0, &v) || v < 1 || v > max)
		return -EINVAL;
	WRITE_ONCE(*(unsigned int *)kp->arg, v);
	return 0;
}

static int relq_param_set_channels(const char *val, const struct kernel_param *kp)
{
	return relq_param_set(val, kp, RELQ_MAX_CHANNELS_LIMIT);
}

static int relq_param_set_capacity(const char *val, const struct kernel_param *kp)
{
	return relq_param_set(val, kp, RELQ_MAX_CAPACITY_LIMIT);
}

static int relq_param_set_msg_size(const char *val, const struct kernel_param *kp)
{
	return relq_param_set(val, kp, RELQ_MAX_MSG_LIMIT);
}

static const struct kernel_param_ops relq_channels_ops = {
	.set = relq_param_set_channels,
	.get = param_get_uint,
};

static const struct kernel_param_ops relq_capacity_ops = {
	.set = relq_param_set_capacity,
	.get = param_get_uint,
};

static const struct kernel_param_ops relq_msg_size_ops = {
	.set = relq_param_set_msg_size,
	.get = param_get_uint,
};

module_param_cb(max_channels, &relq_channels_ops, &relq_max_channels, 0644);
MODULE_PARM_DESC(max_channels, "Most live channels (1-1024, default 64)");
module_param_cb(max_capacity, &relq_capacity_ops, &relq_max_capacity, 0644);
MODULE_PARM_DESC(max_capacity, "Largest channel capacity in bytes (1-67108864, default 1048576)");
module_param_cb(max_msg_size, &relq_msg_size_ops, &relq_max_msg_size, 0644);
MODULE_PARM_DESC(max_msg_size, "Largest message size in bytes (1-1048576, default 65536)");

/*
 * What the kernel side assumes of the uapi. The layouts themselves are
 * checked once, for i386 and x86-64, by scripts/tests/uapi_layout.c.
 */
static void __init relq_check_uapi(void)
{
	BUILD_BUG_ON(sizeof(struct relq_status) > PAGE_SIZE);
	BUILD_BUG_ON(RELQ_STATE_LIVE != RELQ_LIVE || RELQ_STATE_DYING != RELQ_DYING ||
		     RELQ_STATE_DEAD != RELQ_DEAD);
}

static int __init relq_init(void)
{
	int ret;

	relq_check_uapi();
	ret = relq_registry_init(&relq_channel_fops);
	if (ret)
		return ret;
	ret = relq_control_init();
	if (ret)
		goto out_registry;
	relq_debugfs_init();
	return 0;

out_registry:
	relq_registry_exit();
	return ret;
}

static void __exit relq_exit(void)
{
	relq_debugfs_exit();
	relq_control_exit();
	relq_registry_exit();
}

module_init(relq_init);
module_exit(relq_exit);

MODULE_DESCRIPTION("relq: reliable message queue character device");
MODULE_AUTHOR("The relq developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(RELQ_VERSION);
