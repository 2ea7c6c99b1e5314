// SPDX-License-Identifier: GPL-2.0
/*
 * relq_pitfalls - the pitfall gallery: each reliability guideline's wrong
 * version, for the kernel's detectors to catch.
 *
 * Microsoft ships deliberately broken drivers for Driver Verifier to
 * catch; Linux has LKDTM. This module is relq's counterpart: every
 * pitfall is a minimal wrong copy of one relq code path, and the comment
 * above it names the relq function that does it right. A checker that
 * stays silent proves nothing until it has been seen catching the bug it
 * is for; selftests/relq/relq_pitfalls_test.c triggers each pitfall and
 * passes only when the expected detector reports it.
 *
 * Writing a pitfall's name to the root-only debugfs file
 * /sys/kernel/debug/relq_pitfalls/DIRECT runs it (the in-kernel ones) or
 * arms it (the ones a user-space caller drives through the two nodes,
 * /dev/relq-pitfalls and /dev/relq-pitfalls-channel). A node operation
 * whose pitfall is not armed fails with EPERM, so the wrong code runs
 * only when root asked for it.
 *
 * Test build only: built against relq's debug and kcsan kernels, never
 * installed, loaded only by its test, and it taints the kernel (N).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/kthread.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "relq_pitfalls_internal.h"

/* The armed pitfall (enum pit_id), PIT_NONE for none. */
static atomic_t pit_armed_id = ATOMIC_INIT(PIT_NONE);

static bool pit_armed(enum pit_id id)
{
	return atomic_read(&pit_armed_id) == id;
}

static struct page *pit_status_page;
static atomic_t pit_next_id = ATOMIC_INIT(1);

static const struct file_operations pit_fops;
static struct miscdevice pit_control_dev;

/* ------------------------------------------------------------------------
 * The nodes: one file_operations for a control and a channel node.
 */

static int pit_open(struct inode *inode, struct file *file)
{
	struct miscdevice *misc = file->private_data;
	struct pit_channel *ch;
	struct pit_ctx *ctx;

	if (misc == &pit_control_dev) {
		ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
		if (!ctx)
			return -ENOMEM;
		ctx->kind = PIT_KIND_CONTROL;
		file->private_data = ctx;
		return 0;
	}
	/* --- OPEN_LEAKS_ON_ERROR --- */
	ch = kzalloc(sizeof(*ch), GFP_KERNEL);
	if (!ch)
		return -ENOMEM;
	if (pit_armed(PIT_OPEN_LEAKS_ON_ERROR)) {
		/*
		 * Wrong: the second allocation's error path returns without
		 * freeing the first. relq_file_open() unwinds everything it
		 * took before it fails.
		 */
		ch->scratch = kmalloc(64, GFP_KERNEL);
		if (!ch->scratch)
			return -ENOMEM;
		ch->scratch_len = 64;
	}
	/* --- end OPEN_LEAKS_ON_ERROR --- */
	ch->ctx.kind = PIT_KIND_CHANNEL;
	ch->id = atomic_inc_return(&pit_next_id);
	spin_lock_init(&ch->lock);
	init_waitqueue_head(&ch->wq);
	file->private_data = ch;
	return 0;
}

static int pit_release(struct inode *inode, struct file *file)
{
	struct pit_ctx *ctx = file->private_data;

	if (ctx->kind == PIT_KIND_CHANNEL)
		kfree(((struct pit_channel *)ctx)->scratch);
	kfree(ctx);
	return 0;
}

/* --- FREE_IN_FLUSH --- */
/*
 * Wrong: .flush runs at every close(), also of one of several fds that
 * share the open file (dup(), fork(), SCM_RIGHTS), so the per-open state
 * is freed while the other fds still reach it. relq_file_flush() only
 * cancels the closer's own requests; relq_file_release() frees.
 */
static noinline int pit_flush(struct file *file, fl_owner_t id)
{
	if (pit_armed(PIT_FREE_IN_FLUSH))
		kfree(file->private_data);
	return 0;
}

/* --- end FREE_IN_FLUSH --- */

static struct pit_channel *pit_channel_of(struct file *file)
{
	struct pit_ctx *ctx = file->private_data;

