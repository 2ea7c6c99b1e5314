// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests that race relq's internals from kthreads: a channel's own
 * message path, its locks and waits (T-MP-3), registry lookups against
 * DESTROY (T-SYNC-5), and a channel's references one by one (T-OBJ-1).
 * Run on the debug (lockdep, KASAN) and kcsan (KCSAN) kernels.
 */
#include "../module/relq_internal.h"

#include <kunit/test.h>
#include <linux/anon_inodes.h>
#include <linux/completion.h>
#include <linux/file.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uio.h>

#define RELQ_MP3_OPS	100000
#define RELQ_MP3_MSG	48
#define RELQ_MP3_STOP	0xff	/* the one byte of a reader's stop message */
/* How long the kthreads may go without moving a message: they are stuck. */
#define RELQ_MP3_STALL_S	8

/*
 * T-MP-3 drives a channel through the driver's own message path,
 * relq_channel_write() and relq_channel_read(), with its own locks and
 * waits: no lock of the test's. The kthreads' kiocbs are synchronous and
 * blocking, on a file of the test's (only its flags matter).
 */
struct relq_mp3 {
	struct relq_channel *ch;
	struct file *file;
	atomic64_t in_msgs, in_bytes, out_msgs, out_bytes;
	atomic_t corrupt, errors;
	struct completion done[4];
};

struct relq_mp3_arg {
	struct relq_mp3 *q;
	int id;
};

static const struct file_operations relq_mp3_fops = {
	.owner = THIS_MODULE,
};

/* One message through the channel's write or read path. */
static ssize_t relq_mp3_io(struct relq_mp3 *q, bool write, u8 *buf, size_t len)
{
	struct kvec kv = { .iov_base = buf, .iov_len = len };
	struct iov_iter it;
	struct kiocb kiocb;

	init_sync_kiocb(&kiocb, q->file);
	iov_iter_kvec(&it, write ? ITER_SOURCE : ITER_DEST, &kv, 1, len);
	return write ? relq_channel_write(q->ch, &kiocb, &it) :
		       relq_channel_read(q->ch, &kiocb, &it);
}

static int relq_mp3_writer(void *data)
{
	struct relq_mp3_arg *a = data;
	struct relq_mp3 *q = a->q;
	u8 msg[RELQ_MP3_MSG];
	u32 len, i;

	for (i = 0; i < RELQ_MP3_OPS; i++) {
		len = 1 + (i * 7 + a->id) % RELQ_MP3_MSG;
		memset(msg, (u8)len, len);
		/* Blocks, in the driver, while the channel is full. */
		if (relq_mp3_io(q, true, msg, len) != len) {
			atomic_inc(&q->errors);
			continue;
		}
		atomic64_inc(&q->in_msgs);
		atomic64_add(len, &q->in_bytes);
	}
	complete(&q->done[a->id]);
	return 0;
}

static int relq_mp3_reader(void *data)
{
	struct relq_mp3_arg *a = data;
	struct relq_mp3 *q = a->q;
	u8 msg[RELQ_MP3_MSG];
	ssize_t len, i;

	for (;;) {
		/* Blocks, in the driver, while the channel is empty. */
		len = relq_mp3_io(q, false, msg, sizeof(msg));
		if (len == 1 && msg[0] == RELQ_MP3_STOP)
			break;
		/* The test killed the channel: a kthread was stuck. */
		if (len == -ENODEV)
			break;
		if (len < 1 || len > RELQ_MP3_MSG) {
			atomic_inc(&q->errors);
			continue;
		}
		for (i = 0; i < len; i++)
			if (msg[i] != (u8)len)
				atomic_inc(&q->corrupt);
		atomic64_inc(&q->out_msgs);
		atomic64_add(len, &q->out_bytes);
	}
	complete(&q->done[a->id]);
	return 0;
}

/*
 * Wait for kthreads @from..@to while messages keep moving. False once no
 * message has moved for RELQ_MP3_STALL_S seconds: a kthread is stuck. (A
 * fixed deadline would not do: the hung-task detector reports the task
 * loading the tests after 30 s, so the test has to notice a stall early.)
 */
static bool relq_mp3_wait(struct relq_mp3 *q, int from, int to)
{
	s64 moved = -1, now;
	int i, idle = 0;

	for (i = from; i <= to; i++) {
		while (!wait_for_completion_timeout(&q->done[i], HZ)) {
			now = atomic64_read(&q->in_msgs) + atomic64_read(&q->out_msgs);
			idle = now == moved ? idle + 1 : 0;
			moved = now;
			if (idle >= RELQ_MP3_STALL_S)
				return false;
		}
	}
	return true;
}

