// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for relq's message ring (module/queue.c): record sizes,
 * fit accounting, FIFO order, wrap-around and byte exactness, driven
 * through kernel iov_iters; and the ring's and the cancel-safe queue's
 * spinlock-side functions in atomic context (T-SYNC-2).
 */
#include "../module/relq_internal.h"

#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uio.h>

static void relq_queue_rec_size(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, relq_rec_size(0), 4);
	KUNIT_EXPECT_EQ(test, relq_rec_size(1), 8);
	KUNIT_EXPECT_EQ(test, relq_rec_size(4), 8);
	KUNIT_EXPECT_EQ(test, relq_rec_size(5), 12);
	/* A max_msg message always fits an empty ring. */
	KUNIT_EXPECT_GE(test, relq_ring_size_for(5), relq_rec_size(5));
	KUNIT_EXPECT_GE(test, relq_ring_size_for(1), relq_rec_size(1));
	KUNIT_EXPECT_GE(test, relq_ring_size_for(1 << 20),
			relq_rec_size(1 << 20));
	KUNIT_EXPECT_EQ(test, relq_ring_size_for(4096) % RELQ_REC_ALIGN, 0);
}

static void relq_put(struct kunit *test, struct relq_ring *r, const void *p, u32 len)
{
	struct kvec kv = { .iov_base = (void *)p, .iov_len = len };
	struct iov_iter it;

	KUNIT_ASSERT_TRUE(test, relq_ring_fits(r, len));
	iov_iter_kvec(&it, ITER_SOURCE, &kv, 1, len);
	KUNIT_ASSERT_EQ(test, relq_ring_copy_in(r, &it, len), len);
	relq_ring_commit(r, len);
}

static u32 relq_get(struct kunit *test, struct relq_ring *r, void *p, u32 cap)
{
	struct kvec kv = { .iov_base = p, .iov_len = cap };
	struct iov_iter it;
	u32 len;

	KUNIT_ASSERT_GT(test, r->depth, 0);
	len = relq_ring_peek_len(r);
	KUNIT_ASSERT_LE(test, len, cap);
	iov_iter_kvec(&it, ITER_DEST, &kv, 1, cap);
	KUNIT_ASSERT_EQ(test, relq_ring_copy_out(r, &it, len), len);
	relq_ring_consume(r);
	return len;
}

/* Fill, drain and refill a small ring many times: FIFO, exact, balanced. */
static void relq_queue_fifo_wrap(struct kunit *test)
{
	u32 size = relq_ring_size_for(100);
	u8 *buf = kunit_kzalloc(test, size, GFP_KERNEL);
	u8 in[37], out[37];
	struct relq_ring r;
	u32 sent = 0, got = 0, len, i, round;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	relq_ring_init(&r, buf, size);
	for (round = 0; round < 200; round++) {
		/* Lengths 1..37 in a rotating pattern, so records wrap anywhere. */
		while (relq_ring_fits(&r, (sent % 37) + 1)) {
			len = (sent % 37) + 1;
			for (i = 0; i < len; i++)
				in[i] = (u8)(sent + i);
			relq_put(test, &r, in, len);
			sent++;
		}
		KUNIT_EXPECT_LE(test, r.used, r.size);
		KUNIT_EXPECT_LE(test, r.bytes, 100);
		while (r.depth > round % 3) {
			len = relq_get(test, &r, out, sizeof(out));
			KUNIT_ASSERT_EQ(test, len, (got % 37) + 1);
			for (i = 0; i < len; i++)
				KUNIT_ASSERT_EQ(test, out[i], (u8)(got + i));
			got++;
		}
	}
	while (r.depth) {
		relq_get(test, &r, out, sizeof(out));
		got++;
	}
	KUNIT_EXPECT_EQ(test, sent, got);
	KUNIT_EXPECT_EQ(test, r.used, 0);
	KUNIT_EXPECT_EQ(test, r.bytes, 0);
	KUNIT_EXPECT_GT(test, sent, 200);
}

/* A full ring refuses the next record; one consume makes room again. */
static void relq_queue_fits_accounting(struct kunit *test)
{
	u32 size = relq_ring_size_for(16);
	u8 *buf = kunit_kzalloc(test, size, GFP_KERNEL);
	u8 msg[8] = "abcdefg", out[8];
	struct relq_ring r;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	relq_ring_init(&r, buf, size);
	KUNIT_EXPECT_TRUE(test, relq_ring_fits(&r, 8));
	relq_put(test, &r, msg, 8);
	KUNIT_EXPECT_EQ(test, r.used, 12);
	KUNIT_EXPECT_EQ(test, r.depth, 1);
	KUNIT_EXPECT_EQ(test, r.bytes, 8);
	KUNIT_EXPECT_FALSE(test, relq_ring_fits(&r, 8));
	KUNIT_EXPECT_TRUE(test, relq_ring_fits(&r, 4));
	relq_put(test, &r, msg, 4);
	KUNIT_EXPECT_FALSE(test, relq_ring_fits(&r, 1));
	KUNIT_EXPECT_EQ(test, relq_get(test, &r, out, sizeof(out)), 8);
	KUNIT_EXPECT_MEMEQ(test, out, msg, 8);
	KUNIT_EXPECT_TRUE(test, relq_ring_fits(&r, 8));
	KUNIT_EXPECT_EQ(test, relq_get(test, &r, out, sizeof(out)), 4);
	KUNIT_EXPECT_MEMEQ(test, out, msg, 4);
	KUNIT_EXPECT_EQ(test, r.used, 0);
}

