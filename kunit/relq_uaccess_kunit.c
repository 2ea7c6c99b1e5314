// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests that drive relq's ioctl argument paths with real user
 * memory (kunit_vm_mmap()), through the dispatcher exactly as ioctl(2)
 * reaches it: INFO's size-first copy-in and bounded copy-out on a real
 * channel, and the CREATE and LIST copy-ins (T-BUF-8, T-UPTR-6).
 */
#include "../module/relq_internal.h"

#include <kunit/test.h>
#include <linux/cred.h>
#include <linux/mman.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

struct relq_uaccess_ctx {
	char __user *umem;		/* two pages, the second one unmapped */
	struct file *control;		/* an admin's control file */
	struct file *channel;		/* a file on the channel below */
	struct relq_channel *ch;	/* "kunit-uaccess", referenced */
};

static int relq_uaccess_init(struct kunit *test)
{
	struct relq_create c = { .name = "kunit-uaccess", .capacity = 4096,
				 .max_msg = 64 };
	struct relq_uaccess_ctx *ctx;
	struct relq_channel *ch;
	unsigned long addr;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	ctx->control = kunit_kzalloc(test, sizeof(*ctx->control), GFP_KERNEL);
	ctx->channel = kunit_kzalloc(test, sizeof(*ctx->channel), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx->control);
	KUNIT_ASSERT_NOT_NULL(test, ctx->channel);
	addr = kunit_vm_mmap(test, NULL, 0, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
			     MAP_ANONYMOUS | MAP_PRIVATE, 0);
	if (!addr || addr >= TASK_SIZE)
		kunit_skip(test, "no user address space for KUnit here");
	/* Turn the second page into a hole: the struct-past-the-end cases. */
	KUNIT_ASSERT_EQ(test, vm_munmap(addr + PAGE_SIZE, PAGE_SIZE), 0);
	ctx->umem = (char __user *)addr;

	/* The KUnit thread is root with every capability. */
	ctx->control->f_mode = FMODE_READ | FMODE_WRITE;
	ctx->control->f_cred = current_cred();
	ch = relq_channel_reserve(&c);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ch));
	KUNIT_ASSERT_EQ(test, relq_channel_finalize(ch), 0);
	ctx->ch = relq_channel_lookup(ch->id);
	KUNIT_ASSERT_NOT_NULL(test, ctx->ch);
	ctx->channel->f_mode = FMODE_READ;
	ctx->channel->f_cred = current_cred();
	ctx->channel->private_data = ctx->ch;
	test->priv = ctx;
	return 0;
}

static void relq_uaccess_exit(struct kunit *test)
{
	struct relq_uaccess_ctx *ctx = test->priv;

	if (!ctx || !ctx->ch)
		return;
	KUNIT_EXPECT_EQ(test, relq_channel_destroy("kunit-uaccess"), 0);
	relq_channel_put(ctx->ch);
}

/* Put @len bytes of @src at offset @off of the user page. */
static void relq_uput(struct kunit *test, size_t off, const void *src, size_t len)
{
	struct relq_uaccess_ctx *ctx = test->priv;

	KUNIT_ASSERT_EQ(test, copy_to_user(ctx->umem + off, src, len), 0);
}

/* INFO on the test channel with its argument at offset @off. */
static long relq_uinfo(struct kunit *test, size_t off)
{
	struct relq_uaccess_ctx *ctx = test->priv;

	return relq_ioctl_dispatch(&relq_channel_cmds, ctx->channel, RELQ_IOC_INFO,
				   (unsigned long)(ctx->umem + off));
}

static long relq_ucontrol(struct kunit *test, unsigned int cmd,
			  const void __user *arg)
{
	struct relq_uaccess_ctx *ctx = test->priv;

	return relq_ioctl_dispatch(&relq_control_cmds, ctx->control, cmd, (unsigned long)arg);
}

