// SPDX-License-Identifier: GPL-2.0
/*
 * relq: a reliable message queue that ports Microsoft's "Creating
 * Reliable Kernel-Mode Drivers" guidelines to a Linux character device.
 *
 *	# insmod relq.ko
 *	# ls -l /dev/relq-control
 *	crw------- 1 root root 10, 123 ... /dev/relq-control
 *
 * This file holds module init and exit; params.c holds the limits. See
 * Documentation/ (the cover letter first) for the design.
 */
#include "relq_internal.h"

#include <linux/build_bug.h>
#include <linux/init.h>
#include <linux/module.h>

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
