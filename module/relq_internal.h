/* SPDX-License-Identifier: GPL-2.0 */
/*
 * relq private header: the objects shared by the module's files.
 *
 * The files, and the way calls flow between them (uapi -> file ops ->
 * core; nothing calls back up):
 *
 *	main.c      module init and exit
 *	params.c    the module parameters (limits)
 *	ioctl.c     the ioctl dispatcher of both file kinds
 *	control.c   /dev/relq-control: CREATE, DESTROY, LIST
 *	file.c      an open file on a channel: read, write, poll, mmap,
 *	            INFO, FIONREAD, LINK, UNLINK, DRAIN
 *	registry.c  the set of channels: names, ids, devices, the link graph
 *	channel.c   one channel: lifetime, states, message path, status page
 *	queue.c     the byte ring of one channel (no locks, no user memory)
 *	csq.c       the cancel-safe queue of pended requests (its own lock,
 *	            no user memory, no io_uring)
 *	debugfs.c   the root-only counters
 *	hooks.c     race-window hooks (the test build only)
 */

/**
 * DOC: Lock hierarchy
 *
 * Outermost first; a lock may only be taken while holding locks above it::
 *
 *	relq_registry_lock            (mutex, global; control plane only)
 *	  -> relq_channel.rlock       (mutex, per channel: readers)
 *	  -> relq_channel.wlock       (mutex, per channel: writers)
 *	    -> relq_channel.lock      (spinlock, per channel)
 *
 * rlock and wlock are never held together, and no code path holds two
 * channels' locks at once. The spinlock is never held across a user copy,
 * an allocation or anything else that sleeps. The message path (read,
 * write, poll, INFO, FIONREAD, DRAIN) takes no global lock at all:
 * registry lookups at open run under RCU and take a reference with
 * kref_get_unless_zero(). Each lock's declaration says what it protects.
 */
#ifndef _RELQ_INTERNAL_H
#define _RELQ_INTERNAL_H

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/build_bug.h>
#include <linux/cdev.h>
#include <linux/compiler_types.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/ioctl.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/rcupdate.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uio.h>
#include <linux/wait.h>
#include <kunit/visibility.h>
#include <uapi/linux/relq.h>

#include "compat.h"

/* Name of the control node under /dev. */
#define RELQ_CONTROL_NAME	"relq-control"

/* Channel ids are minors of relq's char-device region. */
#define RELQ_MAX_MINORS		1024

/* Upper bounds of the module parameters. */
#define RELQ_MAX_CHANNELS_LIMIT	RELQ_MAX_MINORS
#define RELQ_MAX_CAPACITY_LIMIT	SZ_64M
#define RELQ_MAX_MSG_LIMIT	SZ_1M
#define RELQ_MAX_TOTAL_LIMIT	((u64)RELQ_MAX_MINORS * RELQ_MAX_CAPACITY_LIMIT)

/* Each message in the ring: a 4-byte length, the payload, 4-byte aligned. */
#define RELQ_REC_HDR		sizeof(u32)
#define RELQ_REC_ALIGN		4

/**
 * struct relq_ring - the byte ring behind a channel's message queue
 * @buf: ring storage of @size bytes
 * @size: ring size in bytes, a multiple of %RELQ_REC_ALIGN
 * @head: offset of the oldest record
 * @tail: offset where the next record goes
 * @used: bytes of the ring taken by records
 * @depth: records queued
 * @bytes: payload bytes queued
 *
 * The ring knows nothing of locks or user memory: callers serialise
 * access (see &struct relq_channel) and pass an iov_iter.
 */
struct relq_ring {
	u8 *buf;
	u32 size;
	u32 head;
	u32 tail;
	u32 used;
	u32 depth;
	u64 bytes;
};

/**
 * enum relq_state - lifecycle of a channel
 * @RELQ_LIVE: published: open, read and write work
 * @RELQ_DYING: DESTROY has unpublished it; waiters are being woken
 * @RELQ_DEAD: gone for good: every operation but close gives -ENODEV
 */
enum relq_state {
	RELQ_LIVE = RELQ_STATE_LIVE,
	RELQ_DYING = RELQ_STATE_DYING,
	RELQ_DEAD = RELQ_STATE_DEAD,
};

/**
 * enum relq_req_state - where a pended request is in its life
 * @RELQ_REQ_IDLE: not inserted yet
 * @RELQ_REQ_QUEUED: in the queue; a cancel can take it
 * @RELQ_REQ_ACTIVE: taken by its completer; a cancel only marks it
 * @RELQ_REQ_DONE: completed (terminal)
 * @RELQ_REQ_CANCELLED: cancelled, flushed or closed out (terminal)
 */