/*
 * T-MP-3: 2 writer and 2 reader kthreads, 10^5 messages each writer, on
 * a 1 KiB channel, so writers wait for room and readers for messages all
 * the time: every message arrives once and intact, the counts balance.
 */
static void relq_concurrency_t_mp_3_ring_kthreads(struct kunit *test)
{
	struct relq_mp3 *q = kunit_kzalloc(test, sizeof(*q), GFP_KERNEL);
	struct relq_mp3_arg *args = kunit_kcalloc(test, 4, sizeof(*args), GFP_KERNEL);
	struct relq_create c = { .name = "kunit-mp3", .capacity = 1024,
				 .max_msg = 64 };
	bool stuck;
	u8 stop = RELQ_MP3_STOP;
	struct task_struct *t;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_ASSERT_NOT_NULL(test, args);
	q->ch = relq_channel_alloc(&c);
	KUNIT_ASSERT_NOT_NULL(test, q->ch);
	q->file = anon_inode_getfile("[relq-mp3]", &relq_mp3_fops, NULL, O_RDWR);
	if (IS_ERR(q->file)) {
		relq_channel_free(q->ch);
		KUNIT_FAIL(test, "anon_inode_getfile: %ld", PTR_ERR(q->file));
		return;
	}
	for (i = 0; i < 4; i++) {
		init_completion(&q->done[i]);
		args[i] = (struct relq_mp3_arg){ .q = q, .id = i };
		t = kthread_run(i < 2 ? relq_mp3_writer : relq_mp3_reader, &args[i],
				"relq_mp3/%d", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	}
	stuck = !relq_mp3_wait(q, 0, 1);
	/* One stop message per reader, behind all the data. */
	for (i = 0; i < 2 && !stuck; i++)
		KUNIT_EXPECT_EQ(test, relq_mp3_io(q, true, &stop, 1), 1);
	stuck = stuck || !relq_mp3_wait(q, 2, 3);
	if (stuck) {
		/*
		 * A lost wake-up or lost accounting: a kthread waits for
		 * room or a message that never comes. Fail here, by name,
		 * and kill the channel, which wakes every waiter with
		 * -ENODEV, so the kthreads end and the suite goes on.
		 */
		KUNIT_FAIL(test, "no message moved for %d s: a kthread is stuck in the driver",
			   RELQ_MP3_STALL_S);
		relq_channel_set_state(q->ch, RELQ_DYING);
		relq_channel_set_state(q->ch, RELQ_DEAD);
		for (i = 0; i < 4; i++)
			wait_for_completion(&q->done[i]);
		fput(q->file);
		flush_delayed_fput();
		relq_channel_free(q->ch);
		return;
	}

	KUNIT_EXPECT_EQ(test, atomic_read(&q->corrupt), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&q->errors), 0);
	KUNIT_EXPECT_EQ(test, atomic64_read(&q->in_msgs), 2 * RELQ_MP3_OPS);
	KUNIT_EXPECT_EQ(test, atomic64_read(&q->out_msgs), atomic64_read(&q->in_msgs));
	KUNIT_EXPECT_EQ(test, atomic64_read(&q->out_bytes), atomic64_read(&q->in_bytes));
	KUNIT_EXPECT_EQ(test, q->ch->sent, 2 * RELQ_MP3_OPS + 2);
	KUNIT_EXPECT_EQ(test, q->ch->received, q->ch->sent);
	KUNIT_EXPECT_EQ(test, q->ch->ring.depth, 0);
	KUNIT_EXPECT_EQ(test, q->ch->ring.used, 0);
	KUNIT_EXPECT_EQ(test, q->ch->ring.bytes, 0);
	fput(q->file);
	flush_delayed_fput();
	relq_channel_free(q->ch);
}

/* CREATE as control.c runs it, with the id handed back in the kernel. */
static int relq_sync5_create(const struct relq_create *c, u32 *id)
{
	struct relq_channel *ch = relq_channel_reserve(c);

	if (IS_ERR(ch))
		return PTR_ERR(ch);
	WRITE_ONCE(*id, ch->id);
	return relq_channel_finalize(ch);
}

#ifdef RELQ_TEST_HOOKS
/* The name of T-SYNC-5's channel in slot @slot. */
static void relq_sync5_name(char name[RELQ_NAME_LEN], unsigned int slot)
{
	scnprintf(name, RELQ_NAME_LEN, "kunit-sync5-%u", slot);
}

