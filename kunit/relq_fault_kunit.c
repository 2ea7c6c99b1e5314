// SPDX-License-Identifier: GPL-2.0
/*
 * T-ERR-5: systematic failure injection without a fault-injection kernel.
 * KUnit static stubs replace relq's allocation and user-copy wrappers
 * (module/alloc.c) with versions that fail the N-th call, and each
 * internal entry point runs with N = 1, 2, ... until it succeeds without
 * an injected failure. Every injected failure must give the errno of its
 * kind (ENOMEM for an allocation, EFAULT for a copy), leave nothing
 * behind and lose nothing: the T-ERR-1 invariants of the fail-nth sweeps.
 */
#include "../module/relq_internal.h"

#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/mman.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

/* Sweeps stop here; relq's entry points have far fewer wrapper calls. */
#define RELQ_FAULT_MAX_N	32

struct relq_fault_ctx {
	unsigned int nth;	/* fail the nth wrapper call (1-based), 0: none */
	unsigned int calls;	/* wrapper calls so far in this round */
	int injected;		/* errno of the injected failure, 0 if none */
	u8 __user *umem;	/* one page of user memory for the arguments */
};

/* Count a wrapper call; true when this one must fail. */
static bool relq_fault_now(int err)
{
	struct kunit *test = kunit_get_current_test();
	struct relq_fault_ctx *f = test->priv;

	if (++f->calls != f->nth)
		return false;
	f->injected = err;
	return true;
}

static void *relq_fault_kzalloc(size_t size)
{
	return relq_fault_now(-ENOMEM) ? NULL : kzalloc(size, GFP_KERNEL_ACCOUNT);
}

static void *relq_fault_kvmalloc(size_t size)
{
	return relq_fault_now(-ENOMEM) ? NULL :
	       kvmalloc(size, GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
}

static struct page *relq_fault_alloc_page(void)
{
	return relq_fault_now(-ENOMEM) ? NULL :
	       alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
}

static int relq_fault_copy_from_user(void *dst, const void __user *src,
				     size_t size)
{
	if (relq_fault_now(-EFAULT))
		return -EFAULT;
	return copy_from_user(dst, src, size) ? -EFAULT : 0;
}

static int relq_fault_copy_to_user(void __user *dst, const void *src,
				   size_t size)
{
	if (relq_fault_now(-EFAULT))
		return -EFAULT;
	return copy_to_user(dst, src, size) ? -EFAULT : 0;
}

static int relq_fault_init(struct kunit *test)
{
	struct relq_fault_ctx *f;
	unsigned long addr;

	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f);
	addr = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
			     MAP_ANONYMOUS | MAP_PRIVATE, 0);
	if (!addr || addr >= TASK_SIZE)
		kunit_skip(test, "no user address space for KUnit here");
	f->umem = (u8 __user *)addr;
	test->priv = f;
	kunit_activate_static_stub(test, relq_kzalloc, relq_fault_kzalloc);
	kunit_activate_static_stub(test, relq_kvmalloc, relq_fault_kvmalloc);
	kunit_activate_static_stub(test, relq_alloc_page, relq_fault_alloc_page);
	kunit_activate_static_stub(test, relq_copy_from_user,
				   relq_fault_copy_from_user);
	kunit_activate_static_stub(test, relq_copy_to_user,
				   relq_fault_copy_to_user);
	return 0;
}

static void relq_fault_arm(struct relq_fault_ctx *f, unsigned int nth)
{
	f->nth = nth;
	f->calls = 0;
	f->injected = 0;
}

/* A control command's handler, as the dispatcher would call it. */
static long relq_fault_control(struct kunit *test, unsigned int cmd,
			       void __user *arg)
{
	size_t i;

	for (i = 0; i < relq_control_ncmds; i++)
		if (relq_control_cmds[i].cmd == cmd)
			return relq_control_cmds[i].fn(NULL, arg);
	KUNIT_FAIL(test, "no control command %#x", cmd);
	return -ENOTTY;
}

static void relq_fault_put(struct kunit *test, void __user *dst,
			   const void *src, size_t len)
{
	KUNIT_ASSERT_EQ(test, copy_to_user(dst, src, len), 0);
}

static void relq_fault_create(struct kunit *test, const char *name)
{
	struct relq_fault_ctx *f = test->priv;
	struct relq_create c = { .capacity = 4096, .max_msg = 64 };

	strscpy(c.name, name, sizeof(c.name));
	relq_fault_arm(f, 0);
	relq_fault_put(test, f->umem, &c, sizeof(c));
	KUNIT_ASSERT_EQ(test, relq_fault_control(test, RELQ_IOC_CREATE, f->umem), 0);
}

