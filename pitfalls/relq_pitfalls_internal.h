/* SPDX-License-Identifier: GPL-2.0 */
/*
 * relq_pitfalls: what the module's two files share.
 */
#ifndef _RELQ_PITFALLS_INTERNAL_H
#define _RELQ_PITFALLS_INTERNAL_H

#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

#include "relq_pitfalls.h"

/* Every pitfall, in the order of the spec's T-PIT IDs. */
enum pit_id {
	PIT_NONE,
	PIT_CAPABLE_ON_CURRENT,		/* T-PIT-1 */
	PIT_PRIVATE_DATA_CAST,		/* T-PIT-2 */
	PIT_STRCPY_USER_NAME,		/* T-PIT-3 */
	PIT_EXTRA_KREF_PUT,		/* T-PIT-4 */
	PIT_LINK_TRUSTS_FD_TYPE,	/* T-PIT-5 */
	PIT_COPY_UNDER_SPINLOCK,	/* T-PIT-6 */
	PIT_LOCK_ORDER_INVERSION,	/* T-PIT-7 */
	PIT_UNLOCKED_COUNTER,		/* T-PIT-8 */
	PIT_FREE_IF_TOO_SMALL,		/* T-PIT-9 */
	PIT_DRAIN_OVERWRITES_WAITER,	/* T-PIT-10 */
	PIT_INFO_USER_SIZE,		/* T-PIT-11 */
	PIT_INFO_STACK_PADDING,		/* T-PIT-12 */
	PIT_MMAP_KEEPS_MAYWRITE,	/* T-PIT-13 */
	PIT_DISPATCH_ON_IOC_NR,		/* T-PIT-14 */
	PIT_LIST_DOUBLE_FETCH,		/* T-PIT-15 */
	PIT_USER_POINTER_DEREF,		/* T-PIT-16 */
	PIT_FORWARD_WITHOUT_DEPTH,	/* T-PIT-17 */
	PIT_DOUBLE_COMPLETION,		/* T-PIT-18 */
	PIT_CANCEL_LIST_DEL_TWICE,	/* T-PIT-19 */
	PIT_UNINTERRUPTIBLE_READ,	/* T-PIT-20 */
	PIT_OPEN_LEAKS_ON_ERROR,	/* T-PIT-21 */
	PIT_FREE_IN_FLUSH,		/* T-PIT-22 */
	PIT_WARN_ON_USER_FIELD,		/* T-PIT-23 */
	PIT_BUG_ON_USER_FIELD,		/* T-PIT-23 */
	PIT_COUNT
};

#define PIT_MSG_MAX	256
#define PIT_MAX_DEPTH	4
#define PIT_LIST_MAX	8

/* The two node kinds: the first member of each one's private_data. */
enum pit_kind {
	PIT_KIND_CONTROL = 1,
	PIT_KIND_CHANNEL,
};

/* A control node's per-open state. */
struct pit_ctx {
	u32 kind;
	u32 flags;
};

/* The limits LINK checks on the lower channel. */
struct pit_limits {
	u32 capacity;
	u32 msg_size;
	u32 depth;
	u32 flags;
};

/*
 * A channel node's per-open state (the pitfalls keep one channel per
 * open file, which is all they need).
 */
struct pit_channel {
	struct pit_ctx ctx;
	u32 id;
	spinlock_t lock;	/* protects msg, len, nr, bytes, drain_* */
	wait_queue_head_t wq;
	char name[32];
	char msg[PIT_MSG_MAX];
	size_t len;
	u32 nr;
	u64 bytes;
	struct pit_limits limits;
	struct pit_channel *lower;
	void *scratch;		/* FREE_IF_TOO_SMALL: deliberately unlocked */
	u32 scratch_len;
	struct task_struct *drain_waiter;
	bool drained;
	char history[PIT_MSG_MAX];
};

long pit_set_name(struct pit_channel *ch, const void __user *uarg);
long pit_info_padded(struct pit_channel *ch, void __user *uarg);

#endif /* _RELQ_PITFALLS_INTERNAL_H */
