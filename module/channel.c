// SPDX-License-Identifier: GPL-2.0
/*
 * A channel: its lifetime, its state machine, its message path and its
 * status page. file.c turns system calls on an open channel file into
 * these calls; registry.c names channels and gives them devices.
 *
 * Lifetime: &struct relq_channel.ref counts the registry (until DESTROY)
 * and every open file. The last relq_channel_put() drops the channel's
 * device reference; the device's release (once the cdev of the files
 * being torn down lets go too) calls relq_channel_free(), which frees the
 * channel after an RCU grace period, because registry lookups at open run
 * under RCU.
 *
 * Readers are serialised by rlock and writers by wlock, so each side
 * moves messages in order; the ring's indices and counters change only
 * under the channel spinlock, and no user copy ever happens under it.
 * Waits for a message or for room happen with neither mutex held.
 */
#include "relq_internal.h"

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/export.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>

#define CREATE_TRACE_POINTS
#include "relq_trace.h"

/* Tasks asleep in a read, write or DRAIN wait, for the debugfs counters. */
atomic_long_t relq_nr_waiting = ATOMIC_LONG_INIT(0);
/* RECVs pended and not yet completed, for the debugfs counters. */
atomic_long_t relq_nr_pended = ATOMIC_LONG_INIT(0);
/* Channel objects allocated and not yet freed (debugfs "channel_objects"). */
atomic_long_t relq_nr_channel_objects = ATOMIC_LONG_INIT(0);
EXPORT_SYMBOL_IF_KUNIT(relq_nr_channel_objects);

/**
 * relq_channel_recv_kick() - announce a queued message to a pended RECV
 * @ch: the channel
 *
 * Takes the oldest pended RECV (ACTIVE) and lets it try, in its
 * submitter's context (recv.c). If another reader gets the message
 * first, the RECV goes back to the head of the queue.
 *
 * Context: any but hard IRQ; takes the queue's lock.
 */
void relq_channel_recv_kick(struct relq_channel *ch)
{
	struct relq_req *r;

	if (relq_csq_empty(&ch->recvq) || !READ_ONCE(ch->ring.depth))
		return;
	r = relq_csq_remove_next(&ch->recvq, NULL);
	if (r)
		r->notify(r);
}

/* DEAD: no RECV may stay pended; each is told, and completes -ENODEV. */
static void relq_recv_close(struct relq_channel *ch)
{
	struct relq_req *r, *tmp;
	LIST_HEAD(closed);

	relq_csq_close(&ch->recvq, &closed);
	list_for_each_entry_safe(r, tmp, &closed, node) {
		list_del_init(&r->node);
		r->notify(r);
	}
}

/**
 * relq_channel_flush() - cancel one owner's pended RECVs on one file
 * @ch: the channel
 * @file: the file being closed
 * @owner: the closing task's file table (.flush's fl_owner_t)
 *
 * Each RECV of @owner pended on @file completes with -ECANCELED, in its
 * submitter's context; nothing else changes: other owners' RECVs, blocked
 * reads, writes and DRAINs, the channel and the file itself are left as
 * they were. This is the cleanup half of close (IRP_MJ_CLEANUP); the
 * release half frees (relq_file_release()).
 *
 * Context: process context (a close); takes the queue's lock.
 * Return: the number of RECVs cancelled.
 */
unsigned int relq_channel_flush(struct relq_channel *ch, struct file *file,
				fl_owner_t owner)
{
	struct relq_req *r, *tmp;
	LIST_HEAD(flushed);
	unsigned int n;

	n = relq_csq_flush(&ch->recvq, file, owner, &flushed);
	list_for_each_entry_safe(r, tmp, &flushed, node) {
		list_del_init(&r->node);
		r->notify(r);
	}
	trace_relq_flush(ch->id, n);
	return n;
}

