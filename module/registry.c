// SPDX-License-Identifier: GPL-2.0
/*
 * The channel registry: the set of live channels, their names, ids
 * (minors) and devices (/dev/relq/<name>, sysfs attributes), and the
 * link graph between them. It sees no user pointer: control.c copies
 * results out between relq_channel_reserve() and relq_channel_finalize().
 *
 * Lifetime (the channel side is in channel.c): the registry holds one
 * reference on each channel from relq_channel_reserve() until DESTROY;
 * every open file holds another. DESTROY unpublishes the channel, removes
 * its node and marks it DEAD, but frees nothing: the last reference does,
 * through the device's release.
 */
#include "relq_internal.h"

#include <linux/cred.h>
#include <linux/export.h>
#include <linux/file.h>
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/stat.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/uidgid.h>
#include <linux/xarray.h>

/*
 * relq_registry_lock protects relq_channel_list, relq_nr_channels,
 * relq_total_capacity, relq_next_id, every update of relq_channels, the adding and removal of
 * channel devices (so a name is never half-registered) and the link graph
 * (every channel's lower_file), so LINKs cannot race into a cycle.
 */
static DEFINE_MUTEX(relq_registry_lock);
static LIST_HEAD(relq_channel_list);
static unsigned int relq_nr_channels;
/* The sum of every reserved channel's capacity, for max_total_capacity. */
static u64 relq_total_capacity;
static u32 relq_next_id;
/* minor -> channel; lookups under RCU, updates under relq_registry_lock */
static DEFINE_XARRAY_ALLOC(relq_channels);
static dev_t relq_devt;
/* The channel files' operations, handed in by relq_registry_init(). */
static const struct file_operations *relq_fops;

/**
 * relq_validate_name() - check a channel name field
 * @name: the field, as copied from user space
 * @len: the field's size
 *
 * A name is 1 to @len - 1 characters from ``[a-z0-9_.-]``, terminated inside
 * the field, and not "." or ".."; bytes after the terminator are ignored.
 *
 * Return: 0, -ENAMETOOLONG if the field holds no NUL, or -EINVAL.
 */
int relq_validate_name(const char *name, size_t len)
{
	size_t n = strnlen(name, len), i;

	if (n == len)
		return -ENAMETOOLONG;
	if (!n || !strcmp(name, ".") || !strcmp(name, ".."))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == '-'))
			return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(relq_validate_name);

/**
 * relq_name_copy() - copy a channel name into a fixed-size field
 * @buf: the field (a channel's, INFO's or a LIST entry's name)
 * @size: the field's size in bytes
 * @name: a terminated name
 *
 * The field is always terminated when @size is not 0, and zero-padded to
 * @size, so nothing it held before reaches user space. A validated name
 * always fits a %RELQ_NAME_LEN field.
 *
 * Return: the name's length, or -E2BIG if it was cut to fit @size.
 */
ssize_t relq_name_copy(char *buf, size_t size, const char *name)
{
	return strscpy_pad(buf, name, size);
}
EXPORT_SYMBOL_IF_KUNIT(relq_name_copy);

/**
 * relq_validate_create() - check a CREATE argument against the limits
 * @c: the kernel copy of the argument
 * @max_capacity: the max_capacity parameter
 * @max_msg_size: the max_msg_size parameter
 *
 * Context: any; pure.
 * Return: 0, or -EINVAL / -ENAMETOOLONG as documented for CREATE.
 */
