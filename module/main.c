// SPDX-License-Identifier: GPL-2.0
/*
 * relq: a reliable message queue that ports Microsoft's "Creating
 * Reliable Kernel-Mode Drivers" guidelines to a Linux character device.
 *
 *	# insmod relq.ko
 *	# ls -l /dev/relq-control
 *	crw------- 1 root root 10, 123 ... /dev/relq-control
 *
 * This file holds module init and exit; see Documentation/ for the design.
 */
#include "relq_internal.h"

#include <linux/init.h>
#include <linux/module.h>

static int __init relq_init(void)
{
	return relq_control_init();
}

static void __exit relq_exit(void)
{
	relq_control_exit();
}

module_init(relq_init);
module_exit(relq_exit);

MODULE_DESCRIPTION("relq: reliable message queue character device");
MODULE_AUTHOR("The relq developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(RELQ_VERSION);