static void relq_uaccess_t_buf_8_info_fetch(struct kunit *test)
{
	struct relq_uaccess_ctx *ctx = test->priv;
	struct relq_info __user *u = (struct relq_info __user *)ctx->umem;
	u8 big[sizeof(struct relq_info) + 16] = {};
	struct relq_info info = {}, back;
	size_t edge = PAGE_SIZE - sizeof(info) + 1;
	u32 seen;

	/* A crafted current-size struct is accepted and filled in. */
	info.size = sizeof(info);
	relq_uput(test, 0, &info, sizeof(info));
	KUNIT_EXPECT_EQ(test, relq_uinfo(test, 0), 0);
	KUNIT_ASSERT_EQ(test, copy_from_user(&back, u, sizeof(back)), 0);
	KUNIT_EXPECT_EQ(test, back.size, sizeof(info));
	KUNIT_EXPECT_EQ(test, back.id, ctx->ch->id);
	KUNIT_EXPECT_STREQ(test, back.name, "kunit-uaccess");
	KUNIT_EXPECT_EQ(test, back.capacity, 4096);

	/* The old size is accepted; below it is not. */
	info.size = RELQ_INFO_SIZE_VER0;
	relq_uput(test, 0, &info, sizeof(info));
	KUNIT_EXPECT_EQ(test, relq_uinfo(test, 0), 0);
	info.size = RELQ_INFO_SIZE_VER0 - 1;
	relq_uput(test, 0, &info, sizeof(info));
	KUNIT_EXPECT_EQ(test, relq_uinfo(test, 0), -EINVAL);

	/* Non-zero flags. */
	info.size = sizeof(info);
	info.flags = 1;
	relq_uput(test, 0, &info, sizeof(info));
	KUNIT_EXPECT_EQ(test, relq_uinfo(test, 0), -EINVAL);

	/* Larger: a zero tail is fine, a non-zero tail is E2BIG + kernel size. */
	*(u32 *)big = sizeof(big);
	relq_uput(test, 0, big, sizeof(big));
	KUNIT_EXPECT_EQ(test, relq_uinfo(test, 0), 0);
	big[sizeof(big) - 1] = 1;
	relq_uput(test, 0, big, sizeof(big));
	KUNIT_EXPECT_EQ(test, relq_uinfo(test, 0), -E2BIG);
	KUNIT_ASSERT_EQ(test, get_user(seen, &u->size), 0);
	KUNIT_EXPECT_EQ(test, seen, sizeof(info));

	/* Above a page. */
	*(u32 *)big = PAGE_SIZE + 1;
	big[sizeof(big) - 1] = 0;
	relq_uput(test, 0, big, sizeof(big));
	KUNIT_EXPECT_EQ(test, relq_uinfo(test, 0), -E2BIG);

	/* A struct ending one byte past the mapping. */
	info.size = sizeof(info);
	info.flags = 0;
	relq_uput(test, edge, &info, sizeof(info) - 1);
	KUNIT_EXPECT_EQ(test, relq_uinfo(test, edge), -EFAULT);
}

