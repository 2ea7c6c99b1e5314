// SPDX-License-Identifier: GPL-2.0
/*
 * T-FWD-5: the forwarding function of a linked channel,
 * relq_channel_forward(), against a fake lower file: an anonymous-inode
 * file whose write_iter does what the test asks (accept the message,
 * consume some bytes and fail, or fail at once). The message must reach
 * the lower file through the VFS with the caller's non-blocking intent;
 * a lower error comes back unchanged, except ENODEV (a destroyed lower),
 * which becomes EPIPE, and the caller's iterator is then where it was.
 */
#include "../module/relq_internal.h"

#include <kunit/test.h>
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/uio.h>

/* What the fake lower file does with the next write. */
struct relq_fake_lower {
	ssize_t fail;		/* 0: accept the message; else this errno */
	size_t consume;		/* bytes it advances the iterator first */
	unsigned int calls;
	size_t seen;		/* the length it was offered */
	bool nowait;		/* the kiocb carried IOCB_NOWAIT */
	bool sync;		/* the kiocb was synchronous */
};

static ssize_t relq_fake_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct relq_fake_lower *fl = iocb->ki_filp->private_data;

	fl->calls++;
	fl->seen = iov_iter_count(from);
	fl->nowait = iocb->ki_flags & IOCB_NOWAIT;
	fl->sync = is_sync_kiocb(iocb);
	if (fl->fail) {
		iov_iter_advance(from, min(fl->consume, fl->seen));
		return fl->fail;
	}
	iov_iter_advance(from, fl->seen);
	return fl->seen;
}

static const struct file_operations relq_fake_lower_fops = {
	.owner		= THIS_MODULE,
	.write_iter	= relq_fake_write_iter,
};

struct relq_fwd_ctx {
	struct relq_channel *ch;
	struct relq_fake_lower fl;
	struct file *lower;
	struct file *upper;	/* only its f_flags matter, for O_NONBLOCK */
};

static int relq_fwd_init(struct kunit *test)
{
	struct relq_create c = { .name = "kunit-fwd", .capacity = 256,
				 .max_msg = 64 };
	struct relq_fwd_ctx *x;

	x = kunit_kzalloc(test, sizeof(*x), GFP_KERNEL);
	if (!x)
		return -ENOMEM;
	x->ch = relq_channel_alloc(&c);
	if (!x->ch)
		return -ENOMEM;
	x->lower = anon_inode_getfile("[relq-fake-lower]", &relq_fake_lower_fops,
				      &x->fl, O_WRONLY);
	if (IS_ERR(x->lower))
		goto out_channel;
	x->upper = anon_inode_getfile("[relq-fake-upper]", &relq_fake_lower_fops,
				      NULL, O_WRONLY);
	if (IS_ERR(x->upper))
		goto out_lower;
	test->priv = x;
	return 0;

out_lower:
	fput(x->lower);
	flush_delayed_fput();
out_channel:
	relq_channel_free(x->ch);
	return -ENOMEM;
}

static void relq_fwd_exit(struct kunit *test)
{
	struct relq_fwd_ctx *x = test->priv;

	fput(x->lower);
	fput(x->upper);
	/* The files' last puts run now, not after this module is gone. */
	flush_delayed_fput();
	relq_channel_free(x->ch);
}

/* Forward @len bytes of "0123..." as the caller with @iocb_flags would. */
static ssize_t relq_fwd(struct relq_fwd_ctx *x, size_t len, int iocb_flags,
			struct iov_iter *iter, char *buf)
{
	struct kvec kv = { .iov_base = buf, .iov_len = len };
	struct kiocb iocb;
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = '0' + i % 10;
	iov_iter_kvec(iter, ITER_SOURCE, &kv, 1, len);
	init_sync_kiocb(&iocb, x->upper);
	iocb.ki_flags |= iocb_flags;
	return relq_channel_forward(x->ch, x->lower, &iocb, iter);
}

