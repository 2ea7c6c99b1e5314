// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the cancel-safe queue (module/csq.c): its rules one by
 * one (T-CSQ-1), forced interleavings of cancel against insert, dequeue
 * and requeue (T-RACE-1), and cancel racing complete from two threads
 * released together, round after round (T-CPL-4, T-RACE-1). Run on the
 * debug (lockdep, KASAN, DEBUG_LIST) and kcsan kernels.
 */
#include "../module/relq_internal.h"

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/kthread.h>
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#define RELQ_CSQ_MIXED_OPS	100000

/*
 * Rounds of the two-thread races. A round costs about 0.2 ms under TCG
 * with KASAN and lockdep (ten times that on a loaded host), and KUnit
 * runs inside insmod, whose wait the 30 s hung-task detector watches:
 * make check keeps each case well under that. Load relq_kunit with
 * race_rounds=100000 for the spec's 10^5.
 */
static unsigned int race_rounds = 10000;
module_param(race_rounds, uint, 0444);
MODULE_PARM_DESC(race_rounds, "Rounds of each cancel-versus-complete race (default 10000)");

static const int relq_owner_a, relq_owner_b, relq_file_1, relq_file_2;
#define OWNER_A (&relq_owner_a)
#define OWNER_B (&relq_owner_b)
#define FILE_1 (&relq_file_1)
#define FILE_2 (&relq_file_2)

/* T-CSQ-1: FIFO order, and remove-next by owner. */
static void relq_csq_t_csq_1_fifo_and_owner(struct kunit *test)
{
	struct relq_req r[5];
	struct relq_csq q;
	int i;

	relq_csq_init(&q);
	for (i = 0; i < 5; i++) {
		relq_req_init(&r[i], FILE_1, i & 1 ? OWNER_B : OWNER_A);
		KUNIT_ASSERT_EQ(test, relq_csq_insert(&q, &r[i]), 0);
	}
	KUNIT_EXPECT_EQ(test, q.nr, 5);
	KUNIT_EXPECT_PTR_EQ(test, relq_csq_remove_next(&q, OWNER_B), &r[1]);
	KUNIT_EXPECT_PTR_EQ(test, relq_csq_remove_next(&q, NULL), &r[0]);
	KUNIT_EXPECT_PTR_EQ(test, relq_csq_remove_next(&q, OWNER_B), &r[3]);
	KUNIT_EXPECT_NULL(test, relq_csq_remove_next(&q, OWNER_B));
	KUNIT_EXPECT_PTR_EQ(test, relq_csq_remove_next(&q, NULL), &r[2]);
	KUNIT_EXPECT_PTR_EQ(test, relq_csq_remove_next(&q, OWNER_A), &r[4]);
	KUNIT_EXPECT_NULL(test, relq_csq_remove_next(&q, NULL));
	for (i = 0; i < 5; i++) {
		KUNIT_EXPECT_EQ(test, r[i].state, RELQ_REQ_ACTIVE);
		relq_csq_complete(&q, &r[i]);
		KUNIT_EXPECT_EQ(test, r[i].state, RELQ_REQ_DONE);
	}
	KUNIT_EXPECT_EQ(test, q.nr, 0);
	KUNIT_EXPECT_TRUE(test, list_empty(&q.list));
}

