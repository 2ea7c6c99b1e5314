// SPDX-License-Identifier: GPL-2.0
/*
 * relq stress with invariants (T-MP-1, T-SYNC-4): writers on several
 * channels send messages carrying their writer id, a sequence number and
 * a checksum, while readers check that per writer nothing is lost,
 * duplicated, reordered or corrupted, and churn threads create, destroy,
 * open, close, poll, LINK and UNLINK other channels at the same time.
 *
 * Bounded in time: RELQ_STRESS_SECONDS (default 20) or RELQ_STRESS_MSGS
 * messages (default 10^6), whichever comes first. Replay with RELQ_SEED.
 */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "relq_test.h"

#define RELQ_SX_MAX_CHANNELS	2
#define RELQ_SX_MAX_WRITERS	8
#define RELQ_SX_MAX_READERS	4
#define RELQ_SX_MAX_CHURNERS	2
#define RELQ_SX_MAX_MSG		256
#define RELQ_SX_MAX_SEQ		4194304U	/* sequence numbers per writer */
#define RELQ_SX_STOP		0xffffffffU	/* writer id of a reader's stop message */

/* Every message starts with this header; the payload follows. */
struct relq_sx_hdr {
	__u32 writer;
	__u32 seq;
	__u32 len;
	__u32 sum;
};

struct relq_sx;

struct relq_sx_thread {
	struct relq_sx *sx;
	int id;
	int fd;
	unsigned int rng;
	unsigned long long count;
};

/*
 * Shared with a forked writer (MAP_SHARED), so its progress counts too.
 * The per-writer "seen" maps live in the parent only: readers are threads.
 */
struct relq_sx {
	char names[RELQ_SX_MAX_CHANNELS][RELQ_NAME_LEN];
	int channels, writers, readers, churners;
	int ctl;
	int stop;			/* writers stop */
	long long deadline;
	unsigned long long target;
	unsigned long long sent_total;
	__u32 next_seq[RELQ_SX_MAX_WRITERS];	/* per writer: sent so far */
	unsigned char *seen[RELQ_SX_MAX_WRITERS];	/* one byte per seq */
	__u32 last_seq[RELQ_SX_MAX_READERS][RELQ_SX_MAX_WRITERS];
	unsigned long long lost, dup, reorder, corrupt, bad_errno;
	int last_bad;			/* the errno of the last bad result */
};

static __u32 relq_sx_sum(const unsigned char *p, size_t len, __u32 seed)
{
	__u32 h = seed * 2654435761U;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619U;
	return h;
}

static void *relq_sx_writer(void *arg)
{
	struct relq_sx_thread *t = arg;
	struct relq_sx *sx = t->sx;
	unsigned char buf[RELQ_SX_MAX_MSG];
	struct relq_sx_hdr *h = (struct relq_sx_hdr *)buf;
	__u32 seq = 0;
	size_t len;

	while (!__atomic_load_n(&sx->stop, __ATOMIC_ACQUIRE) && seq < RELQ_SX_MAX_SEQ) {
		len = sizeof(*h) + relq_rand(&t->rng) % (RELQ_SX_MAX_MSG - sizeof(*h) + 1);
		relq_fill_pattern(buf + sizeof(*h), len - sizeof(*h), seq ^ t->id);
		h->writer = t->id;
		h->seq = seq;
		h->len = len;
		h->sum = relq_sx_sum(buf + sizeof(*h), len - sizeof(*h), seq);
		if (write(t->fd, buf, len) != (ssize_t)len) {
			if (errno != EINTR)
				__atomic_add_fetch(&sx->bad_errno, 1, __ATOMIC_RELAXED);
			break;
		}
		seq++;
		__atomic_store_n(&sx->next_seq[t->id], seq, __ATOMIC_RELEASE);
		if (__atomic_add_fetch(&sx->sent_total, 1, __ATOMIC_RELAXED) >= sx->target ||
		    (!(seq & 255) && relq_now_ms() > sx->deadline))
			__atomic_store_n(&sx->stop, 1, __ATOMIC_RELEASE);
	}
	t->count = seq;
	return NULL;
}

