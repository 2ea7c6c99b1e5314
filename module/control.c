// SPDX-License-Identifier: GPL-2.0
/*
 * The relq control node, /dev/relq-control, and the ioctl dispatcher
 * shared with channel files.
 *
 * A misc device, mode 0600 root:root by default. It carries the admin
 * commands CREATE, DESTROY and LIST; it has no read, write, mmap or poll,
 * so the VFS answers those with EINVAL/ENODEV on its own. Open checks no
 * capability (the node's mode decides); every command checks the
 * opener's CAP_SYS_ADMIN, so a node with the same device number made
 * elsewhere still meets the check.
 */
#include "relq_internal.h"

#include <linux/capability.h>
#include <linux/export.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>

/**
 * relq_ioctl_dispatch() - run one ioctl against a command table
 * @table: the file kind's commands
 * @n: entries in @table
 * @file: the open file
 * @cmd: the full 32-bit command
 * @arg: the argument, a user pointer for every relq command
 *
 * Compares the whole command, so a wrong size or direction reaches no
 * handler. Then checks, in order, the fd's access mode and the opener's
 * privilege, before the handler copies its argument once.
 *
 * Context: process context; may sleep.
 * Return: the handler's result, -ENOTTY for a command not in @table,
 * -EBADF for a missing access mode, -EPERM for a missing privilege.
 */
long relq_ioctl_dispatch(const struct relq_ioctl_desc *table, size_t n,
			 struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	const struct relq_ioctl_desc *d = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		if (table[i].cmd == cmd) {
			d = &table[i];
			break;
		}
	}
	if (!d)
		return -ENOTTY;
	if ((file->f_mode & d->fmode) != d->fmode)
		return -EBADF;
	/* The opener's credentials, not current's: an fd is a capability. */
	if (d->admin && !file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN))
		return -EPERM;
	return d->fn(file, (void __user *)arg);
}
EXPORT_SYMBOL_IF_KUNIT(relq_ioctl_dispatch);

/**
 * relq_create_fetch() - copy in and check a CREATE argument
 * @uarg: the caller's struct
 * @c: out: the kernel copy, the only one used afterwards
 *
 * Context: process context; may fault.
 * Return: 0, -EFAULT, or the errno of relq_validate_create() against the
 * current module parameters.
 */
int relq_create_fetch(const struct relq_create __user *uarg,
		      struct relq_create *c)
{
	int ret;

	ret = relq_copy_from_user(c, uarg, sizeof(*c));
	if (ret)
		return ret;
	return relq_validate_create(c, READ_ONCE(relq_max_capacity),
				    READ_ONCE(relq_max_msg_size));
}
EXPORT_SYMBOL_IF_KUNIT(relq_create_fetch);

static long relq_ioctl_create(struct file *file, void __user *arg)
{
	struct relq_create c;
	int ret;

	ret = relq_create_fetch(arg, &c);
	if (ret)
		return ret;
	return relq_channel_create(&c, arg);
}

static long relq_ioctl_destroy(struct file *file, void __user *arg)
{
	struct relq_destroy d;
	int ret;

	ret = relq_copy_from_user(&d, arg, sizeof(d));
	if (ret)
		return ret;
	if (d.flags || d.reserved)
		return -EINVAL;
	ret = relq_validate_name(d.name, sizeof(d.name));
	if (ret)
		return ret;
	return relq_channel_destroy(d.name);
}

/**
 * relq_list_fetch() - copy in and check a LIST argument
 * @uarg: the caller's struct
 * @l: out: the kernel copy, the only one used afterwards
 *
 * Context: process context; may fault.
 * Return: 0, -EFAULT, or -EINVAL for non-zero flags or reserved fields or
 * a capacity above the max_channels parameter.
 */
int relq_list_fetch(const struct relq_list __user *uarg, struct relq_list *l)
{
	int ret;

	ret = relq_copy_from_user(l, uarg, sizeof(*l));
	if (ret)
		return ret;
	if (l->flags || l->reserved)
		return -EINVAL;
	/* Bounded before any size is computed from it. */
	if (l->capacity > READ_ONCE(relq_max_channels))
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(relq_list_fetch);

static long relq_ioctl_list(struct file *file, void __user *arg)
{
	struct relq_list __user *ulist = arg;
	struct relq_list_entry *entries = NULL;
	struct relq_list l;
	u32 count, n;
	long ret;

	ret = relq_list_fetch(arg, &l);
	if (ret)
		return ret;
	if (l.capacity) {
		/* Sized by the caller: ENOMEM for it, no warning in the log. */
		entries = relq_kvmalloc(array_size(l.capacity, sizeof(*entries)));
		if (!entries)
			return -ENOMEM;
	}
	relq_channel_snapshot(entries, l.capacity, &count);
	n = min(count, l.capacity);
	if (n) {
		ret = relq_copy_to_user(u64_to_user_ptr(l.entries), entries,
					array_size(n, sizeof(*entries)));
		if (ret)
			goto out_free;
	}
	ret = put_user(count, &ulist->count) ? -EFAULT : 0;
out_free:
	kvfree(entries);
	return ret;
}

/* Control commands are admin commands; access modes per the uapi table. */
VISIBLE_IF_KUNIT const struct relq_ioctl_desc relq_control_cmds[] = {
	{ RELQ_IOC_CREATE, sizeof(struct relq_create), FMODE_WRITE, true,
	  relq_ioctl_create },
	{ RELQ_IOC_DESTROY, sizeof(struct relq_destroy), FMODE_WRITE, true,
	  relq_ioctl_destroy },
	{ RELQ_IOC_LIST, sizeof(struct relq_list), FMODE_READ, true,
	  relq_ioctl_list },
};
EXPORT_SYMBOL_IF_KUNIT(relq_control_cmds);
#if IS_ENABLED(CONFIG_KUNIT)
const size_t relq_control_ncmds = ARRAY_SIZE(relq_control_cmds);
EXPORT_SYMBOL_IF_KUNIT(relq_control_ncmds);
#endif

static long relq_control_ioctl(struct file *file, unsigned int cmd,
			       unsigned long arg)
{
	return relq_ioctl_dispatch(relq_control_cmds, ARRAY_SIZE(relq_control_cmds),
				   file, cmd, arg);
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