/* Full acceptance: the iterator advanced by the message, counted once. */
static void relq_fwd_t_fwd_5_accepted(struct kunit *test)
{
	struct relq_fwd_ctx *x = test->priv;
	struct iov_iter iter;
	char buf[64];

	KUNIT_EXPECT_EQ(test, relq_fwd(x, 40, 0, &iter, buf), 40);
	KUNIT_EXPECT_EQ(test, iov_iter_count(&iter), 0);
	KUNIT_EXPECT_EQ(test, x->fl.calls, 1);
	KUNIT_EXPECT_EQ(test, x->fl.seen, 40);
	KUNIT_EXPECT_TRUE(test, x->fl.sync);
	KUNIT_EXPECT_FALSE(test, x->fl.nowait);
	KUNIT_EXPECT_EQ(test, x->ch->sent, 1);
	KUNIT_EXPECT_EQ(test, x->ch->forwarded, 1);
	/* The upper keeps no copy. */
	KUNIT_EXPECT_EQ(test, x->ch->ring.depth, 0);
	/* The caller's non-blocking intent reaches the lower. */
	KUNIT_EXPECT_EQ(test, relq_fwd(x, 8, IOCB_NOWAIT, &iter, buf), 8);
	KUNIT_EXPECT_TRUE(test, x->fl.nowait);
	x->upper->f_flags |= O_NONBLOCK;
	KUNIT_EXPECT_EQ(test, relq_fwd(x, 8, 0, &iter, buf), 8);
	KUNIT_EXPECT_TRUE(test, x->fl.nowait);
	x->upper->f_flags &= ~O_NONBLOCK;
}

/* A lower error comes back as is, and the iterator is reverted. */
static void relq_fwd_t_fwd_5_lower_error(struct kunit *test)
{
	static const int errs[] = { -EAGAIN, -EFAULT, -EMSGSIZE, -ERESTARTSYS };
	struct relq_fwd_ctx *x = test->priv;
	struct iov_iter iter;
	char buf[64];
	int i;

	for (i = 0; i < ARRAY_SIZE(errs); i++) {
		x->fl.fail = errs[i];
		x->fl.consume = 13;
		KUNIT_EXPECT_EQ(test, relq_fwd(x, 40, 0, &iter, buf), errs[i]);
		KUNIT_EXPECT_EQ(test, iov_iter_count(&iter), 40);
	}
	KUNIT_EXPECT_EQ(test, x->fl.calls, ARRAY_SIZE(errs));
	KUNIT_EXPECT_EQ(test, x->ch->sent, 0);
	KUNIT_EXPECT_EQ(test, x->ch->forwarded, 0);
}

/* A destroyed lower (ENODEV) is a broken link: EPIPE. */
static void relq_fwd_t_fwd_5_enodev_is_epipe(struct kunit *test)
{
	struct relq_fwd_ctx *x = test->priv;
	struct iov_iter iter;
	char buf[64];

	x->fl.fail = -ENODEV;
	KUNIT_EXPECT_EQ(test, relq_fwd(x, 10, 0, &iter, buf), -EPIPE);
	KUNIT_EXPECT_EQ(test, iov_iter_count(&iter), 10);
}

/* The upper's own limit holds before anything goes down; so does DEAD. */
static void relq_fwd_t_fwd_5_upper_checks(struct kunit *test)
{
	struct relq_fwd_ctx *x = test->priv;
	struct iov_iter iter;
	char buf[65];

	KUNIT_EXPECT_EQ(test, relq_fwd(x, 65, 0, &iter, buf), -EMSGSIZE);
	KUNIT_EXPECT_EQ(test, relq_fwd(x, 0, 0, &iter, buf), 0);
	x->ch->state = RELQ_DEAD;
	KUNIT_EXPECT_EQ(test, relq_fwd(x, 8, 0, &iter, buf), -ENODEV);
	KUNIT_EXPECT_EQ(test, x->fl.calls, 0);
}

static struct kunit_case relq_fwd_cases[] = {
	KUNIT_CASE(relq_fwd_t_fwd_5_accepted),
	KUNIT_CASE(relq_fwd_t_fwd_5_lower_error),
	KUNIT_CASE(relq_fwd_t_fwd_5_enodev_is_epipe),
	KUNIT_CASE(relq_fwd_t_fwd_5_upper_checks),
	{}
};

static struct kunit_suite relq_fwd_suite = {
	.name = "relq_forward",
	.init = relq_fwd_init,
	.exit = relq_fwd_exit,
	.test_cases = relq_fwd_cases,
};

kunit_test_suite(relq_fwd_suite);