/* T-CSQ-1: cancel is true only for a pended request. */
static void relq_csq_t_csq_1_cancel(struct kunit *test)
{
	struct relq_req a, b;
	struct relq_csq q;

	relq_csq_init(&q);
	relq_req_init(&a, FILE_1, OWNER_A);
	relq_req_init(&b, FILE_1, OWNER_A);
	/* Never inserted: nothing to cancel. */
	KUNIT_EXPECT_FALSE(test, relq_csq_cancel(&q, &a));
	KUNIT_EXPECT_EQ(test, a.state, RELQ_REQ_IDLE);
	KUNIT_ASSERT_EQ(test, relq_csq_insert(&q, &a), 0);
	KUNIT_ASSERT_EQ(test, relq_csq_insert(&q, &b), 0);
	KUNIT_EXPECT_TRUE(test, relq_csq_cancel(&q, &a));
	KUNIT_EXPECT_EQ(test, a.state, RELQ_REQ_CANCELLED);
	KUNIT_EXPECT_EQ(test, relq_req_reason(&a), -ECANCELED);
	/* A second cancel of the same request: too late. */
	KUNIT_EXPECT_FALSE(test, relq_csq_cancel(&q, &a));
	/* Taken by a completer: cancel is too late, but marks it. */
	KUNIT_EXPECT_PTR_EQ(test, relq_csq_remove_next(&q, NULL), &b);
	KUNIT_EXPECT_FALSE(test, relq_csq_cancel(&q, &b));
	KUNIT_EXPECT_TRUE(test, b.cancel);
	KUNIT_EXPECT_EQ(test, b.state, RELQ_REQ_ACTIVE);
	relq_csq_complete(&q, &b);
	KUNIT_EXPECT_EQ(test, b.state, RELQ_REQ_DONE);
	KUNIT_EXPECT_EQ(test, relq_req_reason(&b), 0);
	KUNIT_EXPECT_EQ(test, q.nr, 0);
}

/*
 * T-CSQ-1: flush-by-owner takes exactly that owner's requests on that
 * file, oldest first: not another owner's, not the same owner's on
 * another file.
 */
static void relq_csq_t_csq_1_flush_by_owner(struct kunit *test)
{
	struct relq_req r[6], other, *p;
	struct relq_csq q;
	LIST_HEAD(out);
	int i, seen = 0;

	relq_csq_init(&q);
	for (i = 0; i < 6; i++) {
		relq_req_init(&r[i], FILE_1, i % 3 ? OWNER_A : OWNER_B);
		KUNIT_ASSERT_EQ(test, relq_csq_insert(&q, &r[i]), 0);
	}
	relq_req_init(&other, FILE_2, OWNER_A);
	KUNIT_ASSERT_EQ(test, relq_csq_insert(&q, &other), 0);
	KUNIT_EXPECT_EQ(test, relq_csq_flush(&q, FILE_1, OWNER_A, &out), 4);
	list_for_each_entry(p, &out, node) {
		KUNIT_EXPECT_PTR_EQ(test, p->owner, (const void *)OWNER_A);
		KUNIT_EXPECT_PTR_EQ(test, p->file, (const void *)FILE_1);
		KUNIT_EXPECT_EQ(test, p->state, RELQ_REQ_CANCELLED);
		KUNIT_EXPECT_EQ(test, relq_req_reason(p), -ECANCELED);
		/* r[1], r[2], r[4], r[5], in that order. */
		KUNIT_EXPECT_PTR_EQ(test, p, &r[seen + seen / 2 + 1]);
		seen++;
	}
	KUNIT_EXPECT_EQ(test, seen, 4);
	KUNIT_EXPECT_EQ(test, q.nr, 3);
	KUNIT_EXPECT_PTR_EQ(test, relq_csq_remove_next(&q, NULL), &r[0]);
	KUNIT_EXPECT_PTR_EQ(test, relq_csq_remove_next(&q, NULL), &r[3]);
	KUNIT_EXPECT_PTR_EQ(test, relq_csq_remove_next(&q, NULL), &other);
}