#define RELQ_SYNC5_CHANNELS	8
#define RELQ_SYNC5_LOOKERS	2
/*
 * At least MIN rounds of CREATE and DESTROY of every channel, then more
 * until some lookups have been refused, MAX at most.
 */
#define RELQ_SYNC5_MIN_ROUNDS	4
#define RELQ_SYNC5_MAX_ROUNDS	24
/*
 * The lookup hook's window, 6 to 10 ms: about as long as a DESTROY takes
 * from unpublishing a channel to its last put (5 to 8 ms under TCG with
 * KASAN and lockdep, mostly cdev_device_del()), so that a lookup which
 * found the channel still published often takes its reference after the
 * count reached 0. A shorter window meets a count of 0 only when the
 * looker is preempted inside it: a few times in 20 rounds.
 */
#define RELQ_SYNC5_DELAY_US	6000
#define RELQ_SYNC5_JITTER_US	4000
/*
 * The registry's reference and one per looker. A count revived from 0
 * saturates (refcount_t), far above.
 */
#define RELQ_SYNC5_MAX_REF	(1 + RELQ_SYNC5_LOOKERS)

struct relq_sync5 {
	u32 ids[RELQ_SYNC5_CHANNELS];
	/* The slot whose channel is being destroyed, or was last. */
	unsigned int victim;
	/* Lookups that returned a channel; of those, found mid-DESTROY. */
	atomic_long_t found, dying;
	/* Held a count outside [1, RELQ_SYNC5_MAX_REF]; the last such count. */
	atomic_long_t bad_ref;
	atomic_t last_bad_ref;
	/* Held a channel of another id or name. */
	atomic_long_t bad_id;
	struct task_struct *lookers[RELQ_SYNC5_LOOKERS];
};

/*
 * Look channels up by id as open() does, as fast as the hook lets it:
 * three times in four the one being destroyed, else each in turn. A
 * channel returned is held across a short pause and must be the one of
 * that id and name, with a count of at least ours and at most
 * RELQ_SYNC5_MAX_REF: a lookup that revived a dying count leaves it
 * saturated, and DESTROY frees the channel under us (KASAN sees that).
 */
static int relq_sync5_looker(void *data)
{
	struct relq_sync5 *s = data;
	char name[RELQ_NAME_LEN];
	struct relq_channel *ch;
	unsigned int i = 0, k, refs;
	u32 id, slot;

	while (!kthread_should_stop()) {
		/* Mostly the channel being destroyed, now and then any. */
		if (i & 3)
			slot = READ_ONCE(s->victim);
		else
			slot = i / 4 % RELQ_SYNC5_CHANNELS;
		i++;
		id = READ_ONCE(s->ids[slot]);
		ch = relq_channel_lookup(id);
		if (ch) {
			atomic_long_inc(&s->found);
			for (k = 0; k < 64; k++)
				cpu_relax();
			refs = kref_read(&ch->ref);
			if (refs < 1 || refs > RELQ_SYNC5_MAX_REF) {
				atomic_long_inc(&s->bad_ref);
				atomic_set(&s->last_bad_ref, refs);
			}
			relq_sync5_name(name, slot);
			if (READ_ONCE(ch->id) != id || strcmp(ch->name, name))
				atomic_long_inc(&s->bad_id);
			/* Found while DESTROY was taking it down. */
			if (READ_ONCE(ch->state) != RELQ_LIVE)
				atomic_long_inc(&s->dying);
			relq_channel_put(ch);
		}
		if (!(i & 63))
			cond_resched();
	}
	return 0;
}

/* Cleanup actions: they run on every way out of the test, last first. */
static void relq_sync5_unhook(void *unused)
{
	relq_hook_set(RELQ_HOOK_LOOKUP, 0, 0);
}

static void relq_sync5_destroy_all(void *unused)
{
	char name[RELQ_NAME_LEN];
	int i;

	for (i = 0; i < RELQ_SYNC5_CHANNELS; i++) {
		relq_sync5_name(name, i);
		relq_channel_destroy(name);
	}
}

static void relq_sync5_stop(void *looker)
{
	kthread_stop(looker);
}

/*
 * Refusals so far, never more than the exact count once the lookers stop:
 * the hits are read first, and each looker may be between the hook and
 * counting what it found.
 */