	return ctx->kind == PIT_KIND_CHANNEL ?
	       container_of(ctx, struct pit_channel, ctx) : NULL;
}

static ssize_t pit_write(struct file *file, const char __user *buf,
			 size_t len, loff_t *ppos)
{
	struct pit_channel *ch = pit_channel_of(file);
	char msg[PIT_MSG_MAX];

	if (!ch)
		return -EINVAL;
	len = min(len, sizeof(msg));
	if (copy_from_user(msg, buf, len))
		return -EFAULT;
	spin_lock(&ch->lock);
	memcpy(ch->msg, msg, len);
	ch->len = len;
	ch->nr = 1;
	ch->bytes += len;
	spin_unlock(&ch->lock);
	wake_up(&ch->wq);
	return len;
}

/* --- COPY_UNDER_SPINLOCK --- */
/*
 * Wrong: copy_to_user() may fault and sleep, and a spinlock is held.
 * relq_channel_do_read() copies out holding only the reader mutex.
 */
static noinline ssize_t pit_read_under_spinlock(struct pit_channel *ch,
						char __user *buf, size_t len)
{
	ssize_t ret;

	spin_lock(&ch->lock);
	len = min_t(size_t, len, ch->len);
	ret = copy_to_user(buf, ch->msg, len) ? -EFAULT : len;
	spin_unlock(&ch->lock);
	return ret;
}

/* --- end COPY_UNDER_SPINLOCK --- */

/* --- UNINTERRUPTIBLE_READ --- */
/*
 * Wrong: the reader sleeps uninterruptibly until a writer comes, so
 * neither a signal nor the hung-task detector's report frees it.
 * relq_wait_message() waits interruptibly and returns -EINTR.
 */
static noinline ssize_t pit_read_uninterruptible(struct pit_channel *ch,
						 char __user *buf, size_t len)
{
	char msg[PIT_MSG_MAX];

	wait_event(ch->wq, READ_ONCE(ch->nr));
	spin_lock(&ch->lock);
	len = min_t(size_t, len, ch->len);
	memcpy(msg, ch->msg, len);
	ch->nr = 0;
	spin_unlock(&ch->lock);
	return copy_to_user(buf, msg, len) ? -EFAULT : len;
}

/* --- end UNINTERRUPTIBLE_READ --- */

static ssize_t pit_read(struct file *file, char __user *buf, size_t len,
			loff_t *ppos)
{
	struct pit_channel *ch;

	if (pit_armed(PIT_FREE_IN_FLUSH)) {
		/* After FREE_IN_FLUSH's close(), this reads freed memory. */
		ch = file->private_data;
		return READ_ONCE(ch->len);
	}
	ch = pit_channel_of(file);
	if (!ch)
		return -EINVAL;
	if (pit_armed(PIT_COPY_UNDER_SPINLOCK))
		return pit_read_under_spinlock(ch, buf, len);
	if (pit_armed(PIT_UNINTERRUPTIBLE_READ))
		return pit_read_uninterruptible(ch, buf, len);
	return -EPERM;
}

/* --- MMAP_KEEPS_MAYWRITE --- */
/*
 * Wrong: a shared writable mapping is refused, but VM_MAYWRITE stays
 * set, so a read-only private mapping becomes writable by mprotect().
 * relq_file_mmap() clears VM_MAYWRITE and VM_MAYEXEC.
 */
static noinline int pit_mmap(struct file *file, struct vm_area_struct *vma)
{
	if (!pit_armed(PIT_MMAP_KEEPS_MAYWRITE))
		return -EPERM;
	if (vma->vm_pgoff || vma_pages(vma) != 1)
		return -EINVAL;
	if (vma->vm_flags & (VM_WRITE | VM_EXEC))
		return -EPERM;
	return vm_insert_page(vma, vma->vm_start, pit_status_page);
}

/* --- end MMAP_KEEPS_MAYWRITE --- */

/* --- CAPABLE_ON_CURRENT --- */
/*
 * Wrong: the privilege of whoever issues the ioctl, not of whoever
 * opened the file: an unprivileged opener hands the fd to a privileged
 * process (a confused deputy) and gets the command run.
 * relq_ioctl_dispatch() asks file_ns_capable() about the opener.
 */
