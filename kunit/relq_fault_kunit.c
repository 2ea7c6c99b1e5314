// SPDX-License-Identifier: GPL-2.0
/*
 * T-ERR-5: systematic failure injection without a fault-injection kernel.
 * KUnit static stubs sit inside relq's own functions that do real work,
 * relq_channel_alloc() and relq_ring_alloc(), and fail the N-th call;
 * CREATE then runs with N = 1, 2, ... until it succeeds without an
 * injected failure. Every injected failure must give ENOMEM, leave
 * nothing behind and write nothing to the caller: the T-ERR-1 invariants
 * of the fail-nth sweeps.
 *
 * Kernel APIs (kzalloc, kvmalloc, copy_*_user) are called directly by
 * relq and are not stubbed: failslab, fail_page_alloc and fail_usercopy
 * fail them in the fail-nth sweeps of make verify (T-ERR-1).
 */
#include "../module/relq_internal.h"

#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/cred.h>
#include <linux/mman.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

/* Sweeps stop here; CREATE has far fewer stub points. */
#define RELQ_FAULT_MAX_N	32

struct relq_fault_ctx {
	unsigned int nth;	/* fail the nth stubbed call (1-based), 0: none */
	unsigned int calls;	/* stubbed calls so far in this round */
	bool injected;		/* this round failed a call */
	u8 __user *umem;	/* one page of user memory for the arguments */
	struct file *file;	/* a control file opened for writing by root */
};

/* Count a stubbed call; true when this one must fail. */
static bool relq_fault_now(struct kunit *test)
{
	struct relq_fault_ctx *f = test->priv;

	if (++f->calls != f->nth)
		return false;
	f->injected = true;
	return true;
}

/* Fail, or run the real relq_channel_alloc() (its ring stub stays armed). */
static struct relq_channel *relq_fault_channel_alloc(const struct relq_create *c)
{
	struct kunit *test = kunit_get_current_test();
	struct relq_channel *ch;

	if (relq_fault_now(test))
		return NULL;
	kunit_deactivate_static_stub(test, relq_channel_alloc);
	ch = relq_channel_alloc(c);
	kunit_activate_static_stub(test, relq_channel_alloc,
				   relq_fault_channel_alloc);
	return ch;
}

static int relq_fault_ring_alloc(struct relq_ring *r, u64 capacity)
{
	struct kunit *test = kunit_get_current_test();
	int ret;

	if (relq_fault_now(test))
		return -ENOMEM;
	kunit_deactivate_static_stub(test, relq_ring_alloc);
	ret = relq_ring_alloc(r, capacity);
	kunit_activate_static_stub(test, relq_ring_alloc, relq_fault_ring_alloc);
	return ret;
}

static int relq_fault_init(struct kunit *test)
{
	struct relq_fault_ctx *f;
	unsigned long addr;

	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f);
	f->file = kunit_kzalloc(test, sizeof(*f->file), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->file);
	addr = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
			     MAP_ANONYMOUS | MAP_PRIVATE, 0);
	if (!addr || addr >= TASK_SIZE)
		kunit_skip(test, "no user address space for KUnit here");
	f->umem = (u8 __user *)addr;
	/* The KUnit thread is root with every capability: an admin's file. */
	f->file->f_mode = FMODE_READ | FMODE_WRITE;
	f->file->f_cred = current_cred();
	test->priv = f;
	kunit_activate_static_stub(test, relq_channel_alloc,
				   relq_fault_channel_alloc);
	kunit_activate_static_stub(test, relq_ring_alloc, relq_fault_ring_alloc);
	return 0;
}

static void relq_fault_arm(struct relq_fault_ctx *f, unsigned int nth)
{
	f->nth = nth;
	f->calls = 0;
	f->injected = false;
}

/* A control command through the dispatcher, as ioctl(2) would run it. */
static long relq_fault_control(struct kunit *test, unsigned int cmd,
			       const void *arg, size_t len)
{
	struct relq_fault_ctx *f = test->priv;

	KUNIT_ASSERT_EQ(test, copy_to_user(f->umem, arg, len), 0);
	return relq_ioctl_dispatch(&relq_control_cmds, f->file, cmd, (unsigned long)f->umem);
}

