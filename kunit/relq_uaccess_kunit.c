// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests that drive relq's argument copy paths with real user memory
 * (kunit_vm_mmap()): INFO's size-first fetch and bounded copy-out, and the
 * CREATE and LIST fetches (T-BUF-8, T-UPTR-6).
 */
#include "../module/relq_internal.h"

#include <kunit/test.h>
#include <linux/mman.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/uaccess.h>

struct relq_uaccess_ctx {
	char __user *umem;	/* two pages, the second one unmapped */
};

static int relq_uaccess_init(struct kunit *test)
{
	struct relq_uaccess_ctx *ctx;
	unsigned long addr;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	addr = kunit_vm_mmap(test, NULL, 0, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
			     MAP_ANONYMOUS | MAP_PRIVATE, 0);
	if (!addr || addr >= TASK_SIZE)
		kunit_skip(test, "no user address space for KUnit here");
	/* Turn the second page into a hole: the struct-past-the-end cases. */
	KUNIT_ASSERT_EQ(test, vm_munmap(addr + PAGE_SIZE, PAGE_SIZE), 0);
	ctx->umem = (char __user *)addr;
	test->priv = ctx;
	return 0;
}

/* Put @len bytes of @src at offset @off of the user page. */
static void relq_uput(struct kunit *test, size_t off, const void *src, size_t len)
{
	struct relq_uaccess_ctx *ctx = test->priv;

	KUNIT_ASSERT_EQ(test, copy_to_user(ctx->umem + off, src, len), 0);
}

static void relq_uaccess_t_buf_8_info_fetch(struct kunit *test)
{
	struct relq_uaccess_ctx *ctx = test->priv;
	struct relq_info __user *u;
	u8 big[RELQ_INFO_SIZE_VER1 + 16] = {};
	struct relq_info info = {};
	u32 usize, seen;

	/* A crafted current-size struct is accepted. */
	info.size = sizeof(info);
	relq_uput(test, 0, &info, sizeof(info));
	u = (struct relq_info __user *)ctx->umem;
	KUNIT_EXPECT_EQ(test, relq_info_fetch(u, &usize), 0);
	KUNIT_EXPECT_EQ(test, usize, sizeof(info));

	/* The old size is accepted; below it is not. */
	info.size = RELQ_INFO_SIZE_VER0;
	relq_uput(test, 0, &info, sizeof(info));
	KUNIT_EXPECT_EQ(test, relq_info_fetch(u, &usize), 0);
	info.size = RELQ_INFO_SIZE_VER0 - 1;
	relq_uput(test, 0, &info, sizeof(info));
	KUNIT_EXPECT_EQ(test, relq_info_fetch(u, &usize), -EINVAL);

	/* Non-zero flags. */
	info.size = sizeof(info);
	info.flags = 1;
	relq_uput(test, 0, &info, sizeof(info));
	KUNIT_EXPECT_EQ(test, relq_info_fetch(u, &usize), -EINVAL);

	/* Larger: a zero tail is fine, a non-zero tail is E2BIG + kernel size. */
	*(u32 *)big = sizeof(big);
	relq_uput(test, 0, big, sizeof(big));
	KUNIT_EXPECT_EQ(test, relq_info_fetch(u, &usize), 0);
	big[sizeof(big) - 1] = 1;
	relq_uput(test, 0, big, sizeof(big));
	KUNIT_EXPECT_EQ(test, relq_info_fetch(u, &usize), -E2BIG);
	KUNIT_ASSERT_EQ(test, get_user(seen, &u->size), 0);
	KUNIT_EXPECT_EQ(test, seen, sizeof(info));

	/* Above a page. */
	*(u32 *)big = PAGE_SIZE + 1;
	big[sizeof(big) - 1] = 0;
	relq_uput(test, 0, big, sizeof(big));
	KUNIT_EXPECT_EQ(test, relq_info_fetch(u, &usize), -E2BIG);

	/* A struct ending one byte past the mapping. */
	u = (struct relq_info __user *)(ctx->umem + PAGE_SIZE - sizeof(info) + 1);
	info.size = sizeof(info);
	info.flags = 0;
	relq_uput(test, PAGE_SIZE - sizeof(info) + 1, &info, sizeof(info) - 1);
	KUNIT_EXPECT_EQ(test, relq_info_fetch(u, &usize), -EFAULT);
}