/* A reader's stop message: queued after all data, so nothing is missed. */
static int relq_sx_send_stop(int fd)
{
	struct relq_sx_hdr h = { .writer = RELQ_SX_STOP, .len = sizeof(h) };

	return write(fd, &h, sizeof(h)) == sizeof(h) ? 0 : errno;
}

static void relq_sx_check(struct relq_sx_thread *t, const unsigned char *buf,
			  ssize_t n)
{
	struct relq_sx *sx = t->sx;
	const struct relq_sx_hdr *h = (const void *)buf;
	__u32 *last;

	if (n < (ssize_t)sizeof(*h) || h->writer >= (__u32)sx->writers || h->len != n ||
	    h->seq >= RELQ_SX_MAX_SEQ ||
	    h->sum != relq_sx_sum(buf + sizeof(*h), n - sizeof(*h), h->seq) ||
	    !relq_check_pattern(buf + sizeof(*h), n - sizeof(*h), h->seq ^ h->writer)) {
		__atomic_add_fetch(&sx->corrupt, 1, __ATOMIC_RELAXED);
		return;
	}
	/* Reads are served one at a time, in order: each reader sees every
	 * writer's sequence numbers rising.
	 */
	last = &sx->last_seq[t->id][h->writer];
	if (h->seq + 1 <= *last)
		__atomic_add_fetch(&sx->reorder, 1, __ATOMIC_RELAXED);
	*last = h->seq + 1;
	if (__atomic_exchange_n(&sx->seen[h->writer][h->seq], 1, __ATOMIC_RELAXED))
		__atomic_add_fetch(&sx->dup, 1, __ATOMIC_RELAXED);
	t->count++;
}

static void *relq_sx_reader(void *arg)
{
	struct relq_sx_thread *t = arg;
	struct relq_sx *sx = t->sx;
	unsigned char buf[RELQ_SX_MAX_MSG];
	const struct relq_sx_hdr *h = (const void *)buf;
	ssize_t n;

	for (;;) {
		n = read(t->fd, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			__atomic_add_fetch(&sx->bad_errno, 1, __ATOMIC_RELAXED);
			return NULL;
		}
		if (n == sizeof(*h) && h->writer == RELQ_SX_STOP)
			return NULL;
		relq_sx_check(t, buf, n);
	}
}

/* A churn step got a result outside its documented set. */
static void relq_sx_bad(struct relq_sx *sx, int err)
{
	__atomic_add_fetch(&sx->bad_errno, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&sx->last_bad, err, __ATOMIC_RELAXED);
}

/*
 * Churn: other channels come and go, are opened, polled, linked, written
 * through while their lower and then themselves are destroyed; the
 * traffic channels get INFO, DRAIN and UNLINK on fresh fds meanwhile.
 */