static noinline long pit_admin(struct file *file)
{
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	return 0;
}

/* --- end CAPABLE_ON_CURRENT --- */

/* --- LINK_TRUSTS_FD_TYPE --- */
/*
 * Wrong (LINK_TRUSTS_FD_TYPE): any fd's private_data is taken for a
 * channel, a pipe's included. Wrong (PRIVATE_DATA_CAST): the fd is
 * checked to be one of this driver's, but both node kinds share one
 * file_operations, so a control fd passes for a channel. relq gives each
 * kind its own file_operations and checks for the channel's:
 * relq_is_channel_file(), called by relq_ioctl_link().
 */
static noinline long pit_link(struct pit_channel *ch, int fd)
{
	struct pit_channel *lower, *snap;
	struct fd f = fdget(fd);
	long ret = 0;

	if (!fd_file(f))
		return -EBADF;
	if (pit_armed(PIT_PRIVATE_DATA_CAST) &&
	    fd_file(f)->f_op != &pit_fops) {
		ret = -EINVAL;
		goto out;
	}
	lower = fd_file(f)->private_data;
	/* A copy of the lower's settings, to check them without its lock. */
	snap = kmemdup(lower, sizeof(*lower), GFP_KERNEL);
	if (!snap) {
		ret = -ENOMEM;
		goto out;
	}
	if (snap->limits.depth >= PIT_MAX_DEPTH)
		ret = -ELOOP;
	kfree(snap);
out:
	fdput(f);
	return ret;
}

/* --- end LINK_TRUSTS_FD_TYPE --- */

/* --- STRCPY_USER_NAME --- */
/*
 * Wrong: strcpy() of a name the user chose into a 32-byte field.
 * relq_name_copy() bounds it and rejects a name that does not fit.
 */
static noinline long pit_create(struct pit_channel *ch, const void __user *uarg)
{
	struct pit_create req;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	req.name[sizeof(req.name) - 1] = '\0';
	strcpy(ch->name, req.name);
	return 0;
}

/* --- end STRCPY_USER_NAME --- */

/* --- FREE_IF_TOO_SMALL --- */
/*
 * Wrong: the seed's "free the buffer if it is too small, allocate one if
 * there is none", on state two threads share through one fd, without a
 * lock: both free the same buffer, or one uses what the other freed.
 * relq keeps per-open state immutable after open and everything else
 * under the channel's locks (relq_channel_do_write()).
 */
static noinline long pit_scratch(struct pit_channel *ch, u32 len)
{
	if (len > 32)
		return -EINVAL;
	if (!len) {			/* give the buffer back */
		kfree(ch->scratch);
		ch->scratch = NULL;
		return 0;
	}
	if (ch->scratch && ch->scratch_len < len) {
		kfree(ch->scratch);
		ch->scratch = NULL;
	}
	if (!ch->scratch) {
		ch->scratch = kmalloc(len, GFP_KERNEL);
		if (!ch->scratch)
			return -ENOMEM;
		ch->scratch_len = len;
	}
	memset(ch->scratch, 0, len);
	return 0;
}

/* --- end FREE_IF_TOO_SMALL --- */

/* --- DRAIN_OVERWRITES_WAITER --- */
/*
 * Wrong: one slot for "the" waiter, so a second DRAIN overwrites the
 * first, and the first is never woken: a lost request. relq_channel_drain()
 * sleeps on a wait queue that holds every waiter.
 */
static noinline long pit_drain(struct pit_channel *ch)
{
	long ret = 0;

	spin_lock(&ch->lock);
	ch->drain_waiter = current;
	ch->drained = false;
	spin_unlock(&ch->lock);
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (READ_ONCE(ch->drained))
			break;
		if (signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		schedule();
	}
	__set_current_state(TASK_RUNNING);
	spin_lock(&ch->lock);
	if (ch->drain_waiter == current)
		ch->drain_waiter = NULL;
	spin_unlock(&ch->lock);
	return ret;
}

static long pit_drain_done(struct pit_channel *ch)
{
	spin_lock(&ch->lock);
	WRITE_ONCE(ch->drained, true);
	if (ch->drain_waiter)
		wake_up_process(ch->drain_waiter);
	spin_unlock(&ch->lock);
	return 0;
}

