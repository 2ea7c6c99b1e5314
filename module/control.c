// SPDX-License-Identifier: GPL-2.0
/*
 * The relq control node, /dev/relq-control: CREATE, DESTROY and LIST.
 *
 * A misc device, mode 0600 root:root by default. It has no read, write,
 * mmap or poll, so the VFS answers those with EINVAL/ENODEV on its own.
 * Open checks no capability (the node's mode decides); every command
 * checks the opener's CAP_SYS_ADMIN, so a node with the same device
 * number made elsewhere still meets the check.
 *
 * This file is the uapi side of the registry: it copies results out to
 * user space, and the registry never sees a user pointer.
 */
#include "relq_internal.h"

#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

/*
 * CREATE reserves the name and the id, tells the caller the id, and only
 * then makes the channel visible: a caller that cannot take the result
 * leaves nothing behind.
 */
static long relq_ioctl_create(struct relq_ucmd *ucmd)
{
	struct relq_create __user *uarg = ucmd->ubuffer;
	struct relq_create *c = ucmd->cmd;
	struct relq_channel *ch;
	int ret;

	ret = relq_validate_create(c, READ_ONCE(relq_max_capacity),
				   READ_ONCE(relq_max_msg_size));
	if (ret)
		return ret;
	ch = relq_channel_reserve(c);
	if (IS_ERR(ch))
		return PTR_ERR(ch);
	if (put_user(ch->id, &uarg->id)) {
		relq_channel_abort(ch);
		return -EFAULT;
	}
	return relq_channel_finalize(ch);
}

static long relq_ioctl_destroy(struct relq_ucmd *ucmd)
{
	struct relq_destroy *d = ucmd->cmd;
	int ret;

	if (d->flags || d->reserved)
		return -EINVAL;
	ret = relq_validate_name(d->name, sizeof(d->name));
	if (ret)
		return ret;
	return relq_channel_destroy(d->name);
}

static long relq_ioctl_list(struct relq_ucmd *ucmd)
{
	struct relq_list __user *ulist = ucmd->ubuffer;
	struct relq_list_entry *entries = NULL;
	struct relq_list *l = ucmd->cmd;
	u32 count, n;
	long ret;

	if (l->flags || l->reserved)
		return -EINVAL;
	/* Bounded before any size is computed from it. */
	if (l->capacity > READ_ONCE(relq_max_channels))
		return -EINVAL;
	if (l->capacity) {
		/* Sized by the caller: ENOMEM for it, no warning in the log. */
		entries = kvmalloc_array(l->capacity, sizeof(*entries),
					 GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
		if (!entries)
			return -ENOMEM;
	}
	relq_channel_snapshot(entries, l->capacity, &count);
	n = min(count, l->capacity);
	if (n && copy_to_user(u64_to_user_ptr(l->entries), entries,
			      array_size(n, sizeof(*entries))))
		ret = -EFAULT;
	else
		ret = put_user(count, &ulist->count) ? -EFAULT : 0;
	kvfree(entries);
	return ret;
}

/* Control commands are admin commands; access modes per the uapi table. */
static const struct relq_ioctl_op relq_control_ops[] = {
	RELQ_IOCTL_OP(RELQ_IOC_CREATE, relq_ioctl_create, struct relq_create,
		      FMODE_WRITE, true),
	RELQ_IOCTL_OP(RELQ_IOC_DESTROY, relq_ioctl_destroy, struct relq_destroy,
		      FMODE_WRITE, true),
	RELQ_IOCTL_OP(RELQ_IOC_LIST, relq_ioctl_list, struct relq_list,
		      FMODE_READ, true),
};

VISIBLE_IF_KUNIT const struct relq_ioctl_table relq_control_cmds = {
	.ops = relq_control_ops,
	.n = ARRAY_SIZE(relq_control_ops),
};
EXPORT_SYMBOL_IF_KUNIT(relq_control_cmds);

static long relq_control_ioctl(struct file *file, unsigned int cmd,
			       unsigned long arg)
{
	return relq_ioctl_dispatch(&relq_control_cmds, file, cmd, arg);
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
