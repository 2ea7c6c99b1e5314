// SPDX-License-Identifier: GPL-2.0
/*
 * An open file on a channel, /dev/relq/<name>: write() sends one message,
 * read() receives one whole message, poll() reports exactly what read and
 * write would do, mmap() maps the read-only status page, and the channel
 * commands INFO, FIONREAD, LINK, UNLINK and DRAIN.
 *
 * This file is the uapi side of a channel: it checks and copies system
 * call arguments and leaves the work to channel.c (and, for LINK, to the
 * registry's link graph). file->private_data is the channel; the file
 * holds a reference on it from open to release.
 */
#include "relq_internal.h"

#include <linux/export.h>
#include <linux/file.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/uaccess.h>

#include <asm/ioctls.h>

/* Open channel files, for the debugfs counters. */
atomic_long_t relq_nr_open = ATOMIC_LONG_INIT(0);

static struct relq_channel *relq_file_channel(struct file *file)
{
	return file->private_data;
}

static ssize_t relq_file_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	return relq_channel_read(relq_file_channel(iocb->ki_filp), iocb, to);
}

static ssize_t relq_file_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	return relq_channel_write(relq_file_channel(iocb->ki_filp), iocb, from);
}

static __poll_t relq_file_poll(struct file *file, poll_table *wait)
{
	struct relq_channel *ch = relq_file_channel(file);

	poll_wait(file, &ch->rwait, wait);
	poll_wait(file, &ch->wwait, wait);
	return relq_channel_poll_mask(ch);
}

/*
 * The status page is mapped at each fault, not inserted once at mmap():
 * after madvise(MADV_DONTNEED) (or anything else that zaps the PTE) the
 * next access simply maps it again. The mapping pins the file, the file
 * the channel, and the channel its page, so the page is always there.
 */
static vm_fault_t relq_status_fault(struct vm_fault *vmf)
{
	struct relq_channel *ch = relq_file_channel(vmf->vma->vm_file);
	struct page *page;

	if (vmf->pgoff)
		return VM_FAULT_SIGBUS;
	page = relq_status_page(ch);
	if (!page)
		return VM_FAULT_OOM;
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct relq_status_vm_ops = {
	.fault = relq_status_fault,
};

static int relq_file_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct relq_channel *ch = relq_file_channel(file);

	if (relq_channel_dead(ch))
		return -ENODEV;
	if (vma->vm_pgoff || vma_pages(vma) != 1)
		return -EINVAL;
	if (vma->vm_flags & (VM_WRITE | VM_EXEC))
		return -EPERM;
	/* Allocated here, so a fault never has to. */
	if (!relq_status_page(ch))
		return -ENOMEM;
	/* Never writable or executable later, never larger. */
	relq_vm_flags_mod(vma, VM_DONTEXPAND | VM_DONTDUMP,
			  VM_MAYWRITE | VM_MAYEXEC);
	vma->vm_ops = &relq_status_vm_ops;
	return 0;
}

/*
 * INFO is size-first and extensible: the size is read once, then the
 * struct once (copy_struct_from_user()), and the kernel copy is checked.
 * A non-zero tail the kernel does not know gets -E2BIG and the kernel's
 * size in the caller's size field. The result is min(caller's size,
 * kernel's size) bytes, nothing beyond.
 */
static long relq_ioctl_info(struct relq_ucmd *ucmd)
{
	struct relq_channel *ch = relq_file_channel(ucmd->file);
	struct relq_info __user *uinfo = ucmd->ubuffer;
	struct relq_info info;
	u32 usize;
	int ret;

	if (relq_channel_dead(ch))
		return -ENODEV;
	/* The size is fetched once; the copy's own size field is ignored. */
	if (get_user(usize, &uinfo->size))
		return -EFAULT;
	if (usize < RELQ_INFO_SIZE_VER0)
		return -EINVAL;
	if (usize > PAGE_SIZE)
		return -E2BIG;
	ret = copy_struct_from_user(&info, sizeof(info), uinfo, usize);
	if (ret == -E2BIG) {
		/* Tell the caller what this kernel understands. */
		if (put_user((u32)sizeof(info), &uinfo->size))
			return -EFAULT;
		return -E2BIG;
	}
	if (ret)
		return ret;
	if (info.flags)
		return -EINVAL;

	relq_channel_info(ch, &info);
	if (copy_to_user(uinfo, &info, min_t(size_t, usize, sizeof(info))))
		return -EFAULT;
	return 0;
}

static long relq_ioctl_fionread(struct relq_ucmd *ucmd)
{
	struct relq_channel *ch = relq_file_channel(ucmd->file);
	int next;

	if (relq_channel_dead(ch))
		return -ENODEV;
	next = relq_channel_next_size(ch);
	return put_user(next, (int __user *)ucmd->ubuffer);
}

/**
 * relq_is_channel_file() - whether @file is an open relq channel
 * @file: any file, or NULL
 *
 * A file's type is its f_op: nothing else about a caller's fd is trusted.
 *
 * Return: true for a relq channel file.
 */