int relq_validate_create(const struct relq_create *c, u64 max_capacity,
			 u32 max_msg_size)
{
	int ret;

	if (c->flags & ~RELQ_CREATE_FLAGS)
		return -EINVAL;
	if (c->reserved[0] || c->reserved[1])
		return -EINVAL;
	if ((!(c->flags & RELQ_CREATE_UID) && c->uid) ||
	    (!(c->flags & RELQ_CREATE_GID) && c->gid) ||
	    (!(c->flags & RELQ_CREATE_MODE) && c->mode))
		return -EINVAL;
	ret = relq_validate_name(c->name, sizeof(c->name));
	if (ret)
		return ret;
	if (!c->capacity || c->capacity > max_capacity)
		return -EINVAL;
	if (!c->max_msg || c->max_msg > c->capacity || c->max_msg > max_msg_size)
		return -EINVAL;
	/* Access widens through a group, never to everyone. */
	if ((c->flags & RELQ_CREATE_MODE) && (c->mode & ~0777 || c->mode & 0002))
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(relq_validate_create);

static struct relq_channel *to_relq_channel(RELQ_CONST_DEV struct device *dev)
{
	return container_of(dev, struct relq_channel, dev);
}

static char *relq_channel_devnode(RELQ_CONST_DEV struct device *dev,
				  umode_t *mode, kuid_t *uid, kgid_t *gid)
{
	struct relq_channel *ch = to_relq_channel(dev);
	umode_t m;
	kuid_t u;
	kgid_t g;

	/* The node starts with the policy every open is checked against. */
	relq_channel_policy(ch, &u, &g, &m);
	if (mode)
		*mode = m;
	if (uid)
		*uid = u;
	if (gid)
		*gid = g;
	return kasprintf(GFP_KERNEL, "relq/%s", ch->name);
}

/* Tell udev whether CREATE chose the access (then a rule keeps it). */
static int relq_channel_uevent(RELQ_CONST_DEV struct device *dev,
			       struct kobj_uevent_env *env)
{
	struct relq_channel *ch = to_relq_channel(dev);

	return add_uevent_var(env, "RELQ_DEFAULT_ACCESS=%d", !ch->explicit_access);
}

static void relq_channel_dev_release(struct device *dev)
{
	relq_channel_free(to_relq_channel(dev));
}

/*
 * sysfs: one read-only value per file, read under the channel lock. Only
 * the id (the minor, which ``ls -l /dev/relq`` shows anyway) is public;
 * everything INFO reports is 0400, as private as INFO, which needs an
 * open fd.
 */
#define RELQ_CHANNEL_ATTR(_name, _expr, _declare)			\
static ssize_t _name##_show(struct device *dev,				\
			    struct device_attribute *attr, char *buf)	\
{									\
	struct relq_channel *ch = to_relq_channel(dev);			\
	u64 val;							\
									\
	scoped_guard(spinlock, &ch->lock)				\
		val = (_expr);						\
	return sysfs_emit(buf, "%llu\n", val);				\
}									\
static _declare(_name)

RELQ_CHANNEL_ATTR(id, ch->id, DEVICE_ATTR_RO);
RELQ_CHANNEL_ATTR(capacity, ch->capacity, DEVICE_ATTR_ADMIN_RO);
RELQ_CHANNEL_ATTR(max_msg, ch->max_msg, DEVICE_ATTR_ADMIN_RO);
RELQ_CHANNEL_ATTR(depth, ch->ring.depth, DEVICE_ATTR_ADMIN_RO);
RELQ_CHANNEL_ATTR(bytes, ch->ring.bytes, DEVICE_ATTR_ADMIN_RO);
RELQ_CHANNEL_ATTR(sent, ch->sent, DEVICE_ATTR_ADMIN_RO);
RELQ_CHANNEL_ATTR(received, ch->received, DEVICE_ATTR_ADMIN_RO);
RELQ_CHANNEL_ATTR(state, ch->state, DEVICE_ATTR_ADMIN_RO);

static struct attribute *relq_channel_attrs[] = {
	&dev_attr_id.attr,
	&dev_attr_capacity.attr,
	&dev_attr_max_msg.attr,
	&dev_attr_depth.attr,
	&dev_attr_bytes.attr,
	&dev_attr_sent.attr,
	&dev_attr_received.attr,
	&dev_attr_state.attr,
	NULL
};
ATTRIBUTE_GROUPS(relq_channel);

static const struct device_type relq_channel_type = {
	.name		= "relq_channel",
	.devnode	= relq_channel_devnode,
	.uevent		= relq_channel_uevent,
	.release	= relq_channel_dev_release,
};

static RELQ_CONST_CLASS struct class relq_class = {
	.name		= "relq",
	.dev_groups	= relq_channel_groups,
};

/**
 * relq_channel_lookup() - find the live channel of a minor
 * @minor: the minor of the opened node
 *
 * Context: any; takes no lock (RCU).
 * Return: the channel with a new reference, or NULL.
 */
struct relq_channel *relq_channel_lookup(unsigned int minor)
{
	struct relq_channel *ch;

	rcu_read_lock();
	ch = xa_load(&relq_channels, minor);
	if (ch) {
		/* The test build can hold the window open here (hooks.c). */
		relq_hook(RELQ_HOOK_LOOKUP);
		if (!kref_get_unless_zero(&ch->ref))
			ch = NULL;
	}
	rcu_read_unlock();
	return ch;
}
EXPORT_SYMBOL_IF_KUNIT(relq_channel_lookup);