/* --- end DRAIN_OVERWRITES_WAITER --- */

/* INFO's reply, on the heap, built where every reply is. */
static noinline struct pit_info *pit_info_build(struct pit_channel *ch)
{
	struct pit_info *info = kzalloc(sizeof(*info), GFP_KERNEL);

	if (info) {
		info->size = sizeof(*info);
		info->id = ch->id;
		info->bytes = ch->bytes;
	}
	return info;
}

/* Copy a reply out: the one place every command's reply goes through. */
static noinline long pit_reply(void __user *uarg, const void *reply,
			       size_t size)
{
	return copy_to_user(uarg, reply, size) ? -EFAULT : 0;
}

/* --- INFO_USER_SIZE --- */
/*
 * Wrong: INFO copies out as many bytes as the caller's struct claims,
 * reading past the kernel's. relq_ioctl_info() copies
 * min(user, kernel) bytes and zeroes the rest of a larger struct.
 */
static noinline long pit_info(struct pit_channel *ch, struct pit_info __user *uinfo)
{
	struct pit_info *info;
	u32 usize;
	long ret;

	if (get_user(usize, &uinfo->size))
		return -EFAULT;
	info = pit_info_build(ch);
	if (!info)
		return -ENOMEM;
	ret = copy_to_user(uinfo, info, usize) ? -EFAULT : 0;
	kfree(info);
	return ret;
}

/* --- end INFO_USER_SIZE --- */

/* --- LIST_DOUBLE_FETCH --- */
/*
 * Wrong: the capacity is read from user memory twice, validated the
 * first time and used the second; another thread changes it in between.
 * relq_ioctl_list() uses the one copy it validated.
 */
static noinline long pit_list(struct pit_channel *ch, struct pit_list __user *ul)
{
	u32 cap, i;
	u64 *ids;
	long ret = 0;

	if (get_user(cap, &ul->capacity))
		return -EFAULT;
	if (!cap || cap > PIT_LIST_MAX)
		return -EINVAL;
	ids = kmalloc_array(cap, sizeof(*ids), GFP_KERNEL);
	if (!ids)
		return -ENOMEM;
	if (get_user(cap, &ul->capacity)) {
		ret = -EFAULT;
		goto out;
	}
	for (i = 0; i < cap && i < PIT_LIST_MAX; i++)
		ids[i] = ch->id + i;
	if (put_user(i, &ul->count))
		ret = -EFAULT;
out:
	kfree(ids);
	return ret;
}

/* --- end LIST_DOUBLE_FETCH --- */

/* --- USER_POINTER_DEREF --- */
/*
 * Wrong: a __user pointer dereferenced directly. sparse flags it at build
 * time; at run time SMAP faults on it. relq reads user memory only with
 * copy_from_user() and get_user() (relq_ioctl_dispatch()). Not
 * instrumented by KASAN, whose shadow check would otherwise fault first
 * ("probably user-memory-access"): SMAP is what a production kernel has.
 */
static noinline __no_sanitize_address long pit_peek(const void __user *uarg)
{
	const u32 __user *up = uarg;
	u32 val = *up;

	return val ? 0 : -ENODATA;
}

/* --- end USER_POINTER_DEREF --- */

/* --- WARN_ON_USER_FIELD --- */
/*
 * Wrong: a caller's bad argument is not a kernel bug. WARN_ON() on it
 * lets any user fill the log (and panic a panic_on_warn machine);
 * BUG_ON() kills the caller inside the kernel. relq_validate_create()
 * returns -EINVAL.
 */
static noinline long pit_flags(const u32 __user *uflags, bool bug)
{
	u32 flags;

	if (get_user(flags, uflags))
		return -EFAULT;
	if (bug)
		BUG_ON(flags & ~PIT_FLAGS_VALID);
	else
		WARN_ON(flags & ~PIT_FLAGS_VALID);
	return flags & ~PIT_FLAGS_VALID ? -EINVAL : 0;
}

/* --- end WARN_ON_USER_FIELD --- */

/* --- DISPATCH_ON_IOC_NR --- */
/*
 * Wrong: the command is matched on its number alone, and the size in the
 * caller's command decides how much is copied out of the reply on the
 * stack. relq_ioctl_dispatch() matches the full 32-bit command, so the
 * size is the kernel's.
 */