static long relq_fault_destroy(struct kunit *test, const char *name)
{
	struct relq_fault_ctx *f = test->priv;
	struct relq_destroy d = {};

	strscpy(d.name, name, sizeof(d.name));
	relq_fault_arm(f, 0);
	relq_fault_put(test, f->umem, &d, sizeof(d));
	return relq_fault_control(test, RELQ_IOC_DESTROY, f->umem);
}

/*
 * CREATE: the argument's copy-in, the channel and its ring. A failure
 * leaves no channel (the counters do not move and the name is free), and
 * the id field the caller passed is not written.
 */
static void relq_fault_t_err_5_create(struct kunit *test)
{
	static const int want[] = { -EFAULT, -ENOMEM, -ENOMEM };
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
		relq_fault_put(test, f->umem, &c, sizeof(c));
		relq_fault_arm(f, n);
		ret = relq_fault_control(test, RELQ_IOC_CREATE, f->umem);
		if (!f->injected)
			break;
		KUNIT_EXPECT_EQ_MSG(test, ret, (long)f->injected, "point %u", n);
		if (n <= ARRAY_SIZE(want))
			KUNIT_EXPECT_EQ_MSG(test, ret, (long)want[n - 1], "point %u", n);
		relq_registry_counters(&ch1, &q1);
		KUNIT_EXPECT_EQ_MSG(test, ch1, ch0, "point %u left a channel", n);
		KUNIT_ASSERT_EQ(test, get_user(id, &uc->id), 0);
		KUNIT_EXPECT_EQ_MSG(test, id, 0xdeadbeef, "point %u wrote an id", n);
		KUNIT_EXPECT_EQ_MSG(test, relq_fault_destroy(test, c.name), -ENOENT,
				    "point %u left the name taken", n);
	}
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, n - 1, ARRAY_SIZE(want));
	kunit_info(test, "CREATE: %u injection points\n", n - 1);
	relq_registry_counters(&ch1, &q1);
	KUNIT_EXPECT_EQ(test, ch1, ch0 + 1);
	KUNIT_EXPECT_EQ(test, relq_fault_destroy(test, c.name), 0);
}

/* DESTROY: a failed copy-in destroys nothing. */
static void relq_fault_t_err_5_destroy(struct kunit *test)
{
	struct relq_fault_ctx *f = test->priv;
	struct relq_destroy d = { .name = "kunit-fault-d" };
	unsigned int n, ch0, ch1;
	u64 q;
	long ret;

	relq_fault_create(test, d.name);
	relq_registry_counters(&ch0, &q);
	for (n = 1; n <= RELQ_FAULT_MAX_N; n++) {
		relq_fault_put(test, f->umem, &d, sizeof(d));
		relq_fault_arm(f, n);
		ret = relq_fault_control(test, RELQ_IOC_DESTROY, f->umem);
		if (!f->injected)
			break;
		KUNIT_EXPECT_EQ_MSG(test, ret, -EFAULT, "point %u", n);
		relq_registry_counters(&ch1, &q);
		KUNIT_EXPECT_EQ_MSG(test, ch1, ch0, "point %u destroyed it", n);
	}
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, n - 1, 1);
	relq_registry_counters(&ch1, &q);
	KUNIT_EXPECT_EQ(test, ch1, ch0 - 1);
}

/*
 * LIST: the copy-in, the snapshot buffer and the copy-out. A failure
 * does not write the count, and the final LIST sees both channels.
 */
