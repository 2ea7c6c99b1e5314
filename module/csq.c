// SPDX-License-Identifier: GPL-2.0
/*
 * A cancel-safe queue of pended requests, written for relq (the kernel
 * has no such unit; Windows' IoCsqXxx routines are the model). It knows
 * nothing of io_uring or user memory: a request is a &struct relq_req
 * embedded in the caller's record, and whoever takes a request out of the
 * queue completes it, outside the queue lock.
 *
 * The rules it enforces:
 *
 * - a request moves IDLE -> QUEUED (insert), QUEUED -> ACTIVE
 *   (remove-next: this caller now owns it), QUEUED -> CANCELLED (cancel,
 *   flush, close) and ACTIVE -> DONE (complete), always under the queue
 *   lock; ACTIVE -> QUEUED (requeue) puts back a request its owner could
 *   not finish, unless a cancel asked for it meanwhile;
 * - of two racing parties (a completer and a canceller) exactly one gets
 *   the request; the loser is told so and never touches it again;
 * - a second terminal transition is a bug: WARN_ON_ONCE() and refused;
 * - once closed, the queue accepts nothing (-ESHUTDOWN).
 */
#include "relq_internal.h"

#include <linux/bug.h>
#include <linux/export.h>
#include <linux/list.h>

/**
 * relq_csq_init() - set up an empty, open queue
 * @q: the queue
 */
void relq_csq_init(struct relq_csq *q)
{
	spin_lock_init(&q->lock);
	INIT_LIST_HEAD(&q->list);
	q->closed = false;
	q->nr = 0;
}
EXPORT_SYMBOL_IF_KUNIT(relq_csq_init);

/**
 * relq_csq_empty() - whether nothing is pended, without the lock
 * @q: the queue
 *
 * A hint for a fast path (a write with nobody pended): the answer may be
 * stale at once, so a caller that acts on "not empty" takes the lock.
 *
 * Return: true if no request was QUEUED at the time of the read.
 */
bool relq_csq_empty(const struct relq_csq *q)
{
	return !READ_ONCE(q->nr);
}
EXPORT_SYMBOL_IF_KUNIT(relq_csq_empty);

/**
 * relq_req_init() - make a request ready for relq_csq_insert()
 * @r: the request
 * @file: the open file it is pended on: relq_csq_flush() compares it
 * @owner: who pended it (relq: the submitter's file table):
 *	relq_csq_flush() and the owner filter of relq_csq_remove_next()
 *	compare it
 *
 * Nothing dereferences @file or @owner.
 */
void relq_req_init(struct relq_req *r, const void *file, const void *owner)
{
	INIT_LIST_HEAD(&r->node);
	r->file = file;
	r->owner = owner;
	r->notify = NULL;
	r->state = RELQ_REQ_IDLE;
	r->cancel = false;
	r->reason = 0;
}
EXPORT_SYMBOL_IF_KUNIT(relq_req_init);

/**
 * relq_req_reason() - why a request ended without completing
 * @r: a request the caller took out of the queue (a true
 *	relq_csq_cancel(), a failed relq_csq_requeue(), or one on the list
 *	relq_csq_flush() or relq_csq_close() returned)
 *
 * Only the party that took @r calls this, so the state it reads is stable.
 *
 * Return: 0 if @r is not CANCELLED; -ECANCELED if a cancel or its owner's
 * flush ended it; -ESHUTDOWN if the queue closed under it.
 */
int relq_req_reason(const struct relq_req *r)
{
	return r->state == RELQ_REQ_CANCELLED ? r->reason : 0;
}
EXPORT_SYMBOL_IF_KUNIT(relq_req_reason);