/* T-CSQ-1: close cancels everything pended; then nothing gets in. */
static void relq_csq_t_csq_1_close(struct kunit *test)
{
	struct relq_req a, b, c;
	struct relq_csq q;
	LIST_HEAD(out);

	relq_csq_init(&q);
	relq_req_init(&a, FILE_1, OWNER_A);
	relq_req_init(&b, FILE_1, OWNER_B);
	relq_req_init(&c, FILE_1, OWNER_B);
	KUNIT_ASSERT_EQ(test, relq_csq_insert(&q, &a), 0);
	KUNIT_ASSERT_EQ(test, relq_csq_insert(&q, &b), 0);
	KUNIT_EXPECT_PTR_EQ(test, relq_csq_remove_next(&q, OWNER_B), &b);
	KUNIT_EXPECT_EQ(test, relq_csq_close(&q, &out), 1);
	KUNIT_EXPECT_EQ(test, a.state, RELQ_REQ_CANCELLED);
	KUNIT_EXPECT_EQ(test, relq_req_reason(&a), -ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, relq_csq_insert(&q, &c), -ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, c.state, RELQ_REQ_IDLE);
	/* The ACTIVE one cannot go back into a closed queue. */
	KUNIT_EXPECT_EQ(test, relq_csq_requeue(&q, &b), -ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, b.state, RELQ_REQ_CANCELLED);
	KUNIT_EXPECT_EQ(test, relq_req_reason(&b), -ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, q.nr, 0);
	KUNIT_EXPECT_TRUE(test, list_empty(&q.list));
}

/*
 * T-RACE-1, the forced interleavings, one at a time: cancel before
 * insert; cancel while QUEUED; cancel after dequeue (too late, and the
 * owner that cannot finish must not requeue it); requeue puts a request
 * back first in line.
 */
static void relq_csq_t_race_1_interleavings(struct kunit *test)
{
	struct relq_req a, b;
	struct relq_csq q;

	relq_csq_init(&q);
	relq_req_init(&a, FILE_1, OWNER_A);
	relq_req_init(&b, FILE_1, OWNER_A);
	/* Before insert: no effect; the insert then works. */
	KUNIT_EXPECT_FALSE(test, relq_csq_cancel(&q, &a));
	KUNIT_ASSERT_EQ(test, relq_csq_insert(&q, &a), 0);
	KUNIT_ASSERT_EQ(test, relq_csq_insert(&q, &b), 0);
	/* After dequeue, while the owner works on it. */
	KUNIT_EXPECT_PTR_EQ(test, relq_csq_remove_next(&q, NULL), &a);
	KUNIT_EXPECT_FALSE(test, relq_csq_cancel(&q, &a));
	KUNIT_EXPECT_EQ(test, relq_csq_requeue(&q, &a), -ECANCELED);
	KUNIT_EXPECT_EQ(test, a.state, RELQ_REQ_CANCELLED);
	KUNIT_EXPECT_EQ(test, relq_req_reason(&a), -ECANCELED);
	/* A requeued request is first in line again. */
	KUNIT_EXPECT_PTR_EQ(test, relq_csq_remove_next(&q, NULL), &b);
	KUNIT_EXPECT_EQ(test, relq_csq_requeue(&q, &b), 0);
	KUNIT_EXPECT_EQ(test, b.state, RELQ_REQ_QUEUED);
	/* While QUEUED: the cancel wins. */
	KUNIT_EXPECT_TRUE(test, relq_csq_cancel(&q, &b));
	KUNIT_EXPECT_EQ(test, q.nr, 0);
	KUNIT_EXPECT_TRUE(test, list_empty(&q.list));
}

/* Two racers released together each round (a spinning barrier). */
struct relq_race {
	struct relq_csq q;
	struct relq_req *req;		/* this round's request */
	atomic_t go;			/* round number the racers may start */
	atomic_t finished;		/* racers done with the current round */
	atomic_t cancel_won, complete_won, both, neither;
	bool canceller_won;
	unsigned int rounds;
	struct completion exited;
};

static void relq_race_wait(atomic_t *v, int want)
{
	while (atomic_read_acquire(v) < want) {
		cpu_relax();
		cond_resched();
	}
}

/* The canceller: one cancel per round, then it reports. */
static int relq_race_canceller(void *data)
{
	struct relq_race *rc = data;
	unsigned int i;

	for (i = 1; i <= rc->rounds; i++) {
		relq_race_wait(&rc->go, i);
		rc->canceller_won = relq_csq_cancel(&rc->q, rc->req);
		atomic_inc_return_release(&rc->finished);
	}
	complete(&rc->exited);
	return 0;
}

