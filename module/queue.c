// SPDX-License-Identifier: GPL-2.0
/*
 * The message ring behind each channel: a byte ring of records, each a
 * 4-byte length followed by the payload, 4-byte aligned. No allocation per
 * message, one copy in and one copy out.
 *
 * This file takes no locks and sees no __user pointer: the channel code
 * serialises callers (readers by rlock, writers by wlock, indices and
 * counters under the channel spinlock) and hands in an iov_iter. Fields
 * that the channel code also reads locklessly are written with
 * WRITE_ONCE().
 */
#include "relq_internal.h"

#include <linux/align.h>
#include <linux/export.h>
#include <linux/gfp.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/string.h>

/**
 * relq_rec_size() - bytes a message of @len bytes takes in a ring
 * @len: payload length
 *
 * Return: the record size: header plus payload, rounded up to
 * %RELQ_REC_ALIGN.
 */
u32 relq_rec_size(u32 len)
{
	return RELQ_REC_HDR + ALIGN(len, RELQ_REC_ALIGN);
}
EXPORT_SYMBOL_IF_KUNIT(relq_rec_size);

/**
 * relq_ring_size_for() - ring size for a channel's capacity
 * @capacity: payload bytes the channel may hold (validated by the caller)
 *
 * Every message is at most @capacity bytes (CREATE checks max_msg against
 * it), so the largest message always fits an empty ring.
 *
 * Return: the ring size in bytes.
 */
u32 relq_ring_size_for(u64 capacity)
{
	return ALIGN(capacity, RELQ_REC_ALIGN) + RELQ_REC_HDR;
}
EXPORT_SYMBOL_IF_KUNIT(relq_ring_size_for);

/**
 * relq_ring_alloc() - allocate an empty ring for a channel's capacity
 * @r: the ring
 * @capacity: payload bytes the channel may hold (validated by the caller)
 *
 * The size comes from CREATE: a failure is the caller's ENOMEM, not a
 * warning in the log that any admin could trigger at will.
 *
 * Context: process context; may sleep.
 * Return: 0, or -ENOMEM.
 */
int relq_ring_alloc(struct relq_ring *r, u64 capacity)
{
	u32 size = relq_ring_size_for(capacity);
	u8 *buf;

	KUNIT_STATIC_STUB_REDIRECT(relq_ring_alloc, r, capacity);
	/*
	 * __GFP_RETRY_MAYFAIL: when memory (or the creator's memory cgroup)
	 * is exhausted, fail rather than invoke the OOM killer, and never
	 * kill a process for a CREATE.
	 */
	buf = kvmalloc(size, GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL |
			     __GFP_NOWARN);
	if (!buf)
		return -ENOMEM;
	relq_ring_init(r, buf, size);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(relq_ring_alloc);

/**
 * relq_ring_free() - free the storage of a ring from relq_ring_alloc()
 * @r: the ring
 */
void relq_ring_free(struct relq_ring *r)
{
	kvfree(r->buf);
	r->buf = NULL;
}

/**
 * relq_ring_init() - set up an empty ring over @buf
 * @r: the ring
 * @buf: storage of @size bytes
 * @size: from relq_ring_size_for()
 */
void relq_ring_init(struct relq_ring *r, u8 *buf, u32 size)
{
	memset(r, 0, sizeof(*r));
	r->buf = buf;
	r->size = size;
}
EXPORT_SYMBOL_IF_KUNIT(relq_ring_init);

/**
 * relq_ring_fits() - whether a message of @len bytes fits now
 * @r: the ring
 * @len: payload length
 *
 * Return: true if a record for @len bytes fits in the free space.
 */
bool relq_ring_fits(const struct relq_ring *r, u32 len)
{
	return r->used <= r->size && relq_rec_size(len) <= r->size - r->used;
}
EXPORT_SYMBOL_IF_KUNIT(relq_ring_fits);

/**
 * relq_ring_peek_len() - length of the oldest message
 * @r: a ring with at least one record
 *
 * Return: the payload length of the record at the head.
 */
u32 relq_ring_peek_len(const struct relq_ring *r)
{
	u32 len;

	memcpy(&len, r->buf + r->head, sizeof(len));
	return len;
}
EXPORT_SYMBOL_IF_KUNIT(relq_ring_peek_len);

/* Offset @delta bytes after @off, wrapping at the ring's end. */
static u32 relq_ring_off(const struct relq_ring *r, u32 off, u32 delta)
{
	u32 room = r->size - off;

	return delta < room ? off + delta : delta - room;
}

/**
 * relq_ring_copy_in() - write a new record's header and payload at the tail
 * @r: the ring; the record must fit (relq_ring_fits())
 * @from: the payload source, advanced by what was copied
 * @len: payload length
 *
 * The record stays invisible to readers until relq_ring_commit().
 *
 * Return: payload bytes copied; less than @len on a fault.
 */
size_t relq_ring_copy_in(struct relq_ring *r, struct iov_iter *from, u32 len)
{
	u32 off = relq_ring_off(r, r->tail, RELQ_REC_HDR);
	u32 first = min(len, r->size - off);
	size_t done;

	memcpy(r->buf + r->tail, &len, sizeof(len));
	done = copy_from_iter(r->buf + off, first, from);
	if (done == first && len > first)
		done += copy_from_iter(r->buf, len - first, from);
	return done;
}
EXPORT_SYMBOL_IF_KUNIT(relq_ring_copy_in);

/**
 * relq_ring_copy_out() - copy the oldest message's payload out
 * @r: a ring with at least one record, of payload length @len
 * @to: the destination, advanced by what was copied
 * @len: relq_ring_peek_len()
 *
 * The record stays queued until relq_ring_consume().
 *
 * Return: payload bytes copied; less than @len on a fault.
 */
size_t relq_ring_copy_out(const struct relq_ring *r, struct iov_iter *to, u32 len)
{
	u32 off = relq_ring_off(r, r->head, RELQ_REC_HDR);
	u32 first = min(len, r->size - off);
	size_t done;

	done = copy_to_iter(r->buf + off, first, to);
	if (done == first && len > first)
		done += copy_to_iter(r->buf, len - first, to);
	return done;
}
EXPORT_SYMBOL_IF_KUNIT(relq_ring_copy_out);

/**
 * relq_ring_commit() - publish the record written by relq_ring_copy_in()
 * @r: the ring
 * @len: its payload length
 */
void relq_ring_commit(struct relq_ring *r, u32 len)
{
	u32 rec = relq_rec_size(len);

	r->tail = relq_ring_off(r, r->tail, rec);
	WRITE_ONCE(r->used, r->used + rec);
	WRITE_ONCE(r->depth, r->depth + 1);
	WRITE_ONCE(r->bytes, r->bytes + len);
}
EXPORT_SYMBOL_IF_KUNIT(relq_ring_commit);

/**
 * relq_ring_consume() - drop the oldest record
 * @r: a ring with at least one record
 */
void relq_ring_consume(struct relq_ring *r)
{
	u32 len = relq_ring_peek_len(r);
	u32 rec = relq_rec_size(len);

	r->head = relq_ring_off(r, r->head, rec);
	WRITE_ONCE(r->used, r->used - rec);
	WRITE_ONCE(r->depth, r->depth - 1);
	WRITE_ONCE(r->bytes, r->bytes - len);
}
EXPORT_SYMBOL_IF_KUNIT(relq_ring_consume);