static noinline long pit_ioctl_by_nr(struct pit_channel *ch,
				     unsigned int cmd, void __user *uarg)
{
	struct pit_status st = { .state = 1 };

	switch (_IOC_NR(cmd)) {
	case PIT_NR_STATUS:
		return pit_reply(uarg, &st, _IOC_SIZE(cmd));
	}
	return -ENOTTY;
}

/* --- end DISPATCH_ON_IOC_NR --- */

/* The command each armed pitfall needs; any other is refused. */
static const struct {
	unsigned int cmd;
	enum pit_id id;
} pit_cmds[] = {
	{ PIT_IOC_ADMIN, PIT_CAPABLE_ON_CURRENT },
	{ PIT_IOC_LINK, PIT_PRIVATE_DATA_CAST },
	{ PIT_IOC_LINK, PIT_LINK_TRUSTS_FD_TYPE },
	{ PIT_IOC_CREATE, PIT_STRCPY_USER_NAME },
	{ PIT_IOC_SCRATCH, PIT_FREE_IF_TOO_SMALL },
	{ PIT_IOC_DRAIN, PIT_DRAIN_OVERWRITES_WAITER },
	{ PIT_IOC_DRAIN_DONE, PIT_DRAIN_OVERWRITES_WAITER },
	{ PIT_IOC_INFO, PIT_INFO_USER_SIZE },
	{ PIT_IOC_SET_NAME, PIT_INFO_STACK_PADDING },
	{ PIT_IOC_INFO_PADDED, PIT_INFO_STACK_PADDING },
	{ PIT_IOC_LIST, PIT_LIST_DOUBLE_FETCH },
	{ PIT_IOC_PEEK, PIT_USER_POINTER_DEREF },
	{ PIT_IOC_FLAGS_WARN, PIT_WARN_ON_USER_FIELD },
	{ PIT_IOC_FLAGS_BUG, PIT_BUG_ON_USER_FIELD },
};

static bool pit_cmd_armed(unsigned int cmd)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(pit_cmds); i++)
		if (pit_cmds[i].cmd == cmd && pit_armed(pit_cmds[i].id))
			return true;
	return false;
}

static long pit_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct pit_channel *ch = pit_channel_of(file);
	void __user *uarg = (void __user *)arg;
	int fd;

	if (pit_armed(PIT_DISPATCH_ON_IOC_NR) && ch)
		return pit_ioctl_by_nr(ch, cmd, uarg);
	if (!pit_cmd_armed(cmd))
		return -EPERM;
	if (cmd == PIT_IOC_ADMIN)
		return pit_admin(file);
	if (!ch)
		return -EINVAL;
	switch (cmd) {
	case PIT_IOC_LINK:
		if (get_user(fd, (int __user *)uarg))
			return -EFAULT;
		return pit_link(ch, fd);
	case PIT_IOC_CREATE:
		return pit_create(ch, uarg);
	case PIT_IOC_SCRATCH:
		return pit_scratch(ch, (u32)arg);
	case PIT_IOC_DRAIN:
		return pit_drain(ch);
	case PIT_IOC_DRAIN_DONE:
		return pit_drain_done(ch);
	case PIT_IOC_INFO:
		return pit_info(ch, uarg);
	case PIT_IOC_SET_NAME:
		return pit_set_name(ch, uarg);
	case PIT_IOC_INFO_PADDED:
		return pit_info_padded(ch, uarg);
	case PIT_IOC_LIST:
		return pit_list(ch, uarg);
	case PIT_IOC_PEEK:
		return pit_peek(uarg);
	case PIT_IOC_FLAGS_WARN:
	case PIT_IOC_FLAGS_BUG:
		return pit_flags(uarg, cmd == PIT_IOC_FLAGS_BUG);
	}
	return -ENOTTY;
}

static const struct file_operations pit_fops = {
	.owner = THIS_MODULE,
	.open = pit_open,
	.release = pit_release,
	.flush = pit_flush,
	.read = pit_read,
	.write = pit_write,
	.mmap = pit_mmap,
	.unlocked_ioctl = pit_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice pit_control_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "relq-pitfalls",
	.fops = &pit_fops,
	.mode = 0666,
};