static void relq_fault_t_err_5_list(struct kunit *test)
{
	static const int want[] = { -EFAULT, -ENOMEM, -EFAULT };
	struct relq_fault_ctx *f = test->priv;
	struct relq_list __user *ul = (struct relq_list __user *)f->umem;
	struct relq_list_entry __user *ue;
	struct relq_list_entry e;
	struct relq_list l = { .capacity = 8, .count = 0xdeadbeef };
	unsigned int n, i, seen = 0;
	long ret;
	u32 count;

	relq_fault_create(test, "kunit-fault-l0");
	relq_fault_create(test, "kunit-fault-l1");
	ue = (struct relq_list_entry __user *)(f->umem + 256);
	l.entries = (unsigned long)ue;
	for (n = 1; n <= RELQ_FAULT_MAX_N; n++) {
		relq_fault_put(test, ul, &l, sizeof(l));
		relq_fault_arm(f, n);
		ret = relq_fault_control(test, RELQ_IOC_LIST, ul);
		if (!f->injected)
			break;
		KUNIT_EXPECT_EQ_MSG(test, ret, (long)f->injected, "point %u", n);
		if (n <= ARRAY_SIZE(want))
			KUNIT_EXPECT_EQ_MSG(test, ret, (long)want[n - 1], "point %u", n);
		KUNIT_ASSERT_EQ(test, get_user(count, &ul->count), 0);
		KUNIT_EXPECT_EQ_MSG(test, count, 0xdeadbeef, "point %u wrote a count", n);
	}
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, n - 1, ARRAY_SIZE(want));
	KUNIT_ASSERT_EQ(test, get_user(count, &ul->count), 0);
	KUNIT_EXPECT_GE(test, count, 2);
	for (i = 0; i < min(count, l.capacity); i++) {
		KUNIT_ASSERT_EQ(test, copy_from_user(&e, &ue[i], sizeof(e)), 0);
		seen += !strcmp(e.name, "kunit-fault-l0") ||
			!strcmp(e.name, "kunit-fault-l1");
	}
	KUNIT_EXPECT_EQ(test, seen, 2);
	KUNIT_EXPECT_EQ(test, relq_fault_destroy(test, "kunit-fault-l0"), 0);
	KUNIT_EXPECT_EQ(test, relq_fault_destroy(test, "kunit-fault-l1"), 0);
}

/* INFO's copy-out: a failed copy is EFAULT, and a retry delivers it all. */
static void relq_fault_t_err_5_info_put(struct kunit *test)
{
	struct relq_fault_ctx *f = test->priv;
	struct relq_info __user *ui = (struct relq_info __user *)f->umem;
	struct relq_info info = { .size = sizeof(info), .sent = 7, .depth = 3 };
	struct relq_info back;
	unsigned int n;
	int ret;

	for (n = 1; n <= RELQ_FAULT_MAX_N; n++) {
		KUNIT_ASSERT_EQ(test, clear_user(ui, sizeof(*ui)), 0);
		relq_fault_arm(f, n);
		ret = relq_info_put(ui, sizeof(info), &info);
		if (!f->injected)
			break;
		KUNIT_EXPECT_EQ_MSG(test, ret, -EFAULT, "point %u", n);
	}
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, n - 1, 1);
	KUNIT_ASSERT_EQ(test, copy_from_user(&back, ui, sizeof(back)), 0);
	KUNIT_EXPECT_EQ(test, back.sent, 7);
	KUNIT_EXPECT_EQ(test, back.depth, 3);
}

/* The stubs are live: each wrapper reaches its replacement. */
static void relq_fault_t_err_5_stubs_reached(struct kunit *test)
{
	struct relq_fault_ctx *f = test->priv;
	struct page *page;
	u8 byte = 0;

	relq_fault_arm(f, 1);
	KUNIT_EXPECT_NULL(test, relq_kzalloc(16));
	relq_fault_arm(f, 1);
	KUNIT_EXPECT_NULL(test, relq_kvmalloc(16));
	relq_fault_arm(f, 1);
	KUNIT_EXPECT_NULL(test, relq_alloc_page());
	relq_fault_arm(f, 1);
	KUNIT_EXPECT_EQ(test, relq_copy_from_user(&byte, f->umem, 1), -EFAULT);
	relq_fault_arm(f, 1);
	KUNIT_EXPECT_EQ(test, relq_copy_to_user(f->umem, &byte, 1), -EFAULT);
	/* Past the N-th call, each does its real work. */
	relq_fault_arm(f, 0);
	page = relq_alloc_page();
	KUNIT_ASSERT_NOT_NULL(test, page);
	__free_page(page);
	KUNIT_EXPECT_EQ(test, relq_copy_to_user(f->umem, &byte, 1), 0);
	KUNIT_EXPECT_EQ(test, f->calls, 2);
}

static struct kunit_case relq_fault_cases[] = {
	KUNIT_CASE(relq_fault_t_err_5_stubs_reached),
	KUNIT_CASE(relq_fault_t_err_5_create),
	KUNIT_CASE(relq_fault_t_err_5_destroy),
	KUNIT_CASE(relq_fault_t_err_5_list),
	KUNIT_CASE(relq_fault_t_err_5_info_put),
	{}
};

static struct kunit_suite relq_fault_suite = {
	.name = "relq_fault",
	.init = relq_fault_init,
	.test_cases = relq_fault_cases,
};

kunit_test_suite(relq_fault_suite);