/**
 * relq_channel_alloc() - allocate a channel and its ring
 * @c: a CREATE argument, checked by relq_validate_create()
 *
 * The channel starts LIVE with one reference and no device; the caller
 * initialises the device (registry.c), after which put_device() frees it.
 *
 * Context: process context; may sleep.
 * Return: the channel, or NULL when memory is short.
 */
struct relq_channel *relq_channel_alloc(const struct relq_create *c)
{
	struct relq_channel *ch;

	KUNIT_STATIC_STUB_REDIRECT(relq_channel_alloc, c);
	ch = kzalloc(sizeof(*ch), GFP_KERNEL_ACCOUNT);
	if (!ch)
		return NULL;
	if (relq_ring_alloc(&ch->ring, c->capacity)) {
		kfree(ch);
		return NULL;
	}
	kref_init(&ch->ref);
	relq_name_copy(ch->name, sizeof(ch->name), c->name);
	ch->capacity = c->capacity;
	ch->max_msg = c->max_msg;
	ch->mode = (c->flags & RELQ_CREATE_MODE) ? c->mode : 0600;
	ch->explicit_access = c->flags & RELQ_CREATE_FLAGS;
	INIT_LIST_HEAD(&ch->node);
	mutex_init(&ch->rlock);
	mutex_init(&ch->wlock);
	spin_lock_init(&ch->lock);
	init_waitqueue_head(&ch->rwait);
	init_waitqueue_head(&ch->wwait);
	relq_csq_init(&ch->recvq);
	ch->state = RELQ_LIVE;
	atomic_long_inc(&relq_nr_channel_objects);
	/* The status page comes at the first mmap(). */
	return ch;
}
EXPORT_SYMBOL_IF_KUNIT(relq_channel_alloc);

/**
 * relq_channel_free() - free a channel, its ring and its status page
 * @ch: a channel whose device reference is gone
 *
 * Context: any; the memory goes after an RCU grace period.
 */
void relq_channel_free(struct relq_channel *ch)
{
	relq_ring_free(&ch->ring);
	if (ch->status)
		__free_page(ch->status);
	atomic_long_dec(&relq_nr_channel_objects);
	/* RCU readers of the registry may still be looking at it. */
	kfree_rcu(ch, rcu);
}
EXPORT_SYMBOL_IF_KUNIT(relq_channel_free);

static void relq_channel_last_put(struct kref *ref)
{
	struct relq_channel *ch = container_of(ref, struct relq_channel, ref);

	put_device(&ch->dev);
}

/**
 * relq_channel_put() - drop a reference on a channel
 * @ch: the channel
 *
 * Context: process context.
 */
void relq_channel_put(struct relq_channel *ch)
{
	kref_put(&ch->ref, relq_channel_last_put);
}
EXPORT_SYMBOL_IF_KUNIT(relq_channel_put);

/**
 * relq_state_transition() - check one step of the channel state machine
 * @from: the current state
 * @to: the requested state
 *
 * The only transitions are LIVE -> DYING (DESTROY unpublishes) and
 * DYING -> DEAD (the node is gone and waiters are woken).
 *
 * Return: 0 if the transition is allowed, -EINVAL otherwise.
 */
int relq_state_transition(enum relq_state from, enum relq_state to)
{
	if ((from == RELQ_LIVE && to == RELQ_DYING) ||
	    (from == RELQ_DYING && to == RELQ_DEAD))
		return 0;
	return -EINVAL;
}
EXPORT_SYMBOL_IF_KUNIT(relq_state_transition);

/*
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
static void relq_status_update(struct relq_channel *ch)
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

/**
 * relq_channel_set_state() - move a channel one step through its states
 * @ch: the channel
 * @to: %RELQ_DYING or %RELQ_DEAD, the next state
 *
 * Entering %RELQ_DEAD wakes every reader, writer, poller and DRAIN
 * caller; each then returns -ENODEV (poll: EPOLLHUP).
 *
 * Context: process context; takes ch->lock.
 */