/*
 * Cancel against complete, @rounds times: each round one request is
 * pended, the canceller and this thread (the completer, which may also
 * try to put its request back) are released together, and exactly one
 * of them must end up owning it; the owner frees it (KASAN sees a
 * second free), the loser never touches it again.
 */
static void relq_csq_race(struct kunit *test, unsigned int rounds, bool requeue)
{
	struct relq_race *rc = kunit_kzalloc(test, sizeof(*rc), GFP_KERNEL);
	struct task_struct *t;
	unsigned long t0 = jiffies;
	struct relq_req *r, *got;
	unsigned int i;
	bool mine;

	KUNIT_ASSERT_NOT_NULL(test, rc);
	relq_csq_init(&rc->q);
	rc->rounds = rounds;
	init_completion(&rc->exited);
	t = kthread_run(relq_race_canceller, rc, "relq-csq-race");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));

	for (i = 1; i <= rounds; i++) {
		r = kmalloc(sizeof(*r), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, r);
		relq_req_init(r, FILE_1, OWNER_A);
		KUNIT_ASSERT_EQ(test, relq_csq_insert(&rc->q, r), 0);
		rc->req = r;
		atomic_set_release(&rc->go, i);

		got = relq_csq_remove_next(&rc->q, NULL);
		mine = got == r;
		if (mine && requeue && (i & 1)) {
			/* Could not finish it: back in line, unless cancelled. */
			if (relq_csq_requeue(&rc->q, r) == -ECANCELED)
				mine = false;	/* cancelled while ACTIVE: */
			else
				mine = relq_csq_remove_next(&rc->q, NULL) == r;
		}
		relq_race_wait(&rc->finished, i);
		if (mine && r->state == RELQ_REQ_ACTIVE)
			relq_csq_complete(&rc->q, r);

		if (mine && rc->canceller_won)
			atomic_inc(&rc->both);
		else if (mine)
			atomic_inc(&rc->complete_won);
		else if (rc->canceller_won || r->state == RELQ_REQ_CANCELLED)
			atomic_inc(&rc->cancel_won);
		else
			atomic_inc(&rc->neither);
		/* Exactly one terminal state, and the record is off the list. */
		KUNIT_EXPECT_TRUE(test, r->state == RELQ_REQ_DONE ||
				  r->state == RELQ_REQ_CANCELLED);
		KUNIT_EXPECT_TRUE(test, list_empty(&r->node));
		kfree(r);
	}
	wait_for_completion(&rc->exited);
	kunit_info(test, "%u rounds in %u ms: complete won %d, cancel won %d",
		   rounds, jiffies_to_msecs(jiffies - t0),
		   atomic_read(&rc->complete_won), atomic_read(&rc->cancel_won));
	KUNIT_EXPECT_EQ(test, atomic_read(&rc->both), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&rc->neither), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&rc->complete_won) +
			atomic_read(&rc->cancel_won), rounds);
	KUNIT_EXPECT_EQ(test, rc->q.nr, 0);
	KUNIT_EXPECT_TRUE(test, list_empty(&rc->q.list));
}

/* T-CPL-4: complete and cancel race on one request, race_rounds times. */
static void relq_csq_t_cpl_4_complete_vs_cancel(struct kunit *test)
{
	relq_csq_race(test, race_rounds, false);
}

/* T-RACE-1: the same race with requeues in it, race_rounds / 2 times. */
static void relq_csq_t_race_1_cancel_vs_requeue(struct kunit *test)
{
	relq_csq_race(test, race_rounds / 2, true);
}

/* T-CSQ-1's mixed load: three threads, 10^5 operations. */
struct relq_mixed {
	struct relq_csq q;
	struct relq_req *reqs;
	atomic_t *terminal;		/* per request: terminal transitions seen */
	unsigned int n;
	atomic_t next_insert;
	atomic_t insert_failed;
	struct completion done[3];
};

struct relq_mixed_arg {
	struct relq_mixed *m;
	int id;
};