static long relq_sync5_refused_at_least(struct relq_sync5 *s, u32 hits0)
{
	u32 hits = relq_hook_hits(RELQ_HOOK_LOOKUP) - hits0;

	smp_rmb();	/* the hits before what they found */
	return (long)hits - atomic_long_read(&s->found) - RELQ_SYNC5_LOOKERS;
}
#endif /* RELQ_TEST_HOOKS */

/*
 * T-SYNC-5: RELQ_SYNC5_LOOKERS kthreads look channels up by id (RCU and
 * kref_get_unless_zero()) while the test destroys and re-creates them,
 * with the lookup hook holding every lookup between finding a channel and
 * taking its reference. Some lookups must be refused there because
 * DESTROY's last put came first: a refusal is a pass of the hook (the
 * channel was found) whose lookup returned nothing; the hook counts the
 * passes, the lookers the channels returned, and nothing else looks up
 * meanwhile (KUnit runs one test at a time), so the difference is exact.
 * No lookup may return a channel with a count out of bounds or of another
 * id or name, and afterwards no destroyed id is found. Without hooks (a
 * production build) the window is a few instructions wide: the test skips
 * rather than pass without a race.
 */
static void relq_concurrency_t_sync_5_lookup_vs_destroy(struct kunit *test)
{
#ifdef RELQ_TEST_HOOKS
	struct relq_create c = { .capacity = 4096, .max_msg = 64 };
	struct relq_channel *ch;
	struct relq_sync5 *s;
	long refused, destroy_ns = 0;
	int round, i, ret, nr_ids = 0;
	u32 *ids, hits0, hits;
	ktime_t t0;

	s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	ids = kunit_kcalloc(test, RELQ_SYNC5_MAX_ROUNDS * RELQ_SYNC5_CHANNELS,
			    sizeof(*ids), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ids);
	ret = kunit_add_action_or_reset(test, relq_sync5_unhook, NULL);
	KUNIT_ASSERT_EQ(test, ret, 0);
	ret = kunit_add_action_or_reset(test, relq_sync5_destroy_all, NULL);
	KUNIT_ASSERT_EQ(test, ret, 0);
	/* No id until the first CREATE: lookups of U32_MAX find nothing. */
	memset(s->ids, 0xff, sizeof(s->ids));
	hits0 = relq_hook_hits(RELQ_HOOK_LOOKUP);
	relq_hook_set(RELQ_HOOK_LOOKUP, RELQ_SYNC5_DELAY_US, RELQ_SYNC5_JITTER_US);
	for (i = 0; i < RELQ_SYNC5_LOOKERS; i++) {
		s->lookers[i] = kthread_run(relq_sync5_looker, s, "relq_sync5/%d", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(s->lookers[i]));
		ret = kunit_add_action_or_reset(test, relq_sync5_stop, s->lookers[i]);
		KUNIT_ASSERT_EQ(test, ret, 0);
	}
	for (round = 0; round < RELQ_SYNC5_MAX_ROUNDS; round++) {
		if (round >= RELQ_SYNC5_MIN_ROUNDS &&
		    relq_sync5_refused_at_least(s, hits0) > 0)
			break;
		for (i = 0; i < RELQ_SYNC5_CHANNELS; i++) {
			relq_sync5_name(c.name, i);
			KUNIT_ASSERT_EQ(test, relq_sync5_create(&c, &s->ids[i]), 0);
			ids[nr_ids++] = s->ids[i];
		}
		/* No pause: the lookups meet the DESTROYs head on. */
		for (i = 0; i < RELQ_SYNC5_CHANNELS; i++) {
			relq_sync5_name(c.name, i);
			WRITE_ONCE(s->victim, i);
			t0 = ktime_get();
			KUNIT_ASSERT_EQ(test, relq_channel_destroy(c.name), 0);
			destroy_ns += ktime_to_ns(ktime_sub(ktime_get(), t0));
			/* Unpublished: not found, so the hook is not passed. */
			ch = relq_channel_lookup(s->ids[i]);
			KUNIT_EXPECT_NULL(test, ch);
			if (ch) {
				atomic_long_inc(&s->found);
				relq_channel_put(ch);
			}
		}
	}
	for (i = 0; i < RELQ_SYNC5_LOOKERS; i++)
		kunit_release_action(test, relq_sync5_stop, s->lookers[i]);
	kunit_release_action(test, relq_sync5_unhook, NULL);
	hits = relq_hook_hits(RELQ_HOOK_LOOKUP) - hits0;
	refused = (long)hits - atomic_long_read(&s->found);
	kunit_info(test, "%d rounds, %d destroys (%ld us each): %u lookups found a channel, %ld returned it (%ld mid-DESTROY), %ld refused at count 0\n",
		   round, nr_ids, nr_ids ? destroy_ns / nr_ids / NSEC_PER_USEC : 0,
		   hits, atomic_long_read(&s->found), atomic_long_read(&s->dying),
		   refused);
	KUNIT_EXPECT_GT_MSG(test, refused, 0,
			    "no lookup was refused in %d rounds: none met a count of 0 (revived it?)",
			    round);
	KUNIT_EXPECT_EQ_MSG(test, atomic_long_read(&s->bad_ref), 0,
			    "lookups returned a channel with a count outside [1, %d], last %u: a count revived from 0",
			    RELQ_SYNC5_MAX_REF, (unsigned int)atomic_read(&s->last_bad_ref));
	KUNIT_EXPECT_EQ_MSG(test, atomic_long_read(&s->bad_id), 0,
			    "lookups returned a channel of another id or name");
	/* Nothing destroyed is found. */
	for (i = 0; i < nr_ids; i++) {
		ch = relq_channel_lookup(ids[i]);
		KUNIT_EXPECT_NULL_MSG(test, ch, "id %u found after its DESTROY", ids[i]);
		if (ch)
			relq_channel_put(ch);
	}
#else
	kunit_skip(test, "no lookup hook (RELQ_TEST_HOOKS): the window is too narrow to race");
#endif
}