void relq_channel_set_state(struct relq_channel *ch, enum relq_state to)
{
	scoped_guard(spinlock, &ch->lock) {
		/* Only DESTROY moves a channel, once: no user action can fail this. */
		if (WARN_ON_ONCE(relq_state_transition(ch->state, to)))
			return;
		WRITE_ONCE(ch->state, to);
		relq_status_update(ch);
	}
	if (to == RELQ_DEAD) {
		wake_up_interruptible_all(&ch->rwait);
		wake_up_interruptible_all(&ch->wwait);
		relq_recv_close(ch);
	}
}
EXPORT_SYMBOL_IF_KUNIT(relq_channel_set_state);

/**
 * relq_channel_policy() - who may open a channel
 * @ch: the channel
 * @uid: out: the owner
 * @gid: out: the group
 * @mode: out: the permission bits
 *
 * What CREATE gave the channel; for a channel created without explicit
 * access, root:root 0600, or 0660 for the group in the default_group
 * parameter when one is set (the group relq's udev rule grants). The
 * channel's node gets these at creation, and every open is checked
 * against them again by relq_channel_may_open().
 */
void relq_channel_policy(const struct relq_channel *ch, kuid_t *uid,
			 kgid_t *gid, umode_t *mode)
{
	int group = READ_ONCE(relq_default_group);

	*uid = ch->uid;
	*gid = ch->gid;
	*mode = ch->mode;
	if (!ch->explicit_access && group >= 0) {
		*gid = make_kgid(&init_user_ns, group);
		*mode = 0660;
	}
}

/**
 * relq_channel_may_open() - check an opener against the channel's policy
 * @ch: the channel
 * @fmode: the open's %FMODE_READ and %FMODE_WRITE
 *
 * The VFS checked the node the open came through, but any node with the
 * channel's device number reaches the channel: a copy made with mknod, a
 * node bind-mounted into a container, a stale node kept after DESTROY
 * whose minor a new channel now has. Access must follow the channel
 * (Windows' FILE_DEVICE_SECURE_OPEN), so the opener's fsuid and groups are
 * checked against relq_channel_policy() like a file's mode bits, with
 * %CAP_DAC_OVERRIDE in the initial user namespace passing as it does for
 * the node.
 *
 * Context: process context (the opener's credentials).
 * Return: 0 or -EACCES.
 */
int relq_channel_may_open(const struct relq_channel *ch, fmode_t fmode)
{
	unsigned int want = 0, bits;
	umode_t mode;
	kuid_t uid;
	kgid_t gid;

	if (fmode & FMODE_READ)
		want |= 04;
	if (fmode & FMODE_WRITE)
		want |= 02;
	relq_channel_policy(ch, &uid, &gid, &mode);
	if (uid_eq(current_fsuid(), uid))
		bits = mode >> 6;
	else if (in_group_p(gid))
		bits = mode >> 3;
	else
		bits = mode;
	if (!(want & ~bits & 07) || capable(CAP_DAC_OVERRIDE))
		return 0;
	return -EACCES;
}

/**
 * relq_channel_dead() - whether a channel no longer carries messages
 * @ch: the channel
 *
 * Lockless: DESTROY wakes every waiter after setting the state, and each
 * waiter re-checks under the lock.
 *
 * Return: true once DESTROY has started on @ch.
 */
bool relq_channel_dead(const struct relq_channel *ch)
{
	return READ_ONCE(ch->state) != RELQ_LIVE;
}

static bool relq_nonblock(const struct kiocb *iocb)
{
	return (iocb->ki_flags & IOCB_NOWAIT) ||
	       (iocb->ki_filp->f_flags & O_NONBLOCK);
}

/*
 * Take a side's mutex. Its holder copies one message from or to user
 * memory, and that copy can stall without bound (a page fault served by
 * userfaultfd or FUSE), so non-blocking callers (O_NONBLOCK, IOCB_NOWAIT)
 * never wait for it: -EAGAIN. Pipes do wait there; relq does not.
 * Everyone else waits interruptibly.
 */
