// SPDX-License-Identifier: GPL-2.0
/*
 * relq's module parameters, 0644 in /sys/module/relq/parameters/: the
 * global limits max_channels, max_capacity, max_msg_size and
 * max_total_capacity, and default_group, the group that may use channels
 * created without explicit access. Nothing here calls into the rest of
 * relq; the registry, the control node and channel open read them.
 *
 * Every value is written in decimal digits only: no sign, no "0x" or
 * leading zero, no spaces (one trailing newline, as echo writes it, is
 * fine); default_group also takes -1 for "none". Anything else, and any
 * value out of range, is -EINVAL and leaves the parameter as it was.
 */
#include "relq_internal.h"

#include <linux/kstrtox.h>
#include <linux/moduleparam.h>

/* Written only through the setters below, read with READ_ONCE(). */
unsigned int relq_max_channels = 64;
unsigned int relq_max_capacity = 1U << 20;
unsigned int relq_max_msg_size = 64U << 10;
u64 relq_max_total_capacity = 64ULL << 20;
int relq_default_group = -1;

/* Parse "[1-9][0-9]*\n?" into @v, at most @max; -EINVAL otherwise. */
static int relq_param_decimal(const char *val, u64 max, u64 *v)
{
	if (*val < '1' || *val > '9')
		return -EINVAL;
	if (kstrtou64(val, 10, v) || *v > max)
		return -EINVAL;
	return 0;
}

static int relq_param_set_uint(const char *val, const struct kernel_param *kp,
			       unsigned int max)
{
	u64 v;

	if (relq_param_decimal(val, max, &v))
		return -EINVAL;
	WRITE_ONCE(*(unsigned int *)kp->arg, v);
	return 0;
}

static int relq_param_set_channels(const char *val, const struct kernel_param *kp)
{
	return relq_param_set_uint(val, kp, RELQ_MAX_CHANNELS_LIMIT);
}

static int relq_param_set_capacity(const char *val, const struct kernel_param *kp)
{
	return relq_param_set_uint(val, kp, RELQ_MAX_CAPACITY_LIMIT);
}

static int relq_param_set_msg_size(const char *val, const struct kernel_param *kp)
{
	return relq_param_set_uint(val, kp, RELQ_MAX_MSG_LIMIT);
}

static int relq_param_set_total(const char *val, const struct kernel_param *kp)
{
	u64 v;

	if (relq_param_decimal(val, RELQ_MAX_TOTAL_LIMIT, &v))
		return -EINVAL;
	WRITE_ONCE(relq_max_total_capacity, v);
	return 0;
}

/* A group id of the initial user namespace, or -1 for none. */
static int relq_param_set_group(const char *val, const struct kernel_param *kp)
{
	u64 v;

	if (sysfs_streq(val, "-1")) {
		WRITE_ONCE(relq_default_group, -1);
		return 0;
	}
	if (sysfs_streq(val, "0")) {
		WRITE_ONCE(relq_default_group, 0);
		return 0;
	}
	if (relq_param_decimal(val, INT_MAX, &v) ||
	    !gid_valid(make_kgid(&init_user_ns, v)))
		return -EINVAL;
	WRITE_ONCE(relq_default_group, v);
	return 0;
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

static const struct kernel_param_ops relq_total_ops = {
	.set = relq_param_set_total,
	.get = param_get_ullong,
};

static const struct kernel_param_ops relq_group_ops = {
	.set = relq_param_set_group,
	.get = param_get_int,
};

module_param_cb(max_channels, &relq_channels_ops, &relq_max_channels, 0644);
MODULE_PARM_DESC(max_channels, "Most live channels (1-1024, default 64)");
module_param_cb(max_capacity, &relq_capacity_ops, &relq_max_capacity, 0644);
MODULE_PARM_DESC(max_capacity, "Largest channel capacity in bytes (1-67108864, default 1048576)");
module_param_cb(max_msg_size, &relq_msg_size_ops, &relq_max_msg_size, 0644);
MODULE_PARM_DESC(max_msg_size, "Largest message size in bytes (1-1048576, default 65536)");
module_param_cb(max_total_capacity, &relq_total_ops, &relq_max_total_capacity, 0644);
MODULE_PARM_DESC(max_total_capacity,
		 "Most bytes of capacity of all channels together (1-68719476736, default 67108864)");
module_param_cb(default_group, &relq_group_ops, &relq_default_group, 0644);
MODULE_PARM_DESC(default_group,
		 "Group given read and write access to channels created without explicit access (-1: none, the default)");