/*
 * T-OBJ-1: a channel's lifecycle, reference by reference. CREATE leaves
 * the registry's reference; N lookups add N (kref_read() counts each), N
 * puts take them back; DESTROY drops the registry's, and the release
 * frees the channel exactly once (relq's object counter falls by one and
 * no further). After the last put kref_get_unless_zero() fails: a count
 * that reached 0 is never revived (a device reference of the test's own
 * keeps the memory readable for that check).
 */
static void relq_concurrency_t_obj_1_channel_lifecycle(struct kunit *test)
{
	struct relq_create c = { .name = "kunit-obj1", .capacity = 4096,
				 .max_msg = 64 };
	struct relq_channel *ch, *got;
	long objects;
	u32 id;
	int i;

	objects = atomic_long_read(&relq_nr_channel_objects);
	KUNIT_ASSERT_EQ(test, relq_sync5_create(&c, &id), 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&relq_nr_channel_objects), objects + 1);
	ch = relq_channel_lookup(id);
	KUNIT_ASSERT_NOT_NULL(test, ch);
	/* The registry's reference and ours. */
	KUNIT_EXPECT_EQ(test, kref_read(&ch->ref), 2);
	for (i = 0; i < 8; i++) {
		got = relq_channel_lookup(id);
		KUNIT_ASSERT_PTR_EQ(test, got, ch);
		KUNIT_EXPECT_EQ(test, kref_read(&ch->ref), 3 + i);
	}
	for (i = 7; i >= 0; i--) {
		relq_channel_put(ch);
		KUNIT_EXPECT_EQ(test, kref_read(&ch->ref), 2 + i);
	}
	KUNIT_ASSERT_EQ(test, relq_channel_destroy(c.name), 0);
	KUNIT_EXPECT_EQ(test, kref_read(&ch->ref), 1);
	KUNIT_EXPECT_NULL(test, relq_channel_lookup(id));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&relq_nr_channel_objects), objects + 1);
	/*
	 * Our device reference keeps the memory (not the channel) past the
	 * last put, so the dead count can be looked at safely.
	 */
	get_device(&ch->dev);
	relq_channel_put(ch);
	KUNIT_EXPECT_EQ(test, kref_read(&ch->ref), 0);
	KUNIT_EXPECT_FALSE(test, kref_get_unless_zero(&ch->ref));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&relq_nr_channel_objects), objects + 1);
	/* The device's release frees the channel, once. */
	put_device(&ch->dev);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&relq_nr_channel_objects), objects);
}

static struct kunit_case relq_concurrency_cases[] = {
	KUNIT_CASE_SLOW(relq_concurrency_t_mp_3_ring_kthreads),
	KUNIT_CASE_SLOW(relq_concurrency_t_sync_5_lookup_vs_destroy),
	KUNIT_CASE(relq_concurrency_t_obj_1_channel_lifecycle),
	{}
};

static struct kunit_suite relq_concurrency_suite = {
	.name = "relq_concurrency",
	.test_cases = relq_concurrency_cases,
};

kunit_test_suite(relq_concurrency_suite);