static struct relq_channel *relq_find_locked(const char *name)
	__must_hold(&relq_registry_lock)
{
	struct relq_channel *ch;

	lockdep_assert_held(&relq_registry_lock);
	list_for_each_entry(ch, &relq_channel_list, node)
		if (!strcmp(ch->name, name))
			return ch;
	return NULL;
}

/**
 * relq_channel_reserve() - take a name and an id for a new channel
 * @c: a CREATE argument, checked by relq_validate_create()
 *
 * The channel holds its name (a second CREATE of it gets -EEXIST) and its
 * id, and counts against max_channels, but nothing can see it yet: no
 * node, no sysfs entry, no LIST entry, no lookup, no DESTROY. The caller
 * follows with relq_channel_finalize() or relq_channel_abort().
 *
 * Context: process context; takes relq_registry_lock.
 * Return: the reserved channel, or an ERR_PTR(): -EINVAL for an owner or
 * group with no mapping in the caller's user namespace, -ENOMEM, -EEXIST,
 * -ENOSPC at max_channels, or -EDQUOT when the capacities of all channels
 * would exceed max_total_capacity.
 */
struct relq_channel *relq_channel_reserve(const struct relq_create *c)
{
	struct user_namespace *ns = current_user_ns();
	kuid_t uid = GLOBAL_ROOT_UID;
	kgid_t gid = GLOBAL_ROOT_GID;
	struct relq_channel *ch;
	int ret;

	if (c->flags & RELQ_CREATE_UID)
		uid = make_kuid(ns, c->uid);
	if (c->flags & RELQ_CREATE_GID)
		gid = make_kgid(ns, c->gid);
	if (!uid_valid(uid) || !gid_valid(gid))
		return ERR_PTR(-EINVAL);
	ch = relq_channel_alloc(c);
	if (!ch)
		return ERR_PTR(-ENOMEM);
	ch->uid = uid;
	ch->gid = gid;
	/* From here on the device's release frees the channel. */
	device_initialize(&ch->dev);
	ch->dev.class = &relq_class;
	ch->dev.type = &relq_channel_type;
	cdev_init(&ch->cdev, relq_fops);
	ch->cdev.owner = THIS_MODULE;