static struct miscdevice pit_channel_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "relq-pitfalls-channel",
	.fops = &pit_fops,
	.mode = 0666,
};

/* ------------------------------------------------------------------------
 * The in-kernel pitfalls: DIRECT runs them in the writer's context.
 */

/* --- EXTRA_KREF_PUT --- */
struct pit_obj {
	struct kref ref;
	struct rcu_head rcu;
};

static void pit_obj_release(struct kref *ref)
{
	kfree_rcu(container_of(ref, struct pit_obj, ref), rcu);
}

/*
 * Wrong: an error path drops the lookup's reference twice. The owner's
 * own put then finds the count at zero. relq_channel_lookup()'s callers
 * drop exactly the reference they took (relq_ioctl_destroy()).
 */
static noinline int pit_lookup_and_fail(struct pit_obj *obj)
{
	kref_get(&obj->ref);
	/* ... the request turns out to be invalid ... */
	kref_put(&obj->ref, pit_obj_release);
	kref_put(&obj->ref, pit_obj_release);
	return -EINVAL;
}

static void pit_extra_kref_put(void)
{
	struct pit_obj *obj = kzalloc(sizeof(*obj), GFP_KERNEL);

	if (!obj)
		return;
	kref_init(&obj->ref);
	/* RCU keeps the memory: refcount_t, not KASAN, is to report it. */
	rcu_read_lock();
	pit_lookup_and_fail(obj);
	kref_put(&obj->ref, pit_obj_release);
	rcu_read_unlock();
}

/* --- end EXTRA_KREF_PUT --- */

/* --- LOCK_ORDER_INVERSION --- */
static DEFINE_MUTEX(pit_reader_lock);	/* protects a channel's ring head */
static DEFINE_MUTEX(pit_graph_lock);	/* protects the LINK graph */

/*
 * Wrong: the read path takes the reader lock, then the graph lock; the
 * LINK path the other way round. Run on two CPUs they deadlock; lockdep
 * sees the cycle the first time both orders happen, even one after the
 * other. relq takes its locks in one documented order (relq_internal.h:
 * the registry lock, then a channel's rlock, then its wlock).
 */
static noinline void pit_read_path(void)
{
	mutex_lock(&pit_reader_lock);
	mutex_lock(&pit_graph_lock);
	mutex_unlock(&pit_graph_lock);
	mutex_unlock(&pit_reader_lock);
}

static noinline void pit_link_path(void)
{
	mutex_lock(&pit_graph_lock);
	mutex_lock(&pit_reader_lock);
	mutex_unlock(&pit_reader_lock);
	mutex_unlock(&pit_graph_lock);
}

/* --- end LOCK_ORDER_INVERSION --- */

static void pit_lock_order_inversion(void)
{
	pit_read_path();
	pit_link_path();
}

/* --- UNLOCKED_COUNTER --- */
static struct {
	spinlock_t lock;	/* protects bytes */
	u64 bytes;
} pit_stats = { .lock = __SPIN_LOCK_UNLOCKED(pit_stats.lock) };

/* The writer side: the byte count under the lock, as it should be. */
static int pit_counter_locked(void *unused)
{
	unsigned long end = jiffies + 2 * HZ;

	while (time_before(jiffies, end) && !kthread_should_stop()) {
		spin_lock(&pit_stats.lock);
		pit_stats.bytes += 8;
		spin_unlock(&pit_stats.lock);
		cond_resched();
	}
	return 0;
}

/*
 * Wrong: the reader side updates the same counter without the lock.
 * relq_ring_consume() runs with the channel's spinlock held
 * (lockdep_assert_held()).
 */
static noinline void pit_counter_unlocked(void)
{
	unsigned long end = jiffies + 2 * HZ;

	while (time_before(jiffies, end)) {
		pit_stats.bytes -= 8;
		cond_resched();
	}
}

/* --- end UNLOCKED_COUNTER --- */

static void pit_unlocked_counter(void)
{
	struct task_struct *t;

	t = kthread_run(pit_counter_locked, NULL, "relq_pit_counter");
	if (IS_ERR(t))
		return;
	get_task_struct(t);
	pit_counter_unlocked();
	kthread_stop(t);
	put_task_struct(t);
}