/* One state change; an illegal one is a bug in relq, refused. */
static bool relq_req_move_locked(struct relq_csq *q, struct relq_req *r,
				 enum relq_req_state to)
	__must_hold(&q->lock)
{
	enum relq_req_state from = r->state;
	bool ok;

	lockdep_assert_held(&q->lock);
	switch (to) {
	case RELQ_REQ_QUEUED:
		ok = from == RELQ_REQ_IDLE || from == RELQ_REQ_ACTIVE;
		break;
	case RELQ_REQ_ACTIVE:
	case RELQ_REQ_CANCELLED:
		ok = from == RELQ_REQ_QUEUED || (to == RELQ_REQ_CANCELLED &&
						 from == RELQ_REQ_ACTIVE);
		break;
	case RELQ_REQ_DONE:
		ok = from == RELQ_REQ_ACTIVE;
		break;
	default:
		ok = false;
	}
	if (WARN_ON_ONCE(!ok))
		return false;
	r->state = to;
	return true;
}

/* Take a QUEUED request off the list into @to (ACTIVE or CANCELLED). */
static void relq_csq_unlink_locked(struct relq_csq *q, struct relq_req *r,
				   enum relq_req_state to)
	__must_hold(&q->lock)
{
	lockdep_assert_held(&q->lock);
	if (relq_req_move_locked(q, r, to)) {
		list_del_init(&r->node);
		WRITE_ONCE(q->nr, q->nr - 1);
	}
}

/**
 * relq_csq_insert() - pend a request at the tail
 * @q: the queue
 * @r: an IDLE request, from relq_req_init()
 *
 * Context: any; takes q->lock.
 * Return: 0, or -ESHUTDOWN once the queue is closed (@r stays IDLE and
 * belongs to the caller).
 */
