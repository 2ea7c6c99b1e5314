// SPDX-License-Identifier: GPL-2.0
/*
 * kselftests for what a channel says about itself: the INFO ioctl's
 * size-first protocol and the read-only status page mapped with mmap().
 *
 * Each test gets a fresh channel (relq_channel.h's fixture). Run as root
 * with relq.ko loaded; without the module or without root, every test
 * is skipped.
 */
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "kselftest_harness.h"
#include "relq_test.h"
#include "relq_channel.h"

/*
 * T-BUF-2: INFO is size-first: below VER0 EINVAL, exactly VER0 writes
 * only VER0 bytes, a zero tail is accepted, a non-zero tail is E2BIG with
 * the kernel's size reported, above a page E2BIG; non-zero flags EINVAL.
 */
TEST_F(channel, t_buf_2_info_sizes)
{
	static const __u32 small[] = { 0, 1, 4, 8, RELQ_INFO_SIZE_VER0 - 1 };
	static const __u32 flags[] = { 1, 2, 0x80, 1U << 31 };
	size_t pg = relq_page_size();
	struct relq_info *info;
	unsigned char *buf;
	unsigned int i;

	buf = calloc(1, 2 * pg);
	ASSERT_TRUE(!!buf);
	info = (struct relq_info *)buf;
	ASSERT_EQ(20, relq_send(self->fd, 20, 2));

	for (i = 0; i < ARRAY_SIZE(small); i++) {
		relq_fill(buf, 2 * pg);
		info->size = small[i];
		info->flags = 0;
		EXPECT_EQ(EINVAL, relq_err(ioctl(self->fd, RELQ_IOC_INFO, info)))
			TH_LOG("size %u", small[i]);
	}

	/* Exactly VER0: the old fields, nothing after them. */
	relq_fill(buf, 2 * pg);
	info->size = RELQ_INFO_SIZE_VER0;
	info->flags = 0;
	ASSERT_EQ(0, relq_err(ioctl(self->fd, RELQ_IOC_INFO, info)));
	EXPECT_EQ(RELQ_INFO_SIZE_VER2, info->size);
	EXPECT_EQ(0, info->flags);
	EXPECT_EQ(self->id, info->id);
	EXPECT_EQ(RELQ_STATE_LIVE, info->state);
	EXPECT_EQ(RELQ_CH_CAPACITY, info->capacity);
	EXPECT_EQ(RELQ_CH_MAX_MSG, info->max_msg);
	EXPECT_EQ(1, info->depth);
	EXPECT_EQ(20, info->bytes);
	EXPECT_EQ(1, info->sent);
	EXPECT_EQ(0, info->received);
	EXPECT_TRUE(relq_is_fill(buf + RELQ_INFO_SIZE_VER0,
				 2 * pg - RELQ_INFO_SIZE_VER0))
		TH_LOG("INFO wrote past a VER0 caller's struct");

	/* Exactly VER1. */
	relq_fill(buf, 2 * pg);
	info->size = RELQ_INFO_SIZE_VER1;
	info->flags = 0;
	ASSERT_EQ(0, relq_err(ioctl(self->fd, RELQ_IOC_INFO, info)));
	EXPECT_EQ(RELQ_INFO_SIZE_VER2, info->size);
	EXPECT_EQ(20, info->next_size);
	EXPECT_EQ(0600, info->mode);
	EXPECT_EQ(0, strncmp(self->name, info->name, RELQ_NAME_LEN));
	EXPECT_TRUE(relq_name_padded(info->name));
	EXPECT_TRUE(relq_is_fill(buf + RELQ_INFO_SIZE_VER1,
				 2 * pg - RELQ_INFO_SIZE_VER1));

	/* Exactly VER2, the kernel's size: the link fields. */
	relq_fill(buf, 2 * pg);
	info->size = RELQ_INFO_SIZE_VER2;
	info->flags = 0;
	ASSERT_EQ(0, relq_err(ioctl(self->fd, RELQ_IOC_INFO, info)));
	EXPECT_EQ(RELQ_INFO_SIZE_VER2, info->size);
	EXPECT_EQ(sizeof(*info), info->size);
	EXPECT_EQ(0, info->link_flags);
	EXPECT_EQ(0, info->lower_id);
	EXPECT_EQ(0, info->forwarded);
	EXPECT_TRUE(relq_is_fill(buf + RELQ_INFO_SIZE_VER2,
				 2 * pg - RELQ_INFO_SIZE_VER2));

	/* Larger with a zero tail: accepted, the tail stays as it was. */
	relq_fill(buf, 2 * pg);
	memset(buf + RELQ_INFO_SIZE_VER2, 0, 128 - RELQ_INFO_SIZE_VER2);
	info->size = 128;
	info->flags = 0;
	EXPECT_EQ(0, relq_err(ioctl(self->fd, RELQ_IOC_INFO, info)));
	EXPECT_EQ(RELQ_INFO_SIZE_VER2, info->size);
	EXPECT_EQ(self->id, info->id);
	EXPECT_TRUE(relq_is_zero(buf + RELQ_INFO_SIZE_VER2,
				 128 - RELQ_INFO_SIZE_VER2));
	EXPECT_TRUE(relq_is_fill(buf + 128, 2 * pg - 128));

	relq_fill(buf, 2 * pg);
	memset(buf + RELQ_INFO_SIZE_VER2, 0, pg - RELQ_INFO_SIZE_VER2);
	info->size = pg;
	info->flags = 0;
	EXPECT_EQ(0, relq_err(ioctl(self->fd, RELQ_IOC_INFO, info)))
		TH_LOG("size = a page with a zero tail");
	EXPECT_EQ(RELQ_INFO_SIZE_VER2, info->size);
	EXPECT_TRUE(relq_is_fill(buf + pg, pg));

	/* A non-zero tail: E2BIG, the kernel's size, nothing else written. */
	for (i = RELQ_INFO_SIZE_VER2; i < 128; i += 31) {
		relq_fill(buf, 2 * pg);
		memset(buf + RELQ_INFO_SIZE_VER2, 0, 128 - RELQ_INFO_SIZE_VER2);
		buf[i] = 1;
		info->size = 128;
		info->flags = 0;
		EXPECT_EQ(E2BIG, relq_err(ioctl(self->fd, RELQ_IOC_INFO, info)))
			TH_LOG("non-zero byte %u", i);
		EXPECT_EQ(RELQ_INFO_SIZE_VER2, info->size);
		EXPECT_EQ(0, info->flags);
		EXPECT_TRUE(relq_is_fill(buf + 8, RELQ_INFO_SIZE_VER2 - 8))
			TH_LOG("a failed INFO wrote its fields");
	}
	relq_fill(buf, 2 * pg);
	memset(buf + RELQ_INFO_SIZE_VER2, 0, pg - RELQ_INFO_SIZE_VER2);
	buf[pg - 1] = 0x80;
	info->size = pg;
	info->flags = 0;
	EXPECT_EQ(E2BIG, relq_err(ioctl(self->fd, RELQ_IOC_INFO, info)));
	EXPECT_EQ(RELQ_INFO_SIZE_VER2, info->size);

	/* Above a page. */
	memset(buf, 0, 2 * pg);
	info->size = pg + 1;
	EXPECT_EQ(E2BIG, relq_err(ioctl(self->fd, RELQ_IOC_INFO, info)));
	info->size = 1U << 31;
	EXPECT_EQ(E2BIG, relq_err(ioctl(self->fd, RELQ_IOC_INFO, info)));
	info->size = UINT_MAX;
	EXPECT_EQ(E2BIG, relq_err(ioctl(self->fd, RELQ_IOC_INFO, info)));

	/* Flags. */
	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		memset(buf, 0, 2 * pg);
		info->size = RELQ_INFO_SIZE_VER1;
		info->flags = flags[i];
		EXPECT_EQ(EINVAL, relq_err(ioctl(self->fd, RELQ_IOC_INFO, info)))
			TH_LOG("flags %#x", flags[i]);
	}
	free(buf);
}