/* --- FORWARD_WITHOUT_DEPTH --- */
/*
 * Wrong: a write passed down a LINK stack with neither a depth limit nor
 * a cycle check, through a stack frame per level. Two channels linked to
 * each other recurse until the kernel stack overflows.
 * relq_channel_link_locked() refuses a cycle and any stack deeper than
 * RELQ_MAX_DEPTH, so relq_channel_forward() never recurses far.
 */
static noinline int pit_forward(struct pit_channel *ch, const char *msg,
				size_t len)
{
	char frame[PIT_MSG_MAX];
	int ret = 0;

	memcpy(frame, msg, min(len, sizeof(frame)));
	if (ch->lower)
		ret = pit_forward(ch->lower, frame, len);
	return ret + frame[0];
}

/* --- end FORWARD_WITHOUT_DEPTH --- */

static void pit_forward_without_depth(void)
{
	struct pit_channel *a, *b;

	a = kzalloc(sizeof(*a), GFP_KERNEL);
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (a && b) {
		a->lower = b;
		b->lower = a;
		pr_info("FORWARD_WITHOUT_DEPTH returned %d\n",
			pit_forward(a, "x", 1));
	}
	kfree(a);
	kfree(b);
}

/* --- DOUBLE_COMPLETION --- */
struct pit_req {
	u64 cookie[5];		/* whatever the caller keeps; first in the record */
	enum { PIT_REQ_ACTIVE = 1, PIT_REQ_DONE } state;
	struct list_head entry;
};

/*
 * Completion: the state check relq's queue makes (relq_req_move_locked()),
 * then the record goes back to its owner, who frees it.
 */
static noinline void pit_req_complete(struct pit_req *r)
{
	if (WARN(r->state != PIT_REQ_ACTIVE,
		 "relq_pitfalls: request %p completed twice\n", r))
		return;
	r->state = PIT_REQ_DONE;
	kfree(r);
}

/*
 * Wrong: the cancel path completes a request it never took ownership of,
 * so a request that arrival completed (and freed) meanwhile is completed
 * again. relq_csq_cancel() takes the request out of the queue under its
 * lock, and of a completer and a canceller exactly one gets it.
 */
static noinline void pit_double_completion(void)
{
	struct pit_req *r = kzalloc(sizeof(*r), GFP_KERNEL);

	if (!r)
		return;
	r->state = PIT_REQ_ACTIVE;
	pit_req_complete(r);	/* a message arrived */
	pit_req_complete(r);	/* the cancel, a moment later */
}

/* --- end DOUBLE_COMPLETION --- */

/* --- CANCEL_LIST_DEL_TWICE --- */
/*
 * Wrong: the canceller unlinks a record the completer already took off
 * the list. relq_csq_cancel() checks the request's state under the queue
 * lock and unlinks only a QUEUED one (relq_csq_unlink_locked()).
 */
static noinline void pit_cancel_list_del_twice(void)
{
	struct pit_req *r = kzalloc(sizeof(*r), GFP_KERNEL);
	LIST_HEAD(queue);

	if (!r)
		return;
	list_add_tail(&r->entry, &queue);
	list_del(&r->entry);	/* the completer */
	list_del(&r->entry);	/* the canceller */
	kfree(r);
}

/* --- end CANCEL_LIST_DEL_TWICE --- */

/* ------------------------------------------------------------------------
 * DIRECT: the trigger.
 */