/* A spinlock of the test's own, for T-SYNC-2's atomic section. */
static DEFINE_SPINLOCK(relq_sync2_lock);

/*
 * T-SYNC-2: every function of the ring and of the cancel-safe queue that
 * runs under a spinlock in relq (the ring's index and accounting helpers
 * under the channel lock; the queue's operations, which take their own)
 * is called here with a spinlock held and interrupts off. A sleep in any
 * of them is a "sleeping function called from invalid context" report
 * (DEBUG_ATOMIC_SLEEP), which the run's splat scan fails on. The copy
 * functions sleep by design (a user page fault) and run under the
 * channel's mutexes only, so they stay outside.
 */
static void relq_queue_t_sync_2_atomic_context(struct kunit *test)
{
	u32 size = relq_ring_size_for(64);
	u8 *buf = kunit_kzalloc(test, size, GFP_KERNEL);
	u8 msg[8] = "atomic!", out[8];
	struct kvec kv = { .iov_base = msg, .iov_len = 8 };
	struct relq_req a, b, *got, *taken;
	struct relq_ring r;
	struct relq_csq q;
	unsigned long flags;
	struct iov_iter it;
	bool fits, empty;
	u32 rec, len, depth;
	unsigned int flushed, closed;
	int requeued;
	LIST_HEAD(out_list);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	relq_ring_init(&r, buf, size);
	iov_iter_kvec(&it, ITER_SOURCE, &kv, 1, 8);
	KUNIT_ASSERT_EQ(test, relq_ring_copy_in(&r, &it, 8), 8);
	relq_csq_init(&q);
	relq_req_init(&a, NULL, NULL);
	relq_req_init(&b, NULL, NULL);

	spin_lock_irqsave(&relq_sync2_lock, flags);
	fits = relq_ring_fits(&r, 8);
	rec = relq_rec_size(8);
	relq_ring_commit(&r, 8);
	len = relq_ring_peek_len(&r);
	depth = r.depth;
	empty = relq_csq_empty(&q);
	relq_csq_insert(&q, &a);
	relq_csq_insert(&q, &b);
	got = relq_csq_remove_next(&q, NULL);
	requeued = relq_csq_requeue(&q, got);
	taken = relq_csq_remove_next(&q, NULL);
	relq_csq_complete(&q, taken);
	relq_csq_cancel(&q, &b);
	flushed = relq_csq_flush(&q, NULL, NULL, &out_list);
	closed = relq_csq_close(&q, &out_list);
	spin_unlock_irqrestore(&relq_sync2_lock, flags);

	KUNIT_EXPECT_TRUE(test, fits);
	KUNIT_EXPECT_EQ(test, rec, relq_rec_size(8));
	KUNIT_EXPECT_EQ(test, len, 8);
	KUNIT_EXPECT_EQ(test, depth, 1);
	KUNIT_EXPECT_TRUE(test, empty);
	KUNIT_EXPECT_PTR_EQ(test, got, &a);
	KUNIT_EXPECT_EQ(test, requeued, 0);
	KUNIT_EXPECT_PTR_EQ(test, taken, &a);
	KUNIT_EXPECT_EQ(test, a.state, RELQ_REQ_DONE);
	KUNIT_EXPECT_EQ(test, b.state, RELQ_REQ_CANCELLED);
	KUNIT_EXPECT_EQ(test, flushed + closed, 0);
	/* The consume side, and the message is the one that went in. */
	kv = (struct kvec){ .iov_base = out, .iov_len = 8 };
	iov_iter_kvec(&it, ITER_DEST, &kv, 1, 8);
	KUNIT_ASSERT_EQ(test, relq_ring_copy_out(&r, &it, 8), 8);
	spin_lock_irqsave(&relq_sync2_lock, flags);
	relq_ring_consume(&r);
	spin_unlock_irqrestore(&relq_sync2_lock, flags);
	KUNIT_EXPECT_MEMEQ(test, out, msg, 8);
	KUNIT_EXPECT_EQ(test, r.used, 0);
}

static struct kunit_case relq_queue_cases[] = {
	KUNIT_CASE(relq_queue_rec_size),
	KUNIT_CASE(relq_queue_fifo_wrap),
	KUNIT_CASE(relq_queue_fits_accounting),
	KUNIT_CASE(relq_queue_t_sync_2_atomic_context),
	{}
};

static struct kunit_suite relq_queue_suite = {
	.name = "relq_queue",
	.test_cases = relq_queue_cases,
};

kunit_test_suite(relq_queue_suite);