enum relq_req_state {
	RELQ_REQ_IDLE,
	RELQ_REQ_QUEUED,
	RELQ_REQ_ACTIVE,
	RELQ_REQ_DONE,
	RELQ_REQ_CANCELLED,
};

/**
 * struct relq_req - a request in a &struct relq_csq, embedded by its user
 * @node: the queue's list while QUEUED; the caller's list after a flush
 * @file: the open file it was pended on, compared by flush, never followed
 * @owner: who pended it (the submitter's file table, the fl_owner_t a
 *	close passes to .flush), compared by flush and remove-next, never
 *	followed
 * @notify: set by the request's creator; whoever takes the request for it
 *	(a message arrived, the queue closed) calls it, outside the lock
 * @state: &enum relq_req_state; changes only under the queue's lock
 * @cancel: a cancel came while ACTIVE: the owner cancels, never requeues
 * @reason: why a CANCELLED request ended (relq_req_reason())
 */
struct relq_req {
	struct list_head node;
	const void *file;
	const void *owner;
	void (*notify)(struct relq_req *r);
	enum relq_req_state state;
	bool cancel;
	int reason;
};

/**
 * struct relq_csq - a cancel-safe queue of pended requests (csq.c)
 * @lock: protects @list, @closed, @nr, and the node, state and cancel of
 *	every request in the queue or moving through it
 * @list: QUEUED requests, oldest first
 * @closed: inserts fail with -ESHUTDOWN
 * @nr: requests in @list
 */
struct relq_csq {
	spinlock_t lock;	/* protects the list and every request's state */
	struct list_head list;
	bool closed;
	unsigned int nr;
};

/**
 * struct relq_channel - one channel, /dev/relq/<name>
 * @ref: logical references: the registry and each open file
 * @id: the channel's id, also its minor
 * @name: validated, NUL-terminated name
 * @capacity: payload bytes the channel may hold
 * @max_msg: largest message in bytes
 * @mode: node permission bits
 * @uid: node owner
 * @gid: node group
 * @explicit_access: CREATE gave an owner, group or mode (udev keeps them)
 * @node: entry in relq_channel_list, protected by relq_registry_lock
 * @lower_file: the lower channel's file after LINK (relq's own reference):
 *	written under relq_registry_lock and @lock, read under either; a
 *	writer forwarding through it takes a reference of its own under @lock
 * @dev: the channel's device; its release frees the channel
 * @cdev: the channel's char device
 * @rlock: serialises readers, so messages leave in order; protects the
 *	ring's head side (the oldest record) between peek and consume
 * @wlock: serialises writers, so messages enter in order; protects the
 *	ring's tail side (the free space being filled)
 * @lock: protects @state, @drainer, @ring's indices and counters, @sent,
 *	@received, @forwarded, @lower_file (with relq_registry_lock) and the
 *	status page
 * @state: see &enum relq_state
 * @drainer: a DRAIN caller is waiting; a second one gets -EBUSY
 * @ring: the message queue
 * @sent: messages accepted
 * @received: messages delivered
 * @forwarded: messages passed on to the lower channel (also in @sent)
 * @status: the read-only status page shared with user space, allocated
 *	at the first mmap(); set once under @lock, NULL until then
 * @status_seq: the status page's sequence count, kept here so relq never
 *	reads anything back from the shared page
 * @rwait: readers and pollers waiting for a message
 * @wwait: writers and pollers waiting for room
 * @recvq: pended RECVs (io_uring), in the order they were pended
 * @rcu: defers the free past RCU readers of the registry
 */
struct relq_channel {
	struct kref ref;
	u32 id;
	char name[RELQ_NAME_LEN];
	u64 capacity;
	u32 max_msg;
	umode_t mode;
	kuid_t uid;
	kgid_t gid;
	bool explicit_access;
	struct list_head node;
	struct file *lower_file;
	struct device dev;
	struct cdev cdev;
	struct mutex rlock;	/* serialises readers; protects the ring head */
	struct mutex wlock;	/* serialises writers; protects the ring tail */
	spinlock_t lock;	/* protects state, ring indices, counters */
	enum relq_state state;
	bool drainer;
	struct relq_ring ring;
	u64 sent;
	u64 received;
	u64 forwarded;
	struct page *status;
	u32 status_seq;
	wait_queue_head_t rwait;
	wait_queue_head_t wwait;
	struct relq_csq recvq;
	struct rcu_head rcu;
};

