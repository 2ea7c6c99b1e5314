// SPDX-License-Identifier: GPL-2.0
/*
 * relq's module parameters, the global limits: max_channels,
 * max_capacity and max_msg_size, 0644 in /sys/module/relq/parameters/.
 * Nothing here calls into the rest of relq; the registry and the control
 * node read the limits.
 */
#include "relq_internal.h"

#include <linux/kstrtox.h>
#include <linux/moduleparam.h>

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