/* The copy-out writes min(user size, kernel size) bytes and no more. */
static void relq_uaccess_t_buf_8_info_put(struct kunit *test)
{
	struct relq_uaccess_ctx *ctx = test->priv;
	struct relq_info __user *u = (struct relq_info __user *)ctx->umem;
	u8 fill[RELQ_INFO_SIZE_VER1 + 8], back[RELQ_INFO_SIZE_VER1 + 8];
	struct relq_info info;
	size_t i;

	memset(&info, 0x11, sizeof(info));
	memset(fill, 0xa5, sizeof(fill));
	relq_uput(test, 0, fill, sizeof(fill));
	KUNIT_EXPECT_EQ(test, relq_info_put(u, RELQ_INFO_SIZE_VER0, &info), 0);
	KUNIT_ASSERT_EQ(test, copy_from_user(back, ctx->umem, sizeof(back)), 0);
	for (i = 0; i < sizeof(back); i++)
		KUNIT_EXPECT_EQ_MSG(test, back[i], i < RELQ_INFO_SIZE_VER0 ? 0x11 : 0xa5,
				    "byte %zu", i);

	relq_uput(test, 0, fill, sizeof(fill));
	KUNIT_EXPECT_EQ(test, relq_info_put(u, sizeof(fill), &info), 0);
	KUNIT_ASSERT_EQ(test, copy_from_user(back, ctx->umem, sizeof(back)), 0);
	for (i = 0; i < sizeof(back); i++)
		KUNIT_EXPECT_EQ_MSG(test, back[i], i < sizeof(info) ? 0x11 : 0xa5,
				    "byte %zu", i);

	/* Output running into the hole faults cleanly. */
	u = (struct relq_info __user *)(ctx->umem + PAGE_SIZE - 8);
	KUNIT_EXPECT_EQ(test, relq_info_put(u, sizeof(info), &info), -EFAULT);
}

/* T-UPTR-6: valid, one byte past the end, TASK_SIZE - 1. */
static void relq_uaccess_t_uptr_6_create_list_fetch(struct kunit *test)
{
	struct relq_uaccess_ctx *ctx = test->priv;
	struct relq_create c = { .name = "ok", .capacity = 4096, .max_msg = 64 };
	struct relq_list l = { .capacity = 1 };
	size_t edge_c = PAGE_SIZE - sizeof(c) + 1;
	size_t edge_l = PAGE_SIZE - sizeof(l) + 1;
	struct relq_create kc;
	struct relq_list kl;

	relq_uput(test, 0, &c, sizeof(c));
	KUNIT_EXPECT_EQ(test, relq_create_fetch((void __user *)ctx->umem, &kc), 0);
	KUNIT_EXPECT_STREQ(test, kc.name, "ok");
	relq_uput(test, edge_c, &c, sizeof(c) - 1);
	KUNIT_EXPECT_EQ(test, relq_create_fetch((void __user *)(ctx->umem + edge_c), &kc),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, relq_create_fetch((void __user *)(TASK_SIZE - 1), &kc),
			-EFAULT);

	relq_uput(test, 0, &l, sizeof(l));
	KUNIT_EXPECT_EQ(test, relq_list_fetch((void __user *)ctx->umem, &kl), 0);
	KUNIT_EXPECT_EQ(test, kl.capacity, 1);
	relq_uput(test, edge_l, &l, sizeof(l) - 1);
	KUNIT_EXPECT_EQ(test, relq_list_fetch((void __user *)(ctx->umem + edge_l), &kl),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, relq_list_fetch((void __user *)(TASK_SIZE - 1), &kl),
			-EFAULT);

	/* The fetched copy is validated: a non-zero reserved field. */
	c.reserved[1] = 1;
	relq_uput(test, 0, &c, sizeof(c));
	KUNIT_EXPECT_EQ(test, relq_create_fetch((void __user *)ctx->umem, &kc), -EINVAL);
	l.reserved = 1;
	relq_uput(test, 0, &l, sizeof(l));
	KUNIT_EXPECT_EQ(test, relq_list_fetch((void __user *)ctx->umem, &kl), -EINVAL);
}

static struct kunit_case relq_uaccess_cases[] = {
	KUNIT_CASE(relq_uaccess_t_buf_8_info_fetch),
	KUNIT_CASE(relq_uaccess_t_buf_8_info_put),
	KUNIT_CASE(relq_uaccess_t_uptr_6_create_list_fetch),
	{}
};

static struct kunit_suite relq_uaccess_suite = {
	.name = "relq_uaccess",
	.init = relq_uaccess_init,
	.test_cases = relq_uaccess_cases,
};

kunit_test_suite(relq_uaccess_suite);