static const struct {
	const char *name;
	void (*run)(void);	/* NULL: arm it for the nodes */
} pit_table[] = {
	[PIT_NONE] = { "NONE" },
	[PIT_CAPABLE_ON_CURRENT] = { "CAPABLE_ON_CURRENT" },
	[PIT_PRIVATE_DATA_CAST] = { "PRIVATE_DATA_CAST" },
	[PIT_STRCPY_USER_NAME] = { "STRCPY_USER_NAME" },
	[PIT_EXTRA_KREF_PUT] = { "EXTRA_KREF_PUT", pit_extra_kref_put },
	[PIT_LINK_TRUSTS_FD_TYPE] = { "LINK_TRUSTS_FD_TYPE" },
	[PIT_COPY_UNDER_SPINLOCK] = { "COPY_UNDER_SPINLOCK" },
	[PIT_LOCK_ORDER_INVERSION] = { "LOCK_ORDER_INVERSION",
				       pit_lock_order_inversion },
	[PIT_UNLOCKED_COUNTER] = { "UNLOCKED_COUNTER", pit_unlocked_counter },
	[PIT_FREE_IF_TOO_SMALL] = { "FREE_IF_TOO_SMALL" },
	[PIT_DRAIN_OVERWRITES_WAITER] = { "DRAIN_OVERWRITES_WAITER" },
	[PIT_INFO_USER_SIZE] = { "INFO_USER_SIZE" },
	[PIT_INFO_STACK_PADDING] = { "INFO_STACK_PADDING" },
	[PIT_MMAP_KEEPS_MAYWRITE] = { "MMAP_KEEPS_MAYWRITE" },
	[PIT_DISPATCH_ON_IOC_NR] = { "DISPATCH_ON_IOC_NR" },
	[PIT_LIST_DOUBLE_FETCH] = { "LIST_DOUBLE_FETCH" },
	[PIT_USER_POINTER_DEREF] = { "USER_POINTER_DEREF" },
	[PIT_FORWARD_WITHOUT_DEPTH] = { "FORWARD_WITHOUT_DEPTH",
					pit_forward_without_depth },
	[PIT_DOUBLE_COMPLETION] = { "DOUBLE_COMPLETION", pit_double_completion },
	[PIT_CANCEL_LIST_DEL_TWICE] = { "CANCEL_LIST_DEL_TWICE",
					pit_cancel_list_del_twice },
	[PIT_UNINTERRUPTIBLE_READ] = { "UNINTERRUPTIBLE_READ" },
	[PIT_OPEN_LEAKS_ON_ERROR] = { "OPEN_LEAKS_ON_ERROR" },
	[PIT_FREE_IN_FLUSH] = { "FREE_IN_FLUSH" },
	[PIT_WARN_ON_USER_FIELD] = { "WARN_ON_USER_FIELD" },
	[PIT_BUG_ON_USER_FIELD] = { "BUG_ON_USER_FIELD" },
};

static_assert(ARRAY_SIZE(pit_table) == PIT_COUNT);

static ssize_t pit_direct_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	char buf[32];
	size_t i;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	strim(buf);
	for (i = 0; i < ARRAY_SIZE(pit_table); i++) {
		if (strcmp(buf, pit_table[i].name))
			continue;
		pr_info("%s: %s\n", pit_table[i].run ? "running" : "armed",
			pit_table[i].name);
		if (pit_table[i].run) {
			atomic_set(&pit_armed_id, PIT_NONE);
			pit_table[i].run();
		} else {
			atomic_set(&pit_armed_id, i);
		}
		return count;
	}
	return -EINVAL;
}

static const struct file_operations pit_direct_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = pit_direct_write,
	.llseek = noop_llseek,
};

static struct dentry *pit_debugfs;

static int __init pit_init(void)
{
	int ret;

	pit_status_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!pit_status_page)
		return -ENOMEM;
	ret = misc_register(&pit_control_dev);
	if (ret)
		goto err_page;
	ret = misc_register(&pit_channel_dev);
	if (ret)
		goto err_control;
	pit_debugfs = debugfs_create_dir("relq_pitfalls", NULL);
	debugfs_create_file("DIRECT", 0200, pit_debugfs, NULL,
			    &pit_direct_fops);
	return 0;

err_control:
	misc_deregister(&pit_control_dev);
err_page:
	__free_page(pit_status_page);
	return ret;
}

static void __exit pit_exit(void)
{
	debugfs_remove(pit_debugfs);
	misc_deregister(&pit_channel_dev);
	misc_deregister(&pit_control_dev);
	__free_page(pit_status_page);
}

module_init(pit_init);
module_exit(pit_exit);

MODULE_DESCRIPTION("relq's pitfall gallery: wrong code for the detectors to catch");
MODULE_LICENSE("GPL");
/* A test module: loading it taints the kernel (N). */
MODULE_INFO(test, "Y");