/**
 * struct relq_ucmd - one ioctl call, as its handler sees it
 * @file: the file the command was issued on
 * @ubuffer: the caller's argument, for what a handler writes back
 * @cmd: the kernel copy of the argument, _IOC_SIZE() bytes read once by
 *	relq_ioctl_dispatch(); NULL for a command whose size is 0
 */
struct relq_ucmd {
	struct file *file;
	void __user *ubuffer;
	void *cmd;
};

/**
 * struct relq_ioctl_op - one ioctl command of a relq file kind
 * @cmd: the full command number
 * @size: bytes of the argument the dispatcher copies in before @execute
 *	runs, _IOC_SIZE(@cmd); 0 for size-first and argument-less commands
 * @fmode: access mode the fd needs (FMODE_READ, FMODE_WRITE or 0)
 * @admin: needs CAP_SYS_ADMIN in the initial user namespace (opener)
 * @execute: the handler, called after the checks and the copy-in
 */
struct relq_ioctl_op {
	unsigned int cmd;
	unsigned int size;
	fmode_t fmode;
	bool admin;
	long (*execute)(struct relq_ucmd *ucmd);
};

/**
 * struct relq_ioctl_table - the commands of one relq file kind
 * @ops: the commands
 * @n: entries in @ops
 */
struct relq_ioctl_table {
	const struct relq_ioctl_op *ops;
	size_t n;
};

/* Every argument struct the dispatcher copies in fits this buffer. */
union relq_ioctl_buffer {
	struct relq_create create;
	struct relq_destroy destroy;
	struct relq_list list;
	struct relq_link link;
};

/*
 * A table entry whose size is its struct's, checked at build time to fit
 * the dispatcher's buffer and to match the command number.
 */
#define RELQ_IOCTL_OP(_cmd, _fn, _struct, _fmode, _admin)			\
	{									\
		.cmd = (_cmd),							\
		.size = sizeof(_struct) +					\
			BUILD_BUG_ON_ZERO(sizeof(union relq_ioctl_buffer) <	\
					  sizeof(_struct)) +			\
			BUILD_BUG_ON_ZERO(_IOC_SIZE(_cmd) != sizeof(_struct)),	\
		.fmode = (_fmode),						\
		.admin = (_admin),						\
		.execute = (_fn),						\
	}

/* A command that carries no struct, or reads its own (size first). */
#define RELQ_IOCTL_OP_NOARG(_cmd, _fn, _fmode, _admin)				\
	{ .cmd = (_cmd), .fmode = (_fmode), .admin = (_admin), .execute = (_fn) }

/* params.c: limits, read locklessly with READ_ONCE() */
extern unsigned int relq_max_channels;
extern unsigned int relq_max_capacity;
extern unsigned int relq_max_msg_size;
extern u64 relq_max_total_capacity;
extern int relq_default_group;

/* ioctl.c: the dispatcher both file kinds share */
long relq_ioctl_dispatch(const struct relq_ioctl_table *table,
			 struct file *file, unsigned int cmd,
			 unsigned long arg);

/* control.c: /dev/relq-control */
extern struct miscdevice relq_control_dev;
int relq_control_init(void);
void relq_control_exit(void);

/* file.c: an open file on a channel */
extern atomic_long_t relq_nr_open;
extern const struct file_operations relq_channel_fops;
bool relq_is_channel_file(const struct file *file);

/* registry.c: the set of channels, their names, ids and devices */
int relq_registry_init(const struct file_operations *fops);
void relq_registry_exit(void);
int relq_validate_name(const char *name, size_t len);
ssize_t relq_name_copy(char *buf, size_t size, const char *name);
int relq_validate_create(const struct relq_create *c, u64 max_capacity,
			 u32 max_msg_size);
struct relq_channel *relq_channel_reserve(const struct relq_create *c);
int relq_channel_finalize(struct relq_channel *ch);
void relq_channel_abort(struct relq_channel *ch);
int relq_channel_destroy(const char *name);
void relq_channel_snapshot(struct relq_list_entry *entries, u32 capacity,
			   u32 *count);
struct relq_channel *relq_channel_lookup(unsigned int minor);
int relq_channel_link(struct relq_channel *upper, struct file *lower_file);
int relq_channel_unlink(struct relq_channel *upper);
void relq_registry_counters(unsigned int *channels, u64 *queued);