static int relq_lock_side(struct mutex *m, const struct kiocb *iocb)
{
	if (relq_nonblock(iocb))
		return mutex_trylock(m) ? 0 : -EAGAIN;
	if (mutex_lock_interruptible(m))
		return -ERESTARTSYS;
	return 0;
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
		/* Exclusive: one message wakes one reader (see relq_pass_on()). */
		atomic_long_inc(&relq_nr_waiting);
		ret = wait_event_interruptible_exclusive(ch->rwait,
							 relq_readable(ch));
		atomic_long_dec(&relq_nr_waiting);
		if (ret)
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
		atomic_long_inc(&relq_nr_waiting);
		ret = wait_event_interruptible(ch->wwait, relq_writable(ch, len));
		atomic_long_dec(&relq_nr_waiting);
		if (ret)
			return -ERESTARTSYS;
	}
}

/*
 * A reader that leaves without a message (a signal, EMSGSIZE, EFAULT,
 * EAGAIN behind another reader) may have been the one exclusive waiter a
 * write woke: pass that wake-up on while a message remains, so no reader
 * sleeps beside a queued message. A spurious wake-up costs one re-check.
 */
static void relq_pass_on(struct relq_channel *ch)
{
	if (READ_ONCE(ch->ring.depth) && wq_has_sleeper(&ch->rwait))
		wake_up_interruptible_poll(&ch->rwait, EPOLLIN | EPOLLRDNORM);
	relq_channel_recv_kick(ch);
}

static ssize_t relq_channel_do_read(struct relq_channel *ch, struct kiocb *iocb,
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
	if (ret) {
		relq_pass_on(ch);
		return ret;
	}
	/* rlock held: only we consume, so the head record is stable. */
	relq_hook(RELQ_HOOK_READ_ACTIVE);
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
	/*
	 * A RECV that found rlock taken went back to wait: the message that
	 * remains after ours is announced again now that rlock is free.
	 */
	if (ret > 0)
		relq_channel_recv_kick(ch);
	else
		relq_pass_on(ch);
	return ret;
}

static ssize_t relq_channel_do_write(struct relq_channel *ch, struct kiocb *iocb,
				     struct iov_iter *from)
{
	size_t count = iov_iter_count(from);
	size_t copied;
	ssize_t ret;
	bool live;
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
	/*
	 * The commit is the write's linearisation point: a message is queued
	 * only on a channel that is still LIVE under ch->lock. One DESTROY
	 * made dead during the copy gets nothing, so a write never succeeds
	 * with a message that nobody can read.
	 */
	scoped_guard(spinlock, &ch->lock) {
		live = ch->state == RELQ_LIVE;
		if (live) {
			relq_ring_commit(&ch->ring, count);
			ch->sent++;
			relq_status_update(ch);
		}
		depth = ch->ring.depth;
	}
	mutex_unlock(&ch->wlock);
	if (!live) {
		iov_iter_revert(from, count);
		return -ENODEV;
	}
	trace_relq_enqueue(ch->id, count, depth);
	/* As in read: a queued waiter is seen, or it sees the commit. */
	if (wq_has_sleeper(&ch->rwait))
		wake_up_interruptible_poll(&ch->rwait, EPOLLIN | EPOLLRDNORM);
	relq_channel_recv_kick(ch);
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

/**
 * relq_channel_read() - receive the oldest message into @to
 * @ch: the channel
 * @iocb: the request; IOCB_NOWAIT and O_NONBLOCK make it non-blocking
 * @to: the caller's buffer
 *
 * Context: process context; may sleep (interruptibly).
 * Return: the message's length; 0 for an empty buffer; -EMSGSIZE if the
 * buffer is too small (the message stays); -EFAULT (the message stays);
 * -EAGAIN; -ENODEV; -ERESTARTSYS.
 */
ssize_t relq_channel_read(struct relq_channel *ch, struct kiocb *iocb,
			  struct iov_iter *to)
{
	return relq_trace_request(ch, false, relq_channel_do_read(ch, iocb, to));
}
EXPORT_SYMBOL_IF_KUNIT(relq_channel_read);

/* The file @ch forwards to, with a reference of the caller's own, or NULL. */
static struct file *relq_channel_get_lower(struct relq_channel *ch)
{
	struct file *lower;

