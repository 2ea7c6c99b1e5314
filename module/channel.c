// SPDX-License-Identifier: GPL-2.0
/*
 * Channel files, /dev/relq/<name>: write() sends one message, read()
 * receives one whole message, poll() reports exactly what read and write
 * would do, mmap() maps the read-only status page, and INFO/FIONREAD
 * report state.
 *
 * Readers are serialised by rlock and writers by wlock, so each side
 * moves messages in order; the ring's indices and counters change only
 * under the channel spinlock, and no user copy ever happens under it.
 * Waits for a message or for room happen with neither mutex held.
 */
#include "relq_internal.h"

#include <linux/export.h>
#include <linux/file.h>
#include <linux/mm.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <asm/ioctls.h>

#define CREATE_TRACE_POINTS
#include "relq_trace.h"

static struct relq_channel *relq_file_channel(struct file *file)
{
	struct relq_file *rf = file->private_data;

	return rf->ch;
}

/* Lockless state check; DESTROY wakes every waiter after setting it. */
static bool relq_channel_dead(const struct relq_channel *ch)
{
	return READ_ONCE(ch->state) != RELQ_LIVE;
}

/**
 * relq_status_update() - republish the status page
 * @ch: the channel
 *
 * Writes the page under a sequence count kept in the kernel, so nothing
 * is ever read back from the page user space can see. A channel nobody
 * has mapped has no page yet, and this does nothing: the first mmap()
 * publishes the state of that moment.
 *
 * Context: ch->lock held.
 */
void relq_status_update(struct relq_channel *ch)
	__must_hold(&ch->lock)
{
	struct relq_status *st;

	lockdep_assert_held(&ch->lock);
	if (!ch->status)
		return;
	st = page_address(ch->status);
	ch->status_seq++;
	WRITE_ONCE(st->seq, ch->status_seq);
	smp_wmb(); /* odd seq before the fields; pairs with the reader's rmb */
	WRITE_ONCE(st->state, ch->state);
	WRITE_ONCE(st->sent, ch->sent);
	WRITE_ONCE(st->received, ch->received);
	WRITE_ONCE(st->depth, ch->ring.depth);
	WRITE_ONCE(st->bytes, ch->ring.bytes);
	smp_wmb(); /* the fields before the even seq */
	ch->status_seq++;
	WRITE_ONCE(st->seq, ch->status_seq);
}

/*
 * Take a side's mutex. IOCB_NOWAIT callers (io_uring) must not sleep;
 * everyone else waits interruptibly (O_NONBLOCK callers too, like pipes:
 * the holder only copies one message).
 */
static int relq_lock_side(struct mutex *m, const struct kiocb *iocb)
{
	if (iocb->ki_flags & IOCB_NOWAIT)
		return mutex_trylock(m) ? 0 : -EAGAIN;
	if (mutex_lock_interruptible(m))
		return -ERESTARTSYS;
	return 0;
}

static bool relq_nonblock(const struct kiocb *iocb)
{
	return (iocb->ki_flags & IOCB_NOWAIT) ||
	       (iocb->ki_filp->f_flags & O_NONBLOCK);
}

/* Wait conditions: read locklessly, rechecked under the lock. */
static bool relq_readable(const struct relq_channel *ch)
{
	return relq_channel_dead(ch) || READ_ONCE(ch->ring.depth);
}

static bool relq_writable(const struct relq_channel *ch, u32 len)
{
	u32 used = READ_ONCE(ch->ring.used);

	return relq_channel_dead(ch) || relq_rec_size(len) <= ch->ring.size - used;
}

/* Return with rlock held and a message queued, or an error. */
static int relq_wait_message(struct relq_channel *ch, const struct kiocb *iocb)
{
	int ret;
	bool dead, have;

	for (;;) {
		ret = relq_lock_side(&ch->rlock, iocb);
		if (ret)
			return ret;
		scoped_guard(spinlock, &ch->lock) {
			dead = ch->state != RELQ_LIVE;
			have = ch->ring.depth;
		}
		if (!dead && have)
			return 0;
		mutex_unlock(&ch->rlock);
		if (dead)
			return -ENODEV;
		if (relq_nonblock(iocb))
			return -EAGAIN;
		if (wait_event_interruptible(ch->rwait, relq_readable(ch)))
			return -ERESTARTSYS;
	}
}