/* channel.c: one channel, its lifetime, state and message path */
extern atomic_long_t relq_nr_waiting;
extern atomic_long_t relq_nr_pended;
extern atomic_long_t relq_nr_channel_objects;
void relq_channel_recv_kick(struct relq_channel *ch);
unsigned int relq_channel_flush(struct relq_channel *ch, struct file *file,
				fl_owner_t owner);
struct relq_channel *relq_channel_alloc(const struct relq_create *c);
void relq_channel_free(struct relq_channel *ch);
void relq_channel_put(struct relq_channel *ch);
int relq_state_transition(enum relq_state from, enum relq_state to);
void relq_channel_set_state(struct relq_channel *ch, enum relq_state to);
bool relq_channel_dead(const struct relq_channel *ch);
void relq_channel_policy(const struct relq_channel *ch, kuid_t *uid,
			 kgid_t *gid, umode_t *mode);
int relq_channel_may_open(const struct relq_channel *ch, fmode_t fmode);
ssize_t relq_channel_read(struct relq_channel *ch, struct kiocb *iocb,
			  struct iov_iter *to);
ssize_t relq_channel_forward(struct relq_channel *ch, struct file *lower,
			     const struct kiocb *iocb, struct iov_iter *from);
ssize_t relq_channel_write(struct relq_channel *ch, struct kiocb *iocb,
			   struct iov_iter *from);
__poll_t relq_channel_poll_mask(struct relq_channel *ch);
struct page *relq_status_page(struct relq_channel *ch);
void relq_channel_info(struct relq_channel *ch, struct relq_info *info);
u32 relq_channel_next_size(struct relq_channel *ch);
long relq_channel_drain(struct relq_channel *ch, bool nonblock);

/* queue.c: no locks, no user pointers */
u32 relq_rec_size(u32 len);
u32 relq_ring_size_for(u64 capacity);
int relq_ring_alloc(struct relq_ring *r, u64 capacity);
void relq_ring_free(struct relq_ring *r);
void relq_ring_init(struct relq_ring *r, u8 *buf, u32 size);
bool relq_ring_fits(const struct relq_ring *r, u32 len);
u32 relq_ring_peek_len(const struct relq_ring *r);
size_t relq_ring_copy_in(struct relq_ring *r, struct iov_iter *from, u32 len);
size_t relq_ring_copy_out(const struct relq_ring *r, struct iov_iter *to,
			  u32 len);
void relq_ring_commit(struct relq_ring *r, u32 len);
void relq_ring_consume(struct relq_ring *r);

/* csq.c: the cancel-safe queue of pended requests */
void relq_csq_init(struct relq_csq *q);
bool relq_csq_empty(const struct relq_csq *q);
void relq_req_init(struct relq_req *r, const void *file, const void *owner);
int relq_req_reason(const struct relq_req *r);
int relq_csq_insert(struct relq_csq *q, struct relq_req *r);
struct relq_req *relq_csq_remove_next(struct relq_csq *q, const void *owner);
bool relq_csq_cancel(struct relq_csq *q, struct relq_req *r);
void relq_csq_complete(struct relq_csq *q, struct relq_req *r);
int relq_csq_requeue(struct relq_csq *q, struct relq_req *r);
unsigned int relq_csq_flush(struct relq_csq *q, const void *file,
			    const void *owner, struct list_head *out);
unsigned int relq_csq_close(struct relq_csq *q, struct list_head *out);

/* debugfs.c */
void relq_debugfs_init(void);
void relq_debugfs_exit(void);

/* hooks.c: race-window hooks, compiled into the test build only */
struct dentry;
enum relq_hook_point {
	RELQ_HOOK_READ_ACTIVE,
	RELQ_HOOK_LOOKUP,
	RELQ_HOOK_NR
};

#ifdef RELQ_TEST_HOOKS
void relq_hook(enum relq_hook_point point);
void relq_hooks_init(struct dentry *parent);
void relq_hook_set(enum relq_hook_point point, u32 delay_us, u32 jitter_us);
u32 relq_hook_hits(enum relq_hook_point point);
#else
static inline void relq_hook(enum relq_hook_point point) { }
static inline void relq_hooks_init(struct dentry *parent) { }
#endif

#if IS_ENABLED(CONFIG_KUNIT)
extern const struct relq_ioctl_table relq_control_cmds;
extern const struct relq_ioctl_table relq_channel_cmds;
#endif

#endif /* _RELQ_INTERNAL_H */