	/* Unlinked, the common case: no lock on the message path. */
	if (!READ_ONCE(ch->lower_file))
		return NULL;
	spin_lock(&ch->lock);
	lower = ch->lower_file;
	if (lower)
		get_file(lower);
	spin_unlock(&ch->lock);
	return lower;
}

/**
 * relq_channel_forward() - pass one message on to the lower channel
 * @ch: the upper (linked) channel
 * @lower: the file LINK holds, pinned by the caller for the call
 * @iocb: the caller's request: only its non-blocking intent is carried
 * @from: the message
 *
 * A write on a linked channel is a pass-through (the IRP a filter driver
 * sends down with IoCallDriver()): it goes to the lower channel through
 * the VFS, vfs_iocb_iter_write() on the held file with a kiocb of its
 * own, as a write(2) on that file would, and the upper keeps no copy. No
 * relq lock is held across the call, so a full lower blocks this writer
 * only, interruptibly, and UNLINK or DESTROY may run meanwhile (@lower
 * stays pinned). A lower that is itself linked forwards again, at most
 * %RELQ_MAX_STACK_DEPTH deep.
 *
 * Context: process context; may sleep (interruptibly).
 * Return: the message's length once the lower channel queued it; 0 for
 * an empty message; -EMSGSIZE above either channel's max_msg; -EPIPE if
 * the lower channel is gone; its -EAGAIN, -EFAULT or -ERESTARTSYS. On
 * failure nothing is queued anywhere and @from is as the caller gave it.
 */
ssize_t relq_channel_forward(struct relq_channel *ch, struct file *lower,
			     const struct kiocb *iocb, struct iov_iter *from)
{
	size_t count = iov_iter_count(from);
	struct kiocb kiocb;
	ssize_t ret;

	if (relq_channel_dead(ch))
		return -ENODEV;
	if (!count)
		return 0;
	if (count > ch->max_msg)
		return -EMSGSIZE;
	init_sync_kiocb(&kiocb, lower);
	if (relq_nonblock(iocb))
		kiocb.ki_flags |= IOCB_NOWAIT;
	ret = vfs_iocb_iter_write(lower, &kiocb, from);
	if (ret < 0) {
		/* Nothing went anywhere: the caller gets its bytes back. */
		iov_iter_revert(from, count - iov_iter_count(from));
		/* The lower channel was destroyed: a broken link, as a pipe's. */
		if (ret == -ENODEV)
			ret = -EPIPE;
	} else if (ret > 0) {
		scoped_guard(spinlock, &ch->lock) {
			ch->sent++;
			ch->forwarded++;
			relq_status_update(ch);
		}
	}
	trace_relq_forward(ch->id, relq_is_channel_file(lower) ?
			   ((struct relq_channel *)lower->private_data)->id : 0, ret);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(relq_channel_forward);

/**
 * relq_channel_write() - send @from as one message
 * @ch: the channel
 * @iocb: the request; IOCB_NOWAIT and O_NONBLOCK make it non-blocking
 * @from: the message
 *
 * A linked channel forwards the message (relq_channel_forward()) and
 * queues nothing itself.
 *
 * Context: process context; may sleep (interruptibly).
 * Return: the message's length, once queued; 0 for an empty message
 * (nothing is queued); -EMSGSIZE above max_msg; -EFAULT (nothing is
 * queued); -EAGAIN; -ENODEV; -EPIPE (linked, and the lower channel is
 * gone); -ERESTARTSYS.
 */
ssize_t relq_channel_write(struct relq_channel *ch, struct kiocb *iocb,
			   struct iov_iter *from)
{
	struct file *lower = relq_channel_get_lower(ch);
	ssize_t ret;

	if (!lower)
		return relq_trace_request(ch, true, relq_channel_do_write(ch, iocb, from));
	ret = relq_channel_forward(ch, lower, iocb, from);
	fput(lower);
	return relq_trace_request(ch, true, ret);
}
EXPORT_SYMBOL_IF_KUNIT(relq_channel_write);

/**
 * relq_channel_poll_mask() - what read and write would do now
 * @ch: the channel
 *
 * Context: any but hard IRQ; takes ch->lock.
 * Return: EPOLLHUP | EPOLLERR once dead; otherwise EPOLLIN with a message
 * queued and EPOLLOUT with room for a message of max_msg bytes.
 */
__poll_t relq_channel_poll_mask(struct relq_channel *ch)
{
	bool dead, have, fits;
	__poll_t mask = 0;

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
/**
 * relq_status_page() - the channel's status page, allocated on first use
 * @ch: the channel
 *
 * Context: process context; may sleep.
 * Return: the page (it lives as long as the channel), or NULL.
 */
struct page *relq_status_page(struct relq_channel *ch)
{
	struct page *page, *spare;

	scoped_guard(spinlock, &ch->lock)
		page = ch->status;
	if (page)
		return page;
	spare = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
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

/**
 * relq_channel_info() - a consistent snapshot of a channel for INFO
 * @ch: the channel
 * @info: out: every field of the current version, padding zeroed
 *
 * Context: any but hard IRQ; takes ch->lock.
 */
void relq_channel_info(struct relq_channel *ch, struct relq_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	info->id = ch->id;
	info->capacity = ch->capacity;
	info->max_msg = ch->max_msg;
	info->mode = ch->mode;
	relq_name_copy(info->name, sizeof(info->name), ch->name);
	scoped_guard(spinlock, &ch->lock) {
		info->state = ch->state;
		info->depth = ch->ring.depth;
		info->bytes = ch->ring.bytes;
		info->sent = ch->sent;
		info->received = ch->received;
		info->next_size = ch->ring.depth ? relq_ring_peek_len(&ch->ring) : 0;
		info->forwarded = ch->forwarded;
		/* LINK's reference keeps the lower file and its channel. */
		if (ch->lower_file) {
			const struct relq_channel *lo = ch->lower_file->private_data;

			info->link_flags = RELQ_INFO_LINKED;
			info->lower_id = lo->id;
		}
	}
}

/**
 * relq_channel_next_size() - length of the oldest message, for FIONREAD
 * @ch: the channel
 *
 * Context: any but hard IRQ; takes ch->lock.
 * Return: its payload length, or 0 with no message queued.
 */
u32 relq_channel_next_size(struct relq_channel *ch)
{
	u32 next = 0;

	scoped_guard(spinlock, &ch->lock)
		if (ch->ring.depth)
			next = relq_ring_peek_len(&ch->ring);
	return next;
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
/**
 * relq_channel_drain() - wait until @ch holds no message
 * @ch: the channel
 * @nonblock: return -EAGAIN instead of waiting
 *
 * Context: process context; may sleep (interruptibly).
 * Return: 0 once empty; -ENODEV if the channel is or becomes dead;
 * -EBUSY if another DRAIN waits; -EAGAIN; -ERESTARTSYS on a signal.
 */
long relq_channel_drain(struct relq_channel *ch, bool nonblock)
{
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

	atomic_long_inc(&relq_nr_waiting);
	ret = wait_event_interruptible(ch->wwait, relq_drained(ch));
	atomic_long_dec(&relq_nr_waiting);
	scoped_guard(spinlock, &ch->lock) {
		ch->drainer = false;
		if (!ret && ch->state != RELQ_LIVE)
			ret = -ENODEV;
	}
	return ret;
}

