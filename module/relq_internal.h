/* SPDX-License-Identifier: GPL-2.0 */
/*
 * relq private header: the objects shared by the module's files.
 */
#ifndef _RELQ_INTERNAL_H
#define _RELQ_INTERNAL_H

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/types.h>
#include <kunit/visibility.h>

#include "compat.h"

/* Name of the control node under /dev. */
#define RELQ_CONTROL_NAME	"relq-control"

extern struct miscdevice relq_control_dev;

int relq_control_init(void);
void relq_control_exit(void);

#if IS_ENABLED(CONFIG_KUNIT)
long relq_control_dispatch(struct file *file, unsigned int cmd,
			   unsigned long arg);
#endif

#endif /* _RELQ_INTERNAL_H */