/* The copy-out writes min(user size, kernel size) bytes and no more. */
static void relq_uaccess_t_buf_8_info_put(struct kunit *test)
{
	struct relq_uaccess_ctx *ctx = test->priv;
	u8 fill[RELQ_INFO_SIZE_VER1 + 16], back[RELQ_INFO_SIZE_VER1 + 16];
	struct relq_info hdr = { .size = RELQ_INFO_SIZE_VER0 };
	size_t i, big = RELQ_INFO_SIZE_VER1 + 8;

	/* An old caller: VER0 bytes in, VER0 bytes out, the rest untouched. */
	memset(fill, 0xa5, sizeof(fill));
	memcpy(fill, &hdr, RELQ_INFO_SIZE_VER0);
	relq_uput(test, 0, fill, sizeof(fill));
	KUNIT_EXPECT_EQ(test, relq_uinfo(test, 0), 0);
	KUNIT_ASSERT_EQ(test, copy_from_user(back, ctx->umem, sizeof(back)), 0);
	KUNIT_EXPECT_EQ(test, ((struct relq_info *)back)->id, ctx->ch->id);
	for (i = RELQ_INFO_SIZE_VER0; i < sizeof(back); i++)
		KUNIT_EXPECT_EQ_MSG(test, back[i], 0xa5, "byte %zu", i);

	/* A newer caller: its zero tail stays zero, nothing past its size. */
	memset(fill, 0xa5, sizeof(fill));
	memset(fill, 0, big);
	*(u32 *)fill = big;
	relq_uput(test, 0, fill, sizeof(fill));
	KUNIT_EXPECT_EQ(test, relq_uinfo(test, 0), 0);
	KUNIT_ASSERT_EQ(test, copy_from_user(back, ctx->umem, sizeof(back)), 0);
	KUNIT_EXPECT_EQ(test, ((struct relq_info *)back)->size, sizeof(struct relq_info));
	for (i = sizeof(struct relq_info); i < big; i++)
		KUNIT_EXPECT_EQ_MSG(test, back[i], 0, "byte %zu", i);
	for (i = big; i < sizeof(back); i++)
		KUNIT_EXPECT_EQ_MSG(test, back[i], 0xa5, "byte %zu", i);
}

/* T-UPTR-6: valid, one byte past the end, TASK_SIZE - 1. */
static void relq_uaccess_t_uptr_6_create_list_fetch(struct kunit *test)
{
	struct relq_uaccess_ctx *ctx = test->priv;
	struct relq_create c = { .name = "kunit-uptr6", .capacity = 4096,
				 .max_msg = 64 };
	struct relq_list l = { .capacity = 0 };
	size_t edge_c = PAGE_SIZE - sizeof(c) + 1;
	size_t edge_l = PAGE_SIZE - sizeof(l) + 1;
	void __user *top = (void __user *)(TASK_SIZE - 1);
	struct relq_destroy d = { .name = "kunit-uptr6" };
	u32 count;

	relq_uput(test, 0, &c, sizeof(c));
	KUNIT_EXPECT_EQ(test, relq_ucontrol(test, RELQ_IOC_CREATE, ctx->umem), 0);
	relq_uput(test, 0, &d, sizeof(d));
	KUNIT_EXPECT_EQ(test, relq_ucontrol(test, RELQ_IOC_DESTROY, ctx->umem), 0);
	relq_uput(test, edge_c, &c, sizeof(c) - 1);
	KUNIT_EXPECT_EQ(test, relq_ucontrol(test, RELQ_IOC_CREATE, ctx->umem + edge_c),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, relq_ucontrol(test, RELQ_IOC_CREATE, top), -EFAULT);

	relq_uput(test, 0, &l, sizeof(l));
	KUNIT_EXPECT_EQ(test, relq_ucontrol(test, RELQ_IOC_LIST, ctx->umem), 0);
	KUNIT_ASSERT_EQ(test, get_user(count,
				       &((struct relq_list __user *)ctx->umem)->count), 0);
	/* kunit-uaccess at least; kunit-uptr6 is gone again. */
	KUNIT_EXPECT_GE(test, count, 1);
	relq_uput(test, edge_l, &l, sizeof(l) - 1);
	KUNIT_EXPECT_EQ(test, relq_ucontrol(test, RELQ_IOC_LIST, ctx->umem + edge_l),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, relq_ucontrol(test, RELQ_IOC_LIST, top), -EFAULT);

	/* The fetched copy is validated: a non-zero reserved field. */
	c.reserved[1] = 1;
	relq_uput(test, 0, &c, sizeof(c));
	KUNIT_EXPECT_EQ(test, relq_ucontrol(test, RELQ_IOC_CREATE, ctx->umem), -EINVAL);
	l.reserved = 1;
	relq_uput(test, 0, &l, sizeof(l));
	KUNIT_EXPECT_EQ(test, relq_ucontrol(test, RELQ_IOC_LIST, ctx->umem), -EINVAL);
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
	.exit = relq_uaccess_exit,
	.test_cases = relq_uaccess_cases,
};

kunit_test_suite(relq_uaccess_suite);