/* Insert the next request, then remove-and-complete, cancel or rest. */
static int relq_mixed_thread(void *data)
{
	struct relq_mixed_arg *a = data;
	struct relq_mixed *m = a->m;
	struct relq_req *r;
	unsigned int i, k;

	for (;;) {
		i = atomic_inc_return(&m->next_insert) - 1;
		if (i >= m->n)
			break;
		if (relq_csq_insert(&m->q, &m->reqs[i]))
			atomic_inc(&m->insert_failed);
		switch (get_random_u32_below(3)) {
		case 0:
			r = relq_csq_remove_next(&m->q, NULL);
			if (r) {
				relq_csq_complete(&m->q, r);
				atomic_inc(&m->terminal[r - m->reqs]);
			}
			break;
		case 1:
			/* Any request: pended, taken, done or not yet in. */
			k = get_random_u32_below(m->n);
			if (relq_csq_cancel(&m->q, &m->reqs[k]))
				atomic_inc(&m->terminal[k]);
			break;
		default:
			cond_resched();
		}
	}
	complete(&m->done[a->id]);
	return 0;
}

/*
 * T-CSQ-1: three threads insert, remove-and-complete and cancel 10^5
 * requests at random; then the queue is closed. Every request reaches
 * exactly one terminal state, the counts balance and the queue is empty.
 */
static void relq_csq_t_csq_1_three_threads(struct kunit *test)
{
	struct relq_mixed *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	struct relq_mixed_arg args[3];
	struct task_struct *t;
	struct relq_req *r;
	LIST_HEAD(out);
	unsigned int i, bad = 0;
	int id;

	KUNIT_ASSERT_NOT_NULL(test, m);
	m->n = RELQ_CSQ_MIXED_OPS;
	m->reqs = vzalloc(array_size(m->n, sizeof(*m->reqs)));
	m->terminal = vzalloc(array_size(m->n, sizeof(*m->terminal)));
	KUNIT_ASSERT_NOT_NULL(test, m->reqs);
	KUNIT_ASSERT_NOT_NULL(test, m->terminal);
	relq_csq_init(&m->q);
	/* Every request exists before any thread runs: cancels see IDLE. */
	for (i = 0; i < m->n; i++)
		relq_req_init(&m->reqs[i], FILE_1, OWNER_A);
	for (id = 0; id < 3; id++) {
		init_completion(&m->done[id]);
		args[id] = (struct relq_mixed_arg){ .m = m, .id = id };
		t = kthread_run(relq_mixed_thread, &args[id], "relq-csq-%d", id);
		KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	}
	for (id = 0; id < 3; id++)
		wait_for_completion(&m->done[id]);
	relq_csq_close(&m->q, &out);
	list_for_each_entry(r, &out, node)
		atomic_inc(&m->terminal[r - m->reqs]);
	for (i = 0; i < m->n; i++)
		bad += atomic_read(&m->terminal[i]) != 1;
	KUNIT_EXPECT_EQ(test, bad, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&m->insert_failed), 0);
	KUNIT_EXPECT_EQ(test, m->q.nr, 0);
	KUNIT_EXPECT_TRUE(test, list_empty(&m->q.list));
	vfree(m->terminal);
	vfree(m->reqs);
}

static struct kunit_case relq_csq_cases[] = {
	KUNIT_CASE(relq_csq_t_csq_1_fifo_and_owner),
	KUNIT_CASE(relq_csq_t_csq_1_cancel),
	KUNIT_CASE(relq_csq_t_csq_1_flush_by_owner),
	KUNIT_CASE(relq_csq_t_csq_1_close),
	KUNIT_CASE_SLOW(relq_csq_t_csq_1_three_threads),
	KUNIT_CASE(relq_csq_t_race_1_interleavings),
	KUNIT_CASE_SLOW(relq_csq_t_cpl_4_complete_vs_cancel),
	KUNIT_CASE_SLOW(relq_csq_t_race_1_cancel_vs_requeue),
	{}
};

static struct kunit_suite relq_csq_suite = {
	.name = "relq_csq",
	.test_cases = relq_csq_cases,
};

kunit_test_suite(relq_csq_suite);