/* Return with wlock held and room for @len bytes, or an error. */
static int relq_wait_room(struct relq_channel *ch, const struct kiocb *iocb,
			  u32 len)
{
	int ret;
	bool dead, fits;

	for (;;) {
		ret = relq_lock_side(&ch->wlock, iocb);
		if (ret)
			return ret;
		scoped_guard(spinlock, &ch->lock) {
			dead = ch->state != RELQ_LIVE;
			fits = relq_ring_fits(&ch->ring, len);
		}
		if (!dead && fits)
			return 0;
		mutex_unlock(&ch->wlock);
		if (dead)
			return -ENODEV;
		if (relq_nonblock(iocb))
			return -EAGAIN;
		if (wait_event_interruptible(ch->wwait, relq_writable(ch, len)))
			return -ERESTARTSYS;
	}
}

static ssize_t relq_channel_read(struct relq_channel *ch, struct kiocb *iocb,
				 struct iov_iter *to)
{
	size_t count = iov_iter_count(to);
	size_t copied;
	ssize_t ret;
	u32 len, depth;

	if (relq_channel_dead(ch))
		return -ENODEV;
	if (!count)
		return 0;
	ret = relq_wait_message(ch, iocb);
	if (ret)
		return ret;
	/* rlock held: only we consume, so the head record is stable. */
	len = relq_ring_peek_len(&ch->ring);
	if (len > count) {
		ret = -EMSGSIZE;
		goto out_unlock;
	}
	copied = relq_ring_copy_out(&ch->ring, to, len);
	if (copied != len) {
		/* The message stays at the head. */
		iov_iter_revert(to, copied);
		ret = -EFAULT;
		goto out_unlock;
	}
	scoped_guard(spinlock, &ch->lock) {
		relq_ring_consume(&ch->ring);
		ch->received++;
		relq_status_update(ch);
		depth = ch->ring.depth;
	}
	trace_relq_dequeue(ch->id, len, depth);
	ret = len;
out_unlock:
	mutex_unlock(&ch->rlock);
	/*
	 * Skip the wait-queue lock when nobody waits: wq_has_sleeper()'s
	 * barrier pairs with the one a waiter sets between queueing itself
	 * and testing relq_writable() or relq_drained() (or, for poll, with
	 * ch->lock), so a waiter either is seen here or sees the consume.
	 */
	if (ret > 0 && wq_has_sleeper(&ch->wwait))
		wake_up_interruptible_poll(&ch->wwait, EPOLLOUT | EPOLLWRNORM);
	return ret;
}

static ssize_t relq_channel_write(struct relq_channel *ch, struct kiocb *iocb,
				  struct iov_iter *from)
{
	size_t count = iov_iter_count(from);
	size_t copied;
	ssize_t ret;
	u32 depth;

	if (relq_channel_dead(ch))
		return -ENODEV;
	/* A zero-length message would read back as end-of-file: no-op. */
	if (!count)
		return 0;
	if (count > ch->max_msg)
		return -EMSGSIZE;
	ret = relq_wait_room(ch, iocb, count);
	if (ret)
		return ret;
	/* wlock held: only we fill the free space at the tail. */
	copied = relq_ring_copy_in(&ch->ring, from, count);
	if (copied != count) {
		/* Nothing was committed: the record is simply not published. */
		iov_iter_revert(from, copied);
		mutex_unlock(&ch->wlock);
		return -EFAULT;
	}
	scoped_guard(spinlock, &ch->lock) {
		relq_ring_commit(&ch->ring, count);
		ch->sent++;
		relq_status_update(ch);
		depth = ch->ring.depth;
	}
	mutex_unlock(&ch->wlock);
	trace_relq_enqueue(ch->id, count, depth);
	/* As in read: a queued waiter is seen, or it sees the commit. */
	if (wq_has_sleeper(&ch->rwait))
		wake_up_interruptible_poll(&ch->rwait, EPOLLIN | EPOLLRDNORM);
	return count;
}

