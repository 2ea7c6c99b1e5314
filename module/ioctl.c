// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctl dispatcher that both relq file kinds share: the control node
 * and channel files each pass their own table of struct relq_ioctl_op.
 *
 * A command reaches its handler only if its whole 32-bit number is in the
 * table (so a wrong size or direction reaches nothing), the fd was opened
 * with the access mode it needs and the opener has the privilege it
 * needs. The dispatcher then copies the argument in once, with the size
 * the table gives, and the handler works on that kernel copy only.
 */
#include "relq_internal.h"

#include <linux/capability.h>
#include <linux/export.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>

/**
 * relq_ioctl_dispatch() - run one ioctl against a command table
 * @table: the file kind's commands
 * @file: the open file
 * @cmd: the full 32-bit command
 * @arg: the argument, a user pointer for every relq command
 *
 * Context: process context; may sleep.
 * Return: the handler's result, -ENOTTY for a command not in @table,
 * -EBADF for a missing access mode, -EPERM for a missing privilege,
 * -EFAULT if the argument cannot be read.
 */
long relq_ioctl_dispatch(const struct relq_ioctl_table *table,
			 struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	const struct relq_ioctl_op *op = NULL;
	union relq_ioctl_buffer buf;
	struct relq_ucmd ucmd = {
		.file = file,
		.ubuffer = (void __user *)arg,
	};
	size_t i;

	for (i = 0; i < table->n; i++) {
		if (table->ops[i].cmd == cmd) {
			op = &table->ops[i];
			break;
		}
	}
	if (!op)
		return -ENOTTY;
	if ((file->f_mode & op->fmode) != op->fmode)
		return -EBADF;
	/* The opener's credentials, not current's: an fd is a capability. */
	if (op->admin && !file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN))
		return -EPERM;
	if (op->size) {
		if (copy_from_user(&buf, ucmd.ubuffer, op->size))
			return -EFAULT;
		ucmd.cmd = &buf;
	}
	return op->execute(&ucmd);
}
EXPORT_SYMBOL_IF_KUNIT(relq_ioctl_dispatch);