static void *relq_sx_churner(void *arg)
{
	struct relq_sx_thread *t = arg;
	struct relq_sx *sx = t->sx;
	char a[RELQ_NAME_LEN], b[RELQ_NAME_LEN];
	struct relq_info info;
	struct pollfd pfd;
	int fa, fb, tf, err;
	char buf[8];

	snprintf(a, sizeof(a), "sx-%d-%d-a", (int)getpid(), t->id);
	snprintf(b, sizeof(b), "sx-%d-%d-b", (int)getpid(), t->id);
	while (!__atomic_load_n(&sx->stop, __ATOMIC_ACQUIRE)) {
		if (relq_create(sx->ctl, a, 4096, 64, NULL) ||
		    relq_create(sx->ctl, b, 4096, 64, NULL)) {
			__atomic_add_fetch(&sx->bad_errno, 1, __ATOMIC_RELAXED);
			break;
		}
		fa = relq_open(a, O_RDWR | O_NONBLOCK);
		fb = relq_open(b, O_RDWR | O_NONBLOCK);
		if (fa < 0 || fb < 0) {
			__atomic_add_fetch(&sx->bad_errno, 1, __ATOMIC_RELAXED);
			break;
		}
		err = relq_link(fa, fb);
		if (err && err != EBUSY)
			__atomic_add_fetch(&sx->bad_errno, 1, __ATOMIC_RELAXED);
		if (write(fa, "x", 1) != 1)
			__atomic_add_fetch(&sx->bad_errno, 1, __ATOMIC_RELAXED);
		/* Linked, a forwards: the message is queued in b. */
		pfd = (struct pollfd){ .fd = err ? fa : fb, .events = POLLIN | POLLOUT };
		if (poll(&pfd, 1, 0) != 1 || !(pfd.revents & POLLIN))
			__atomic_add_fetch(&sx->bad_errno, 1, __ATOMIC_RELAXED);
		/* Destroy the lower while linked: the upper's writes get EPIPE. */
		if (relq_destroy(sx->ctl, b))
			relq_sx_bad(sx, EIO);
		if (!err && (write(fa, "y", 1) != -1 || errno != EPIPE))
			relq_sx_bad(sx, errno);
		if (read(fb, buf, sizeof(buf)) != -1 || errno != ENODEV)
			relq_sx_bad(sx, errno);
		if (relq_info(fb, &info) != ENODEV ||
		    relq_err(ioctl(fb, RELQ_IOC_DRAIN, 0)) != ENODEV)
			relq_sx_bad(sx, EIO);
		/* Then the upper, fds still open: ENODEV for everything. */
		if (relq_destroy(sx->ctl, a))
			relq_sx_bad(sx, EIO);
		if (write(fa, "z", 1) != -1 || errno != ENODEV)
			relq_sx_bad(sx, errno);
		if (relq_unlink(fa) != ENODEV)
			relq_sx_bad(sx, EIO);
		pfd = (struct pollfd){ .fd = fb, .events = POLLIN };
		if (poll(&pfd, 1, 0) != 1 || !(pfd.revents & POLLHUP))
			relq_sx_bad(sx, EIO);
		close(fa);
		close(fb);
		/*
		 * The traffic channels, mid-traffic, on a fresh fd: INFO works,
		 * a non-blocking DRAIN is 0 or EAGAIN, UNLINK (never linked)
		 * ENOENT; the traffic's own invariants must not notice.
		 */
		tf = relq_open(sx->names[t->count % sx->channels], O_RDWR | O_NONBLOCK);
		if (tf < 0) {
			relq_sx_bad(sx, errno);
		} else {
			err = relq_err(ioctl(tf, RELQ_IOC_DRAIN, 0));
			if (relq_info(tf, &info) || (err && err != EAGAIN) ||
			    relq_unlink(tf) != ENOENT)
				relq_sx_bad(sx, EIO);
			close(tf);
		}
		t->count++;
	}
	return NULL;
}

static int relq_env_int(const char *name, int def)
{
	const char *v = getenv(name);

	return v ? atoi(v) : def;
}

FIXTURE(stress) {
	struct relq_sx *sx;
};