/*
 * Every read or write request ends in exactly one trace event: cancelled
 * when a signal interrupted its wait, completed otherwise (a message
 * moved, or an errno).
 */
static ssize_t relq_trace_request(const struct relq_channel *ch, bool write,
				  ssize_t ret)
{
	if (ret == -ERESTARTSYS)
		trace_relq_cancel(ch->id, write, ret);
	else
		trace_relq_complete(ch->id, write, ret);
	return ret;
}

static ssize_t relq_channel_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct relq_channel *ch = relq_file_channel(iocb->ki_filp);

	return relq_trace_request(ch, false, relq_channel_read(ch, iocb, to));
}

static ssize_t relq_channel_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct relq_channel *ch = relq_file_channel(iocb->ki_filp);

	return relq_trace_request(ch, true, relq_channel_write(ch, iocb, from));
}

static __poll_t relq_channel_poll(struct file *file, poll_table *wait)
{
	struct relq_channel *ch = relq_file_channel(file);
	bool dead, have, fits;
	__poll_t mask = 0;

	poll_wait(file, &ch->rwait, wait);
	poll_wait(file, &ch->wwait, wait);
	scoped_guard(spinlock, &ch->lock) {
		dead = ch->state != RELQ_LIVE;
		have = ch->ring.depth;
		fits = relq_ring_fits(&ch->ring, ch->max_msg);
	}
	if (dead)
		return EPOLLHUP | EPOLLERR;
	if (have)
		mask |= EPOLLIN | EPOLLRDNORM;
	if (fits)
		mask |= EPOLLOUT | EPOLLWRNORM;
	return mask;
}

/*
 * The status page is allocated at the first mmap() of a channel, so idle
 * channels nobody maps cost no page and their message path skips the
 * update. It is only ever read and set under ch->lock, and it is filled
 * in before the lock is dropped, so no mapper sees it half-written; once
 * set it stays until the channel is freed.
 */
static struct page *relq_status_page(struct relq_channel *ch)
{
	struct page *page, *spare;

	scoped_guard(spinlock, &ch->lock)
		page = ch->status;
	if (page)
		return page;
	spare = relq_alloc_page();
	if (!spare)
		return NULL;
	scoped_guard(spinlock, &ch->lock) {
		if (!ch->status) {
			ch->status = spare;
			spare = NULL;
			relq_status_update(ch);
		}
		page = ch->status;
	}
	if (spare)
		__free_page(spare);
	return page;
}

static int relq_channel_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct relq_channel *ch = relq_file_channel(file);
	struct page *page;

	if (relq_channel_dead(ch))
		return -ENODEV;
	if (vma->vm_pgoff || vma_pages(vma) != 1)
		return -EINVAL;
	if (vma->vm_flags & (VM_WRITE | VM_EXEC))
		return -EPERM;
	page = relq_status_page(ch);
	if (!page)
		return -ENOMEM;
	/* Never writable or executable later, never larger. */
	relq_vm_flags_mod(vma, VM_DONTEXPAND | VM_DONTDUMP,
			  VM_MAYWRITE | VM_MAYEXEC);
	return vm_insert_page(vma, vma->vm_start, page);
}

/**
 * relq_info_fetch() - copy in and check an INFO argument
 * @uinfo: the caller's struct
 * @usize: out: the caller's struct size, read once
 *
 * Reads the size first, then the struct once (copy_struct_from_user()),
 * and checks the kernel copy. On a non-zero unknown tail it writes the
 * kernel's size to the caller's size field.
 *
 * Context: process context; may fault.
 * Return: 0; -EFAULT; -EINVAL for a size below %RELQ_INFO_SIZE_VER0 or
 * non-zero flags; -E2BIG for a size above a page or a non-zero tail.
 */