	scoped_guard(mutex, &relq_registry_lock) {
		if (relq_find_locked(ch->name)) {
			ret = -EEXIST;
			goto out_put;
		}
		if (relq_nr_channels >= READ_ONCE(relq_max_channels)) {
			ret = -ENOSPC;
			goto out_put;
		}
		if (relq_total_capacity + ch->capacity >
		    READ_ONCE(relq_max_total_capacity)) {
			ret = -EDQUOT;
			goto out_put;
		}
		/* A NULL entry reserves the id: lookups and LIST skip it. */
		ret = xa_alloc_cyclic(&relq_channels, &ch->id, NULL,
				      XA_LIMIT(0, RELQ_MAX_MINORS - 1),
				      &relq_next_id, GFP_KERNEL);
		if (ret < 0)
			goto out_put;
		list_add_tail(&ch->node, &relq_channel_list);
		relq_nr_channels++;
		relq_total_capacity += ch->capacity;
	}
	return ch;

out_put:
	relq_channel_put(ch);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_IF_KUNIT(relq_channel_reserve);

/* Give back what relq_channel_reserve() took; the caller still holds @ch. */
static void relq_channel_unreserve_locked(struct relq_channel *ch)
	__must_hold(&relq_registry_lock)
{
	lockdep_assert_held(&relq_registry_lock);
	list_del_init(&ch->node);
	relq_nr_channels--;
	relq_total_capacity -= ch->capacity;
	xa_erase(&relq_channels, ch->id);
}

/**
 * relq_channel_abort() - drop a reserved channel
 * @ch: from relq_channel_reserve(), not finalized
 *
 * Frees the name, the id and the channel.
 *
 * Context: process context; takes relq_registry_lock.
 */
void relq_channel_abort(struct relq_channel *ch)
{
	scoped_guard(mutex, &relq_registry_lock)
		relq_channel_unreserve_locked(ch);
	relq_channel_put(ch);
}
EXPORT_SYMBOL_IF_KUNIT(relq_channel_abort);

/**
 * relq_channel_finalize() - make a reserved channel visible
 * @ch: from relq_channel_reserve()
 *
 * Adds the device (the node, the sysfs entry) and publishes the channel
 * to lookups, LIST and DESTROY, all or nothing: on failure the
 * reservation is dropped as by relq_channel_abort().
 *
 * Context: process context; takes relq_registry_lock.
 * Return: 0 or a negative errno.
 */
int relq_channel_finalize(struct relq_channel *ch)
{
	int ret;

	mutex_lock(&relq_registry_lock);
	ch->dev.devt = MKDEV(MAJOR(relq_devt), ch->id);
	ret = dev_set_name(&ch->dev, "%s", ch->name);
	if (ret)
		goto out_unreserve;
	/*
	 * Lookups find the channel before its node appears, so an open of
	 * the new node never sees ENXIO. The reserved slot needs no memory.
	 */
	xa_store(&relq_channels, ch->id, ch, GFP_KERNEL);
	ret = cdev_device_add(&ch->cdev, &ch->dev);
	if (ret)
		goto out_unreserve;
	mutex_unlock(&relq_registry_lock);
	return 0;

out_unreserve:
	relq_channel_unreserve_locked(ch);
	mutex_unlock(&relq_registry_lock);
	relq_channel_put(ch);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(relq_channel_finalize);

/* The channel behind a linked file; the file keeps it alive. */
static struct relq_channel *relq_lower_of(const struct relq_channel *ch)
	__must_hold(&relq_registry_lock)
{
	lockdep_assert_held(&relq_registry_lock);
	return ch->lower_file ? ch->lower_file->private_data : NULL;
}

/* Channels on the longest chain of links above @ch, @ch excluded. */
static unsigned int relq_height_above_locked(const struct relq_channel *ch,
					     unsigned int budget)
	__must_hold(&relq_registry_lock)
{
	struct relq_channel *up;
	unsigned int best = 0, h;

	lockdep_assert_held(&relq_registry_lock);
	if (!budget)
		return 0;
	list_for_each_entry(up, &relq_channel_list, node) {
		if (relq_lower_of(up) != ch)
			continue;
		h = 1 + relq_height_above_locked(up, budget - 1);
		best = max(best, h);
	}
	return best;
}

/* LINK's checks and update; the caller holds relq_registry_lock. */
static int relq_channel_link_locked(struct relq_channel *upper,
				    struct file *lower_file)
	__must_hold(&relq_registry_lock)
{
	struct relq_channel *lower = lower_file->private_data, *p;
	unsigned int below = 0;

	lockdep_assert_held(&relq_registry_lock);
	if (READ_ONCE(upper->state) != RELQ_LIVE)
		return -ENODEV;
	if (upper->lower_file)
		return -EBUSY;
	if (READ_ONCE(lower->state) != RELQ_LIVE)
		return -ENODEV;
	for (p = lower; p; p = relq_lower_of(p)) {
		if (p == upper)
			return -ELOOP;
		below++;
	}
	if (1 + below + relq_height_above_locked(upper, RELQ_MAX_STACK_DEPTH) >
	    RELQ_MAX_STACK_DEPTH)
		return -EMLINK;
	/* From the next write on, the upper forwards (relq_channel_write()). */
	scoped_guard(spinlock, &upper->lock)
		WRITE_ONCE(upper->lower_file, lower_file);
	return 0;
}

/**
 * relq_channel_link() - link @upper to the channel behind @lower_file
 * @upper: a channel
 * @lower_file: a channel file open for writing; on success relq keeps
 *	this reference, on failure the caller still owns it
 *
 * Checked under relq_registry_lock, so concurrent LINKs cannot build a
 * cycle or exceed %RELQ_MAX_STACK_DEPTH.
 *
 * Context: process context; takes relq_registry_lock, interruptibly.
 * Return: 0; -ERESTARTSYS if a signal came first; -ELOOP if the link
 * would close a cycle; -EBUSY if @upper is already linked; -ENODEV if
 * either channel is not live; -EMLINK if the chain would hold more than
 * %RELQ_MAX_STACK_DEPTH channels.
 */
int relq_channel_link(struct relq_channel *upper, struct file *lower_file)
{
	int ret;

	/* Unprivileged callers wait here: interruptibly (DESTROY holds it long). */
	if (mutex_lock_interruptible(&relq_registry_lock))
		return -ERESTARTSYS;
	ret = relq_channel_link_locked(upper, lower_file);
	mutex_unlock(&relq_registry_lock);
	return ret;
}

/**
 * relq_channel_unlink() - drop @upper's link
 * @upper: a channel
 *
 * Context: process context; takes relq_registry_lock, interruptibly.
 * Return: 0, -ENOENT if @upper is not linked, or -ERESTARTSYS if a signal
 * came first.
 */
int relq_channel_unlink(struct relq_channel *upper)
{
	struct file *lower_file;

	if (mutex_lock_interruptible(&relq_registry_lock))
		return -ERESTARTSYS;
	scoped_guard(spinlock, &upper->lock) {
		lower_file = upper->lower_file;
		WRITE_ONCE(upper->lower_file, NULL);
	}
	mutex_unlock(&relq_registry_lock);
	if (!lower_file)
		return -ENOENT;
	/* A write forwarding through it meanwhile holds its own reference. */
	fput(lower_file);
	return 0;
}

/* Unpublish @ch, remove its node, wake everyone; drop the registry ref. */
static void relq_channel_kill_locked(struct relq_channel *ch)
	__must_hold(&relq_registry_lock)
{
	lockdep_assert_held(&relq_registry_lock);
	if (ch->lower_file) {
		struct file *lower_file = ch->lower_file;

		scoped_guard(spinlock, &ch->lock)
			WRITE_ONCE(ch->lower_file, NULL);
		/* The final put is deferred (task work), never run under us. */
		fput(lower_file);
	}
	relq_channel_unreserve_locked(ch);
	relq_channel_set_state(ch, RELQ_DYING);
	cdev_device_del(&ch->cdev, &ch->dev);
	/* DEAD wakes every waiter: they all return -ENODEV. */
	relq_channel_set_state(ch, RELQ_DEAD);
	relq_channel_put(ch);
}

/**
 * relq_channel_destroy() - destroy the live channel called @name
 * @name: a validated name
 *
 * Context: process context; takes relq_registry_lock.
 * Return: 0, or -ENOENT if no live channel has that name.
 */
int relq_channel_destroy(const char *name)
{
	struct relq_channel *ch;

	guard(mutex)(&relq_registry_lock);
	ch = relq_find_locked(name);
	/* A channel still between reserve and finalize is not there yet. */
	if (!ch || xa_load(&relq_channels, ch->id) != ch)
		return -ENOENT;
	relq_channel_kill_locked(ch);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(relq_channel_destroy);

/**
 * relq_channel_snapshot() - snapshot the live channels
 * @entries: kernel array of @capacity entries, or NULL if @capacity is 0
 * @capacity: entries to fill at most
 * @count: out: number of live channels
 *
 * Fills min(@capacity, *@count) entries, in id order, zero-padded.
 *
 * Context: process context; takes relq_registry_lock.
 */
void relq_channel_snapshot(struct relq_list_entry *entries, u32 capacity,
			   u32 *count)
{
	struct relq_channel *ch;
	unsigned long id;
	u32 n = 0;

	guard(mutex)(&relq_registry_lock);
	xa_for_each(&relq_channels, id, ch) {
		if (n < capacity) {
			memset(&entries[n], 0, sizeof(entries[n]));
			relq_name_copy(entries[n].name,
				       sizeof(entries[n].name), ch->name);
			entries[n].id = ch->id;
		}
		n++;
	}
	*count = n;
}

/**
 * relq_registry_counters() - live channels and queued messages
 * @channels: out: live channels
 * @queued: out: messages queued in them
 *
 * Context: process context; takes relq_registry_lock.
 */
void relq_registry_counters(unsigned int *channels, u64 *queued)
{
	struct relq_channel *ch;
	u64 n = 0;

	guard(mutex)(&relq_registry_lock);
	list_for_each_entry(ch, &relq_channel_list, node)
		n += READ_ONCE(ch->ring.depth);
	*channels = relq_nr_channels;
	*queued = n;
}
EXPORT_SYMBOL_IF_KUNIT(relq_registry_counters);

/**
 * relq_registry_init() - reserve relq's char-device region and class
 * @fops: the operations of every channel's char device
 *
 * Context: module init.
 * Return: 0 or a negative errno.
 */
int relq_registry_init(const struct file_operations *fops)
{
	int ret;

	relq_fops = fops;
	ret = alloc_chrdev_region(&relq_devt, 0, RELQ_MAX_MINORS, "relq");
	if (ret)
		return ret;
	ret = class_register(&relq_class);
	if (ret)
		goto out_unregister_region;
	return 0;

out_unregister_region:
	unregister_chrdev_region(relq_devt, RELQ_MAX_MINORS);
	return ret;
}

/**
 * relq_registry_exit() - destroy every channel, release the region
 *
 * Context: module exit; no relq file is open (each pins the module).
 */
void relq_registry_exit(void)
{
	struct relq_channel *ch, *tmp;

	scoped_guard(mutex, &relq_registry_lock)
		list_for_each_entry_safe(ch, tmp, &relq_channel_list, node)
			relq_channel_kill_locked(ch);
	class_unregister(&relq_class);
	unregister_chrdev_region(relq_devt, RELQ_MAX_MINORS);
}