/*
 * T-MAP-1: one page at offset 0 maps read-only, shared or private; after
 * known traffic its counters equal INFO's, and a seqcount reader never
 * sees a torn snapshot during concurrent traffic.
 */
struct relq_pinger {
	int fd;
	long rounds;
	int stop;
	int err;
};

static void *relq_pinger_fn(void *arg)
{
	struct relq_pinger *p = arg;
	long long end = relq_now_ms() + 10000;
	unsigned char c = 0x11;

	/* A round counts once both its write and its read are done. */
	for (p->rounds = 0; p->rounds < 100000; ) {
		if (write(p->fd, &c, 1) != 1 || read(p->fd, &c, 1) != 1) {
			p->err = errno;
			break;
		}
		p->rounds++;
		if (!(p->rounds & 255) && relq_now_ms() > end)
			break;
	}
	__atomic_store_n(&p->stop, 1, __ATOMIC_RELEASE);
	return NULL;
}

TEST_F_TIMEOUT(channel, t_map_1_status_page_counters, 120)
{
	static const size_t lens[] = { 10, 20, 30, 40, 50 };
	size_t pg = relq_page_size();
	struct relq_status *sh, *pr, s1, s2, prev = { 0 };
	struct relq_pinger p = { .fd = self->fd };
	struct relq_info info;
	unsigned char buf[RELQ_CH_MAX_MSG];
	long snaps = 0, torn = 0;
	pthread_t t;
	unsigned int i;

	sh = mmap(NULL, pg, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_TRUE(sh != MAP_FAILED) TH_LOG("%s", strerror(errno));
	pr = mmap(NULL, pg, PROT_READ, MAP_PRIVATE, self->fd, 0);
	ASSERT_TRUE(pr != MAP_FAILED) TH_LOG("%s", strerror(errno));

	ASSERT_TRUE(relq_status_snapshot(sh, &s1));
	EXPECT_EQ(0, s1.seq & 1);
	EXPECT_EQ(RELQ_STATE_LIVE, s1.state);
	EXPECT_EQ(0, s1.sent);
	EXPECT_EQ(0, s1.received);
	EXPECT_EQ(0, s1.depth);
	EXPECT_EQ(0, s1.bytes);
	EXPECT_EQ(0, s1.reserved);

	for (i = 0; i < ARRAY_SIZE(lens); i++)
		ASSERT_EQ((ssize_t)lens[i], relq_send(self->fd, lens[i], i));
	for (i = 0; i < 2; i++)
		ASSERT_EQ((ssize_t)lens[i], read(self->fd, buf, sizeof(buf)));

	ASSERT_TRUE(relq_status_snapshot(sh, &s1));
	ASSERT_TRUE(relq_status_snapshot(pr, &s2));
	ASSERT_EQ(0, relq_info(self->fd, &info));
	EXPECT_EQ(5, s1.sent);
	EXPECT_EQ(2, s1.received);
	EXPECT_EQ(3, s1.depth);
	EXPECT_EQ(120, s1.bytes);
	EXPECT_EQ(info.sent, s1.sent);
	EXPECT_EQ(info.received, s1.received);
	EXPECT_EQ(info.depth, s1.depth);
	EXPECT_EQ(info.bytes, s1.bytes);
	EXPECT_EQ(info.state, s1.state);
	EXPECT_EQ(0, s1.reserved);
	EXPECT_EQ(s1.sent, s2.sent);
	EXPECT_EQ(s1.received, s2.received);
	EXPECT_EQ(s1.depth, s2.depth);
	EXPECT_EQ(s1.bytes, s2.bytes);

	for (i = 2; i < ARRAY_SIZE(lens); i++)
		ASSERT_EQ((ssize_t)lens[i], read(self->fd, buf, sizeof(buf)));

	/* Snapshots during 1-byte ping-pong traffic. */
	ASSERT_EQ(0, pthread_create(&t, NULL, relq_pinger_fn, &p));
	while (!__atomic_load_n(&p.stop, __ATOMIC_ACQUIRE)) {
		if (!relq_status_snapshot(sh, &s1)) {
			torn++;
			break;
		}
		snaps++;
		if (s1.received > s1.sent || s1.depth != s1.sent - s1.received ||
		    s1.depth > 1 || s1.bytes != s1.depth ||
		    s1.sent < prev.sent || s1.received < prev.received) {
			if (!torn++)
				TH_LOG("torn: sent %llu received %llu depth %u bytes %llu",
				       (unsigned long long)s1.sent,
				       (unsigned long long)s1.received,
				       s1.depth, (unsigned long long)s1.bytes);
		}
		prev = s1;
	}
	ASSERT_EQ(0, pthread_join(t, NULL));
	TH_LOG("%ld ping-pong rounds, %ld snapshots", p.rounds, snaps);
	EXPECT_EQ(0, p.err);
	EXPECT_EQ(0, torn);

	ASSERT_TRUE(relq_status_snapshot(sh, &s1));
	ASSERT_EQ(0, relq_info(self->fd, &info));
	EXPECT_EQ(info.sent, s1.sent);
	EXPECT_EQ(info.received, s1.received);
	EXPECT_EQ(5 + p.rounds, s1.sent);
	EXPECT_EQ(0, s1.depth);
	munmap(pr, pg);
	munmap(sh, pg);
}

/*
 * T-MAP-1 (first mapping): the status page is created by the first
 * mmap(), so it must start from the traffic that came before it, and
 * every later mapping, through any fd, must show the same page.
 */
TEST_F(channel, t_map_1_first_map_after_traffic)
{
	static const size_t lens[] = { 7, 70, 200 };
	size_t pg = relq_page_size();
	unsigned char buf[RELQ_CH_MAX_MSG];
	struct relq_status *a, *b, s1, s2;
	struct relq_info info;
	unsigned int i;
	int fd2;

	for (i = 0; i < ARRAY_SIZE(lens); i++)
		ASSERT_EQ((ssize_t)lens[i], relq_send(self->fd, lens[i], i));
	ASSERT_EQ((ssize_t)lens[0], read(self->fd, buf, sizeof(buf)));

	a = mmap(NULL, pg, PROT_READ, MAP_SHARED, self->fd, 0);
	ASSERT_TRUE(a != MAP_FAILED) TH_LOG("%s", strerror(errno));
	ASSERT_TRUE(relq_status_snapshot(a, &s1));
	ASSERT_EQ(0, relq_info(self->fd, &info));
	EXPECT_EQ(0, s1.seq & 1);
	EXPECT_NE(0, s1.seq);
	EXPECT_EQ(RELQ_STATE_LIVE, s1.state);
	EXPECT_EQ(3, s1.sent);
	EXPECT_EQ(1, s1.received);
	EXPECT_EQ(2, s1.depth);
	EXPECT_EQ(270, s1.bytes);
	EXPECT_EQ(info.sent, s1.sent);
	EXPECT_EQ(info.depth, s1.depth);

	/* A second fd maps the same page, which keeps following traffic. */
	fd2 = relq_open(self->name, O_RDONLY);
	ASSERT_LE(0, fd2);
	b = mmap(NULL, pg, PROT_READ, MAP_SHARED, fd2, 0);
	ASSERT_TRUE(b != MAP_FAILED) TH_LOG("%s", strerror(errno));
	ASSERT_EQ((ssize_t)lens[1], read(fd2, buf, sizeof(buf)));
	ASSERT_TRUE(relq_status_snapshot(a, &s1));
	ASSERT_TRUE(relq_status_snapshot(b, &s2));
	EXPECT_EQ(s1.seq, s2.seq);
	EXPECT_EQ(2, s1.received);
	EXPECT_EQ(1, s1.depth);
	EXPECT_EQ(200, s1.bytes);
	EXPECT_EQ(s1.received, s2.received);
	EXPECT_EQ(s1.bytes, s2.bytes);
	munmap(b, pg);
	close(fd2);
	munmap(a, pg);
}

/*
 * T-MAP-2: anything but one read-only page at offset 0 fails: other
 * lengths or offsets EINVAL, PROT_WRITE or PROT_EXEC EPERM; mprotect
 * cannot add write or exec (EACCES) and mremap cannot grow (EFAULT).
 */
TEST_F(channel, t_map_2_bad_mappings)
{
	static const int shared[] = { MAP_SHARED, MAP_PRIVATE };
	size_t pg = relq_page_size();
	unsigned long far = (ULONG_MAX >> __builtin_ctzl(pg)) - 1;
	unsigned int i;
	void *p, *q;

	for (i = 0; i < ARRAY_SIZE(shared); i++) {
		int m = shared[i];

		EXPECT_EQ(EINVAL, relq_mmap_err(mmap(NULL, 2 * pg, PROT_READ, m,
						     self->fd, 0), 2 * pg));
		EXPECT_EQ(EINVAL, relq_mmap_err(mmap(NULL, pg, PROT_READ, m,
						     self->fd, pg), pg));
		EXPECT_EQ(EINVAL, relq_mmap_err(mmap64(NULL, pg, PROT_READ, m,
						       self->fd, (off64_t)((__u64)far * pg)),
						pg))
			TH_LOG("pgoff %#lx", far);
		EXPECT_EQ(EPERM, relq_mmap_err(mmap(NULL, pg, PROT_READ | PROT_WRITE,
						    m, self->fd, 0), pg));
		EXPECT_EQ(EPERM, relq_mmap_err(mmap(NULL, pg, PROT_WRITE, m,
						    self->fd, 0), pg));
		EXPECT_EQ(EPERM, relq_mmap_err(mmap(NULL, pg, PROT_READ | PROT_EXEC,
						    m, self->fd, 0), pg));

		p = mmap(NULL, pg, PROT_READ, m, self->fd, 0);
		ASSERT_TRUE(p != MAP_FAILED);
		EXPECT_EQ(EACCES, relq_err(mprotect(p, pg, PROT_READ | PROT_WRITE)));
		EXPECT_EQ(EACCES, relq_err(mprotect(p, pg, PROT_READ | PROT_EXEC)));
		q = mremap(p, pg, 2 * pg, MREMAP_MAYMOVE);
		EXPECT_TRUE(q == MAP_FAILED);
		if (q == MAP_FAILED) {
			EXPECT_EQ(EFAULT, errno);
			q = p;
		}
		/* The mapping is still the status page and still readable. */
		EXPECT_EQ(0, ((struct relq_status *)q)->sent);
		munmap(q, q == p ? pg : 2 * pg);
	}
}

/*
 * T-MAP-3: an fd without read access cannot map the page (EACCES from
 * the VFS); the control node has no mmap (ENODEV).
 */
TEST_F(channel, t_map_3_wronly_and_control)
{
	size_t pg = relq_page_size();
	int wo;

	wo = relq_open(self->name, O_WRONLY);
	ASSERT_LE(0, wo);
	EXPECT_EQ(EACCES, relq_mmap_err(mmap(NULL, pg, PROT_READ, MAP_SHARED,
					     wo, 0), pg));
	EXPECT_EQ(EACCES, relq_mmap_err(mmap(NULL, pg, PROT_READ, MAP_PRIVATE,
					     wo, 0), pg));
	EXPECT_EQ(ENODEV, relq_mmap_err(mmap(NULL, pg, PROT_READ, MAP_SHARED,
					     self->ctl, 0), pg));
	close(wo);
}

#include "relq_last_test.h"

TEST_HARNESS_MAIN