int relq_info_fetch(struct relq_info __user *uinfo, u32 *usize)
{
	struct relq_info info;
	int ret;

	/* The size is fetched once; the copy's own size field is ignored. */
	if (get_user(*usize, &uinfo->size))
		return -EFAULT;
	if (*usize < RELQ_INFO_SIZE_VER0)
		return -EINVAL;
	if (*usize > PAGE_SIZE)
		return -E2BIG;
	ret = copy_struct_from_user(&info, sizeof(info), uinfo, *usize);
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
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(relq_info_fetch);

/**
 * relq_info_put() - copy an INFO result out
 * @uinfo: the caller's struct
 * @usize: its size, from relq_info_fetch()
 * @info: the result, fully initialised (padding included)
 *
 * Writes min(@usize, kernel size) bytes and nothing beyond.
 *
 * Context: process context; may fault.
 * Return: 0 or -EFAULT.
 */
int relq_info_put(struct relq_info __user *uinfo, u32 usize,
		  const struct relq_info *info)
{
	return relq_copy_to_user(uinfo, info, min_t(size_t, usize, sizeof(*info)));
}
EXPORT_SYMBOL_IF_KUNIT(relq_info_put);

static long relq_ioctl_info(struct file *file, void __user *arg)
{
	struct relq_channel *ch = relq_file_channel(file);
	struct relq_info info;
	u32 usize;
	int ret;

	if (relq_channel_dead(ch))
		return -ENODEV;
	ret = relq_info_fetch(arg, &usize);
	if (ret)
		return ret;

	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	info.id = ch->id;
	info.capacity = ch->capacity;
	info.max_msg = ch->max_msg;
	info.mode = ch->mode;
	strscpy_pad(info.name, ch->name, sizeof(info.name));
	scoped_guard(spinlock, &ch->lock) {
		info.state = ch->state;
		info.depth = ch->ring.depth;
		info.bytes = ch->ring.bytes;
		info.sent = ch->sent;
		info.received = ch->received;
		info.next_size = ch->ring.depth ? relq_ring_peek_len(&ch->ring) : 0;
	}
	return relq_info_put(arg, usize, &info);
}

static long relq_ioctl_fionread(struct file *file, void __user *arg)
{
	struct relq_channel *ch = relq_file_channel(file);
	int next = 0;

	if (relq_channel_dead(ch))
		return -ENODEV;
	scoped_guard(spinlock, &ch->lock)
		if (ch->ring.depth)
			next = relq_ring_peek_len(&ch->ring);
	return put_user(next, (int __user *)arg);
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

static long relq_ioctl_link(struct file *file, void __user *arg)
{
	struct relq_channel *ch = relq_file_channel(file);
	struct relq_link link;
	struct file *lower;
	int ret;

	if (relq_channel_dead(ch))
		return -ENODEV;
	ret = relq_copy_from_user(&link, arg, sizeof(link));
	if (ret)
		return ret;
	if (link.flags || link.reserved)
		return -EINVAL;
	/* Our own reference to the file, never the fd number. */
	lower = fget(link.fd);
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

static long relq_ioctl_unlink(struct file *file, void __user *arg)
{
	struct relq_channel *ch = relq_file_channel(file);

	if (relq_channel_dead(ch))
		return -ENODEV;
	return relq_channel_unlink(ch);
}

/* DRAIN's wait condition, read locklessly and rechecked under the lock. */
static bool relq_drained(const struct relq_channel *ch)
{
	return relq_channel_dead(ch) || !READ_ONCE(ch->ring.depth);
}

/*
 * DRAIN waits until the queue is empty. It is one-at-a-time: the caller
 * is claimed under the lock in the same step that checks for another,
 * so a second concurrent DRAIN gets -EBUSY at once and the first one is
 * never lost or overwritten (the "second IRP of the same type" lesson).
 */
static long relq_ioctl_drain(struct file *file, void __user *arg)
{
	struct relq_channel *ch = relq_file_channel(file);
	bool nonblock = file->f_flags & O_NONBLOCK;
	long ret;

	scoped_guard(spinlock, &ch->lock) {
		if (ch->state != RELQ_LIVE)
			ret = -ENODEV;
		else if (ch->drainer)
			ret = -EBUSY;
		else if (!ch->ring.depth)
			ret = 0;
		else if (nonblock)
			ret = -EAGAIN;
		else
			ret = 1;
		if (ret == 1)
			ch->drainer = true;
	}
	if (ret <= 0)
		return ret;

	ret = wait_event_interruptible(ch->wwait, relq_drained(ch));
	scoped_guard(spinlock, &ch->lock) {
		ch->drainer = false;
		if (!ret && ch->state != RELQ_LIVE)
			ret = -ENODEV;
	}
	return ret;
}

/*
 * INFO and FIONREAD report metadata only: they need no access mode.
 * LINK and UNLINK change where the channel's messages go, and DRAIN waits
 * on behalf of writers: FMODE_WRITE.
 */
VISIBLE_IF_KUNIT const struct relq_ioctl_desc relq_channel_cmds[] = {
	{ RELQ_IOC_INFO, 0, 0, false, relq_ioctl_info },
	{ FIONREAD, sizeof(int), 0, false, relq_ioctl_fionread },
	{ RELQ_IOC_LINK, sizeof(struct relq_link), FMODE_WRITE, false,
	  relq_ioctl_link },
	{ RELQ_IOC_UNLINK, 0, FMODE_WRITE, false, relq_ioctl_unlink },
	{ RELQ_IOC_DRAIN, 0, FMODE_WRITE, false, relq_ioctl_drain },
};
EXPORT_SYMBOL_IF_KUNIT(relq_channel_cmds);
#if IS_ENABLED(CONFIG_KUNIT)
const size_t relq_channel_ncmds = ARRAY_SIZE(relq_channel_cmds);
EXPORT_SYMBOL_IF_KUNIT(relq_channel_ncmds);
#endif

static long relq_channel_ioctl(struct file *file, unsigned int cmd,
			       unsigned long arg)
{
	return relq_ioctl_dispatch(relq_channel_cmds, ARRAY_SIZE(relq_channel_cmds),
				   file, cmd, arg);
}

static int relq_channel_open(struct inode *inode, struct file *file)
{
	struct relq_channel *ch;
	struct relq_file *rf;

	ch = relq_channel_lookup(iminor(inode));
	if (!ch)
		return -ENXIO;
	if (relq_channel_dead(ch)) {
		relq_channel_put(ch);
		return -ENXIO;
	}
	rf = relq_kzalloc(sizeof(*rf));
	if (!rf) {
		relq_channel_put(ch);
		return -ENOMEM;
	}
	rf->ch = ch;
	file->private_data = rf;
	atomic_long_inc(&relq_nr_open);
	stream_open(inode, file);
	/* read_iter and write_iter honour IOCB_NOWAIT. */
	file->f_mode |= FMODE_NOWAIT;
	return 0;
}

static int relq_channel_release(struct inode *inode, struct file *file)
{
	struct relq_file *rf = file->private_data;

	relq_channel_put(rf->ch);
	kfree(rf);
	atomic_long_dec(&relq_nr_open);
	return 0;
}

const struct file_operations relq_channel_fops = {
	.owner		= THIS_MODULE,
	.open		= relq_channel_open,
	.release	= relq_channel_release,
	.read_iter	= relq_channel_read_iter,
	.write_iter	= relq_channel_write_iter,
	.poll		= relq_channel_poll,
	.mmap		= relq_channel_mmap,
	.unlocked_ioctl	= relq_channel_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};
EXPORT_SYMBOL_IF_KUNIT(relq_channel_fops);