FIXTURE_SETUP(stress)
{
	self->sx = mmap(NULL, sizeof(*self->sx), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(self->sx != MAP_FAILED);
	self->sx->ctl = -1;
	if (access(RELQ_CONTROL_PATH, F_OK))
		SKIP(return, "%s: %s (is relq.ko loaded?)", RELQ_CONTROL_PATH,
		     strerror(errno));
	if (geteuid())
		SKIP(return, "relq's stress test needs root");
	self->sx->ctl = open(RELQ_CONTROL_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->sx->ctl);
}

FIXTURE_TEARDOWN(stress)
{
	struct relq_sx *sx = self->sx;
	int i;

	for (i = 0; i < RELQ_SX_MAX_WRITERS; i++)
		free(sx->seen[i]);
	if (sx->ctl >= 0) {
		for (i = 0; i < sx->channels; i++)
			relq_destroy(sx->ctl, sx->names[i]);
		close(sx->ctl);
	}
	munmap(sx, sizeof(*sx));
}

/*
 * Run traffic: writer i sends on channel i % channels, reader j reads
 * channel j % channels; @shared_fd gives every thread (and a forked child
 * writer, the last writer id) one O_RDWR fd per channel. Returns the
 * number of messages received.
 */
static unsigned long long relq_sx_run(struct __test_metadata *_metadata,
				      struct relq_sx *sx, bool shared_fd,
				      bool child_writer)
{
	struct relq_sx_thread w[RELQ_SX_MAX_WRITERS], r[RELQ_SX_MAX_READERS];
	struct relq_sx_thread c[RELQ_SX_MAX_CHURNERS];
	pthread_t wt[RELQ_SX_MAX_WRITERS], rt[RELQ_SX_MAX_READERS];
	pthread_t ct[RELQ_SX_MAX_CHURNERS];
	int shared[RELQ_SX_MAX_CHANNELS], i, status, threads;
	unsigned long long received = 0, churn = 0;
	unsigned int seed = relq_test_seed();
	long long start = relq_now_ms();
	pid_t child = -1;
	__u32 seq;

	sx->deadline = start + 1000LL * relq_env_int("RELQ_STRESS_SECONDS", 20);
	sx->target = relq_env_int("RELQ_STRESS_MSGS", 1000000);
	TH_LOG("RELQ_SEED=%u, up to %llu messages or %d s", seed, sx->target,
	       relq_env_int("RELQ_STRESS_SECONDS", 20));
	for (i = 0; i < sx->channels; i++) {
		relq_unique_name(sx->names[i], "sx");
		ASSERT_EQ(0, relq_create(sx->ctl, sx->names[i], 65536, RELQ_SX_MAX_MSG, NULL));
		shared[i] = relq_open(sx->names[i], O_RDWR);
		ASSERT_LE(0, shared[i]);
	}
	for (i = 0; i < sx->writers; i++) {
		sx->seen[i] = calloc(RELQ_SX_MAX_SEQ, 1);
		ASSERT_TRUE(!!sx->seen[i]);
	}
	for (i = 0; i < sx->readers; i++) {
		r[i] = (struct relq_sx_thread){ .sx = sx, .id = i };
		r[i].fd = shared_fd ? shared[i % sx->channels] :
			  relq_open(sx->names[i % sx->channels], O_RDONLY);
		ASSERT_LE(0, r[i].fd);
		ASSERT_EQ(0, pthread_create(&rt[i], NULL, relq_sx_reader, &r[i]));
	}
	threads = child_writer ? sx->writers - 1 : sx->writers;
	for (i = 0; i < sx->writers; i++) {
		w[i] = (struct relq_sx_thread){ .sx = sx, .id = i, .rng = seed + i + 1 };
		w[i].fd = shared_fd ? shared[i % sx->channels] :
			  relq_open(sx->names[i % sx->channels], O_WRONLY);
		ASSERT_LE(0, w[i].fd);
		if (i < threads) {
			ASSERT_EQ(0, pthread_create(&wt[i], NULL, relq_sx_writer, &w[i]));
			continue;
		}
		/* The forked writer shares the parent's struct file. */
		child = fork();
		ASSERT_LE(0, child);
		if (!child) {
			relq_sx_writer(&w[i]);
			_exit(0);
		}
	}
	for (i = 0; i < sx->churners; i++) {
		c[i] = (struct relq_sx_thread){ .sx = sx, .id = i };
		ASSERT_EQ(0, pthread_create(&ct[i], NULL, relq_sx_churner, &c[i]));
	}

	for (i = 0; i < threads; i++)
		ASSERT_EQ(0, pthread_join(wt[i], NULL));
	if (child > 0) {
		ASSERT_EQ(child, waitpid(child, &status, 0));
		ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	}
	for (i = 0; i < sx->churners; i++) {
		ASSERT_EQ(0, pthread_join(ct[i], NULL));
		churn += c[i].count;
	}
	/* One stop message per reader, queued behind all the data. */
	for (i = 0; i < sx->readers; i++)
		ASSERT_EQ(0, relq_sx_send_stop(shared[i % sx->channels]));
	for (i = 0; i < sx->readers; i++) {
		ASSERT_EQ(0, pthread_join(rt[i], NULL));
		received += r[i].count;
		if (!shared_fd)
			close(r[i].fd);
	}
	for (i = 0; i < sx->writers; i++) {
		if (!shared_fd)
			close(w[i].fd);
		/* No loss: every sequence number a writer sent was seen. */
		for (seq = 0; seq < sx->next_seq[i]; seq++)
			if (!sx->seen[i][seq])
				sx->lost++;
	}
	for (i = 0; i < sx->channels; i++)
		close(shared[i]);

	TH_LOG("%llu messages sent, %llu received, %llu churn rounds in %lld ms",
	       sx->sent_total, received, churn, relq_now_ms() - start);
	EXPECT_EQ(sx->sent_total, received);
	EXPECT_EQ(0, sx->lost);
	EXPECT_EQ(0, sx->dup);
	EXPECT_EQ(0, sx->reorder);
	EXPECT_EQ(0, sx->corrupt);
	EXPECT_EQ(0, sx->bad_errno) TH_LOG("last: %s", strerror(sx->last_bad));
	EXPECT_LT(1000, received) TH_LOG("the stress run moved almost nothing");
	if (sx->churners)
		EXPECT_LT(0, churn);
	return received;
}

/*
 * T-MP-1: 6 writer threads, 2 reader threads and a forked writer, all on
 * one channel fd (one struct file): per writer no loss, duplicate,
 * reorder or corruption.
 */
TEST_F_TIMEOUT(stress, t_mp_1_one_fd_threads_and_child, 600)
{
	self->sx->channels = 1;
	self->sx->writers = 7;
	self->sx->readers = 2;
	relq_sx_run(_metadata, self->sx, true, true);
}

/*
 * T-MP-2: the same invariants on two channels, each thread with its own
 * fd, while churn threads create, destroy, open, close, poll, LINK and
 * UNLINK other channels (whose writes then give EPIPE and ENODEV, and
 * nothing else), and issue INFO, DRAIN and UNLINK on the traffic channels.
 */
TEST_F_TIMEOUT(stress, t_mp_2_churn_and_link, 600)
{
	self->sx->channels = 2;
	self->sx->writers = 4;
	self->sx->readers = 2;
	self->sx->churners = 2;
	relq_sx_run(_metadata, self->sx, false, false);
}

/* T-SYNC-4's shared state: two fd slots the opener thread replaces. */
struct relq_s4 {
	char names[2][RELQ_NAME_LEN];
	int fds[2];		/* __atomic */
	int stop;		/* __atomic */
	unsigned long calls[7], bad;
	int bad_op, bad_err;
};

static const char *const relq_s4_ops[7] = {
	"read", "write", "INFO", "poll", "DRAIN", "LINK", "UNLINK",
};

/* Whether @err is a documented result of op @op in this test. */
static bool relq_s4_documented(int op, int err)
{
	if (!err || err == EBADF)
		return true;
	switch (op) {
	case 0:		/* read, non-blocking */
	case 1:		/* write, non-blocking, maybe forwarded */
		return err == EAGAIN;
	case 4:		/* DRAIN, non-blocking, maybe another DRAIN */
		return err == EAGAIN || err == EBUSY;
	case 5:		/* LINK: already linked, or the other way round */
		return err == EBUSY || err == ELOOP;
	case 6:		/* UNLINK of an unlinked channel */
		return err == ENOENT;
	default:
		return false;
	}
}

static void *relq_s4_caller(void *arg)
{
	struct relq_s4 *s = arg;
	unsigned int rng = (unsigned int)(uintptr_t)&rng ^ relq_test_seed();
	struct relq_info info;
	struct pollfd pfd;
	unsigned char buf[64];
	int op, fd, other, err;
	ssize_t n;

	while (!__atomic_load_n(&s->stop, __ATOMIC_RELAXED)) {
		op = relq_rand(&rng) % 7;
		fd = __atomic_load_n(&s->fds[relq_rand(&rng) & 1], __ATOMIC_RELAXED);
		other = __atomic_load_n(&s->fds[relq_rand(&rng) & 1], __ATOMIC_RELAXED);
		switch (op) {
		case 0:
			n = read(fd, buf, sizeof(buf));
			err = n < 0 ? errno : 0;
			break;
		case 1:
			n = write(fd, buf, 1 + relq_rand(&rng) % 32);
			err = n < 0 ? errno : 0;
			break;
		case 2:
			err = relq_info(fd, &info);
			break;
		case 3:
			pfd = (struct pollfd){ .fd = fd, .events = POLLIN | POLLOUT };
			err = poll(&pfd, 1, 0) < 0 ? errno : 0;
			break;
		case 4:
			err = relq_err(ioctl(fd, RELQ_IOC_DRAIN, 0));
			break;
		case 5:
			err = relq_link(fd, other);
			break;
		default:
			err = relq_unlink(fd);
			break;
		}
		__atomic_add_fetch(&s->calls[op], 1, __ATOMIC_RELAXED);
		if (!relq_s4_documented(op, err)) {
			__atomic_add_fetch(&s->bad, 1, __ATOMIC_RELAXED);
			s->bad_op = op;
			s->bad_err = err;
		}
	}
	return NULL;
}

/*
 * T-SYNC-4: 8 threads issue read, write, INFO, poll, DRAIN, LINK and
 * UNLINK at random on the fds of 2 channels, all O_NONBLOCK, while
 * another thread closes and reopens those fds, for a bounded time (3 s,
 * or RELQ_STRESS_SECONDS if lower): every call returns a documented
 * result: success, EBADF (the fd was being replaced), or the call's own
 * EAGAIN, EBUSY, ELOOP or ENOENT. lockdep (debug) and KCSAN (kcsan) watch
 * the kernel side.
 */
TEST_F_TIMEOUT(stress, t_sync_4_mixed_calls_while_reopening, 300)
{
	struct relq_s4 *s = calloc(1, sizeof(*s));
	int secs = relq_env_int("RELQ_STRESS_SECONDS", 3), i, k, fd, old;
	pthread_t t[8];
	long long end;
	unsigned long reopens = 0;

	ASSERT_NE(NULL, s);
	for (k = 0; k < 2; k++) {
		relq_unique_name(s->names[k], "s4");
		ASSERT_EQ(0, relq_create(self->sx->ctl, s->names[k], 4096, 64, NULL));
		s->fds[k] = relq_open(s->names[k], O_RDWR | O_NONBLOCK);
		ASSERT_LE(0, s->fds[k]);
	}
	for (i = 0; i < 8; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, relq_s4_caller, s));
	end = relq_now_ms() + 1000LL * (secs < 3 ? secs : 3);
	for (i = 0; relq_now_ms() < end; i++) {
		k = i & 1;
		fd = relq_open(s->names[k], O_RDWR | O_NONBLOCK);
		ASSERT_LE(0, fd);
		old = __atomic_exchange_n(&s->fds[k], fd, __ATOMIC_RELAXED);
		close(old);
		reopens++;
		usleep(1000);
	}
	__atomic_store_n(&s->stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	for (k = 0; k < 2; k++) {
		relq_unlink(s->fds[k]);
		close(s->fds[k]);
		EXPECT_EQ(0, relq_destroy(self->sx->ctl, s->names[k]));
	}
	TH_LOG("%lu reopens; calls: read %lu, write %lu, INFO %lu, poll %lu",
	       reopens, s->calls[0], s->calls[1], s->calls[2], s->calls[3]);
	TH_LOG("DRAIN %lu, LINK %lu, UNLINK %lu", s->calls[4], s->calls[5], s->calls[6]);
	EXPECT_EQ(0, s->bad) TH_LOG("%s gave %s", relq_s4_ops[s->bad_op],
				    strerror(s->bad_err));
	for (i = 0; i < 7; i++) {
		const char *what = relq_s4_ops[i] ?: "?";

		EXPECT_LT(0, s->calls[i]) TH_LOG("%s never ran", what);
	}
	free(s);
}

/* T-OPEN-4's shared state: two openers on one node path, round by round. */
struct relq_o4 {
	char path[128];
	unsigned int round;	/* __atomic: the current round, ~0U to stop */
	unsigned int done[2];	/* __atomic: the round each opener finished */
	unsigned long opened, enxio, enodev, bad;
	int bad_err;
};

struct relq_o4_arg {
	struct relq_o4 *o;
	int id;
};

static void *relq_o4_opener(void *arg)
{
	struct relq_o4_arg *a = arg;
	struct relq_o4 *o = a->o;
	unsigned int r;
	char buf[8];
	ssize_t n;
	int fd;

	for (;;) {
		r = __atomic_load_n(&o->round, __ATOMIC_ACQUIRE);
		if (r == ~0U)
			return NULL;
		if (__atomic_load_n(&o->done[a->id], __ATOMIC_RELAXED) == r) {
			sched_yield();
			continue;
		}
		fd = open(o->path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
		if (fd >= 0) {
			__atomic_add_fetch(&o->opened, 1, __ATOMIC_RELAXED);
			/* Live: empty, EAGAIN; destroyed since: ENODEV. */
			n = read(fd, buf, sizeof(buf));
			if (n < 0 && errno == ENODEV)
				__atomic_add_fetch(&o->enodev, 1, __ATOMIC_RELAXED);
			else if (n >= 0 || errno != EAGAIN)
				__atomic_add_fetch(&o->bad, 1, __ATOMIC_RELAXED);
			close(fd);
		} else if (errno == ENXIO) {
			/* The channel is gone: this round is over for us. */
			__atomic_add_fetch(&o->enxio, 1, __ATOMIC_RELAXED);
			__atomic_store_n(&o->done[a->id], r, __ATOMIC_RELEASE);
		} else if (errno != ENOENT) {
			/* ENOENT: the node is being made for the next round. */
			__atomic_add_fetch(&o->bad, 1, __ATOMIC_RELAXED);
			o->bad_err = errno;
		}
	}
}

/*
 * T-OPEN-4: two threads open a channel through a node of its device
 * number (a node of the test's own, which outlives the channel) while the
 * main thread DESTROYs it, round after round (RELQ_OPEN4_ROUNDS, default
 * 10^4; make check gives 500): every open either succeeds, and the file
 * then reads EAGAIN or, once destroyed, ENODEV, or fails with ENXIO; no
 * other result; the open-file and channel counters return to baseline.
 */
TEST_F_TIMEOUT(stress, t_open_4_opens_race_destroy, 900)
{
	const char *env = getenv("RELQ_OPEN4_ROUNDS");
	unsigned int rounds = env && atoi(env) > 0 ? atoi(env) : 10000, r;
	struct relq_o4_arg args[2];
	struct relq_nodes nd = { 0 };
	char name[RELQ_NAME_LEN], node[96];
	struct relq_counters before, after;
	struct relq_o4 *o;
	pthread_t t[2];
	struct stat st;
	int i, cerr;

	o = calloc(1, sizeof(*o));
	ASSERT_NE(NULL, o);
	cerr = relq_counters_read(&before);
	ASSERT_EQ(0, relq_nodes_dir(&nd));
	snprintf(o->path, sizeof(o->path), "%s/o4", nd.dir);
	for (i = 0; i < 2; i++) {
		args[i] = (struct relq_o4_arg){ .o = o, .id = i };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, relq_o4_opener, &args[i]));
	}
	for (r = 1; r <= rounds; r++) {
		relq_unique_name(name, "o4");
		ASSERT_EQ(0, relq_create(self->sx->ctl, name, 4096, 64, NULL));
		relq_channel_path(node, sizeof(node), name);
		ASSERT_EQ(0, stat(node, &st));
		unlink(o->path);
		ASSERT_EQ(0, mknod(o->path, S_IFCHR | 0600, st.st_rdev));
		__atomic_store_n(&o->round, r, __ATOMIC_RELEASE);
		if (r & 1)
			sched_yield();
		ASSERT_EQ(0, relq_destroy(self->sx->ctl, name));
		while (__atomic_load_n(&o->done[0], __ATOMIC_ACQUIRE) != r ||
		       __atomic_load_n(&o->done[1], __ATOMIC_ACQUIRE) != r)
			sched_yield();
	}
	__atomic_store_n(&o->round, ~0U, __ATOMIC_RELEASE);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	unlink(o->path);
	relq_nodes_remove(&nd);
	TH_LOG("%u rounds: %lu opens succeeded (%lu then read ENODEV), %lu ENXIO",
	       rounds, o->opened, o->enodev, o->enxio);
	EXPECT_EQ(0, o->bad) TH_LOG("an open gave %s", strerror(o->bad_err));
	EXPECT_EQ(2 * rounds, o->enxio);
	if (!cerr) {
		ASSERT_EQ(0, relq_counters_read(&after));
		EXPECT_EQ(before.open_files, after.open_files);
		EXPECT_EQ(before.live_channels, after.live_channels);
	}
	free(o);
	if (cerr)
		SKIP(return, "%s: the counter check could not run", RELQ_COUNTERS_PATH);
}

#include "relq_last_test.h"

TEST_HARNESS_MAIN
