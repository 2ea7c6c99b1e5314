/* SPDX-License-Identifier: GPL-2.0 */
/*
 * relq private header: the objects shared by the module's files.
 *
 * Lock hierarchy, outermost first (see Documentation/locking.rst):
 *
 *	relq_registry_lock (mutex)
 *	  -> relq_channel.rlock / relq_channel.wlock (mutexes)
 *	    -> relq_channel.lock (spinlock, never held across a user copy,
 *	       an allocation or anything else that sleeps)
 *
 * Registry lookups by minor take no lock: they run under RCU and take a
 * reference with kref_get_unless_zero().
 */
#ifndef _RELQ_INTERNAL_H
#define _RELQ_INTERNAL_H

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cdev.h>
#include <linux/compiler_types.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
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
 * @lower_file: the lower channel's file after LINK (relq's own reference),
 *	protected by relq_registry_lock
 * @dev: the channel's device; its release frees the channel
 * @cdev: the channel's char device
 * @rlock: serialises readers, so messages leave in order; protects the
 *	ring's head side (the oldest record) between peek and consume
 * @wlock: serialises writers, so messages enter in order; protects the
 *	ring's tail side (the free space being filled)
 * @lock: protects @state, @drainer, @ring's indices and counters, @sent,
 *	@received and the status page
 * @state: see &enum relq_state
 * @drainer: a DRAIN caller is waiting; a second one gets -EBUSY
 * @ring: the message queue
 * @sent: messages accepted
 * @received: messages delivered
 * @status: the read-only status page shared with user space, allocated
 *	at the first mmap(); set once under @lock, NULL until then
 * @status_seq: the status page's sequence count, kept here so relq never
 *	reads anything back from the shared page
 * @rwait: readers and pollers waiting for a message
 * @wwait: writers and pollers waiting for room
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
	struct page *status;
	u32 status_seq;
	wait_queue_head_t rwait;
	wait_queue_head_t wwait;
	struct rcu_head rcu;
};

/**
 * struct relq_file - per-open context of a channel file
 * @ch: the channel; the file holds a reference on it
 */
struct relq_file {
	struct relq_channel *ch;
};

/**
 * struct relq_ioctl_desc - one ioctl command of a relq file
 * @cmd: the full command number
 * @size: size of its argument struct, 0 for size-first commands
 * @fmode: access mode the fd needs (FMODE_READ, FMODE_WRITE or 0)
 * @admin: needs CAP_SYS_ADMIN in the initial user namespace (opener)
 * @fn: handler, called after the checks with the user argument
 */
struct relq_ioctl_desc {
	unsigned int cmd;
	unsigned int size;
	fmode_t fmode;
	bool admin;
	long (*fn)(struct file *file, void __user *arg);
};

/* main.c: limits, read locklessly with READ_ONCE() */
extern atomic_long_t relq_nr_open;
extern unsigned int relq_max_channels;
extern unsigned int relq_max_capacity;
extern unsigned int relq_max_msg_size;

/* control.c */
extern struct miscdevice relq_control_dev;
int relq_create_fetch(const struct relq_create __user *uarg,
		      struct relq_create *c);
int relq_list_fetch(const struct relq_list __user *uarg, struct relq_list *l);
int relq_control_init(void);
void relq_control_exit(void);

/* registry.c */
int relq_registry_init(void);
void relq_registry_exit(void);
int relq_validate_name(const char *name, size_t len);
int relq_validate_create(const struct relq_create *c, u64 max_capacity,
			 u32 max_msg_size);
int relq_channel_create(const struct relq_create *c,
			struct relq_create __user *uarg);
int relq_channel_destroy(const char *name);
void relq_channel_snapshot(struct relq_list_entry *entries, u32 capacity,
			   u32 *count);
struct relq_channel *relq_channel_lookup(unsigned int minor);
int relq_channel_link(struct relq_channel *upper, struct file *lower_file);
int relq_channel_unlink(struct relq_channel *upper);
void relq_registry_counters(unsigned int *channels, u64 *queued);
void relq_channel_put(struct relq_channel *ch);
int relq_state_transition(enum relq_state from, enum relq_state to);

/* channel.c */
extern const struct file_operations relq_channel_fops;
bool relq_is_channel_file(const struct file *file);
int relq_info_fetch(struct relq_info __user *uinfo, u32 *usize);
int relq_info_put(struct relq_info __user *uinfo, u32 usize,
		  const struct relq_info *info);
void relq_status_update(struct relq_channel *ch);

/* queue.c: no locks, no user pointers */
u32 relq_rec_size(u32 len);
u32 relq_ring_size_for(u64 capacity);
void relq_ring_init(struct relq_ring *r, u8 *buf, u32 size);
bool relq_ring_fits(const struct relq_ring *r, u32 len);
u32 relq_ring_peek_len(const struct relq_ring *r);
size_t relq_ring_copy_in(struct relq_ring *r, struct iov_iter *from, u32 len);
size_t relq_ring_copy_out(const struct relq_ring *r, struct iov_iter *to,
			  u32 len);
void relq_ring_commit(struct relq_ring *r, u32 len);
void relq_ring_consume(struct relq_ring *r);

/* alloc.c: relq's allocation and user-copy wrappers (KUnit stub points) */
void *relq_kzalloc(size_t size);
void *relq_kvmalloc(size_t size);
struct page *relq_alloc_page(void);
int relq_copy_from_user(void *dst, const void __user *src, size_t size);
int relq_copy_to_user(void __user *dst, const void *src, size_t size);

/* debugfs.c */
void relq_debugfs_init(void);
void relq_debugfs_exit(void);

/* shared by the two ioctl dispatchers */
long relq_ioctl_dispatch(const struct relq_ioctl_desc *table, size_t n,
			 struct file *file, unsigned int cmd,
			 unsigned long arg);

#if IS_ENABLED(CONFIG_KUNIT)
extern const struct relq_ioctl_desc relq_control_cmds[];
extern const size_t relq_control_ncmds;
extern const struct relq_ioctl_desc relq_channel_cmds[];
extern const size_t relq_channel_ncmds;
#endif

#endif /* _RELQ_INTERNAL_H */