static long relq_fault_destroy(struct kunit *test, const char *name)
{
	struct relq_fault_ctx *f = test->priv;
	struct relq_destroy d = {};

	strscpy(d.name, name, sizeof(d.name));
	relq_fault_arm(f, 0);
	return relq_fault_control(test, RELQ_IOC_DESTROY, &d, sizeof(d));
}

/*
 * CREATE: the channel and its ring. A failure is ENOMEM and leaves no
 * channel (the counters do not move and the name is free), and the id
 * field the caller passed is not written.
 */
static void relq_fault_t_err_5_create(struct kunit *test)
{
	struct relq_fault_ctx *f = test->priv;
	struct relq_create __user *uc = (struct relq_create __user *)f->umem;
	struct relq_create c = {
		.name = "kunit-fault-c", .capacity = 4096, .max_msg = 64,
		.id = 0xdeadbeef,
	};
	unsigned int n, ch0, ch1;
	u64 q0, q1;
	long ret;
	u32 id;

	relq_registry_counters(&ch0, &q0);
	for (n = 1; n <= RELQ_FAULT_MAX_N; n++) {
		relq_fault_arm(f, n);
		ret = relq_fault_control(test, RELQ_IOC_CREATE, &c, sizeof(c));
		if (!f->injected)
			break;
		KUNIT_EXPECT_EQ_MSG(test, ret, -ENOMEM, "point %u", n);
		relq_registry_counters(&ch1, &q1);
		KUNIT_EXPECT_EQ_MSG(test, ch1, ch0, "point %u left a channel", n);
		KUNIT_ASSERT_EQ(test, get_user(id, &uc->id), 0);
		KUNIT_EXPECT_EQ_MSG(test, id, 0xdeadbeef, "point %u wrote an id", n);
		KUNIT_EXPECT_EQ_MSG(test, relq_fault_destroy(test, c.name), -ENOENT,
				    "point %u left the name taken", n);
	}
	KUNIT_EXPECT_EQ(test, ret, 0);
	/* The channel, then its ring: a new stub point must be counted here. */
	KUNIT_EXPECT_EQ(test, n - 1, 2);
	kunit_info(test, "CREATE: %u injection points\n", n - 1);
	relq_registry_counters(&ch1, &q1);
	KUNIT_EXPECT_EQ(test, ch1, ch0 + 1);
	KUNIT_ASSERT_EQ(test, get_user(id, &uc->id), 0);
	KUNIT_EXPECT_NE(test, id, 0xdeadbeef);
	KUNIT_EXPECT_EQ(test, relq_fault_destroy(test, c.name), 0);
}

/* The stubs are live: each reaches its replacement, then does real work. */
static void relq_fault_t_err_5_stubs_reached(struct kunit *test)
{
	struct relq_fault_ctx *f = test->priv;
	struct relq_create c = { .name = "kunit-fault-s", .capacity = 64,
				 .max_msg = 8 };
	struct relq_channel *ch;
	struct relq_ring r;

	relq_fault_arm(f, 1);
	KUNIT_EXPECT_NULL(test, relq_channel_alloc(&c));
	relq_fault_arm(f, 1);
	KUNIT_EXPECT_EQ(test, relq_ring_alloc(&r, 64), -ENOMEM);
	relq_fault_arm(f, 0);
	KUNIT_ASSERT_EQ(test, relq_ring_alloc(&r, 64), 0);
	KUNIT_EXPECT_EQ(test, r.size, relq_ring_size_for(64));
	kvfree(r.buf);
	/* A channel with no device yet: its ring and itself are all it owns. */
	ch = relq_channel_alloc(&c);
	KUNIT_ASSERT_NOT_NULL(test, ch);
	KUNIT_EXPECT_STREQ(test, ch->name, "kunit-fault-s");
	KUNIT_EXPECT_EQ(test, ch->ring.size, relq_ring_size_for(64));
	relq_channel_free(ch);
	KUNIT_EXPECT_EQ(test, f->calls, 3);
}

static struct kunit_case relq_fault_cases[] = {
	KUNIT_CASE(relq_fault_t_err_5_stubs_reached),
	KUNIT_CASE(relq_fault_t_err_5_create),
	{}
};

static struct kunit_suite relq_fault_suite = {
	.name = "relq_fault",
	.init = relq_fault_init,
	.test_cases = relq_fault_cases,
};

kunit_test_suite(relq_fault_suite);