int relq_csq_insert(struct relq_csq *q, struct relq_req *r)
{
	int ret = -ESHUTDOWN;

	spin_lock(&q->lock);
	if (!q->closed) {
		ret = -EINVAL;
		if (relq_req_move_locked(q, r, RELQ_REQ_QUEUED)) {
			list_add_tail(&r->node, &q->list);
			WRITE_ONCE(q->nr, q->nr + 1);
			ret = 0;
		}
	}
	spin_unlock(&q->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(relq_csq_insert);

/**
 * relq_csq_remove_next() - take the oldest pended request
 * @q: the queue
 * @owner: only a request of this owner, or NULL for any
 *
 * The request is ACTIVE and the caller's: it completes it with
 * relq_csq_complete() or puts it back with relq_csq_requeue(). A cancel
 * that comes now finds it gone.
 *
 * Context: any; takes q->lock.
 * Return: the request, or NULL if none is pended.
 */
struct relq_req *relq_csq_remove_next(struct relq_csq *q, const void *owner)
{
	struct relq_req *r, *found = NULL;

	spin_lock(&q->lock);
	list_for_each_entry(r, &q->list, node) {
		if (owner && r->owner != owner)
			continue;
		relq_csq_unlink_locked(q, r, RELQ_REQ_ACTIVE);
		found = r;
		break;
	}
	spin_unlock(&q->lock);
	return found;
}
EXPORT_SYMBOL_IF_KUNIT(relq_csq_remove_next);

/**
 * relq_csq_cancel() - cancel one request, if it is still pended
 * @q: the queue
 * @r: the request
 *
 * Context: any; takes q->lock.
 * Return: true if this call took @r out of the queue: it is CANCELLED and
 * the caller completes it. False if it was not pended (never inserted,
 * or already taken): the caller must not touch it again. An ACTIVE
 * request is marked, so its owner cancels it instead of putting it back.
 */
bool relq_csq_cancel(struct relq_csq *q, struct relq_req *r)
{
	bool took;

	spin_lock(&q->lock);
	if (r->state == RELQ_REQ_ACTIVE)
		r->cancel = true;
	took = r->state == RELQ_REQ_QUEUED;
	if (took) {
		relq_csq_unlink_locked(q, r, RELQ_REQ_CANCELLED);
		r->reason = -ECANCELED;
	}
	spin_unlock(&q->lock);
	return took;
}
EXPORT_SYMBOL_IF_KUNIT(relq_csq_cancel);

/**
 * relq_csq_complete() - end an ACTIVE request
 * @q: the queue
 * @r: a request this caller took with relq_csq_remove_next()
 *
 * Context: any; takes q->lock.
 */
void relq_csq_complete(struct relq_csq *q, struct relq_req *r)
{
	spin_lock(&q->lock);
	relq_req_move_locked(q, r, RELQ_REQ_DONE);
	spin_unlock(&q->lock);
}
EXPORT_SYMBOL_IF_KUNIT(relq_csq_complete);

/**
 * relq_csq_requeue() - put an ACTIVE request back at the head
 * @q: the queue
 * @r: a request this caller took with relq_csq_remove_next() and could
 *	not finish (its message went to another reader)
 *
 * Context: any; takes q->lock.
 * Return: 0 (@r is QUEUED again, first in line), or -ECANCELED if a cancel
 * came while it was ACTIVE, or -ESHUTDOWN if the queue closed: then @r is
 * CANCELLED and the caller completes it.
 */
int relq_csq_requeue(struct relq_csq *q, struct relq_req *r)
{
	int ret = 0;

	spin_lock(&q->lock);
	if (r->cancel || q->closed) {
		relq_req_move_locked(q, r, RELQ_REQ_CANCELLED);
		ret = r->cancel ? -ECANCELED : -ESHUTDOWN;
		r->reason = ret;
	} else if (relq_req_move_locked(q, r, RELQ_REQ_QUEUED)) {
		list_add(&r->node, &q->list);
		WRITE_ONCE(q->nr, q->nr + 1);
	} else {
		ret = -EINVAL;
	}
	spin_unlock(&q->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(relq_csq_requeue);

/*
 * Move the pended requests of @file and @owner (NULL: any) to @out,
 * CANCELLED for @reason.
 */
static unsigned int relq_csq_collect_locked(struct relq_csq *q,
					    const void *file,
					    const void *owner, int reason,
					    struct list_head *out)
	__must_hold(&q->lock)
{
	struct relq_req *r, *tmp;
	unsigned int n = 0;

	lockdep_assert_held(&q->lock);
	list_for_each_entry_safe(r, tmp, &q->list, node) {
		if ((file && r->file != file) || (owner && r->owner != owner))
			continue;
		if (!relq_req_move_locked(q, r, RELQ_REQ_CANCELLED))
			continue;
		r->reason = reason;
		list_move_tail(&r->node, out);
		WRITE_ONCE(q->nr, q->nr - 1);
		n++;
	}
	return n;
}

/**
 * relq_csq_flush() - cancel every pended request of one owner on one file
 * @q: the queue
 * @file: the file the requests were pended on
 * @owner: their owner
 * @out: an empty list; receives the cancelled requests, oldest first
 *
 * The requests are collected under the lock and completed by the caller
 * after it, from @out (their node links them there); their
 * relq_req_reason() is -ECANCELED.
 *
 * Context: any; takes q->lock.
 * Return: the number of requests moved to @out.
 */
unsigned int relq_csq_flush(struct relq_csq *q, const void *file,
			    const void *owner, struct list_head *out)
{
	unsigned int n;

	spin_lock(&q->lock);
	n = relq_csq_collect_locked(q, file, owner, -ECANCELED, out);
	spin_unlock(&q->lock);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(relq_csq_flush);

/**
 * relq_csq_close() - close the queue and cancel everything pended
 * @q: the queue
 * @out: an empty list; receives the cancelled requests, oldest first
 *
 * Later inserts get -ESHUTDOWN and requeues cancel their request. The
 * requests' relq_req_reason() is -ESHUTDOWN.
 *
 * Context: any; takes q->lock.
 * Return: the number of requests moved to @out.
 */
unsigned int relq_csq_close(struct relq_csq *q, struct list_head *out)
{
	unsigned int n;

	spin_lock(&q->lock);
	q->closed = true;
	n = relq_csq_collect_locked(q, NULL, NULL, -ESHUTDOWN, out);
	spin_unlock(&q->lock);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(relq_csq_close);