bool relq_is_channel_file(const struct file *file)
{
	return file && file->f_op == &relq_channel_fops;
}
EXPORT_SYMBOL_IF_KUNIT(relq_is_channel_file);

static long relq_ioctl_link(struct relq_ucmd *ucmd)
{
	struct relq_channel *ch = relq_file_channel(ucmd->file);
	struct relq_link *link = ucmd->cmd;
	struct file *lower;
	int ret;

	if (relq_channel_dead(ch))
		return -ENODEV;
	if (link->flags || link->reserved)
		return -EINVAL;
	/* Our own reference to the file, never the fd number. */
	lower = fget(link->fd);
	if (!lower)
		return -EBADF;
	if (!relq_is_channel_file(lower))
		ret = -EINVAL;
	else if (!(lower->f_mode & FMODE_WRITE))
		ret = -EBADF;
	else if (relq_file_channel(lower) == ch)
		ret = -ELOOP;
	else
		ret = relq_channel_link(ch, lower);
	if (ret)
		fput(lower);
	return ret;
}

static long relq_ioctl_unlink(struct relq_ucmd *ucmd)
{
	struct relq_channel *ch = relq_file_channel(ucmd->file);

	if (relq_channel_dead(ch))
		return -ENODEV;
	return relq_channel_unlink(ch);
}

static long relq_ioctl_drain(struct relq_ucmd *ucmd)
{
	struct file *file = ucmd->file;

	return relq_channel_drain(relq_file_channel(file),
				  file->f_flags & O_NONBLOCK);
}

/*
 * INFO and FIONREAD report metadata only: they need no access mode.
 * LINK and UNLINK change where the channel's messages go, and DRAIN waits
 * on behalf of writers: FMODE_WRITE.
 */
static const struct relq_ioctl_op relq_channel_ops[] = {
	RELQ_IOCTL_OP_NOARG(RELQ_IOC_INFO, relq_ioctl_info, 0, false),
	RELQ_IOCTL_OP_NOARG(FIONREAD, relq_ioctl_fionread, 0, false),
	RELQ_IOCTL_OP(RELQ_IOC_LINK, relq_ioctl_link, struct relq_link,
		      FMODE_WRITE, false),
	RELQ_IOCTL_OP_NOARG(RELQ_IOC_UNLINK, relq_ioctl_unlink, FMODE_WRITE, false),
	RELQ_IOCTL_OP_NOARG(RELQ_IOC_DRAIN, relq_ioctl_drain, FMODE_WRITE, false),
};

VISIBLE_IF_KUNIT const struct relq_ioctl_table relq_channel_cmds = {
	.ops = relq_channel_ops,
	.n = ARRAY_SIZE(relq_channel_ops),
};
EXPORT_SYMBOL_IF_KUNIT(relq_channel_cmds);

static long relq_file_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	return relq_ioctl_dispatch(&relq_channel_cmds, file, cmd, arg);
}

static int relq_file_open(struct inode *inode, struct file *file)
{
	struct relq_channel *ch;

	int ret;

	ch = relq_channel_lookup(iminor(inode));
	if (!ch)
		return -ENXIO;
	if (relq_channel_dead(ch)) {
		relq_channel_put(ch);
		return -ENXIO;
	}
	/* Access follows the channel, not the node used to reach it. */
	ret = relq_channel_may_open(ch, file->f_mode);
	if (ret) {
		relq_channel_put(ch);
		return ret;
	}
	file->private_data = ch;
	atomic_long_inc(&relq_nr_open);
	stream_open(inode, file);
	/* read_iter and write_iter honour IOCB_NOWAIT. */
	file->f_mode |= FMODE_NOWAIT;
	return 0;
}

/*
 * Cleanup versus close. .flush runs at every close(2) of an fd on this
 * file, with the closing task's file table as @id, however many fds and
 * references remain: it cancels that owner's RECVs on this file and frees
 * nothing (Windows' IRP_MJ_CLEANUP, though that comes once per file
 * object, at its last handle). Kernel references (io_uring requests,
 * LINK) are dropped with fput() and never flush. .release runs once, when
 * the last reference of any kind goes (IRP_MJ_CLOSE): it drops the
 * channel reference this open took.
 */
static int relq_file_flush(struct file *file, fl_owner_t id)
{
	relq_channel_flush(relq_file_channel(file), file, id);
	return 0;
}

static int relq_file_release(struct inode *inode, struct file *file)
{
	relq_channel_put(relq_file_channel(file));
	atomic_long_dec(&relq_nr_open);
	return 0;
}

const struct file_operations relq_channel_fops = {
	.owner		= THIS_MODULE,
	.open		= relq_file_open,
	.flush		= relq_file_flush,
	.release	= relq_file_release,
	.read_iter	= relq_file_read_iter,
	.write_iter	= relq_file_write_iter,
	.poll		= relq_file_poll,
	.mmap		= relq_file_mmap,
	.unlocked_ioctl	= relq_file_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.uring_cmd	= relq_recv_uring_cmd,
};
EXPORT_SYMBOL_IF_KUNIT(relq_channel_fops);
