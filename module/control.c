// SPDX-License-Identifier: GPL-2.0
/*
 * The relq control node, /dev/relq-control.
 *
 * A misc device, mode 0600 root:root by default. It carries the admin
 * commands (channel creation and destruction); it has no read, write,
 * mmap or poll, so the VFS answers those with EINVAL/ENODEV on its own.
 */
#include "relq_internal.h"

#include <linux/export.h>
#include <linux/module.h>
#include <uapi/linux/relq.h>

/**
 * relq_control_dispatch() - run one control-node ioctl
 * @file: the open control file
 * @cmd: the full 32-bit ioctl command
 * @arg: the command's argument (a user pointer for every relq command)
 *
 * Compares the whole command, so a wrong size or direction reaches no
 * handler.
 *
 * Context: process context; may sleep.
 * Return: the command's result, or -ENOTTY for a command that is not a
 * control command.
 */
VISIBLE_IF_KUNIT long relq_control_dispatch(struct file *file,
					    unsigned int cmd,
					    unsigned long arg)
{
	switch (cmd) {
	default:
		return -ENOTTY;
	}
}
EXPORT_SYMBOL_IF_KUNIT(relq_control_dispatch);

static long relq_control_ioctl(struct file *file, unsigned int cmd,
			       unsigned long arg)
{
	return relq_control_dispatch(file, cmd, arg);
}

static const struct file_operations relq_control_fops = {
	.owner		= THIS_MODULE,
	.open		= nonseekable_open,
	.unlocked_ioctl	= relq_control_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

/* Exported for relq_kunit, which checks the node's documented defaults. */
struct miscdevice relq_control_dev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= RELQ_CONTROL_NAME,
	.fops	= &relq_control_fops,
	.mode	= 0600,
};
EXPORT_SYMBOL_IF_KUNIT(relq_control_dev);

/**
 * relq_control_init() - register /dev/relq-control
 *
 * Context: module init.
 * Return: 0 or the misc_register() error.
 */
int relq_control_init(void)
{
	return misc_register(&relq_control_dev);
}

/**
 * relq_control_exit() - remove /dev/relq-control
 *
 * Context: module exit; no control file is open (the module is pinned
 * while one is).
 */
void relq_control_exit(void)
{
	misc_deregister(&relq_control_dev);
}
